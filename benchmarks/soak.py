"""Soak benchmark: do headless executions of the lessons stall (issue 20)?

Executes every lesson's source notebook headless many times, the way «Validate», CI and the
grader do, optionally beside a CPU hog on every core (``--hog``), and watches every run from
outside. Modes (``--mode``, comma-separated, interleaved): ``course`` — nbclient with
course.headless's kernel client, as nbgrader's Validator and autograde (through
nbgrader_config), tests/test_notebooks.py, tests/test_claims.py and the grader
(course/pipeline/sandbox.py) run notebooks; ``stock`` — nbclient as it comes, without that fix;
``nbval`` — pytest --nbval-lax, as CI's nbval tests.

A *stall* is not slowness: it is a phase of a run (the kernel's start, or one cell) whose wall
time keeps growing while neither the kernel process nor the client process uses any CPU for
``--stall`` seconds (utime + stime from /proc/<pid>/stat). A starved kernel still gets CPU
ticks; a kernel and a client that both wait for a message that never comes get none. At a
stall the client (course and stock modes) reports its last messages and whether a message waits
unread in its shell or iopub socket. A run that has stalled for ``--give-up`` seconds is
killed (it would only wait out a timeout). Every run executes a fresh copy of all lessons
(lessons 3–5 load earlier lessons' notebooks from beside them).

Environments (``--python LABEL=PATH``, repeatable; default this interpreter) are interpreters
with nbclient, nbval and the course importable, e.g. a throwaway venv with another ipykernel.
Rounds interleave environments, modes and lessons, so that all see the same load. Prints one
line per run, then a table (environment, mode, lesson, runs, runs with a stall, killed and
failed runs, median and maximum wall-clock seconds per run, kernel start included) and every
stall (phase, cell id, seconds idle).

``--lessons stress`` runs a made-up notebook of 150 short cells that each print into an
ipywidgets Output widget: it provokes the stall within a run or two, where a lesson needs
dozens.

Run:  nice -n 10 .venv/bin/python benchmarks/soak.py [--runs 20] [--lessons 03_adagrad,04_adam]
      [--mode course,stock,nbval] [--hog] [--jobs 2] [--minutes 40]
      [--python k6=/tmp/k6/bin/python ...] [--json runs.json]
"""

import argparse
import json
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ("01_sgd", "02_nesterov", "03_adagrad", "04_adam", "05_schedules")
STRESS = "stress"  # not a lesson: a notebook made to provoke the stall (``_write_stress``)
KERNEL_START = "kernel start"  # the phase before the first cell (wait_for_ready, kernel_info)
NOISE = 2  # clock ticks of kernel + client CPU that are timer noise, not work
RECOVERY = 50  # ticks of CPU that end a stall (0.5 s: more than the client's dump)


# --- the worker: one headless execution in a child process -------------------------------

def _say(**event):
    """One line of JSON on stdout for the watching parent."""
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def worker(path, client_kind):
    """Execute the notebook at ``path`` with nbclient as the course does (kernel python3,
    cwd beside the notebook; ``client_kind`` "course": with course.headless's kernel client,
    "stock": with nbclient's own); announce every cell before it runs."""
    import nbformat
    import zmq
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    recent = []  # the last messages this client sent on shell / got on iopub, for a stall

    def remember(what):
        recent.append(f"{time.monotonic():.2f} {what}")
        del recent[:-12]

    def dump(*_):
        # Whether a message waits unread in the client's sockets. Asked through a plain shadow
        # of each socket: asking the zmq.asyncio socket itself would wake its poll and end the
        # stall it reports.
        held = {name: bool(zmq.Socket.shadow(getattr(client.kc, f"{name}_channel").socket
                                             .underlying).get(zmq.EVENTS) & zmq.POLLIN)
                for name in ("shell", "iopub")} if client.kc else {}
        _say(recent=[*recent, f"a message waits unread in the client's sockets: {held}"])

    signal.signal(signal.SIGUSR1, dump)

    class Client(NotebookClient):
        def process_message(self, msg, cell, cell_index):
            content = msg.get("content", {})
            remember(f"iopub {msg['msg_type']} {content.get('execution_state', '')}"
                     f" parent={msg.get('parent_header', {}).get('msg_type')}")
            return super().process_message(msg, cell, cell_index)

    async def started(notebook):
        shell = client.kc.shell_channel
        send = shell.send

        def logged_send(msg):
            remember(f"shell send {msg['header']['msg_type']}")
            return send(msg)

        shell.send = logged_send
        _say(phase="kernel_info")

    async def cell_start(cell, cell_index):
        remember(f"cell {cell_index} {cell.get('id')}")
        _say(phase=f"cell {cell_index}", cell_id=cell.get("id", ""))

    options = {}
    if client_kind == "course":
        from course.headless import KernelManager

        options["kernel_manager_class"] = KernelManager
    client = Client(nb, timeout=600, kernel_name="python3", on_notebook_start=started,
                    on_cell_start=cell_start,
                    resources={"metadata": {"path": str(Path(path).parent)}}, **options)
    started_at = time.perf_counter()
    client.execute()
    _say(done=round(time.perf_counter() - started_at, 2))


# --- the parent: runs and watches ---------------------------------------------------------

def _cpu_ticks(pid):
    """utime + stime of process ``pid`` in clock ticks (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[11]) + int(fields[12])


def _kernel_of(parent_pid):
    """The pid of the ipykernel process started by ``parent_pid`` (None if not yet)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[1]) != parent_pid:
                continue
            if b"ipykernel" in (entry / "cmdline").read_bytes():
                return int(entry.name)
        except (OSError, IndexError, ValueError):
            continue
    return None


def _threads(pid):
    """What the threads of ``pid`` wait in: ["name state wchan", ...]."""
    out = []
    for task in sorted(Path(f"/proc/{pid}/task").glob("*")):
        try:
            name = (task / "comm").read_text().strip()
            state = (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
            wchan = (task / "wchan").read_text().strip()
        except OSError:
            continue
        out.append(f"{name} {state} {wchan}")
    return out


def _cell_ids(path):
    """{nbval's number of a code cell: its id} (nbval counts code cells only)."""
    cells = json.loads(Path(path).read_text("utf-8"))["cells"]
    return dict(enumerate(c.get("id", "") for c in cells if c["cell_type"] == "code"))


def _write_stress(path, cells=150):
    """A notebook that provokes the stall: ``cells`` short cells, each printing inside an
    ipywidgets Output widget (each print makes nbclient send the widget's state to the kernel
    on the shell socket, as the explorers' plots do, while it waits for the cell's reply)."""
    import nbformat

    setup = ("import ipywidgets as widgets\nfrom IPython.display import display\n"
             "out = widgets.Output()\ndisplay(out)")
    body = [nbformat.v4.new_code_cell(f"with out:\n    print({i})\nx = sum(range(20000))")
            for i in range(cells)]
    path.parent.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(setup), *body]),
                   str(path))


def _command(python, mode, path):
    if mode in CLIENTS:
        return [python, str(Path(__file__).resolve()), "--worker", str(path), "--client", mode]
    return [python, "-m", "pytest", "-v", "-p", "no:cacheprovider", "--nbval-lax",
            "--nbval-current-env", str(path)]


CLIENTS = ("course", "stock")
NBVAL_CELL = re.compile(rb"::Cell (\d+)")


def run_once(python, mode, lesson, stall_after, give_up, deadline):
    """One headless execution of ``lesson`` in a fresh copy of the lessons; its record:
    seconds, outcome (done / failed / killed), stalls [{phase, cell_id, idle, ...}]."""
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        for other in LESSONS:
            if (ROOT / "source" / other).is_dir():
                shutil.copytree(ROOT / "source" / other, Path(tmp) / other,
                                ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        if lesson == STRESS:
            _write_stress(Path(tmp) / STRESS / f"{STRESS}.ipynb")
        path = Path(tmp) / lesson / f"{lesson}.ipynb"
        nbval_ids = _cell_ids(path) if mode == "nbval" else {}
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        started = time.monotonic()
        proc = subprocess.Popen(_command(python, mode, path), cwd=path.parent, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        phase, cell_id = KERNEL_START, ""
        kernel, kernel_python = None, b""
        quiet_since, quiet_cpu = time.monotonic(), 0
        stalls, stalled, done = [], None, None
        buffer, errors = b"", b""
        outcome = "failed"
        while True:
            readable, _, _ = select.select([proc.stdout, proc.stderr], [], [], 0.5)
            for stream in readable:
                chunk = os.read(stream.fileno(), 65536)
                if stream is proc.stderr:
                    errors = (errors + chunk)[-4000:]
                    continue
                buffer += chunk
            new_phase = None
            if mode in CLIENTS:
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    try:
                        event = json.loads(line)
                    except ValueError:  # a dump that interleaved with a phase line
                        continue
                    if "phase" in event:
                        new_phase, cell_id = event["phase"], event.get("cell_id", "")
                    elif "done" in event:
                        done = event["done"]
                    elif "recent" in event and stalls:  # the answer to SIGUSR1
                        stalls[-1]["recent"] = event["recent"]
            else:
                found = NBVAL_CELL.findall(buffer)
                if found:
                    index = int(found[-1])
                    new_phase, cell_id = f"cell {index}", nbval_ids.get(index, "")
                buffer = buffer[-200:]
            now = time.monotonic()
            if kernel is None:
                kernel = _kernel_of(proc.pid)
                if kernel:
                    try:
                        kernel_python = Path(f"/proc/{kernel}/cmdline").read_bytes().split(b"\0")[0]
                    except OSError:
                        pass
            cpu = (_cpu_ticks(proc.pid) or 0) + ((_cpu_ticks(kernel) or 0) if kernel else 0)
            if new_phase and new_phase != phase:
                if stalled:
                    stalled["idle"] = round(now - stalled["since"], 1)
                    stalled["recovered"] = True
                    stalled = None
                phase, quiet_since, quiet_cpu = new_phase, now, cpu
            elif cpu - quiet_cpu > (RECOVERY if stalled else NOISE):
                if stalled:  # work again (more than the client's dump of its messages)
                    stalled["idle"] = round(now - stalled["since"], 1)
                    stalled["recovered"] = True
                    stalled = None
                quiet_since, quiet_cpu = now, cpu
            idle = now - quiet_since
            if proc.poll() is not None:
                # drain what is left
                rest = proc.stdout.read()
                for line in (buffer + rest).split(b"\n"):
                    if mode in CLIENTS and line.startswith(b'{"done"'):
                        done = json.loads(line)["done"]
                errors = (errors + proc.stderr.read())[-4000:]
                if stalled:
                    stalled["idle"] = round(now - stalled["since"], 1)
                outcome = "done" if proc.returncode == 0 else "failed"
                break
            if idle >= stall_after and not stalled:
                stalled = {"phase": phase, "cell_id": cell_id, "since": quiet_since,
                           "at": round(quiet_since - started, 1),
                           "kernel_threads": _threads(kernel) if kernel else [],
                           "client_threads": _threads(proc.pid)}
                stalls.append(stalled)
                if mode in CLIENTS:
                    os.kill(proc.pid, signal.SIGUSR1)
            if (stalled and idle >= give_up) or now > deadline:
                if stalled:
                    stalled["idle"] = round(idle, 1)
                for pid in (kernel, proc.pid):
                    if pid:
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except ProcessLookupError:
                            pass
                proc.wait()
                outcome = "killed"
                break
        for stall in stalls:
            stall.pop("since", None)
        seconds = round(time.monotonic() - started, 1)
        return {"lesson": lesson, "seconds": seconds, "outcome": outcome, "stalls": stalls,
                "executed": done, "kernel_python": kernel_python.decode(errors="replace"),
                "stderr": errors.decode("utf-8", "replace")[-1500:] if outcome != "done" else ""}


def start_hog():
    """A busy loop on every core (processes of this benchmark, ended by ``stop_hog``)."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(os.cpu_count() or 1)]


def stop_hog(hogs):
    for hog in hogs:
        hog.kill()
        hog.wait()


def _versions(python):
    code = ("import importlib.metadata as m\n"
            "print(' '.join(f'{p} {m.version(p)}' for p in "
            "('ipykernel', 'pyzmq', 'jupyter_client', 'nbclient', 'ipywidgets', 'tornado')))")
    return subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.strip()


def table(results):
    """The summary as lines of a Markdown table, one row per environment, mode and lesson."""
    lines = ["| environment | mode | lesson | runs | stalls | killed | failed | median s | max s |",
             "|---|---|---|---|---|---|---|---|---|"]
    rows = {}
    for r in results:
        rows.setdefault((r["env"], r["mode"], r["lesson"]), []).append(r)
    for (label, mode, lesson), runs in rows.items():
        seconds = [r["seconds"] for r in runs]
        stalls = sum(1 for r in runs if r["stalls"])
        killed = sum(1 for r in runs if r["outcome"] == "killed")
        failed = sum(1 for r in runs if r["outcome"] == "failed")
        lines.append(f"| {label} | {mode} | {lesson} | {len(runs)} | {stalls} | {killed} "
                     f"| {failed} | {statistics.median(seconds):.1f} | {max(seconds):.1f} |")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--client", choices=CLIENTS, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=3, help="runs of every lesson (default 3)")
    parser.add_argument("--lessons", default=",".join(LESSONS))
    parser.add_argument("--hog", action="store_true", help="a busy loop on every core meanwhile")
    parser.add_argument("--mode", default="course",
                        help="how to execute, comma-separated: course (nbclient with "
                             "course.headless, as Validate, CI and the grader do), stock "
                             "(nbclient as it comes), nbval (default: course)")
    parser.add_argument("--python", action="append", default=[], metavar="LABEL=PATH",
                        help="an environment to measure (default: this interpreter)")
    parser.add_argument("--stall", type=float, default=10.0,
                        help="seconds without CPU in a phase that make a stall (default 10)")
    parser.add_argument("--give-up", type=float, default=40.0,
                        help="seconds of stall after which the run is killed (default 40)")
    parser.add_argument("--run-timeout", type=float, default=900.0,
                        help="wall-clock cap of one run, stalled or not (default 900)")
    parser.add_argument("--jobs", type=int, default=1, help="runs at the same time (default 1)")
    parser.add_argument("--minutes", type=float,
                        help="start no run after this many minutes (the table says how many ran)")
    parser.add_argument("--json", help="write every run's record to this file")
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.client)

    environments = dict(item.split("=", 1) for item in args.python) or {"this": sys.executable}
    modes = [m for m in args.mode.split(",") if m]
    if set(modes) - {*CLIENTS, "nbval"}:
        parser.error(f"unknown mode in {args.mode!r}")
    lessons = [name for name in args.lessons.split(",") if name]
    for label, python in environments.items():
        print(f"{label}: {python}: {_versions(python)}", flush=True)
    # rounds interleave environments, modes and lessons, so that all see the same load
    plan = [(round_ + 1, label, python, mode, lesson) for round_ in range(args.runs)
            for label, python in environments.items() for mode in modes for lesson in lessons]
    results = []
    lock = threading.Lock()

    def one(step):
        run, label, python, mode, lesson = step
        if args.minutes and time.monotonic() - started > 60 * args.minutes:
            return
        record = run_once(python, mode, lesson, args.stall, args.give_up,
                          time.monotonic() + args.run_timeout)
        record.update(env=label, mode=mode, run=run, load=round(os.getloadavg()[0], 1))
        note = "; ".join(f"STALL {s['phase']} ({s['cell_id']}) idle {s['idle']} s"
                         for s in record["stalls"])
        with lock:
            results.append(record)
            print(f"[{time.strftime('%H:%M:%S')}] {label} {mode} {lesson} run {run}: "
                  f"{record['outcome']} {record['seconds']} s, load {record['load']} {note}",
                  flush=True)
            if record["outcome"] == "failed":
                print(record["stderr"], flush=True)
            if args.json:
                Path(args.json).write_text(json.dumps(results, indent=1))

    started = time.monotonic()
    hogs = start_hog() if args.hog else []
    try:
        with ThreadPoolExecutor(args.jobs) as pool:
            list(pool.map(one, plan))
    finally:
        stop_hog(hogs)
    minutes = (time.monotonic() - started) / 60
    print(f"\n{len(results)} runs in {minutes:.0f} min; hog {'on' if args.hog else 'off'}, "
          f"{args.jobs} at a time; stall = {args.stall:g} s without CPU in kernel and client")
    results.sort(key=lambda r: (list(environments).index(r["env"]), modes.index(r["mode"]),
                                lessons.index(r["lesson"]), r["run"]))
    print("\n".join(table(results)))
    for label in environments:
        kernels = sorted({r["kernel_python"] for r in results if r["env"] == label} - {""})
        print(f"{label}: kernels ran on {', '.join(kernels) or 'nothing'}")
    for r in results:
        for s in r["stalls"]:
            print(f"stall: {r['env']} {r['mode']} {r['lesson']} run {r['run']}: {s['phase']} "
                  f"({s['cell_id']}) at {s['at']} s, idle {s['idle']} s"
                  f"{', recovered' if s.get('recovered') else ''}")


if __name__ == "__main__":
    sys.exit(main())
