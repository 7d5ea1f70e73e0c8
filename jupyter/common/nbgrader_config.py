"""nbgrader settings of both views, wherever the course runs."""

from course.pipeline.limits import Limits

c = get_config()  # noqa: F821 (provided by traitlets)

# Validate reports an error in any code cell, not only in graded ones: the visible checks are
# read-only cells that carry no points, and a failed one must not end in «Success!».
c.Validator.validate_all = True

# «Validate» executes the notebook headless (nbclient); its kernel client must not lose a reply
# when a cell's ipywidgets Output widget makes it send on the shell socket (course/headless.py).
c.AsyncKernelManager.client_class = "course.headless.KernelClient"

# A cell's time limit in «Validate» is grading's own (nbgrader's default is 30 s, which a solved
# lesson's cell can pass on a busy machine).
c.Execute.timeout = Limits().cell_timeout
