"""Building the students' versions: ``assignment`` (the kit copied into source/, nbgrader's
generate_assignment) and ``release_check`` (what release/ must and must not contain)."""
