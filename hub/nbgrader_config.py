"""nbgrader settings of every user's server on the course's JupyterHub (hub/jupyterhub_config.py):
the course and nbgrader's exchange, shared by all the users of the machine."""

import os

c = get_config()  # noqa: F821 (provided by traitlets)

c.CourseDirectory.course_id = "gd-optimizers"
c.Exchange.root = os.environ.get("COURSE_EXCHANGE", "/srv/nbgrader/exchange")
