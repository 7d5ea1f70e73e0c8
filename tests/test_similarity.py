"""The similarity report (``python -m course similarity``) on generated classes: honest
students who wrote their work independently and planted copies of several kinds
(``tests/similarity_class.py``). Quick: no notebook is executed."""

import csv
import inspect
import itertools
import json
import math
import random
import shutil
import textwrap

import numpy as np
import pytest
import similarity_class

from course import reference
from course.__main__ import main
from course.exercises import ALL
from course.pipeline import similarity, submission
from course.pipeline.similarity import code, page

SEED = 1  # the class of the assertions below; the final report gives other seeds' results


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course folder with a generated class per lesson and the judge's verdicts; the
    planted pairs {lesson: {kind: (original, copier)}}."""
    course = tmp_path_factory.mktemp("class")
    planted = {lesson: similarity_class.build(course, lesson, seed=SEED)
               for lesson in similarity_class.QUESTIONS}
    return course, planted


@pytest.fixture(scope="module")
def results(graded):
    course, _ = graded
    return {lesson: similarity.analyse(course, lesson) for lesson in similarity_class.QUESTIONS}


def _scores(result):
    found = {frozenset((p.student_a, p.student_b)): p.score for p in result.pairs}
    return {frozenset(pair): found.get(frozenset(pair), 0.0)
            for pair in itertools.combinations(sorted(result.works), 2)}


def test_every_planted_pair_ranks_above_every_honest_pair(graded, results, lesson):
    _, planted = graded
    result = results[lesson]
    scores = _scores(result)
    copies = {frozenset(pair): kind for kind, pair in planted[lesson].items()}
    lowest = min((scores[pair], kind) for pair, kind in copies.items())
    highest = max(score for pair, score in scores.items() if pair not in copies)
    print(f"{lesson}: {len(result.works)} works; planted pairs from {lowest[0]:.2f} "
          f"({lowest[1]}), honest pairs up to {highest:.2f}, worth a look from "
          f"{result.threshold:.2f}; separation {lowest[0] - highest:+.2f}")
    assert lowest[0] > highest, (lowest, highest)


def test_each_kind_of_copy_is_found_by_the_signal_it_leaves(graded, results):
    _, planted = graded
    for lesson, kinds in planted.items():
        pairs = {frozenset((p.student_a, p.student_b)): p for p in results[lesson].pairs}
        found = {kind: pairs[frozenset(pair)].signals for kind, pair in kinds.items()}
        assert found["wrong answer"]["wrong"] > 0, lesson
        assert found["written answer"]["answers"] > 0, lesson
        assert found["extra cells"]["cells"] > 0, lesson
        assert found["verbatim"]["cells"] > 0 and found["verbatim"]["answers"] > 0, lesson
        for kind in ("renamed", "reordered"):
            assert found[kind]["code"] > 0, (lesson, kind)


def test_a_pair_sharing_only_the_reference_solutions_is_not_worth_a_look(results):
    for lesson, result in results.items():
        both = frozenset(("student_00", "student_01"))  # both hand in the reference code
        assert _scores(result)[both] < result.threshold, lesson
        pair = next((p for p in result.pairs
                     if {p.student_a, p.student_b} == set(both)), None)
        assert pair is None or pair.signals["code"] == 0, lesson


def test_a_common_mistake_weighs_nothing(results):
    """Six honest students make the same known mistake in sgd_update: no pair of them
    gains anything from it."""
    result = results["01_sgd"]
    common = [fp for fp in result.works["student_02"].prints
              if fp[0] == "wrong" and fp[1] == "sgd_update"]
    assert common and all(fp not in result.weight for fp in common)


def test_renamed_locals_reordered_lines_and_comments_give_the_same_fingerprints():
    given = {"w", "grad", "lr", "np"}
    first = "step = lr * grad  # шаг\nnew_w = w - step\nscale = np.sqrt(lr)\nreturn new_w"
    second = "# другой комментарий\nscale2 = np.sqrt(lr)\nmove = lr * grad\nw_next = w - move\n" \
             "return w_next"
    prints = [code.fingerprints(code.split(text, given)[0], 5, 2) for text in (first, second)]
    assert set(prints[0]) == set(prints[1])
    changed = code.fingerprints(code.split(first.replace("w - step", "w + step"), given)[0],
                                5, 2)
    assert set(changed) != set(prints[0])


def test_honest_implementations_are_correct():
    """Every honest implementation, in several students' styles, gives the reference's
    results on the exercise's first cases (it is honest work, not a disguised mistake)."""
    namespace = {"np": np, "math": math, "sigmoid": reference.sigmoid,
                 "forward": reference.forward}
    for exercise, bodies in similarity_class.CORRECT.items():
        params = list(inspect.signature(getattr(reference, exercise)).parameters)
        for number, body in enumerate(bodies):
            for seed in range(3):
                rng = random.Random(seed)
                style = [rule for rule in similarity_class.STYLES if rng.random() < 0.5]
                written = similarity_class.habitual(
                    similarity_class.styled(body, style, rng),
                    [h for h in similarity_class.HABITS if rng.random() < 0.3], set(params))
                exec(f"def {exercise}({', '.join(params)}):\n"  # noqa: S102 (our own code)
                     + textwrap.indent(written, "    "), namespace)
                assert _agrees(exercise, namespace[exercise]), (exercise, number, written)


def _agrees(exercise, func):
    if exercise == "minibatch_indices":
        batches = func(10, 3, np.random.default_rng(1))
        return sorted(np.concatenate(batches).tolist()) == list(range(10)) and [
            len(b) for b in batches] == [3, 3, 3, 1]
    for case in ALL[exercise].cases()[:3]:
        args = case["args"]
        if exercise == "nesterov_update":
            args = [args[0], args[1], lambda p: 2.0 * p, *args[3:]]
        expected, got = getattr(reference, exercise)(*args), func(*args)
        if not all(np.allclose(e[k], g[k]) if isinstance(e, dict) else np.allclose(e, g)
                   for e, g in zip(*(v if isinstance(v, tuple) else (v,) for v in (
                       expected, got))) for k in (e if isinstance(e, dict) else [None])):
            return False
    return True


@pytest.fixture
def course_copy(graded, tmp_path):
    course, planted = graded
    shutil.copytree(course, tmp_path / "course")
    return tmp_path / "course", planted


def test_without_verdicts_the_wrong_answer_signal_is_missing_and_said(course_copy):
    course, planted = course_copy
    shutil.rmtree(course / submission.LEDGER)
    result = similarity.analyse(course, "02_nesterov")
    assert any("вердикт" in note for note in result.notes)
    assert all(pair.signals["wrong"] == 0 for pair in result.pairs)
    # the copies are still found on the other signals: the top pair is a planted one, and the
    # verbatim copy is among the pairs worth a look
    copies = {frozenset(pair) for pair in planted["02_nesterov"].values()}
    top = result.pairs[0]
    assert top.score > 0 and frozenset((top.student_a, top.student_b)) in copies
    look = {frozenset((p.student_a, p.student_b)) for p in result.worth_a_look()}
    assert frozenset(planted["02_nesterov"]["verbatim"]) in look


def test_command_writes_the_pairs_sorted_by_score(course_copy, capsys):
    course, planted = course_copy
    main(["similarity", "01_sgd", "03_adagrad", "--root", str(course),
          "--out", str(course / "reports")])
    said = capsys.readouterr().out
    assert "совпадений, на которые стоит посмотреть" in said and "списал" not in said
    with open(course / "reports" / similarity.CSV, encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0][:4] == ["урок", "студент 1", "студент 2", "вес совпадений"]
    scores = [float(row[3]) for row in rows[1:]]
    assert scores == sorted(scores, reverse=True) and {row[0] for row in rows[1:]} == {
        "01_sgd", "03_adagrad"}
    first = {rows[1][1], rows[1][2]}
    assert first in [set(pair) for kinds in planted.values() for pair in kinds.values()]


def test_report_section_shows_student_text_only_escaped(course_copy):
    """A submission is data: a <script> in an answer, an output or a student's name must not
    run in the instructor's browser."""
    course, planted = course_copy
    original, copier = planted["04_adam"]["verbatim"]
    evil = "<script>alert('x')</script>"
    for student in (original, copier):
        path = course / "submitted" / student / "04_adam" / "04_adam.ipynb"
        nb = json.loads(path.read_text("utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown" and cell["metadata"].get("nbgrader", {}).get(
                    "solution"):
                cell["source"] = f"{evil} {''.join(cell['source'])}"
        path.write_text(json.dumps(nb), "utf-8")
    shutil.move(course / "submitted" / copier, course / "submitted" / f"{copier}<img>")
    html = similarity.report_section(course, course / "reports")
    assert "<script" not in html.lower() and "<img>" not in html
    assert "&lt;<mark>script&gt;alert(" in html  # shown, escaped, highlighted
    assert "совпадения, на которые стоит посмотреть" in html.lower() and "списал" not in html


def test_page_marks_only_the_given_spans():
    assert page.marked("a<b>c", [(1, 4)]) == "a<mark>&lt;b&gt;</mark>c"
    assert page.marked("abc", [(0, 1), (0, 2), (5, 9)]) == "<mark>ab</mark>c"
