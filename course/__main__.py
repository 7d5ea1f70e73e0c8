"""Command line of the course: ``python -m course <command>`` (messages in Russian)."""

import argparse
import os
import sys
import zipfile
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


def _register(root, lessons):
    """Record in the gradebook of ``root`` the ``lessons`` it does not know yet (a fresh
    clone; a lesson that has only a due date), before anything refers to them: nbgrader
    will not record a lesson's cells once it has submissions."""
    from course.assign import assignment

    for lesson in assignment.unregistered(lessons, root):
        print(f"Урок {lesson} ещё не записан в {Path(root) / 'gradebook.db'}: записываю его "
              "ячейки и баллы из source/ (как при python -m course build; release/ не "
              "меняется)…")
        try:
            assignment.register(lesson, root)
        except RuntimeError as error:
            raise SystemExit(f"Урок {lesson} не удалось записать в gradebook.db: {error}"
                             ) from None


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
    source = Path(args.source)
    if not source.exists():
        raise SystemExit(f"Нет такого файла или папки: {source}. Проверьте путь.")
    if source.is_file() and not zipfile.is_zipfile(source):
        raise SystemExit(f"{source} — не zip-архив. Укажите zip-архив с работами (например, "
                         "«Скачать все ответы» из задания Moodle) или папку с ними.")
    try:
        report = intake.take_in(source, lesson, args.root, layout=args.layout)
    except zipfile.BadZipFile as error:
        raise SystemExit(f"Архив {source} повреждён ({error}).") from None
    if not report.accepted and not report.notes:
        raise SystemExit(f"В {source} нет ни одного ноутбука (.ipynb): работ не принято. "
                         f"Проверьте, что это выгрузка работ по уроку {lesson}.")
    if args.worksheet:
        from course.pipeline import moodle

        try:
            stamped = moodle.stamp_times(args.root, lesson, Path(args.worksheet).read_bytes())
        except (OSError, moodle.NotAWorksheet) as error:
            raise SystemExit(f"Ведомость {args.worksheet} не прочитана: {error}.") from None
        print(f"Время сдачи из ведомости («Последнее изменение (ответ)»): "
              f"{plural(len(stamped), 'работа', 'работы', 'работ')}.")
    for student in sorted(set(report.accepted) | set(report.notes)):
        status = ("принята как есть" if student in report.unusable else
                  "принята" if student in report.accepted else "НЕ принята")
        notes = "; ".join(report.notes.get(student, []))
        print(f"{student}: работа {status}" + (f" ({notes})" if notes else "") + ".")
    print(f"Принято работ: {len(report.accepted)}"
          + (f", из них оценить нельзя: {len(report.unusable)}" if report.unusable else "")
          + f"; они в {Path(args.root) / 'submitted'}.")


def cmd_collect(args):
    from course.pipeline import collect

    (lesson,) = _lessons([args.lesson])
    done = collect.collect(args.exchange, args.course_id, lesson, args.root,
                           check_owner=not args.no_owner_check)
    for who in sorted(set(done.accepted) | set(done.notes)):
        status = "собрана" if who in done.accepted else "НЕ собрана"
        notes = "; ".join(done.notes.get(who, []))
        print(f"{who}: работа {status}" + (f" ({notes})" if notes else "") + ".")
    print(f"Собрано работ: {len(done.accepted)}; они в {Path(args.root) / 'submitted'}.")


def cmd_autograde(args):
    from tqdm import tqdm

    from course.pipeline import autograde, manual

    lessons = _lessons(args.lessons)
    root = Path(args.root)
    total = sum(1 for lesson in lessons for p in root.glob(f"submitted/*/{lesson}") if p.is_dir())
    if not total:
        raise SystemExit(f"В {root / 'submitted'} нет работ по урокам {', '.join(lessons)}: "
                         "примите их (python -m course intake или nbgrader collect).")
    _register(root, lessons)
    settings = autograde.Settings(jobs=args.jobs or 0, limits=limits.from_arguments(args))
    graded_by_hand = manual.graded_answers(root, lessons)
    try:
        with tqdm(total=total, desc="Оценивание", unit="работа") as bar:
            records = autograde.autograde(root, lessons, settings=settings,
                                          progress=lambda record: bar.update())
    except autograde.CannotGrade as error:
        raise SystemExit(str(error)) from None
    kept = manual.keep_graded(root, graded_by_hand)
    if kept:
        print(f"Оценки письменных ответов, выставленные вручную, сохранены: {kept} "
              "(ответы не изменились).")
    for record in records:
        if record.notes:
            print(f"{record.student}, урок {record.lesson}: " + "; ".join(record.notes) + ".")
    print(f"Оценено работ: {len(records)}. Баллы записаны в gradebook.db "
          "(nbgrader export, formgrader); что произошло с каждой работой — в папке "
          "ledger/ и в отчёте (python -m course report).")


def cmd_feedback(args):
    from course.nbgrader_apps import feedback_config_problem, run_nbgrader
    from course.pipeline import feedback, manual, submission

    root, ok = Path(args.root), True
    problem = feedback_config_problem(root)
    if problem:
        raise SystemExit(f"Отзывы не созданы: {problem}. Без этих настроек nbgrader показал бы "
                         "студентам код скрытых проверок.")
    for lesson in _lessons(args.lessons):
        graded = sorted(p.parent.name for p in root.glob(f"autograded/*/{lesson}") if p.is_dir())
        for student in feedback.unreadable(root, lesson):
            feedback.ungraded_page(root, student, lesson,
                                   submission.load(root, student, lesson).all_notes())
            print(f"Урок {lesson}: {student} — работу не удалось оценить, отзыв объясняет "
                  "почему.")
        if not graded:
            print(f"Урок {lesson}: оценённых работ нет (сначала python -m course autograde).")
            continue
        waiting = manual.pending(root, lesson)
        if waiting:
            print(f"Внимание, урок {lesson}: письменные ответы ещё не проверены у "
                  f"{', '.join(waiting)}; в отзывах за них будет 0 баллов. Проверьте их в "
                  "formgrader (Manual Grading) и создайте отзывы заново.", file=sys.stderr)
        done = run_nbgrader(["generate_feedback", lesson, "--force"], root)
        _protect_feedback(root, lesson)
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


def _protect_feedback(root, lesson):
    """Put the feedback pages' Content-Security-Policy into every page of ``lesson``."""
    from course.pipeline.inert import with_csp

    for page in root.glob(f"feedback/*/{lesson}/*.html"):
        page.write_text(with_csp(page.read_text("utf-8")), "utf-8")


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


def cmd_similarity(args):
    from course.pipeline import similarity

    results = similarity.write(args.root, _lessons(args.lessons), args.out)
    for result in results:
        look = result.worth_a_look()
        print(f"Урок {result.lesson}: {plural(len(result.works), 'работа', 'работы', 'работ')}; "
              f"совпадений, на которые стоит посмотреть: {len(look)}.")
        for note in result.notes:
            print(f"  {note}.")
        for pair in look[:10]:
            print(f"  {similarity.describe(pair)}")
    print(f"Все пары с общими редкими фрагментами: {Path(args.out) / similarity.CSV}; "
          "совпадающие места рядом — в report.html (python -m course report).")


def cmd_export(args):
    from course.pipeline import moodle

    (lesson,) = _lessons([args.lesson])
    root, sheet, out = Path(args.root), Path(args.worksheet), Path(args.out)
    if not (root / "gradebook.db").is_file():
        raise SystemExit(f"В {root} нет gradebook.db: оценок ещё нет "
                         "(python -m course autograde).")
    try:
        data = sheet.read_bytes()
    except OSError as error:
        raise SystemExit(f"Ведомость {sheet} не читается: {error.strerror or error}.") from None
    found = moodle.results(root, lesson)
    if not found:
        raise SystemExit(f"В gradebook.db нет оценённых работ по уроку {lesson}.")
    try:
        filled = moodle.fill(data, lesson, found, moodle.participants(root))
    except moodle.NotAWorksheet as error:
        raise SystemExit(f"{sheet}: {error}.") from None
    out.write_bytes(filled.data)
    print(f"Ведомость заполнена: {out}.")
    for line in moodle.summary(filled):
        print(line)
    if args.zip:
        archive, missing = moodle.feedback_zip(root, lesson, filled.graded)
        Path(args.zip).write_bytes(archive)
        print(f"Отзывы для Moodle: {args.zip} (загрузите его: «Загрузить несколько файлов "
              "отзывов в архиве ZIP»)."
              + (f" Отзывов нет у: {', '.join(missing)} (python -m course feedback)."
                 if missing else ""))


def cmd_extend(args):
    from nbgrader.api import MissingEntry

    from course.pipeline import late

    (lesson,) = _lessons([args.lesson])
    if args.days < 0:
        raise SystemExit("Число дней не может быть отрицательным.")
    _register(args.root, [lesson])
    try:
        due = late.extend(args.root, args.student, lesson, args.days)
    except MissingEntry:
        raise SystemExit(f"Урок {lesson} ещё не записан в gradebook.db (python -m course "
                         "build или autograde).") from None
    if due is None and args.days:
        raise SystemExit(f"У урока {lesson} нет срока сдачи, продлевать нечего: сначала "
                         "задайте срок (formgrader, Manage Assignments, или nbgrader db "
                         "assignment add, см. README), потом продление.")
    days = plural(args.days, "день", "дня", "дней")
    print(f"{args.student}, урок {lesson}: " + (f"продление {days}" if args.days
                                                 else "продление снято") + (
        f"; срок сдачи для него теперь {due:%Y-%m-%d %H:%M} UTC." if due else "."))


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
    p.add_argument("--worksheet", metavar="ведомость",
                   help="ведомость оценок из Moodle: время сдачи берётся из неё (для штрафов "
                        "за опоздание)")
    p = _command(sub, "collect", cmd_collect, "собрать сданные работы из папки обмена nbgrader "
                 "с проверками (вместо nbgrader collect)", lessons=False)
    p.add_argument("lesson", metavar="урок", help="урок, например 01_sgd")
    p.add_argument("--exchange", metavar="ПАПКА",
                   default=os.environ.get("COURSE_EXCHANGE", "/srv/nbgrader/exchange"),
                   help="папка обмена nbgrader (по умолчанию $COURSE_EXCHANGE или "
                        "/srv/nbgrader/exchange)")
    p.add_argument("--course-id", default="gd-optimizers", metavar="КУРС",
                   help="курс в папке обмена (по умолчанию gd-optimizers)")
    p.add_argument("--no-owner-check", action="store_true",
                   help="не проверять, что владелец работы — учётная запись студента (только "
                        "если все работы сданы от одной учётной записи, как в lab.sh)")
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
    p = _command(sub, "similarity", cmd_similarity, "совпадения между работами студентов, "
                 "на которые стоит посмотреть")
    p.add_argument("--out", default=str(ROOT / "reports"), metavar="ПАПКА",
                   help="куда сохранить similarity.csv (по умолчанию reports/)")
    p = _command(sub, "export", cmd_export, "заполнить скачанную из Moodle ведомость оценок "
                 "урока (и собрать zip с отзывами)", lessons=False)
    p.add_argument("target", choices=["moodle"], metavar="куда", help="куда: moodle")
    p.add_argument("lesson", metavar="урок", help="урок, например 01_sgd")
    p.add_argument("worksheet", metavar="ведомость",
                   help="CSV-файл «Скачать ведомость оценок» из задания Moodle")
    p.add_argument("-o", "--out", required=True, metavar="ФАЙЛ",
                   help="куда записать заполненную ведомость")
    p.add_argument("--zip", metavar="ZIP", help="собрать отзывы студентов в этот zip для Moodle")
    p = _command(sub, "extend", cmd_extend, "продлить срок сдачи урока одному студенту",
                 lessons=False)
    p.add_argument("student", metavar="студент", help="студент, как в submitted/")
    p.add_argument("lesson", metavar="урок", help="урок, например 01_sgd")
    p.add_argument("--days", type=int, required=True, metavar="N",
                   help="на сколько дней (0 снимает продление)")
    args = parser.parse_args(argv)
    os.environ["PATH"] = environment()["PATH"]  # for nbgrader run in this process
    args.func(args)


if __name__ == "__main__":
    sys.exit(main())
