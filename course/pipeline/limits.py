"""What grading one submission may cost: the one definition of every limit and its default.

The command line builds its options from these fields (``help`` and ``flag`` in their
metadata), ``autograde.Settings`` carries one ``Limits`` whole, ``execute`` and the sandbox's
kernel manager read it, and the course's nbgrader_config.py takes ``cell_timeout`` for plain
``nbgrader autograde``. Adding a limit is adding a field here. Imports nothing heavy, so that
``python -m course --help`` stays fast.
"""

from dataclasses import asdict, dataclass, field, fields


def _limit(default, flag, metavar, help):
    return field(default=default, metadata={"flag": flag, "metavar": metavar, "help": help})


@dataclass(frozen=True)
class Limits:
    """Per submission: memory (GiB, the whole sandbox: each process at most that much
    address space, and the grader kills the sandbox when its processes together hold more),
    processes and threads, bytes per file written (MiB), seconds per cell (then interrupted)
    and per notebook (then the remaining cells fail)."""

    memory_gb: float = _limit(4.0, "--memory-gb", "ГБ",
                              "предел памяти на работу в гигабайтах")
    processes: int = _limit(64, "--processes", "N",
                            "предел числа процессов и потоков ядра")
    file_mb: int = _limit(512, "--file-mb", "МБ",
                          "предел размера одного файла, который пишет ядро, в мегабайтах")
    cell_timeout: int = _limit(60, "--timeout", "С", "предел времени на ячейку в секундах")
    notebook_timeout: int = _limit(
        900, "--notebook-timeout", "С",
        "предел времени на весь ноутбук в секундах: после него остальные ячейки "
        "засчитываются как ошибочные")

    def to_dict(self):
        return asdict(self)


def add_arguments(parser):
    """One option per field of ``Limits`` on an argparse ``parser``, defaults from the fields."""
    for f in fields(Limits):
        parser.add_argument(f.metadata["flag"], dest=f.name, type=f.type, default=f.default,
                            metavar=f.metadata["metavar"],
                            help=f.metadata["help"] + " (по умолчанию %(default)s)")


def from_arguments(args):
    """The ``Limits`` of parsed arguments (see ``add_arguments``)."""
    return Limits(**{f.name: getattr(args, f.name) for f in fields(Limits)})
