"""Every run of nbgrader's apps in one place: its command line in a subprocess
(``run_nbgrader``), its autograde app in this process (``autograde_in_process``), and the
check that the course's nbgrader_config.py loads (``feedback_config_problem``). The
gradebook is read and written through nbgrader's ``Gradebook`` API where it is needed
(``course.pipeline.record``, ``course.pipeline.report``)."""

import contextlib
import io
import os
import subprocess
import sys
import warnings


def environment(base=None):
    """``base`` (default: this process's environment) with this Python environment's bin
    directory first on PATH: nbgrader runs helper programs (``alembic``) by name."""
    base = os.environ if base is None else base
    return {**base, "PATH": os.path.dirname(sys.executable) + os.pathsep
            + base.get("PATH", "")}


def run_nbgrader(args, root):
    """Run ``nbgrader *args`` with this interpreter in ``root``; the completed process."""
    return subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"],
                          cwd=root, capture_output=True, text=True, env=environment())


def autograde_in_process(root, args):
    """``nbgrader autograde "*" --no-execute --force *args`` in the course at ``root``, run in
    this process, where nbgrader is already imported (a fresh ``nbgrader`` process spends
    two seconds starting). Only the course's nbgrader_config.py is read; nbgrader's log is
    kept from the terminal. Returns {(student, lesson): the exception} of the submissions
    nbgrader failed to record, caught as data where nbgrader converts each one."""
    from nbgrader.apps.autogradeapp import AutogradeApp
    from nbgrader.converters import Autograde
    from nbgrader.converters.base import NbGraderException

    failures = {}

    class Recording(Autograde):
        """nbgrader's converter, remembering the exception of each failed submission."""

        def init_assignment(self, assignment_id, student_id):
            self.current = (student_id, assignment_id)
            with _remembered(failures, self.current):
                super().init_assignment(assignment_id, student_id)

        def convert_single_notebook(self, notebook_filename):
            with _remembered(failures, self.current):
                super().convert_single_notebook(notebook_filename)

    app = AutogradeApp()
    app.load_cwd_config = False
    # traitlets rebuilds the app's logging whenever the log level is set (in initialize too),
    # so the log goes nowhere through the logging config, not by swapping handlers.
    app.logging_config = {"handlers": {"console": {"stream": io.StringIO()}}}
    with warnings.catch_warnings():  # SQLAlchemy's warnings about nbgrader's own queries
        warnings.simplefilter("ignore")
        try:
            app.initialize(["*", "--no-execute", "--force", "--log-level=WARN", *args],
                           root=str(root))
            app.coursedir.assignment_id = app.extra_args[0]
            Recording(coursedir=app.coursedir, parent=app).start()
        except NbGraderException:  # raised after the failures were remembered
            pass
        finally:
            app.clear_instance()
    return failures


@contextlib.contextmanager
def _remembered(failures, pair):
    try:
        yield
    except Exception as error:
        failures.setdefault(pair, error)
        raise


def feedback_config_problem(root):
    """A Russian description of why the course's nbgrader_config.py in ``root`` would not
    hide the hidden checks from feedback (it does not load, or lacks ClearHiddenTests), or
    None. nbgrader itself goes on without a config that fails to load."""
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    try:
        config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    except ConfigFileNotFound:
        return f"в {root} нет nbgrader_config.py"
    except Exception as error:  # noqa: BLE001 (any error in the instructor's file)
        return f"nbgrader_config.py курса не загружается ({type(error).__name__}: {error})"
    names = [getattr(p, "__name__", str(p)) for p in
             config.get("GenerateFeedback", {}).get("preprocessors", [])]
    if "ClearHiddenTests" not in names:
        return ("в nbgrader_config.py курса среди GenerateFeedback.preprocessors нет "
                "ClearHiddenTests")
    return None
