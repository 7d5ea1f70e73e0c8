"""The capstone of lesson 5: its data is what scripts/make_digits.py makes, the network's
gradients are exact, and the threshold tells a good choice from a poor one when the judge
re-trains the choice with the reference implementations."""

import hashlib
import importlib.util
import sys

import numpy as np
import pytest

import course.grading
from course import judge
from course import reference as R
from course.client import answer, runner, wire
from course.exercises.capstone_choice import reference_functions
from course.lessons import KIT, ROOT

sys.path.insert(0, str(KIT.parent))
from optkit import capstone, digits  # noqa: E402

# sha256 over the arrays of digits.npz (name, then bytes, in sorted order of the names)
DIGITS_SHA256 = "a251b57f497829c24211e730a48a088ec7617a6b7d340f7a41848820fd9b444e"


def _arrays_hash(arrays):
    h = hashlib.sha256()
    for name in sorted(arrays):
        h.update(name.encode() + np.ascontiguousarray(arrays[name]).tobytes())
    return h.hexdigest()


def test_the_shipped_digits_are_the_recorded_ones():
    with np.load(digits.DATA) as data:
        arrays = {name: data[name] for name in data.files}
    assert _arrays_hash(arrays) == DIGITS_SHA256
    assert arrays["pixels"].shape == (1797, 64) and arrays["pixels"].max() == 16
    assert np.bincount(arrays["labels"]).min() >= 170
    split = np.concatenate([arrays["train_index"], arrays["validation_index"]])
    assert sorted(split.tolist()) == list(range(1797))


def test_the_script_makes_exactly_the_shipped_file():
    pytest.importorskip("sklearn", reason="scikit-learn is needed only to regenerate the data",
                        exc_type=ImportError)
    path = ROOT / "scripts" / "make_digits.py"
    spec = importlib.util.spec_from_file_location("make_digits", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert _arrays_hash(script.make()) == DIGITS_SHA256


def test_the_split_is_1297_for_training_and_500_for_validation():
    X, y, X_val, y_val = digits.load()
    assert X.shape == (64, 1297) and y.shape == (1297,) and X_val.shape == (64, 500)
    assert 0.0 <= X.min() and X.max() == 1.0 and set(np.unique(y_val)) == set(range(10))
    assert capstone.N_TRAIN == 1297 and capstone.TOTAL_STEPS == 5 * 41


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
    p = digits.probabilities(digits.forward(params, X[:, :3])[0])
    np.testing.assert_allclose(p.sum(axis=0), 1.0)


@pytest.fixture(scope="module")
def reference_runs():
    return {seed: capstone.train(R.capstone_choice(), reference_functions(), seed)
            for seed in capstone.SEEDS}


def test_the_reference_choice_reaches_the_threshold_at_every_seed(reference_runs):
    finals = {seed: run["accuracy"][-1] for seed, run in reference_runs.items()}
    print("reference choice:", finals)
    assert min(finals.values()) >= capstone.THRESHOLD + 0.005, finals


def test_the_reference_choice_keeps_its_margin_on_further_seeds():
    finals = capstone.final_accuracies(R.capstone_choice(), reference_functions(), seeds=(3, 4, 5))
    assert min(finals) >= capstone.THRESHOLD, finals


@pytest.mark.parametrize("lr", [0.01, 30.0])
def test_plain_sgd_with_a_badly_chosen_constant_lr_misses_it(lr):
    finals = capstone.final_accuracies({"optimizer": "sgd", "lr": lr}, reference_functions())
    print(f"SGD, η = {lr}:", finals)
    assert max(finals) < capstone.THRESHOLD - 0.2


def test_the_history_has_one_entry_per_epoch_and_one_lr_per_step(reference_runs):
    run = reference_runs[0]
    assert run["accuracy"].shape == run["loss"].shape == run["seconds"].shape == (6,)
    assert run["lr"].shape == (capstone.TOTAL_STEPS,)
    assert run["lr"][39] == pytest.approx(0.15) and run["lr"][-1] == pytest.approx(0.0)
    assert run["loss"][-1] < run["loss"][0]


def _verdict(choice):
    return judge.judge("capstone_choice",
                       answer.respond(lambda: choice, judge.cases_text("capstone_choice"), wire,
                                      runner))


def test_the_judge_passes_the_reference_choice_in_numpy_numbers_too():
    choice = {key: np.float64(v) if isinstance(v, float) else v
              for key, v in R.capstone_choice().items()}
    choice["warmup_steps"] = np.int64(40)
    assert _verdict(choice).passed


def test_the_judge_names_the_accuracies_of_a_choice_that_misses():
    verdict = _verdict({"optimizer": "sgd", "lr": 0.01})
    assert not verdict.passed and "не достигла порога 95.0 %" in verdict.message
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
