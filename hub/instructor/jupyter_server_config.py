"""The instructor's server on the course's JupyterHub: formgrader works on the course directory,
a clone of the repository in the instructor's home folder (COURSE_ROOT if set), and reads the
course's own nbgrader_config.py from there (Russian stubs, feedback without hidden tests).

Set here, in the server's configuration, the root reaches formgrader only. In an
nbgrader_config.py it would also redirect every nbgrader command of the instructor's terminal,
and the temporary course copies of ``python -m course autograde`` with them."""

import os

c = get_config()  # noqa: F821 (provided by traitlets)

c.CourseDirectory.root = os.environ.get("COURSE_ROOT", os.path.expanduser("~/gd-optimizers"))
