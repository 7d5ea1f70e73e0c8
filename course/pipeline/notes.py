"""What happened to a submission while it was graded, in Russian sentences for the
instructor (``Submission.notes``); the facts themselves are in the record."""

from course.notebooks import lesson_of
from course.pipeline import execute
from course.russian import plural


def unreadable(lesson, reason):
    return (f"файл {lesson}.ipynb отсутствует или повреждён ({reason or 'нет файла'}): "
            "работа оценена в 0 баллов")


def internal_error(error):
    return (f"при выполнении ноутбука произошла внутренняя ошибка ({type(error).__name__}"
            f": {str(error)[:200]}): работа оценена в 0 баллов; оцените её ещё раз или вручную")


def not_recorded(reason):
    return f"nbgrader не смог записать баллы ({reason}): работа оценена в 0 баллов"


def _cells(indices, limit=None):
    shown = indices if limit is None else indices[:limit]
    more = ", …" if limit is not None and len(indices) > limit else ""
    return ", ".join(str(i + 1) for i in shown) + more


def of_run(submission, run, limits):
    """Russian sentences on one executed submission: another lesson's notebook or restored
    cells, cells that killed the kernel, hung, ran out of time or memory, the notebook's
    budget, and the files beside it that were not used. ``run``: an ``execute.Run``;
    ``limits``: the ``Limits`` it ran under."""
    said, cell_timeout = [], limits.cell_timeout
    ceiling = execute.WALL_FACTOR * cell_timeout
    other = lesson_of(submission.notebook)
    if other and other != submission.lesson:
        said.append(f"сдан ноутбук урока {other}, а не {submission.lesson}")
    elif submission.restored:
        said.append("удалённые ячейки задания восстановлены из версии для студентов: "
                    + ", ".join(submission.restored))
    for cells, one, many in (
            (run.killed, "аварийно завершила ядро", "аварийно завершали ядро"),
            (run.hung, f"не остановилась за {cell_timeout} с и была остановлена вместе с ядром",
             f"не остановились за {cell_timeout} с и были остановлены вместе с ядром"),
            (run.interrupted, f"прервана по пределу времени {cell_timeout} с",
             f"прерваны по пределу времени {cell_timeout} с"),
            (run.waited, f"ждала дольше {ceiling} с и была прервана",
             f"ждали дольше {ceiling} с и были прерваны"),
            (run.memory, "превысила предел памяти или числа процессов, и ядро было остановлено",
             "превышали предел памяти или числа процессов, и ядро останавливали")):
        if len(cells) == 1:
            said.append(f"ячейка {_cells(cells)} {one}: она засчитана как ошибочная, "
                        "остальные ячейки оценены")
        elif cells:
            said.append(f"ячейки {_cells(cells)} {many}: они засчитаны как ошибочные, "
                        "остальные ячейки оценены")
    if run.over_budget:
        said.append(f"время на весь ноутбук истекло: ячейки {_cells(run.over_budget, 10)} "
                    "не выполнялись и засчитаны как ошибочные")
    if run.abandoned:
        said.append(f"ядро Python аварийно завершалось больше {execute.MAX_RESTARTS} раз, "
                    f"поэтому ячейки {_cells(run.abandoned)} не выполнялись и засчитаны как "
                    "ошибочные")
    extra = submission.extra
    if extra:
        count = plural(len(extra), "лишний файл", "лишних файла", "лишних файлов")
        said.append(f"рядом с работой {count} ({', '.join(extra[:5])}"
                    + (", …" if len(extra) > 5 else "") + "): при оценивании не использовались")
    return said
