"""The helper kit: earlier lessons' functions load from solved notebooks, not from stubs."""

import sys

import pytest

from course.lessons import KIT, ROOT, existing, exercises


@pytest.fixture(scope="module")
def previous():
    sys.path.insert(0, str(KIT.parent))
    from optkit import previous
    yield previous
    sys.path.remove(str(KIT.parent))


@pytest.mark.parametrize("lesson", existing())
def test_every_exercise_loads_from_the_solved_source(previous, lesson, capsys):
    for name in exercises(lesson):
        if name in previous.LOADABLE:  # what later lessons load
            assert callable(previous.load(lesson, name, folder=ROOT / "source")), name
    assert "недоступна" not in capsys.readouterr().out


def test_an_unsolved_stub_is_not_loaded_and_the_student_is_told(previous, capsys):
    assert previous.load("01_sgd", "sgd_update", folder=ROOT / "release") is None
    assert "упражнение ещё не решено" in capsys.readouterr().out
