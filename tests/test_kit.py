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


def test_an_explorer_draws_at_once_and_again_when_a_slider_moves():
    """Headless (no browser) the explorer draws once; moving a slider draws again with the new
    value, which is what the student sees in JupyterLab."""
    import ipywidgets as widgets
    import matplotlib

    matplotlib.use("Agg")
    sys.path.insert(0, str(KIT.parent))
    try:
        from optkit import plots
    finally:
        sys.path.remove(str(KIT.parent))
    drawn = []
    slider = widgets.FloatSlider(value=0.3, min=0.0, max=1.0)
    panel = plots.explore(lambda lr: drawn.append(lr), {"lr": slider})
    assert drawn == [0.3]
    slider.value = 0.7
    assert drawn == [0.3, 0.7]
    assert slider in panel.children[0].children


def test_the_path_explorer_runs_the_methods_it_is_given():
    import ipywidgets as widgets
    import matplotlib

    matplotlib.use("Agg")
    sys.path.insert(0, str(KIT.parent))
    try:
        from optkit import optimizers, plots, surfaces
    finally:
        sys.path.remove(str(KIT.parent))
    rates = []

    def methods(lr):
        rates.append(lr)
        return {"градиентный спуск": optimizers.sgd(lambda w, g, eta: w - eta * g, lr)}

    slider = widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=0)
    plots.explore_paths(methods, {"lr": slider}, {"овраг": surfaces.ravine()}, n_steps=10)
    slider.value = 0.01
    assert rates == [0.1, 0.01]
