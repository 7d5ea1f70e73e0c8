"""Fingerprinting one submission: its solution code, written answers, added cells, comments
and the judge's verdicts on its wrong answers."""

import hashlib

from course.nbmeta import grade_id, marks
from course.notebooks import read_notebook
from course.pipeline.similarity import code, text
from course.pipeline.similarity.works import MIN_OUTPUT, Part, Work, raw_ids


def read(path, student, lesson, settings, verdicts=None):
    """The ``Work`` of ``student`` in the notebook at ``path``: the lesson's ``Lesson``,
    ``verdicts`` the judge's records for this submission (None when not graded)."""
    nb, problem = read_notebook(path)
    work = Work(student, problem=problem)
    if problem:
        return work
    ids = raw_ids(path, len(nb["cells"]))
    for index, (cell, raw_id) in enumerate(zip(nb["cells"], ids)):
        gid, solution = grade_id(cell), marks(cell).get("solution") is True
        if solution and cell["cell_type"] == "code" and gid in lesson.exercises:
            _solution(work, lesson, gid, cell["source"], settings)
        elif solution and cell["cell_type"] == "markdown":
            _answer(work, lesson, f"answer:{gid}", f"ответ {gid}", cell["source"], settings)
        elif not gid and _added(cell, raw_id, lesson):
            _added_cell(work, lesson, index, cell, raw_id, settings)
    for verdict in verdicts or []:
        _verdict(work, verdict)
    return work


def _added(cell, raw_id, lesson):
    """Whether the student added the cell: neither its id nor its text is the lesson's."""
    return raw_id not in lesson.release_ids and text.normal(cell["source"]) not in (
        lesson.release_sources) and bool(cell["source"].strip())


def _code(work, lesson, part, title, source, starter, settings):
    """Fingerprint a cell's code (without the statements of ``starter``) and its comments;
    whether any code is left."""
    work.parts[part] = Part(title, source)
    statements, comments = code.split(source, lesson.given)
    statements = [s for s in statements if code.key(s) not in starter]
    for value, spans in code.fingerprints(statements, settings.kgram, settings.window).items():
        if value not in lesson.code_boiler:
            work.add(("code", part, value), part, spans)
    value, size = code.whole(statements)
    if statements and value not in lesson.code_boiler:
        work.add(("code", part, "whole", value, size), part,
                 [(statement[0].start, statement[-1].end) for statement in statements])
    for comment in comments:
        said = text.normal(comment.text)
        if said and said not in lesson.comments:
            work.add(("comments", said), part, [(comment.start, comment.end)])
            _words(work, part, comment.text, comment.start)
    return bool(statements)


def _solution(work, lesson, exercise, source, settings):
    if _code(work, lesson, f"code:{exercise}", f"упражнение {exercise}", source,
             lesson.starters.get(exercise, set()), settings):
        work.attempted.add(exercise)


def _answer(work, lesson, part, title, body, settings):
    work.parts[part] = Part(title, body)
    for value, spans in text.shingles(body, settings.shingle).items():
        if value not in lesson.text_boiler:
            work.add(("answers", part, value), part, spans)
    _words(work, part, body, 0)


def _words(work, part, body, offset):
    for word, start, end in text.words(body):
        work.words.setdefault(word, []).append((part, offset + start, offset + end))


def _added_cell(work, lesson, index, cell, raw_id, settings):
    part = f"added:{index}"
    if cell["cell_type"] == "code":
        _code(work, lesson, part, f"добавленная ячейка {index + 1}", cell["source"], set(),
              settings)
        _outputs(work, index, cell.get("outputs", []))
    else:
        _answer(work, lesson, part, f"добавленная ячейка {index + 1}", cell["source"], settings)
    if raw_id:
        work.add(("cells", "id", raw_id), part, [(0, 0)])


def _outputs(work, index, outputs):
    """Fingerprint the outputs of an added code cell: their text, and each picture."""
    part, shown = f"output:{index}", []
    for output in outputs:
        data = output.get("data", {})
        body = output.get("text") or data.get("text/plain") or ""
        start = sum(len(s) + 1 for s in shown)
        if data.get("image/png"):
            body = body or "[рисунок]"
            value = hashlib.blake2b(data["image/png"].encode(), digest_size=8).hexdigest()
            work.add(("cells", "picture", value), part, [(start, start + len(body))])
        elif len(text.normal(body)) >= MIN_OUTPUT:
            work.add(("cells", "output", text.normal(body)), part, [(start, start + len(body))])
        shown.append(body)
    if shown:
        work.parts[part] = Part(f"вывод добавленной ячейки {index + 1}", "\n".join(shown))


def _verdict(work, verdict):
    """A failed check of an attempted exercise: the same failing case with the same message
    (the message holds what the function returned) is the same wrong answer."""
    exercise = verdict["exercise"]
    if verdict["passed"] or exercise not in work.attempted:
        return
    part = f"verdict:{exercise}"
    body = f"{verdict['case'] or ''}\n{verdict['message']}".strip()
    work.parts[part] = Part(f"вердикт судьи по {exercise}", body)
    fingerprint = ("wrong", exercise, verdict["case"], verdict["mistake"],
                   code.stable_hash(verdict["message"]))
    work.add(fingerprint, part, [(0, len(body))])
