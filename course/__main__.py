"""Command line of the course: ``python -m course <command>`` (messages in Russian)."""

import argparse
import sys

from course import build
from course.lessons import LESSONS, existing


def _lessons(names):
    unknown = [n for n in names if n not in LESSONS]
    if unknown:
        raise SystemExit(f"Неизвестные уроки: {', '.join(unknown)}. Есть: {', '.join(LESSONS)}.")
    return names or existing()


def cmd_build(args):
    for lesson in _lessons(args.lessons):
        build.build(lesson)
        print(f"Урок {lesson}: release/{lesson} собран из source/{lesson}.")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course",
                                     description="Инструменты преподавателя курса.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="собрать версии для студентов (release/) из source/")
    p.add_argument("lessons", nargs="*", help="уроки (по умолчанию все)")
    p.set_defaults(func=cmd_build)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    sys.exit(main())
