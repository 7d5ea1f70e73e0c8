"""The hidden reference is right: gradients, hand-computed steps, properties, torch.optim."""

import numpy as np
import pytest

from course import reference as R


def _net(n=3, k=4, m=7, seed=0):
    rng = np.random.default_rng(seed)
    params = {"W1": rng.standard_normal((k, n)), "b1": rng.standard_normal((k, 1)),
              "W2": rng.standard_normal((1, k)), "b2": rng.standard_normal((1, 1))}
    return params, rng.standard_normal((n, m)), rng.standard_normal((1, m))


def _read_only(*arrays):
    for a in arrays:
        a.setflags(write=False)
    return arrays


def test_loss_and_grads_match_central_differences():
    params, X, y = _net()
    _, grads = R.loss_and_grads(params, X, y)
    h = 1e-6
    for key, value in params.items():
        numeric = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            plus[key][idx] += h
            minus[key][idx] -= h
            numeric[idx] = (R.loss_and_grads(plus, X, y)[0] - R.loss_and_grads(minus, X, y)[0]) / (2 * h)
        assert grads[key].shape == value.shape
        rel = np.max(np.abs(grads[key] - numeric)) / max(1e-12, np.max(np.abs(numeric)))
        assert rel < 1e-6, f"{key}: relative error {rel:.2e}"


def test_loss_is_the_mean_squared_error_as_a_float():
    params, X, y = _net()
    loss, grads = R.loss_and_grads(params, X, y)
    y_hat, _ = R.forward(params, X)
    assert isinstance(loss, float) and loss == pytest.approx(np.mean((y_hat - y) ** 2))
    assert sorted(grads) == ["W1", "W2", "b1", "b2"]


def test_forward_on_a_hand_computed_network():
    # k=2, n=1, m=2: z = [[0, 0], [ln 3, ln 3 * 2]] -> sigma = [[.5, .5], [.75, 0.9]]
    params = {"W1": np.array([[0.0], [np.log(3)]]), "b1": np.array([[0.0], [0.0]]),
              "W2": np.array([[2.0, 4.0]]), "b2": np.array([[-1.0]])}
    X = np.array([[1.0, 2.0]])
    y_hat, hidden = R.forward(params, X)
    np.testing.assert_allclose(hidden, [[0.5, 0.5], [0.75, 0.9]])
    np.testing.assert_allclose(y_hat, [[2 * 0.5 + 4 * 0.75 - 1, 2 * 0.5 + 4 * 0.9 - 1]])


def test_sigmoid_is_stable_for_large_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_allclose(R.sigmoid(np.array([-1000.0, 0.0, 1000.0])), [0, 0.5, 1])


# Hand-computed steps from non-zero state (numbers worked out in the comments).

def test_sgd_update_by_hand():
    # [1, -2] - 0.1 * [0.5, -1] = [0.95, -1.9]
    np.testing.assert_allclose(R.sgd_update(np.array([1.0, -2.0]), np.array([0.5, -1.0]), 0.1),
                               [0.95, -1.9])


def test_momentum_update_by_hand():
    # V = 0.9 * [1, -1] + 0.1 * [2, 4] = [1.1, -0.5]; w = [0, 1] - V = [-1.1, 1.5]
    w, V = R.momentum_update(np.array([0.0, 1.0]), np.array([2.0, 4.0]), np.array([1.0, -1.0]),
                             0.1, 0.9)
    np.testing.assert_allclose(V, [1.1, -0.5])
    np.testing.assert_allclose(w, [-1.1, 1.5])


def test_nesterov_update_by_hand_calls_grad_fn_once_at_the_look_ahead():
    # grad_fn(p) = 2p; look-ahead = [1, 2] - 0.5 * [2, -2] = [0, 3]; grad = [0, 6]
    # V = 0.5 * [2, -2] + 0.1 * [0, 6] = [1, -0.4]; w = [1, 2] - V = [0, 2.4]
    calls = []

    def grad_fn(p):
        calls.append(p.copy())
        return 2 * p
    w, V = R.nesterov_update(np.array([1.0, 2.0]), np.array([2.0, -2.0]), grad_fn, 0.1, 0.5)
    assert len(calls) == 1
    np.testing.assert_allclose(calls[0], [0.0, 3.0])
    np.testing.assert_allclose(V, [1.0, -0.4])
    np.testing.assert_allclose(w, [0.0, 2.4])


def test_adagrad_update_by_hand():
    # G = [1, 3] + [3^2, 1^2] = [10, 4]; w = [1, 1] - 0.5 * [3, 1] / sqrt([10, 4] + 0)
    w, G = R.adagrad_update(np.array([1.0, 1.0]), np.array([3.0, 1.0]), np.array([1.0, 3.0]),
                            0.5, 0.0)
    np.testing.assert_allclose(G, [10.0, 4.0])
    np.testing.assert_allclose(w, [1 - 1.5 / np.sqrt(10), 0.75])


def test_rmsprop_update_by_hand():
    # s = 0.9 * [1, 4] + 0.1 * [4, 0] = [1.3, 3.6]; w = [0, 0] - 0.1 * [2, 0] / sqrt(s + 0.01)
    w, s = R.rmsprop_update(np.zeros(2), np.array([2.0, 0.0]), np.array([1.0, 4.0]), 0.1, 0.9,
                            0.01)
    np.testing.assert_allclose(s, [1.3, 3.6])
    np.testing.assert_allclose(w, [-0.2 / np.sqrt(1.31), 0.0])


def test_adam_update_by_hand_at_t_3_from_non_zero_moments():
    # m = 0.9*0.5 + 0.1*2 = 0.65; v = 0.99*0.25 + 0.01*4 = 0.2875
    # m_hat = 0.65/(1-0.729) = 2.398524; v_hat = 0.2875/(1-0.970299) = 9.679809
    # w = 1 - 0.1 * 2.398524 / sqrt(9.679809 + 1e-8) = 0.922908
    w, m, v = R.adam_update(np.array([1.0]), np.array([2.0]), np.array([0.5]), np.array([0.25]),
                            3, 0.1, 0.9, 0.99, 1e-8)
    np.testing.assert_allclose(m, [0.65])
    np.testing.assert_allclose(v, [0.2875])
    np.testing.assert_allclose(w, [1 - 0.1 * (0.65 / 0.271) / np.sqrt(0.2875 / 0.029701 + 1e-8)])
    assert w[0] == pytest.approx(0.922908, abs=1e-6)


# Properties.

def test_adam_first_step_is_lr_times_sign_of_the_gradient():
    g = np.array([3.0, -0.2, 1e-2])
    w, _, _ = R.adam_update(np.zeros(3), g, np.zeros(3), np.zeros(3), 1, 0.01, 0.9, 0.999, 1e-8)
    np.testing.assert_allclose(w, -0.01 * np.sign(g), rtol=1e-4)


def test_adagrad_step_shrinks_like_one_over_sqrt_t():
    w, G, steps = np.zeros(1), np.zeros(1), []
    for _ in range(400):
        new_w, G = R.adagrad_update(w, np.ones(1), G, 0.1, 1e-8)
        steps.append(float(w[0] - new_w[0]))
        w = new_w
    scaled = np.array(steps) * np.sqrt(np.arange(1, 401))
    np.testing.assert_allclose(scaled, 0.1, rtol=1e-6)


def test_epsilon_stands_under_the_root():
    g = np.array([1e-6])
    w, _ = R.adagrad_update(np.zeros(1), g, np.zeros(1), 1.0, 1e-8)
    assert w[0] == pytest.approx(-1e-6 / np.sqrt(1e-12 + 1e-8))


@pytest.mark.parametrize("n,bs", [(10, 3), (12, 4), (7, 10), (1, 1), (100, 32)])
def test_minibatch_indices_partition_the_samples(n, bs):
    batches = R.minibatch_indices(n, bs, np.random.default_rng(0))
    assert [len(b) for b in batches] == [bs] * (n // bs) + ([n % bs] if n % bs else [])
    assert sorted(np.concatenate(batches).tolist()) == list(range(n))
    again = R.minibatch_indices(n, bs, np.random.default_rng(0))
    assert all(np.array_equal(a, b) for a, b in zip(batches, again))


def test_minibatch_indices_depend_on_the_seed_and_reject_bad_sizes():
    a = np.concatenate(R.minibatch_indices(50, 8, np.random.default_rng(1)))
    b = np.concatenate(R.minibatch_indices(50, 8, np.random.default_rng(2)))
    assert a.tolist() != b.tolist()
    with pytest.raises(ValueError):
        R.minibatch_indices(10, 0, np.random.default_rng(0))


def test_no_update_rule_modifies_its_inputs_and_float32_stays_float32():
    f32 = lambda *shape: np.ones(shape, dtype=np.float32)
    w, g, s1, s2 = _read_only(f32(3), f32(3), f32(3), f32(3))
    outs = [R.sgd_update(w, g, 0.1), *R.momentum_update(w, g, s1, 0.1, 0.9),
            *R.nesterov_update(w, s1, lambda p: 2 * p, 0.1, 0.9),
            *R.adagrad_update(w, g, s1, 0.1, 1e-8), *R.rmsprop_update(w, g, s1, 0.1, 0.9, 1e-8),
            *R.adam_update(w, g, s1, s2, 2, 0.1, 0.9, 0.999, 1e-8)]
    assert all(o.dtype == np.float32 for o in outs)
    params, X, y = _net()
    for v in (*params.values(), X, y):
        v.setflags(write=False)
    R.loss_and_grads(params, X, y)


# Agreement with torch.optim after the documented change of convention.

def _torch_trajectory(make_opt, w0, grad_of, steps=5):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    p = torch.nn.Parameter(torch.tensor(w0, dtype=torch.float64))
    opt = make_opt(torch, [p])
    out = []
    for _ in range(steps):
        opt.zero_grad()
        p.grad = torch.tensor(grad_of(p.detach().numpy()), dtype=torch.float64)
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


A = np.array([[3.0, 0.5], [0.5, 1.0]])
grad_of = lambda w: A @ w
W0 = np.array([1.0, -2.0])


def _ours(step, state0, steps=5):
    w, state, out = W0.copy(), state0, []
    for t in range(1, steps + 1):
        w, state = step(w, state, t)
        out.append(w)
    return np.array(out)


def test_sgd_matches_torch():
    theirs = _torch_trajectory(lambda torch, p: torch.optim.SGD(p, lr=0.1), W0, grad_of)
    ours = _ours(lambda w, s, t: (R.sgd_update(w, grad_of(w), 0.1), s), None)
    np.testing.assert_allclose(ours, theirs)


def test_momentum_matches_torch_with_v_scaled_by_lr():
    # torch: b = gamma*b + g; w -= lr*b. Ours: V = gamma*V + lr*g = lr*b for constant lr.
    theirs = _torch_trajectory(lambda torch, p: torch.optim.SGD(p, lr=0.1, momentum=0.9), W0,
                               grad_of)
    ours = _ours(lambda w, V, t: R.momentum_update(w, grad_of(w), V, 0.1, 0.9), np.zeros(2))
    np.testing.assert_allclose(ours, theirs)


def test_nesterov_matches_torch_through_the_look_ahead_variable():
    # torch (nesterov=True) keeps u = w - gamma*V, the look-ahead point of our formulation:
    # its iterates are our look-ahead points u_t = w_t - gamma*V_t.
    theirs = _torch_trajectory(
        lambda torch, p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True), W0, grad_of)
    w, V, ahead = W0.copy(), np.zeros(2), []
    for _ in range(5):
        w, V = R.nesterov_update(w, V, grad_of, 0.1, 0.9)
        ahead.append(w - 0.9 * V)
    np.testing.assert_allclose(np.array(ahead), theirs)


@pytest.mark.parametrize("kind", ["adagrad", "rmsprop", "adam"])
def test_adaptive_methods_match_torch_when_eps_is_zero(kind):
    # torch puts eps outside the root; with eps = 0 both conventions coincide.
    if kind == "adagrad":
        make = lambda torch, p: torch.optim.Adagrad(p, lr=0.1, eps=0.0)
        ours = _ours(lambda w, G, t: R.adagrad_update(w, grad_of(w), G, 0.1, 0.0), np.zeros(2))
    elif kind == "rmsprop":
        make = lambda torch, p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0)
        ours = _ours(lambda w, s, t: R.rmsprop_update(w, grad_of(w), s, 0.01, 0.9, 0.0),
                     np.zeros(2))
    else:
        make = lambda torch, p: torch.optim.Adam(p, lr=0.01, betas=(0.9, 0.999), eps=0.0)

        def step(w, state, t):
            w, m, v = R.adam_update(w, grad_of(w), *state, t, 0.01, 0.9, 0.999, 0.0)
            return w, (m, v)
        ours = _ours(step, (np.zeros(2), np.zeros(2)))
    np.testing.assert_allclose(ours, _torch_trajectory(make, W0, grad_of), rtol=1e-10)
