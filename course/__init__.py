"""Instructor-side package of the course: the hidden reference, the grading helpers and
the build of the student versions. Never shipped to students."""
