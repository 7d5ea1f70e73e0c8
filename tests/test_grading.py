"""Hidden checks: right answers pass (however written), known mistakes are named in Russian,
and the judge reads whatever a kernel sends back without being fooled or crashing.
(What a hostile kernel can do under python -m course autograde: tests/test_autograde.py.)"""

import json

import numpy as np
import pytest

import course.grading
from course import judge
from course import reference as R
from course.client import answer, runner, wire
from course.exercises import ALL


def _fails(name, func):
    with pytest.raises(AssertionError) as info:
        course.grading.check(name, func)
    return str(info.value)


def _mistakes():
    return [(name, m.key, m.text, m.func) for name, e in ALL.items() for m in e.mistakes]


@pytest.mark.parametrize("name", sorted(ALL))
def test_reference_passes_every_hidden_check(name, capsys):
    course.grading.check(name, getattr(R, name))
    assert "✓ Скрытые проверки" in capsys.readouterr().out


@pytest.mark.parametrize("name,key,text,wrong", _mistakes())
def test_known_mistake_fails_and_is_named(name, key, text, wrong):
    message = _fails(name, wrong)
    assert message.startswith(f"Функция {name} не прошла скрытую проверку «")
    assert f"Вероятная ошибка: {text}" in message
    verdict = judge.judge(name, answer.respond(wrong, judge.cases_text(name), wire, runner))
    assert verdict.mistake == key and not verdict.passed


def test_a_gradient_without_the_mean_is_named_even_for_one_key():
    def loss_and_grads(params, X, y):
        loss, grads = R.loss_and_grads(params, X, y)
        return loss, {**grads, "W2": grads["W2"] * X.shape[1]}
    message = _fails("loss_and_grads", loss_and_grads)
    assert "grads['W2'] ровно в m = 6 раз больше верного: нет деления на m" in message


@pytest.mark.parametrize("forged", [
    None, "", "not json", "[" * 100_000 + "]" * 100_000, "[]", json.dumps([[{}]] * 5),
    json.dumps([[{"dict": {"outputs": {"seq": [{"dtype": "|O8", "shape": [1], "data": ""}],
                                       "tuple": False}}}]] * 5),
    json.dumps([[{"dict": {"outputs": {"seq": [{"dtype": "<f8", "shape": [10 ** 9],
                                                 "data": "AAAA"}], "tuple": False},
                           "calls": {"seq": [], "tuple": False}}}]] * 5),
])
def test_a_forged_or_malformed_answer_earns_nothing_and_breaks_nothing(forged):
    verdict = judge.judge("sgd_update", forged)
    assert not verdict.passed and "не проверена" in verdict.message


def _adam_paper_form(w, grad, m, v, t, lr, beta1, beta2, eps):
    """Kingma & Ba's lr_t form; eps rescaled so that it stays under the root."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    lr_t = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    return w - lr_t * m / np.sqrt(v + eps * (1 - beta2 ** t)), m, v


def _loss_and_grads_einsum(params, X, y):
    h = 1 / (1 + np.exp(-(params["W1"] @ X + params["b1"])))
    e = (params["W2"] @ h + params["b2"] - y)[0]
    m = X.shape[1]
    dh = np.einsum("k,j,kj->kj", params["W2"][0], e, h * (1 - h)) * 2 / m
    return float(e @ e / m), {"W1": dh @ X.T, "b1": dh.sum(1)[:, None],
                              "W2": (2 / m * e @ h.T)[None, :], "b2": np.array([[2 / m * e.sum()]])}


@pytest.mark.parametrize("name,func", [
    ("adam_update", _adam_paper_form),
    ("adagrad_update", lambda w, g, G, lr, eps: (w - lr / np.sqrt(G + g * g + eps) * g, G + g * g)),
    ("rmsprop_update", lambda w, g, s, lr, rho, eps: (
        w - g * (lr / np.sqrt(s + (1 - rho) * (g * g - s) + eps)), s + (1 - rho) * (g * g - s))),
    ("momentum_update", lambda w, g, V, lr, gamma: (w - gamma * V - lr * g, gamma * V + lr * g)),
    ("nesterov_update", lambda w, V, f, lr, gamma: (
        lambda V2: (w + (-V2), V2))(np.add(gamma * V, lr * f(w - gamma * V)))),
    ("loss_and_grads", _loss_and_grads_einsum),
    ("minibatch_indices", lambda n, bs, rng: list(
        np.array_split(rng.choice(n, n, replace=False), range(bs, n, bs)))),
    ("minibatch_indices", lambda n, bs, rng: (lambda a: (rng.shuffle(a), [
        a[i:i + bs] for i in range(0, n, bs)])[1])(np.arange(n))),
])
def test_a_right_answer_written_differently_gets_full_marks(name, func, capsys):
    course.grading.check(name, func)
    assert "✓" in capsys.readouterr().out


def test_mutating_an_input_is_reported():
    def sgd_update(w, grad, lr):
        w -= lr * grad
        return w
    assert "изменяет входной массив на месте" in _fails("sgd_update", sgd_update)


def test_mutating_the_params_dict_is_reported():
    def forward(params, X):
        params["W1"] = params["W1"] * 1.0
        return R.forward(params, X)
    assert "меняет переданный ей словарь" in _fails("forward", forward)


def test_an_unsolved_stub_is_reported():
    def sgd_update(w, grad, lr):
        raise NotImplementedError()
    assert "ещё не реализована" in _fails("sgd_update", sgd_update)


def test_nesterov_calling_grad_fn_twice_is_reported():
    def nesterov_update(w, velocity, grad_fn, lr, gamma):
        grad_fn(w)
        return R.nesterov_update(w, velocity, grad_fn, lr, gamma)
    assert "grad_fn вызвана 2 раза, а нужно ровно один раз" in _fails(
        "nesterov_update", nesterov_update)


def test_minibatches_from_the_global_random_state_are_reported():
    def minibatch_indices(n, bs, rng):
        order = np.random.permutation(n)
        return [order[i:i + bs] for i in range(0, n, bs)]
    assert "с помощью переданного rng" in _fails("minibatch_indices", minibatch_indices)


def test_a_wrong_shape_is_reported():
    assert "ожидалась форма (1, 5)" in _fails(
        "forward", lambda p, X: (R.forward(p, X)[0].ravel(), R.forward(p, X)[1]))


def test_warnings_of_the_student_code_do_not_reach_stderr(capfd):
    def sgd_update(w, grad, lr):
        np.log(-np.ones(1))  # RuntimeWarning: invalid value
        return w - lr * grad
    course.grading.check("sgd_update", sgd_update)
    assert capfd.readouterr().err == ""




@pytest.mark.parametrize("name", ["sgd_update", "minibatch_indices"])
def test_something_that_is_not_a_function_is_named_as_such(name):
    assert "это не функция, а int" in _fails(name, 42)
