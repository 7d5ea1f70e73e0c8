"""nbgrader settings of the course run on one machine (scripts/lab.sh): the exchange is the
git-ignored folder exchange/ of the repository, so the Assignment List, «Submit» and
``nbgrader collect`` work without a JupyterHub."""

import os

c = get_config()  # noqa: F821 (provided by traitlets)

c.CourseDirectory.course_id = "gd-optimizers"
c.Exchange.root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                               "..", "..", "exchange"))
