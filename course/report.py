"""The class report: grades per student, pass rate per exercise, the most common diagnosed
mistakes, the submissions the code scan flags and what went wrong while grading — as CSV
files and a PNG of plots.

Scores come from nbgrader's gradebook; mistakes from the hidden checks' messages
(«Вероятная ошибка: …») in the autograded notebooks; flags from ``course.scan``; what
happened to a submission at intake and during grading (a renamed or broken file, a kernel
death) from ``course.notes``.
"""

import csv
import re
from collections import Counter
from pathlib import Path

import matplotlib
import nbformat
from nbgrader.api import Gradebook

from course import notes
from course.lessons import LESSONS, exercises
from course.scan import scan_folder

MISTAKE = re.compile(r"Вероятная ошибка: (.+?)\.?$", re.M)


def _exercise_of(grade_id, lesson):
    for name in exercises(lesson):
        if grade_id.startswith(f"test_{name}"):
            return name
    return None


def gather(course):
    """Rows of the report, read from the gradebook and the course folders."""
    course = Path(course)
    grades, exercise_points = {}, {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        lessons = [a.name for a in gb.assignments if a.name in LESSONS]
        for student in sorted(s.id for s in gb.students):
            row = grades.setdefault(student, {})
            for lesson in lessons:
                try:
                    submission = gb.find_submission(lesson, student)
                except Exception:
                    continue
                row[lesson] = submission.score
                full = {}
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        name = _exercise_of(grade.name, lesson)
                        if name:
                            key = f"{lesson}:{name}"
                            row[key] = row.get(key, 0) + (grade.score or 0)
                            full[key] = full.get(key, 0) + grade.max_score
                exercise_points.update(full)
    mistakes = Counter()
    for path in sorted(course.glob("autograded/*/*/*.ipynb")):
        lesson = path.parent.name
        for cell in nbformat.read(str(path), as_version=4).cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    for text in MISTAKE.findall(out.get("evalue", "")):
                        mistakes[(lesson, text)] += 1
    flagged = {}
    for folder in sorted(course.glob("submitted/*/*")):
        if folder.is_dir() and folder.name in LESSONS:
            found = scan_folder(folder, folder.name)
            if found:
                flagged[(folder.parent.name, folder.name)] = found
    return {"lessons": lessons, "grades": grades, "mistakes": mistakes, "flagged": flagged,
            "notes": notes.load_all(course), "max_points": exercise_points}


def write(course, out_dir):
    """Write grades.csv, exercises.csv, mistakes.csv, flagged.csv, notes.csv and report.png."""
    data = gather(course)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    columns = data["lessons"] + sorted(data["max_points"])
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["студент", *columns])
        for student, row in data["grades"].items():
            writer.writerow([student, *(row.get(c, "") for c in columns)])
    rates = {}
    for key, full in data["max_points"].items():
        earned = [row[key] for row in data["grades"].values() if key in row]
        rates[key] = sum(1 for e in earned if e >= full) / len(earned) if earned else 0.0
    with open(out / "exercises.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["упражнение", "доля полностью решивших"])
        for key in sorted(rates):
            writer.writerow([key, f"{rates[key]:.2f}"])
    with open(out / "mistakes.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["урок", "ошибка", "сколько раз"])
        for (lesson, text), count in data["mistakes"].most_common():
            writer.writerow([lesson, text, count])
    with open(out / "flagged.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["студент", "урок", "что найдено"])
        for (student, lesson), found in sorted(data["flagged"].items()):
            writer.writerow([student, lesson, "; ".join(found)])
    with open(out / "notes.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["студент", "урок", "что произошло при приёме и оценивании"])
        for (student, lesson), said in sorted(data["notes"].items()):
            writer.writerow([student, lesson, "; ".join(said)])
    _plot(data, rates, out / "report.png")
    return data


def _plot(data, rates, path):
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 5))
    for lesson in data["lessons"]:
        scores = [row[lesson] for row in data["grades"].values() if lesson in row]
        left.hist(scores, bins=10, alpha=0.6, label=lesson)
    left.set_xlabel("баллы за урок")
    left.set_ylabel("число студентов")
    left.set_title("Распределение оценок по урокам")
    if data["lessons"]:
        left.legend()
    names = sorted(rates)
    right.barh(names, [rates[n] for n in names], color="tab:green")
    right.set_xlim(0, 1)
    right.set_xlabel("доля студентов, решивших упражнение полностью")
    right.set_title("Решаемость упражнений")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
