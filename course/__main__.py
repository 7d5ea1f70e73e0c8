"""Command line of the course: ``python -m course <command>`` (messages in Russian)."""

import argparse
import os
import sys
from pathlib import Path

from course.lessons import LESSONS, ROOT, existing
from course.nbgrader_apps import environment
from course.pipeline import limits
from course.russian import plural


def _lessons(names):
    unknown = [n for n in names if n not in LESSONS]
    if unknown:
        raise SystemExit(f"Неизвестные уроки: {', '.join(unknown)}. Есть: {', '.join(LESSONS)}.")
    return names or existing()


def _report_problems(lesson, problems, fine):
    """Print a lesson's problems (or ``fine``); whether there were none."""
    if problems:
        print(f"Урок {lesson}: " + "; ".join(problems) + ".", file=sys.stderr)
    else:
        print(f"Урок {lesson}: {fine}.")
    return not problems


def cmd_build(args):
    from course.assign import assignment, release_check

    ok = True
    for lesson in _lessons(args.lessons):
        try:
            assignment.build(lesson)
        except assignment.BuildFailed as error:
            raise _build_failed(lesson, error) from None
        ok &= _report_problems(lesson, release_check.problems(lesson),
                               f"release/{lesson} собран из source/{lesson}, утечек нет")
    if not ok:
        raise SystemExit("Версии для студентов нельзя раздавать, пока не исправлено "
                         "сказанное выше.")


def _build_failed(lesson, error):
    return SystemExit(f"Урок {lesson} не собран: nbgrader generate_assignment сообщил об "
                      "ошибке (его вывод ниже, причина обычно в последних строках).\n"
                      f"{str(error)[-3000:]}")


def cmd_check(args):
    from course.assign import assignment, release_check

    ok = True
    for lesson in _lessons(args.lessons):
        try:
            found = release_check.problems(lesson, rebuild=True)
        except assignment.BuildFailed as error:
            raise _build_failed(lesson, error) from None
        ok &= _report_problems(lesson, found,
                               f"release/{lesson} совпадает со свежей сборкой, утечек нет")
    if not ok:
        raise SystemExit("Проверка не пройдена.")


def cmd_scan(args):
    from course.pipeline import scan

    flagged = 0
    for lesson in _lessons(args.lessons):
        for folder in sorted(Path(args.root).glob(f"submitted/*/{lesson}")):
            found = scan.scan_folder(folder, lesson)
            if found:
                flagged += 1
                print(f"{folder.parent.name}, урок {lesson}: " + "; ".join(found) + ".")
    print(f"Подозрительных работ: {flagged}.")


def cmd_intake(args):
    from course.pipeline import intake

    (lesson,) = _lessons([args.lesson])
    report = intake.take_in(args.source, lesson, args.root, layout=args.layout)
    for student in sorted(set(report.accepted) | set(report.notes)):
        status = ("принята как есть" if student in report.unusable else
                  "принята" if student in report.accepted else "НЕ принята")
        notes = "; ".join(report.notes.get(student, []))
        print(f"{student}: работа {status}" + (f" ({notes})" if notes else "") + ".")
    print(f"Принято работ: {len(report.accepted)}"
          + (f", из них оценить нельзя: {len(report.unusable)}" if report.unusable else "")
          + f"; они в {Path(args.root) / 'submitted'}.")


def cmd_autograde(args):
    from tqdm import tqdm

    from course.pipeline import autograde

    lessons = _lessons(args.lessons)
    root = Path(args.root)
    total = sum(1 for lesson in lessons for p in root.glob(f"submitted/*/{lesson}") if p.is_dir())
    if not total:
        raise SystemExit(f"В {root / 'submitted'} нет работ по урокам {', '.join(lessons)}: "
                         "примите их (python -m course intake или nbgrader collect).")
    settings = autograde.Settings(jobs=args.jobs or 0, limits=limits.from_arguments(args))
    try:
        with tqdm(total=total, desc="Оценивание", unit="работа") as bar:
            records = autograde.autograde(root, lessons, settings=settings,
                                          progress=lambda record: bar.update())
    except autograde.CannotGrade as error:
        raise SystemExit(str(error)) from None
    for record in records:
        if record.notes:
            print(f"{record.student}, урок {record.lesson}: " + "; ".join(record.notes) + ".")
    print(f"Оценено работ: {len(records)}. Баллы записаны в gradebook.db "
          "(nbgrader export, formgrader); что произошло с каждой работой — в папке "
          "ledger/ и в отчёте (python -m course report).")


def cmd_feedback(args):
    from course.nbgrader_apps import feedback_config_problem, run_nbgrader

    root, ok = Path(args.root), True
    problem = feedback_config_problem(root)
    if problem:
        raise SystemExit(f"Отзывы не созданы: {problem}. Без этих настроек nbgrader показал бы "
                         "студентам код скрытых проверок.")
    for lesson in _lessons(args.lessons):
        graded = sorted(p.parent.name for p in root.glob(f"autograded/*/{lesson}") if p.is_dir())
        if not graded:
            print(f"Урок {lesson}: оценённых работ нет (сначала python -m course autograde).")
            continue
        done = run_nbgrader(["generate_feedback", lesson, "--force"], root)
        missing = [s for s in graded if not any((root / "feedback" / s / lesson).glob("*.html"))]
        made = plural(len(graded) - len(missing), "студента", "студентов", "студентов")
        print(f"Урок {lesson}: отзывы для {made} в {root / 'feedback'}/<студент>/{lesson}/.")
        if missing or done.returncode != 0:
            ok = False
            print(f"Урок {lesson}: nbgrader не создал отзывы для "
                  f"{', '.join(missing) or 'части работ'}:\n{done.stderr[-2000:]}",
                  file=sys.stderr)
    if not ok:
        raise SystemExit("Не все отзывы созданы, см. выше.")


def cmd_report(args):
    from course.pipeline import report

    if not (Path(args.root) / "gradebook.db").is_file():
        raise SystemExit(f"В {args.root} нет gradebook.db: оценок ещё нет "
                         "(python -m course build, затем autograde).")
    data = report.write(args.root, args.out)
    out = Path(args.out)
    students = plural(len(data["grades"]), "студенту", "студентам", "студентам")
    files = ", ".join(str(out / name) for name in [*report.tables(data), "report.png"])
    print(f"Отчёт по {students}: {files}; всё вместе: {out / 'report.html'}.")
    for (lesson, text), count in data["mistakes"].most_common(5):
        print(f"  {lesson}: «{text}» — {count}")
    for (student, lesson), said in sorted(data["notes"].items()):
        print(f"  {student}, урок {lesson}: " + "; ".join(said) + ".")
    if data["flagged"]:
        print("Подозрительные работы: " + ", ".join(
            f"{student} ({lesson})" for student, lesson in sorted(data["flagged"])) + ".")


# argparse's own words (it asks gettext, which has no Russian catalogue for it).
ARGPARSE_RU = {
    "usage: ": "использование: ",
    "positional arguments": "аргументы",
    "options": "параметры",
    "show this help message and exit": "показать эту справку и выйти",
    "%(prog)s: error: %(message)s\n": "%(prog)s: ошибка: %(message)s\n",
    "the following arguments are required: %s": "не хватает аргументов: %s",
    "unrecognized arguments: %s": "лишние аргументы: %s",
    "argument %(argument_name)s: %(message)s": "аргумент %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "недопустимое значение %(value)r (можно: %(choices)s)",
    "invalid %(type)s value: %(value)r": "недопустимое значение %(value)r, ожидается тип %(type)s",
    "expected one argument": "нужно одно значение",
    "ambiguous option: %(option)s could match %(matches)s":
        "неоднозначный параметр %(option)s: подходят %(matches)s",
}


def _command(sub, name, func, help, lessons=True, root=True):
    """A subcommand ``name`` running ``func``; with the usual lessons and --root arguments."""
    p = sub.add_parser(name, help=help, description=help[0].upper() + help[1:] + ".")
    if lessons:
        p.add_argument("lessons", nargs="*", metavar="урок", help="уроки (по умолчанию все)")
    if root:
        p.add_argument("--root", default=str(ROOT), metavar="ПАПКА",
                       help="папка курса (по умолчанию корень этого репозитория)")
    p.set_defaults(func=func)
    return p


def main(argv=None):
    argparse._ = lambda text: ARGPARSE_RU.get(text, text)
    parser = argparse.ArgumentParser(prog="python -m course",
                                     description="Инструменты преподавателя курса.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="команда")
    _command(sub, "build", cmd_build, "собрать версии для студентов (release/) из source/ и "
             "проверить их", root=False)
    _command(sub, "check", cmd_check, "проверить release/: нет утечек решений, совпадает со "
             "свежей сборкой (ничего не меняет)", root=False)
    _command(sub, "scan", cmd_scan, "проверить код сданных работ на попытки обмануть проверки")
    p = _command(sub, "intake", cmd_intake, "принять сданные работы (папка или zip) в "
                 "submitted/", lessons=False)
    p.add_argument("lesson", metavar="урок", help="урок, например 01_sgd")
    p.add_argument("source", metavar="откуда", help="папка или zip-архив с работами")
    p.add_argument("--layout", choices=["nbgrader", "moodle", "files"],
                   help="вид выгрузки (по умолчанию определяется сам)")
    p = _command(sub, "autograde", cmd_autograde, "оценить уроки у всех студентов параллельно")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="сколько работ оценивать одновременно (по умолчанию по числу ядер)")
    limits.add_arguments(p)
    _command(sub, "feedback", cmd_feedback, "создать отзывы для студентов (nbgrader "
             "generate_feedback)")
    p = _command(sub, "report", cmd_report, "отчёт по группе: оценки, решаемость, ошибки, "
                 "подозрения", lessons=False)
    p.add_argument("--out", default=str(ROOT / "reports"), metavar="ПАПКА",
                   help="куда сохранить отчёт (по умолчанию reports/)")
    args = parser.parse_args(argv)
    os.environ["PATH"] = environment()["PATH"]  # for nbgrader run in this process
    args.func(args)


if __name__ == "__main__":
    sys.exit(main())
