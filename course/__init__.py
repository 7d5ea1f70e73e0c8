"""Instructor-side package of the course: the hidden reference, the judge, the grading
pipeline and the build of the student versions. None of it is shipped to students, except
two parts built for them: the students' kit (``course/student/optkit``, the canonical copy
that the build puts into each lesson) and the kernel half of the hidden checks
(``course/client``, sent to the kernel as source text while grading)."""
