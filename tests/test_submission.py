"""A submission's record and its preparation: one typed record per submission, kept in its
ledger file; the preparation a list of small transformations."""

import copy

import pytest

from course.lessons import notebook
from course.nbmeta import grade_id
from course.notebooks import read_notebook
from course.pipeline import submission
from course.pipeline.prepare import LessonVersions, prepare
from course.pipeline.submission import Submission

LESSON = "01_sgd"


def test_a_record_survives_its_ledger_file(tmp_path):
    record = Submission("Иван Петров", LESSON, intake_notes=["файл принят"],
                        verdicts=[{"exercise": "sgd_update", "passed": False}],
                        run={"killed": [3]}, notes=["ячейка 4 аварийно завершила ядро"])
    record.notebook = {"cells": []}
    submission.save(tmp_path, record)
    back = submission.load(tmp_path, "Иван Петров", LESSON)
    assert back == record and back.notebook is None
    assert submission.load_all(tmp_path) == {("Иван Петров", LESSON): record}
    assert back.all_notes() == ["файл принят", "ячейка 4 аварийно завершила ядро"]


def test_a_missing_or_broken_ledger_file_is_a_fresh_record(tmp_path):
    assert submission.load(tmp_path, "nobody", LESSON) == Submission("nobody", LESSON)
    (tmp_path / "ledger" / "x").mkdir(parents=True)
    (tmp_path / "ledger" / "x" / f"{LESSON}.json").write_text("{ не JSON")
    assert submission.load(tmp_path, "x", LESSON) == Submission("x", LESSON)


@pytest.mark.parametrize("student", ["..", ".", "a/b", ""])
def test_a_ledger_file_never_leaves_the_ledger(tmp_path, student):
    with pytest.raises(ValueError):
        submission.save(tmp_path, Submission(student, LESSON))
    assert not any(tmp_path.rglob("*.json"))


def _versions():
    found = {}
    for where in ("source", "release"):
        found[where], _ = read_notebook(notebook(LESSON, where))
    return LessonVersions(LESSON, **found)


def test_the_preparation_restores_overwrites_and_clears():
    versions = _versions()
    nb = copy.deepcopy(versions.release)
    hidden = next(c for c in nb["cells"] if grade_id(c) == "test_sgd_update_hidden")
    nb["cells"].remove(hidden)  # deleted by the student
    check = next(c for c in nb["cells"] if grade_id(c) == "test_forward_hidden")
    check["source"] = "pass  # edited"
    foreign = {"cell_type": "code", "source": "x = 1", "outputs": [], "execution_count": 3,
               "metadata": {"nbgrader": {"grade_id": "test_adam_update_hidden", "grade": True,
                                         "points": 99}}}
    nb["cells"].insert(0, foreign)
    record = Submission("s", LESSON)
    record.notebook = nb
    prepared = prepare(record, versions)
    source_cells = {grade_id(c): c["source"] for c in versions.source["cells"] if grade_id(c)}
    assert record.restored == ["test_sgd_update_hidden"]
    by_id = {grade_id(c): c for c in prepared["cells"] if grade_id(c)}
    assert by_id["test_forward_hidden"]["source"] == source_cells["test_forward_hidden"]
    assert by_id["test_sgd_update_hidden"]["source"] == source_cells["test_sgd_update_hidden"]
    assert "test_adam_update_hidden" not in by_id
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None
               for c in prepared["cells"])
    order = [grade_id(c) for c in prepared["cells"] if grade_id(c)]
    assert order == [grade_id(c) for c in versions.release["cells"] if grade_id(c)]
    again = Submission("s", LESSON)
    again.notebook = prepared
    assert prepare(again, versions) == prepared and again.restored == []
