"""Hidden checks: right answers pass (however written), known mistakes are named in Russian,
and tampering from inside the kernel does not turn a wrong answer into a right one."""

import importlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import course.grading
from course import reference as R
from course.cases import GENERATORS
from course.mistakes import MISTAKES


def _fails(name, func):
    with pytest.raises(AssertionError) as info:
        importlib.reload(course.grading).check(name, func)
    return str(info.value)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_reference_passes_every_hidden_check(name, capsys):
    course.grading.check(name, getattr(R, name))
    assert "✓ Скрытые проверки" in capsys.readouterr().out


@pytest.mark.parametrize("name,text,wrong", [
    (name, text, wrong) for name, entries in MISTAKES.items() for text, wrong in entries])
def test_known_mistake_fails_and_is_named(name, text, wrong):
    message = _fails(name, wrong)
    assert message.startswith(f"Функция {name} не прошла скрытую проверку «")
    assert f"Вероятная ошибка: {text}" in message


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


def _wrong_sgd(w, grad, lr):
    return w + lr * grad


def _tampered_run(tampering):
    """Run ``tampering`` then the hidden check of a wrong sgd_update in a fresh interpreter,
    as student code and checks share a kernel; what the check said."""
    code = textwrap.dedent(f"""
        import builtins, importlib, sys
        import numpy as np
        def sgd_update(w, grad, lr):
            return w + lr * grad
        {tampering}
        import course.grading
        try:
            importlib.reload(course.grading).check("sgd_update", sgd_update)
            print("PASSED")
        except AssertionError as e:
            print("FAILED:", e)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return done.stdout


def test_patched_numpy_comparison_does_not_pass_a_wrong_answer():
    out = _tampered_run("np.allclose = np.array_equal = lambda *a, **k: True")
    assert out.startswith("FAILED") and "Вероятная ошибка: шаг сделан вдоль градиента" in out


def test_patched_numpy_used_inside_the_kernel_is_refused():
    out = _tampered_run("np.ascontiguousarray = lambda x, *a, **k: x * 0")
    assert out.startswith("FAILED") and "numpy.ascontiguousarray" in out and "подменены" in out


def test_patched_builtins_do_not_pass_a_wrong_answer():
    out = _tampered_run("builtins.all = lambda x: True; builtins.abs = lambda x: 0")
    assert out.startswith("FAILED") and "«all»" in out and "«abs»" in out


def test_tampering_that_breaks_the_interpreter_still_fails_the_check():
    out = _tampered_run("builtins.isinstance = lambda *a: True; builtins.len = lambda x: 1")
    assert "PASSED" not in out


def test_a_shadowing_numpy_in_sys_modules_is_detected():
    out = _tampered_run("sys.modules['numpy'] = type(sys)('numpy')")
    assert out.startswith("FAILED") and "модуль numpy в sys.modules" in out


def test_patched_reference_does_not_pass_a_wrong_answer(monkeypatch):
    monkeypatch.setattr(R, "sgd_update", _wrong_sgd)
    assert "Вероятная ошибка: шаг сделан вдоль градиента" in _fails("sgd_update", _wrong_sgd)


def test_patched_grading_module_is_restored_by_the_hidden_cell(monkeypatch):
    monkeypatch.setattr(course.grading, "check", lambda *a: None)
    monkeypatch.setattr(course.grading.runner, "run_case", lambda f, c: [])
    with pytest.raises(AssertionError):
        importlib.reload(course.grading).check("sgd_update", _wrong_sgd)


def test_float32_answers_pass_with_float32_tolerance(capsys):
    def adam_update(w, grad, m, v, t, lr, beta1, beta2, eps):
        out = R.adam_update(w, grad, m, v, t, lr, beta1, beta2, eps)
        return tuple(np.asarray(o, dtype=np.float32) for o in out)
    course.grading.check("adam_update", adam_update)
    assert "✓" in capsys.readouterr().out


def test_every_failure_message_names_a_case_in_russian():
    for name in GENERATORS:
        message = _fails(name, lambda *a: None)
        assert "не прошла скрытую проверку «" in message, message


def test_a_fake_judge_put_in_place_of_the_interpreter_is_refused(tmp_path):
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho '{\"cases\": [], \"passed\": true, \"message\": \"ok\"}'\n")
    fake.chmod(0o755)
    out = _tampered_run(f"sys.executable = {str(fake)!r}")
    assert out.startswith("FAILED") and "sys.executable" in out


@pytest.mark.parametrize("tampering, named", [
    ("sys.modules['course.grading']._judge = "
     "lambda *a, **k: {'cases': [], 'passed': True, 'message': 'ok'}", None),
    ("sys.modules['course.grading']._PACKAGE_PARENT = '/nowhere'", None),
    ("import subprocess, types; "
     "subprocess.run = lambda *a, **k: types.SimpleNamespace("
     "returncode=0, stdout='{\"passed\": true, \"message\": \"ok\"}', stderr='')",
     "subprocess.run"),
    ("sys.executable = '/bin/echo'", "sys.executable"),
])
def test_tampering_by_the_function_while_it_is_checked_does_not_pass_it(tampering, named):
    # The wrong sgd_update tampers when the check calls it, after the first guard.
    code = textwrap.dedent(f"""
        import importlib, sys
        def sgd_update(w, grad, lr):
            {tampering}
            return w + lr * grad
        import course.grading
        try:
            importlib.reload(course.grading).check("sgd_update", sgd_update)
            print("PASSED")
        except AssertionError as e:
            print("FAILED:", e)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.startswith("FAILED"), out
    if named:
        assert named in out and "подменены" in out
    else:
        assert "Вероятная ошибка: шаг сделан вдоль градиента" in out
