"""The capstone of lesson 5: its data is what scripts/make_digits.py makes (the held-out test
split beside the judge, not in the kit), the network's gradients are exact, the threshold on
the test split tells a good choice from a poor one when the judge re-trains the choice with the
reference implementations, and no choice that lesson 5 or the kit shows passes it."""

import ast
import hashlib
import importlib.util
import re
import sys

import numpy as np
import pytest

import course.grading
from course import judge
from course import reference as R
from course.client import answer, runner, wire
from course.exercises.capstone_choice import (
    HELD_OUT,
    held_out,
    held_out_accuracies,
    reference_functions,
)
from course.lessons import KIT, KIT_FILES, ROOT, notebook

sys.path.insert(0, str(KIT.parent))
from optkit import capstone, digits  # noqa: E402

# sha256 over the arrays of each file (name, then bytes, in sorted order of the names)
DIGITS_SHA256 = "79cfc2f4506a2b22e9ce4d61d62245e992396735d78a187f76e57d5a24b7f459"
HELD_OUT_SHA256 = "9a34a170ea45d8edc55628e7f9474e59daab28cbb08dd7dd98ff82a54acce8ee"


def _arrays_hash(arrays):
    h = hashlib.sha256()
    for name in sorted(arrays):
        h.update(name.encode() + np.ascontiguousarray(arrays[name]).tobytes())
    return h.hexdigest()


def _arrays(path):
    with np.load(path) as data:
        return {name: data[name] for name in data.files}


def test_the_shipped_digits_and_the_held_out_split_are_the_recorded_ones():
    kit, held = _arrays(digits.DATA), _arrays(HELD_OUT)
    assert _arrays_hash(kit) == DIGITS_SHA256 and _arrays_hash(held) == HELD_OUT_SHA256
    assert kit["pixels"].shape == (1397, 64) and held["pixels"].shape == (400, 64)
    assert kit["pixels"].max() == held["pixels"].max() == 16
    assert np.bincount(kit["labels"]).min() >= 120 and np.bincount(held["labels"]).min() >= 30
    split = np.concatenate([kit["train_index"], kit["validation_index"]])
    assert sorted(split.tolist()) == list(range(1397))


def test_the_held_out_images_are_not_in_the_kit():
    """Only images that the digits set holds twice (the same 8×8 picture in two places) may be
    both in the kit and in the held-out split; none of the test split ships otherwise."""
    kit = {row.tobytes() for row in _arrays(digits.DATA)["pixels"]}
    shared = [row for row in _arrays(HELD_OUT)["pixels"] if row.tobytes() in kit]
    assert len(shared) <= 2, len(shared)
    assert "capstone_test.npz" not in " ".join(name for files in KIT_FILES.values()
                                                 for name in files)


def test_the_script_makes_exactly_the_shipped_files():
    pytest.importorskip("sklearn", reason="scikit-learn is needed only to regenerate the data",
                        exc_type=ImportError)
    path = ROOT / "scripts" / "make_digits.py"
    spec = importlib.util.spec_from_file_location("make_digits", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    made = script.make()
    assert _arrays_hash(made["kit"]) == DIGITS_SHA256
    assert _arrays_hash(made["test"]) == HELD_OUT_SHA256


def test_the_split_is_1097_for_training_300_for_validation_and_400_held_out():
    X, y, X_val, y_val = digits.load()
    X_test, y_test = held_out()
    assert X.shape == (64, 1097) and y.shape == (1097,) and X_val.shape == (64, 300)
    assert X_test.shape == (64, 400) and y_test.shape == (400,)
    assert 0.0 <= X.min() and X.max() == 1.0 and set(np.unique(y_val)) == set(range(10))
    assert capstone.N_TRAIN == 1097 and capstone.TOTAL_STEPS == 5 * 35


@pytest.mark.parametrize("key", ["W1", "b1", "W2", "b2"])
def test_classifier_gradients_match_central_differences(key):
    rng = np.random.default_rng(1)
    params = digits.init_params(seed=3, k=5)
    X, y = rng.uniform(0, 1, (64, 7)), rng.integers(0, 10, 7)
    _, grads = digits.loss_and_grads(params, X, y)
    numeric = np.zeros_like(params[key])
    for index in np.ndindex(params[key].shape):
        plus = {k: v.copy() for k, v in params.items()}
        minus = {k: v.copy() for k, v in params.items()}
        plus[key][index] += 1e-6
        minus[key][index] -= 1e-6
        numeric[index] = (digits.loss_and_grads(plus, X, y)[0]
                          - digits.loss_and_grads(minus, X, y)[0]) / 2e-6
    np.testing.assert_allclose(grads[key], numeric, rtol=1e-5, atol=1e-8)


def test_classifier_loss_is_the_cross_entropy_and_starts_near_log_10():
    X, y, _, _ = digits.load()
    loss, _ = digits.loss_and_grads(digits.init_params(seed=0), X, y)
    assert abs(loss - np.log(10)) < 0.3
    params = digits.init_params(seed=0)
    p = digits.probabilities(digits.scores(params, X[:, :3]))
    np.testing.assert_allclose(p.sum(axis=0), 1.0)


@pytest.fixture(scope="module")
def reference_runs():
    return {seed: capstone.train(R.capstone_choice(), reference_functions(), seed,
                                 evaluate_on=held_out())
            for seed in capstone.SEEDS}


def test_the_reference_choice_reaches_the_held_out_threshold_at_every_seed(reference_runs):
    finals = {seed: run["accuracy"][-1] for seed, run in reference_runs.items()}
    print("reference choice:", finals)
    assert min(finals.values()) >= capstone.THRESHOLD + 0.005, finals


def test_the_reference_choice_keeps_its_margin_on_further_seeds():
    finals = capstone.final_accuracies(R.capstone_choice(), reference_functions(), seeds=(3, 4, 5),
                                       evaluate_on=held_out())
    assert min(finals) >= capstone.THRESHOLD - 0.005, finals


@pytest.mark.parametrize("lr", [0.01, 30.0])
def test_plain_sgd_with_a_badly_chosen_constant_lr_misses_it(lr):
    finals = held_out_accuracies({"optimizer": "sgd", "lr": lr})
    print(f"SGD, η = {lr}:", finals)
    assert max(finals) < capstone.THRESHOLD - 0.2


def test_the_history_has_one_entry_per_epoch_and_one_lr_per_step(reference_runs):
    run = reference_runs[0]
    assert run["accuracy"].shape == run["loss"].shape == run["seconds"].shape == (6,)
    assert run["lr"].shape == (capstone.TOTAL_STEPS,)
    assert run["lr"][34] == pytest.approx(0.15) and run["lr"][-1] == pytest.approx(0.0)
    assert run["accuracy"][-1] == held_out_accuracies(R.capstone_choice())[0]
    assert run["loss"][-1] < run["loss"][0]


def _verdict(choice):
    return judge.judge("capstone_choice",
                       answer.respond(lambda: choice, judge.cases_text("capstone_choice"), wire,
                                      runner))


def test_the_judge_passes_the_reference_choice_in_numpy_numbers_too():
    choice = {key: np.float64(v) if isinstance(v, float) else v
              for key, v in R.capstone_choice().items()}
    choice["warmup_steps"] = np.int64(35)
    assert _verdict(choice).passed


def test_the_judge_names_the_accuracies_of_a_choice_that_misses():
    verdict = _verdict({"optimizer": "sgd", "lr": 0.01})
    assert not verdict.passed and "на тестовой выборке" in verdict.message
    assert f"не достигла порога {100 * capstone.THRESHOLD:.1f} %" in verdict.message
    assert "зерно 0:" in verdict.message


@pytest.mark.parametrize("choice,words", [
    ([("optimizer", "adam")], "выбор должен быть словарём"),
    ({"optimizer": "lbfgs", "lr": 0.1}, "неизвестный метод"),
    ({"optimizer": "adam", "lr": 0.1, "schedule": "cyclic"}, "неизвестное расписание"),
    ({"optimizer": "adam"}, "не задана скорость обучения"),
    ({"optimizer": "adam", "lr": 0.1, "gamma": 0.9}, "не относятся к методу adam"),
    ({"optimizer": "sgd", "lr": float("nan")}, "вне допустимого промежутка"),
    ({"optimizer": "sgd", "lr": True}, "должно быть числом"),
    ({"optimizer": "sgd", "lr": "0.1"}, "должно быть числом"),
    ({"optimizer": "adam", "lr": 0.1, "beta2": 1.0}, "вне допустимого промежутка"),
    ({"optimizer": "sgd", "lr": 0.1, "schedule": "warmup_cosine", "warmup_steps": 2.5},
     "должно быть целым"),
    ({"optimizer": "sgd", "lr": 0.1, "schedule": "warmup_cosine", "warmup_steps": 300,
      "total_steps": 200}, "warmup_steps не может быть больше total_steps"),
])
def test_a_malformed_choice_is_explained_and_earns_nothing(choice, words):
    verdict = _verdict(choice)
    assert not verdict.passed and words in verdict.message, verdict.message


def test_a_failing_or_unsolved_choice_function_earns_nothing():
    def capstone_choice():
        raise NotImplementedError()
    message = pytest.raises(AssertionError, course.grading.check, "capstone_choice",
                            capstone_choice).value
    assert "ещё не реализована" in str(message)


def test_every_schedule_and_method_trains_without_warnings(recwarn):
    for choice in ({"optimizer": "nesterov", "lr": 0.1, "schedule": "step"},
                   {"optimizer": "rmsprop", "lr": 0.01, "schedule": "inverse_time"},
                   {"optimizer": "adagrad", "lr": 0.3},
                   {"optimizer": "momentum", "lr": 100.0}):
        run = capstone.train(choice, reference_functions(), seed=0, epochs=1)
        assert run["accuracy"].shape == (2,)
    assert not recwarn.list


# --- the lesson's two exercises: right answers written differently get full marks ---------

def _warmup_cosine_numpy(t, lr_max, lr_min, warmup, total):
    """NumPy scalars, another order of operations."""
    if warmup > 0 and t <= warmup:
        return np.float64(t) / warmup * lr_max
    phase = np.clip((t - warmup) / max(total - warmup, 1), 0.0, 1.0)
    return lr_min + (lr_max - lr_min) * (np.cos(np.pi * phase) + 1) / 2


def _adamw_torch_order(w, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    """PyTorch's order: the weights shrink first, then the Adam step."""
    w = w * (1 - lr * weight_decay)
    m = m + (1 - beta1) * (grad - m)
    v = beta2 * v + (1 - beta2) * grad * grad
    return w - lr / (1 - beta1 ** t) * m / np.sqrt(v / (1 - beta2 ** t) + eps), m, v


@pytest.mark.parametrize("name,func", [("warmup_cosine_lr", _warmup_cosine_numpy),
                                       ("adamw_update", _adamw_torch_order)])
def test_a_right_answer_written_differently_gets_full_marks(name, func, capsys):
    course.grading.check(name, func)
    assert "✓" in capsys.readouterr().out


# --- nothing lesson 5 or the kit shows passes: the capstone measures the student's tuning ---

CHOICE = re.compile(r"\{[^{}]*[\"']optimizer[\"']\s*:[^{}]*\}")


def _shown_texts():
    """(where, text) of all a student of lesson 5 gets: every cell of its release notebook
    (code and markdown; what it prints comes from this code) and every module of the kit."""
    from helpers import read_nb

    for index, cell in enumerate(read_nb(notebook("05_schedules", "release")).cells):
        yield f"release/05_schedules, ячейка {index}", cell.source
    for path in sorted(KIT.glob("*.py")):
        yield f"optkit/{path.name}", path.read_text("utf-8")


def _shown_choices():
    """{canonical JSON: (where, choice)} of every capstone choice written in what lesson 5
    shows; a dict whose values are variables (the explorer's, built from its widgets) is no
    choice by itself and is left out."""
    import json

    found = {}
    for where, text in _shown_texts():
        for match in CHOICE.finditer(text):
            try:
                choice = ast.literal_eval(match[0])
            except ValueError:
                continue
            found[json.dumps(choice, sort_keys=True)] = (where, choice)
    return found


def test_lesson_five_writes_its_choices_out_in_full():
    """A choice assembled by ``**`` or ``dict(...)`` would escape the scan below, so the
    lesson writes every choice as one literal dict (the kit's machinery merges defaults into
    a student's choice, which is no preset)."""
    spread = [where for where, text in _shown_texts() if where.startswith("release/") and
              re.search(r"\{\s*\*\*|\bdict\(\s*optimizer\s*=", text)]
    assert not spread, spread
    shown = {json_key for json_key in _shown_choices()}
    assert len(shown) >= 10, shown
    assert '{"lr": 0.01, "optimizer": "adam", "schedule": "constant"}' in shown  # the explorer


def test_no_choice_printed_or_preset_in_lesson_five_or_the_kit_passes_the_held_out_threshold():
    passing = {}
    for _, (where, choice) in _shown_choices().items():
        if capstone.check_choice(choice) is not None:
            continue  # malformed: the judge gives it nothing anyway
        accuracies = held_out_accuracies(choice)
        if min(accuracies) >= capstone.THRESHOLD:
            passing[where] = (choice, accuracies)
    assert not passing, passing
