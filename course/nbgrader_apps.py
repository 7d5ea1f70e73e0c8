"""Every call of nbgrader in one place: its command line in a subprocess (``run_nbgrader``),
its autograde app in this process (``autograde_in_process``), and the check that the
course's nbgrader_config.py loads (``feedback_config_problem``)."""

import io
import os
import subprocess
import sys
import warnings


def run_nbgrader(args, cwd):
    """Run ``nbgrader *args`` with this interpreter in ``cwd``; the completed process.

    nbgrader runs helper programs (``alembic``) by name, so this environment's bin directory
    goes first on PATH."""
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep
           + os.environ.get("PATH", "")}
    return subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"],
                          cwd=cwd, capture_output=True, text=True, env=env)



def autograde_in_process(root, args):
    """``nbgrader autograde "*" --no-execute --force *args`` in the course at ``root``, run in
    this process, where nbgrader is already imported (a fresh ``nbgrader`` process spends
    two seconds starting). Only the course's nbgrader_config.py is read. The log, whose
    errors ``course.pipeline.autograde`` reads, is kept from the terminal and returned."""
    from nbgrader.apps.autogradeapp import AutogradeApp

    app = AutogradeApp()
    app.load_cwd_config = False
    log = io.StringIO()
    # traitlets rebuilds the app's logging whenever the log level is set (in initialize too),
    # so the log goes to ``log`` through the logging config, not by swapping handlers.
    app.logging_config = {"handlers": {"console": {"stream": log}}}
    with warnings.catch_warnings():  # SQLAlchemy's warnings about nbgrader's own queries
        warnings.simplefilter("ignore")
        try:
            app.initialize(["*", "--no-execute", "--force", "--log-level=WARN", *args],
                           root=str(root))
            app.start()
        except SystemExit:  # nbgrader exits when a submission failed; _failures names it
            pass
        finally:
            app.clear_instance()
    return log.getvalue()


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
