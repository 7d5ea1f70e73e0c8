"""Grades and feedback back to Moodle: the assignment's offline grading worksheet filled in,
and the students' feedback pages in a zip that Moodle's feedback-file import reads.

The worksheet is the CSV that «Действия оценивания → Скачать ведомость оценок» gives
(``assign_feedback_offline::download_grades``, columns from ``mod/assign/gradingtable.php``;
facts and sources in the course's review notes on the worksheet format). Only two cells of
a matched row are written, the grade and the feedback comment; every other byte of the file
(BOM, header, row order, the other cells, their quoting, line ends) stays as it was.
Columns are found by their exact headers in the worksheet's language, as Moodle's importer
(``assignfeedback_offline_grade_importer::init``) finds them; nothing a student sent
chooses a column or a path.

A student is matched by the participant number that Moodle writes in the worksheet
(«Участник5023120», "Participant 5023120") and in its bulk-download folder names, which
intake keeps in the gradebook (``remember_participants``).
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from course import russian
from course.lessons import exercise_of
from course.pipeline.late import describe
from course.russian import plural

BOM = "\ufeff"


@dataclass(frozen=True)
class Language:
    """The worksheet's column headers and decimal separator in one Moodle language
    (language packs: ``assign.php``, ``moodle.php``, ``langconfig.php``, the comments
    plugin's ``pluginname``)."""

    name: str
    identifier: str
    fullname: str
    grade: str
    maximum: tuple
    comment: str
    submitted: str
    decsep: str


LANGUAGES = (
    Language("русская", "Идентификатор", "Полное имя", "Оценка", ("Максимальная оценка",),
             "Отзыв в виде комментария", "Последнее изменение (ответ)", ","),
    # 4.1 wrote "Maximum Grade", 4.4 and later "Maximum grade".
    Language("английская", "Identifier", "Full name", "Grade",
             ("Maximum grade", "Maximum Grade"), "Feedback comments",
             "Last modified (submission)", "."),
)
DELIMITERS = (",", ";", "\t")


# --- the participant numbers, kept per student -------------------------------------------

def remember_participants(root, found):
    """Keep ``found`` ({student id: Moodle participant number}) as the students'
    ``lms_user_id`` in the course's gradebook (created if there is none yet)."""
    if not found:
        return
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{Path(root) / 'gradebook.db'}") as gb:
        for student, number in found.items():
            gb.update_or_create_student(student, lms_user_id=str(number))


def participants(root):
    """{student id: participant number} of the students taken in from Moodle."""
    from nbgrader.api import Gradebook

    path = Path(root) / "gradebook.db"
    if not path.is_file():
        return {}
    with Gradebook(f"sqlite:///{path}") as gb:
        return {s.id: s.lms_user_id for s in gb.students if s.lms_user_id}


# --- the lesson's results from the gradebook ---------------------------------------------

@dataclass
class Result:
    """One student's lesson as the gradebook has it: points (after the late penalty),
    the lesson's maximum, the penalty, per-exercise (name, points, maximum) and the written
    answers' (points, maximum, how many still wait for a grade)."""

    score: float
    max_score: float
    penalty: float = 0.0
    exercises: list = field(default_factory=list)
    written: tuple = (0.0, 0.0, 0)


def results(root, lesson):
    """{student: Result} of everyone with a submission of ``lesson`` in the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    found = {}
    with Gradebook(f"sqlite:///{Path(root) / 'gradebook.db'}") as gb:
        try:
            submissions = gb.find_assignment(lesson).submissions
        except MissingEntry:
            return {}
        for submission in submissions:
            if not _graded(submission):  # a record that only holds an extension
                continue
            points, written = {}, [0.0, 0.0, 0]
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.cell.cell_type == "markdown":
                        written[0] += grade.score or 0
                        written[1] += grade.max_score
                        written[2] += bool(grade.needs_manual_grade)
                    else:
                        name = exercise_of(grade.name) or grade.name
                        got, full = points.get(name, (0.0, 0.0))
                        points[name] = (got + (grade.score or 0), full + grade.max_score)
            penalty = submission.late_submission_penalty or 0.0
            found[submission.student.id] = Result(
                score=max(0.0, submission.score - penalty), max_score=submission.max_score,
                penalty=penalty, exercises=[(n, *p) for n, p in points.items()],
                written=tuple(written))
    return found


def _graded(submission):
    """Whether autograde (or a grader) has scored anything of ``submission``."""
    return any(grade.auto_score is not None or grade.manual_score is not None
               for notebook in submission.notebooks for grade in notebook.grades)


def number(value, decsep=","):
    """``value`` as Moodle writes a grade (``format_float`` with 2 decimals)."""
    return f"{value:.2f}".replace(".", decsep)


def comment(lesson, result):
    """The short Russian comment on ``result``, one line (Moodle keeps no line breaks in
    worksheet cells)."""
    parts = [f"{name} {russian.number(got)} из {russian.number(full)}"
             for name, got, full in result.exercises]
    got, full, pending = result.written
    if full:
        parts.append("письменные ответы ещё не проверены" if pending else
                     f"письменные ответы {russian.number(got)} из {russian.number(full)}")
    text = (f"Урок {lesson}: {russian.number(result.score)} из "
            f"{russian.number(result.max_score)} баллов")
    if result.penalty:
        text += f" ({describe(result.penalty)})"
    return text + ". " + "; ".join(parts) + "."


# --- the worksheet's bytes -----------------------------------------------------------------

@dataclass
class Field:
    """One cell: where its text lies in the file (``start``..``end``, quotes included),
    its value and whether it was quoted."""

    start: int
    end: int
    value: str
    quoted: bool


def _records(text, delimiter):
    """The file's records, each a list of ``Field``; line ends \\n, \\r\\n or \\r."""
    records, record, i, n = [], [], 0, len(text)
    while i <= n:
        start = i
        if i < n and text[i] == '"':
            i, value = i + 1, []
            while i < n:
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        value.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                value.append(text[i])
                i += 1
            # anything between the closing quote and the delimiter belongs to the cell
            while i < n and text[i] not in (delimiter, "\r", "\n"):
                value.append(text[i])
                i += 1
            record.append(Field(start, i, "".join(value), True))
        else:
            while i < n and text[i] not in (delimiter, "\r", "\n"):
                i += 1
            record.append(Field(start, i, text[start:i], False))
        if i < n and text[i] == delimiter:
            i += 1
            continue
        records.append(record)
        record = []
        if i >= n:
            break
        i += 2 if text.startswith("\r\n", i) else 1
        if i >= n:
            break
    return [r for r in records if len(r) > 1 or r[0].value or r[0].quoted]  # no blank lines


class NotAWorksheet(ValueError):
    """The file is not a Moodle grading worksheet this module can fill (Russian reason)."""


@dataclass
class Worksheet:
    """A worksheet read from bytes: its text, encoding, BOM, delimiter, language, the
    columns found ({role: index}) and the records (the header first)."""

    text: str
    encoding: str
    bom: bool
    delimiter: str
    language: Language
    columns: dict
    records: list
    quoting: str = "php"

    def encode(self, value):
        """``value`` as a cell of this file: quoted as the file quotes its cells."""
        needs = any(c in value for c in (self.delimiter, '"', "\n", "\r")) or (
            self.quoting == "php" and any(c in value for c in " \t")) or (
            self.quoting == "all" and value)
        return '"' + value.replace('"', '""') + '"' if needs else value


def _quoting(records):
    """How a file quotes its cells: 'all' (every non-empty cell), 'php' (also cells with a
    space: PHP's fputcsv, Moodle's writer) or 'minimal' (only where needed: Excel)."""
    cells = [f for record in records for f in record if f.value]
    if cells and all(f.quoted for f in cells):
        return "all"
    if any(" " in f.value and not f.quoted for f in cells):
        return "minimal"
    return "php"


def read(data):
    """The ``Worksheet`` in ``data`` (the file's bytes): UTF-8 with or without BOM, or
    cp1251 (Excel under Russian Windows); delimiter ',', ';' or tab; Russian or English."""
    bom = data.startswith(BOM.encode())
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1251"), "cp1251"
        except UnicodeDecodeError:
            raise NotAWorksheet("файл не в UTF-8 и не в cp1251") from None
    if bom:
        text = text[1:]
    for delimiter in DELIMITERS:
        first = _records(text.split("\n", 1)[0].split("\r", 1)[0], delimiter)
        header = [f.value for f in first[0]] if first else []
        for language in LANGUAGES:
            if language.identifier in header and language.grade in header:
                columns = {"identifier": header.index(language.identifier),
                           "grade": header.index(language.grade)}
                for role, names in (("fullname", (language.fullname,)),
                                    ("maximum", language.maximum),
                                    ("comment", (language.comment,)),
                                    ("submitted", (language.submitted,))):
                    present = [header.index(name) for name in names if name in header]
                    if present:
                        columns[role] = present[0]
                if "maximum" not in columns:
                    raise NotAWorksheet(
                        f"нет столбца «{language.maximum[0]}» (оценка шкалой, а не баллами?)")
                records = _records(text, delimiter)
                return Worksheet(text, encoding, bom, delimiter, language, columns, records,
                                 _quoting(records))
    raise NotAWorksheet("это не ведомость оценок Moodle: нет столбцов «Идентификатор» и "
                        "«Оценка» (или «Identifier» и «Grade»)")


def participant_of(identifier):
    """The participant number in an «Идентификатор» cell («Участник5023120», "Participant
    5023120"), or None."""
    found = re.fullmatch(r"\D*?(\d+)", identifier.strip())
    return found[1] if found else None


# Month names as Moodle's userdate() writes them (%B: the genitive in Russian dates).
MONTHS = {name: number for names in (
    ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
     "октября", "ноября", "декабря"),
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december")) for number, name in enumerate(names, 1)}


def parse_time(text, tz=None):
    """The moment in a worksheet date («вторник, 10 февраля 2026, 21:14», "Tuesday,
    10 February 2026, 9:14 PM": langconfig's strftimedaydatetime), read in the time zone
    ``tz`` (default: this machine's, which should be the Moodle user's); None for '-'."""
    found = re.search(r"(\d{1,2}) (\w+) (\d{4}), (\d{1,2}):(\d{2})(?:\s*([AP]M))?", text)
    if not found or found[2].lower() not in MONTHS:
        return None
    hour = int(found[4])
    if found[6]:
        hour = hour % 12 + (12 if found[6] == "PM" else 0)
    moment = datetime(int(found[3]), MONTHS[found[2].lower()], int(found[1]), hour,
                      int(found[5]))
    return moment.replace(tzinfo=tz) if tz else moment.astimezone()


def stamp_times(root, lesson, data, tz=None):
    """Write each Moodle student's submission time, the worksheet's «Последнее изменение
    (ответ)», into submitted/<student>/<lesson>/timestamp.txt (nbgrader's format, UTC),
    so that nbgrader's late penalties count from it; the students stamped."""
    sheet = read(data)
    if "submitted" not in sheet.columns:
        return []
    times = {}
    for record in sheet.records[1:]:
        if len(record) > max(sheet.columns.values()):
            moment = parse_time(record[sheet.columns["submitted"]].value, tz)
            if moment:
                times[participant_of(record[sheet.columns["identifier"]].value)] = moment
    stamped = []
    for student, num in participants(root).items():
        folder = Path(root) / "submitted" / student / lesson
        if num in times and folder.is_dir():
            utc = times[num].astimezone(timezone.utc)
            (folder / "timestamp.txt").write_text(utc.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
            stamped.append(student)
    return sorted(stamped)


def _parse_number(text, decsep):
    try:
        return float(text.strip().replace("\u00a0", "").replace(" ", "").replace(decsep, "."))
    except ValueError:
        return None


def inert(text):
    """``text`` safe to open in a spreadsheet: a cell that starts like a formula
    (=, +, -, @, tab, CR) gets a leading apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --- filling it in ---------------------------------------------------------------------

@dataclass
class Filled:
    """What ``fill`` did: the new file's bytes, and per participant row: graded students
    ({student: (participant, full name, grade text)}), rows left as they were (no
    submission), our students not in the worksheet, rows whose maximum does not read,
    students whose written answers still wait for a grade, and whether rows were graded
    in Moodle before (they need «ignore modified» on import)."""

    data: bytes
    worksheet: Worksheet
    graded: dict = field(default_factory=dict)
    not_submitted: list = field(default_factory=list)
    not_in_worksheet: list = field(default_factory=list)
    unreadable: list = field(default_factory=list)
    pending: list = field(default_factory=list)


def fill(data, lesson, results_by_student, numbers):
    """The worksheet ``data`` (bytes) filled in with ``results_by_student`` ({student:
    Result}) for the students whose participant ``numbers`` ({student: number}) it lists."""
    sheet = read(data)
    lang, cols = sheet.language, sheet.columns
    by_number = {}
    for student, num in numbers.items():
        by_number.setdefault(str(num), []).append(student)
    out, done, seen = [], Filled(b"", sheet), set()
    cursor = 0
    for record in sheet.records[1:]:
        if len(record) <= max(cols.values()):
            continue
        num = participant_of(record[cols["identifier"]].value)
        seen.add(num)
        mine = [s for s in by_number.get(num, []) if s in results_by_student]
        if not mine:
            done.not_submitted.append(num or record[cols["identifier"]].value)
            continue
        if len(mine) > 1:  # one participant, two students: not ours to choose
            done.unreadable.append(f"{num}: {', '.join(sorted(mine))}")
            continue
        (student,) = mine
        result = results_by_student[student]
        row_max = _parse_number(record[cols["maximum"]].value, lang.decsep)
        if row_max is None or not result.max_score:
            done.unreadable.append(f"{num}: {record[cols['maximum']].value}")
            continue
        grade = number(min(row_max, result.score / result.max_score * row_max), lang.decsep)
        changes = [(record[cols["grade"]], grade)]
        if "comment" in cols:
            changes.append((record[cols["comment"]], inert(comment(lesson, result))))
        for cell, value in sorted(changes, key=lambda change: change[0].start):
            out.append(sheet.text[cursor:cell.start])
            out.append(sheet.encode(value))
            cursor = cell.end
        fullname = record[cols["fullname"]].value if "fullname" in cols else ""
        done.graded[student] = (num, fullname, grade)
        if result.written[2]:
            done.pending.append(student)
    out.append(sheet.text[cursor:])
    text = (BOM if sheet.bom else "") + "".join(out)
    done.data = text.encode(sheet.encoding, errors="replace")
    done.not_in_worksheet = sorted(s for s in results_by_student
                                   if s not in numbers or str(numbers[s]) not in seen)
    return done


def feedback_zip(root, lesson, graded):
    """A zip (bytes) of each graded student's feedback pages, in the folders that Moodle's
    «Загрузить несколько файлов отзывов в архиве ZIP» reads
    (``assignfeedback_file_zip_importer::is_valid_filename_for_import``:
    ``<name>_<participant>_assignsubmission_file_/``, no '_' in the name); and the
    students who have no feedback page."""
    buffer, missing = io.BytesIO(), []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for student, (num, fullname, _) in sorted(graded.items()):
            pages = sorted((Path(root) / "feedback" / student / lesson).glob("*.html"))
            if not pages:
                missing.append(student)
            name = re.sub(r"\s+", " ", re.sub(r"[^\w\s.-]|_", " ", fullname)).strip(" .")
            for page in pages:
                archive.write(page, f"{name or 'Участник'}_{num}_assignsubmission_file_/"
                                    f"{page.name}")
    return buffer.getvalue(), missing


def summary(filled):
    """Russian lines for the instructor about what ``fill`` did."""
    sheet = filled.worksheet
    lines = [f"Оценки записаны: {plural(len(filled.graded), 'студент', 'студента', 'студентов')}"
             f" ({sheet.language.name} ведомость, {sheet.encoding}"
             f"{' с BOM' if sheet.bom else ''}, разделитель «{sheet.delimiter}»)."]
    if "comment" not in sheet.columns:
        lines.append(f"В ведомости нет столбца «{sheet.language.comment}»: комментарии не "
                     "записаны (включите отзыв в виде комментария в настройках задания).")
    if filled.not_submitted:
        count = plural(len(filled.not_submitted), "участника", "участников", "участников")
        lines.append(f"Работ нет у {count}: их оценка оставлена пустой.")
    if filled.not_in_worksheet:
        lines.append("Нет в ведомости (номер участника Moodle неизвестен или не найден), "
                     "оценки не записаны: " + ", ".join(filled.not_in_worksheet) + ".")
    if filled.unreadable:
        lines.append("Строки не заполнены (неясная максимальная оценка или один участник у "
                     "двух студентов): " + "; ".join(filled.unreadable) + ".")
    if filled.pending:
        lines.append("Письменные ответы ещё не проверены (в оценке их баллы пока не учтены): "
                     + ", ".join(sorted(filled.pending)) + ".")
    return lines
