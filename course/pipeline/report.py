"""The class report: grades per student, pass rate per exercise, the most common diagnosed
mistakes, the submissions the code scan flags and what went wrong while grading — as CSV
files, a PNG of plots and an HTML page with both.

Scores come from nbgrader's gradebook; everything else from each submission's record
(``course.pipeline.submission``), which the report only reads: mistakes from the judge's
verdicts of ``python -m course autograde`` (data, once per student and exercise; nothing a
kernel printed counts), flags from the code scan, and what happened to a submission at
intake and during grading (a renamed or broken file, a kernel death).
"""

import base64
import csv
import html
import textwrap
from collections import Counter
from pathlib import Path

import matplotlib
from nbgrader.api import Gradebook, MissingEntry

from course import russian
from course.lessons import LESSONS, exercise_of
from course.pipeline import ids, inert, submission
from course.pipeline.late import describe
from course.russian import plural


def mistake_text(verdict):
    """The Russian name of the mistake the judge recognised in a recorded verdict, or None."""
    from course.exercises import ALL

    exercise = ALL.get(verdict.get("exercise")) if isinstance(verdict, dict) else None
    key = verdict.get("mistake") if exercise else None
    if not isinstance(key, str):
        return None
    texts = {m.key: m.text for m in exercise.mistakes}
    return texts.get(key) or exercise.labels.get(key)


def gather(root):
    """The report's data, read from the gradebook and the course folders: lessons, grades
    ({student: {lesson or "<lesson>:<exercise>": points}}), mistakes (Counter of (lesson,
    text)), flagged and notes ({(student, lesson): [sentences]}), max_points (per exercise
    key) and lesson_max (per lesson)."""
    root = Path(root)
    grades, exercise_points, late = {}, {}, {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        lesson_max = {a.name: a.max_score for a in gb.assignments if a.name in LESSONS}
        lessons = [lesson for lesson in LESSONS if lesson in lesson_max]
        for student in sorted(s.id for s in gb.students):
            row = grades.setdefault(student, {})
            for lesson in lessons:
                try:
                    found = gb.find_submission(lesson, student)
                except MissingEntry:
                    continue
                penalty = found.late_submission_penalty or 0.0  # course.pipeline.late
                row[lesson] = max(0.0, found.score - penalty)
                if penalty:
                    late[student, lesson] = [describe(penalty)]
                full = {}
                for notebook in found.notebooks:
                    for grade in notebook.grades:
                        name = exercise_of(grade.name)
                        if name:
                            key = f"{lesson}:{name}"
                            row[key] = row.get(key, 0) + (grade.score or 0)
                            full[key] = full.get(key, 0) + grade.max_score
                exercise_points.update(full)
    records = submission.load_all(root)
    mistakes = Counter(
        (lesson, text) for (_, lesson), record in records.items() if record.graded
        for text in map(mistake_text, record.verdicts) if text)
    return {"lessons": lessons, "grades": grades, "mistakes": mistakes,
            "flagged": {pair: r.flags for pair, r in records.items() if r.flags},
            "notes": _with({pair: r.all_notes() for pair, r in records.items()
                            if r.all_notes()}, late),
            "max_points": exercise_points, "lesson_max": lesson_max}


def _with(found, more):
    """``found`` ({pair: [sentences]}) with the sentences of ``more`` added."""
    for pair, sentences in more.items():
        found.setdefault(pair, []).extend(sentences)
    return found


def tables(data):
    """{file name: (title, header, rows)} of the report's tables, as written to CSV and HTML."""
    columns = data["lessons"] + sorted(data["max_points"])
    rates = pass_rates(data)
    return {
        "grades.csv": ("Оценки", ["студент", *columns],
                       [[student, *(row.get(c, "") for c in columns)]
                        for student, row in data["grades"].items()]),
        "exercises.csv": ("Решаемость упражнений", ["упражнение", "доля полностью решивших"],
                          [[key, f"{rates[key]:.2f}"] for key in sorted(rates)]),
        "mistakes.csv": ("Частые ошибки", ["урок", "ошибка", "сколько раз"],
                         [[lesson, text, count]
                          for (lesson, text), count in data["mistakes"].most_common()]),
        "flagged.csv": ("Подозрительные работы", ["студент", "урок", "что найдено"],
                        [[student, lesson, "; ".join(found)]
                         for (student, lesson), found in sorted(data["flagged"].items())]),
        "notes.csv": ("Что произошло при приёме и оценивании",
                      ["студент", "урок", "что произошло при приёме и оценивании"],
                      [[student, lesson, "; ".join(said)]
                       for (student, lesson), said in sorted(data["notes"].items())]),
    }


def pass_rates(data):
    """{"<lesson>:<exercise>": share of the students who submitted it that got full points}."""
    rates = {}
    for key, full in data["max_points"].items():
        earned = [row[key] for row in data["grades"].values() if key in row]
        rates[key] = sum(1 for e in earned if e >= full) / len(earned) if earned else 0.0
    return rates


def _shown(value):
    """A table cell of report.html: numbers written the Russian way ('12', '2,5')."""
    return russian.number(value) if isinstance(value, float) else str(value)


def write(root, out_dir):
    """Write the tables as CSV files, report.png (plots) and report.html (plots and tables,
    one page to open in a browser, which runs no script and fetches nothing:
    ``inert.with_csp``) into ``out_dir``; the gathered data."""
    data = gather(root)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    found = tables(data)
    for name, (_, header, rows) in found.items():
        with open(out / name, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            # ids, file names and notes come from submissions: never a formula
            writer.writerows([[ids.csv_cell(value) for value in row] for row in rows])
    _plot(data, out / "report.png")
    sections = []
    for name, (title, header, rows) in found.items():
        cells = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(_shown(v))}</td>" for v in row)
                       + "</tr>" for row in rows) or (
            f'<tr><td colspan="{len(header)}">нет</td></tr>')
        sections.append(f'<h2>{title} <a href="{name}">({name})</a></h2>\n'
                        f"<table><tr>{cells}</tr>{body}</table>")
    from course.pipeline import similarity  # pairs worth a look; writes similarity.csv

    sections.append(similarity.report_section(root, out))
    png = base64.b64encode((out / "report.png").read_bytes()).decode()
    (out / "report.html").write_text(inert.with_csp(
        '<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8">'
        "<title>Отчёт по группе</title><style>body{font-family:sans-serif;margin:2em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;"
        "text-align:left}img{max-width:100%}</style></head><body>\n"
        f"<h1>Отчёт по группе: {plural(len(data['grades']), 'студент', 'студента', 'студентов')}"
        "</h1>\n"
        f'<img src="data:image/png;base64,{png}" '
        'alt="распределение оценок, решаемость, частые ошибки">\n'
        + "\n".join(sections) + "\n</body></html>\n"), "utf-8")
    return data


def _plot(data, path):
    """Three panels: each lesson's scores (in % of its maximum), the pass rate of each
    exercise, the most common diagnosed mistakes."""
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(18, 5.5))
    lessons = [lesson for lesson in data["lessons"]
               if any(lesson in row for row in data["grades"].values())]
    if lessons:
        left.hist([[100 * row[lesson] / (data["lesson_max"][lesson] or 1)
                    for row in data["grades"].values() if lesson in row] for lesson in lessons],
                  bins=range(0, 101, 10), label=lessons)
        left.legend()
    left.set_xlabel("баллы за урок, % от максимума")
    left.set_ylabel("число студентов")
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_title("Распределение оценок по урокам")
    rates = pass_rates(data)
    names = sorted(rates)
    middle.barh(names, [rates[n] for n in names], color="tab:green")
    middle.invert_yaxis()
    middle.set_xlim(0, 1)
    middle.set_xlabel("доля студентов, решивших упражнение полностью")
    middle.set_title("Решаемость упражнений")
    common = data["mistakes"].most_common(8)
    right.barh([textwrap.fill(f"{lesson}: {text}", 40) for (lesson, text), _ in common],
               [count for _, count in common], color="tab:red")
    right.invert_yaxis()
    right.xaxis.set_major_locator(MaxNLocator(integer=True))
    right.set_xlabel("сколько раз")
    right.set_title("Частые ошибки" if common else "Частые ошибки: не найдено")
    right.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
