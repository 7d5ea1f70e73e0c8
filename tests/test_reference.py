"""The hidden reference is right: exact gradients, hand-computed steps from non-zero state,
the methods' characteristic properties, untouched inputs, and agreement with torch.optim
after the documented changes of convention."""

import warnings

import numpy as np
import pytest

from course import reference as R


def _net(n=3, k=4, m=7, seed=0):
    """A small random float64 network (params, X, y) with n != k != m, so shapes show."""
    rng = np.random.default_rng(seed)
    params = {"W1": rng.standard_normal((k, n)), "b1": rng.standard_normal((k, 1)),
              "W2": rng.standard_normal((1, k)), "b2": rng.standard_normal((1, 1))}
    return params, rng.standard_normal((n, m)), rng.standard_normal((1, m))


def _read_only(*arrays):
    for a in arrays:
        a.setflags(write=False)
    return arrays


# --- network: forward pass, loss, gradients -----------------------------------------------

@pytest.mark.parametrize("name", ["W1", "b1", "W2", "b2"])
def test_loss_and_grads_match_central_differences(name):
    params, X, y = _net()
    _, grads = R.loss_and_grads(params, X, y)
    h = 1e-6
    numeric = np.zeros_like(params[name])
    for idx in np.ndindex(params[name].shape):
        shifted = []
        for sign in (+1, -1):
            p = {key: value.copy() for key, value in params.items()}
            p[name][idx] += sign * h
            shifted.append(R.loss_and_grads(p, X, y)[0])
        numeric[idx] = (shifted[0] - shifted[1]) / (2 * h)
    rel = np.linalg.norm(grads[name] - numeric) / (
        np.linalg.norm(grads[name]) + np.linalg.norm(numeric))
    assert rel < 1e-6, f"{name}: relative error {rel:.2e}"


def test_loss_is_the_mean_squared_error_as_a_python_float():
    params, X, y = _net()
    loss, _ = R.loss_and_grads(params, X, y)
    # Independent of R.forward: sigma(z) = (1 + tanh(z/2)) / 2.
    hidden = 0.5 * (1.0 + np.tanh((params["W1"] @ X + params["b1"]) / 2))
    y_hat = params["W2"] @ hidden + params["b2"]
    assert type(loss) is float
    assert loss == pytest.approx(np.sum((y_hat - y) ** 2) / X.shape[1], rel=1e-12)


def test_grads_have_the_keys_and_shapes_of_params():
    params, X, y = _net(n=3, k=5, m=2)
    _, grads = R.loss_and_grads(params, X, y)
    assert set(grads) == set(params)
    for key in params:
        assert grads[key].shape == params[key].shape, key


def test_output_bias_gradient_is_twice_the_mean_residual_not_the_seeds_two_plus():
    params, X, y = _net()
    _, grads = R.loss_and_grads(params, X, y)
    residual = R.forward(params, X)[0] - y
    np.testing.assert_allclose(grads["b2"], [[2 * residual.mean()]])
    assert not np.allclose(grads["b2"], 2 + residual.mean())


def test_loss_and_grads_average_over_the_samples():
    # Repeating every sample twice leaves a mean (not a sum) unchanged.
    params, X, y = _net()
    loss, grads = R.loss_and_grads(params, X, y)
    loss2, grads2 = R.loss_and_grads(params, np.hstack([X, X]), np.hstack([y, y]))
    assert loss2 == pytest.approx(loss)
    for key in params:
        np.testing.assert_allclose(grads2[key], grads[key])


def test_forward_shapes_and_values_on_a_hand_computed_network():
    # n=1, k=2, m=3. W1 = [[ln 3], [ln 3]], b1 = [[-ln 3], [0]], X = [[1, 2, 0]]:
    # z = [[0, ln 3, -ln 3], [ln 3, 2 ln 3, 0]]; sigma(ln 3) = 3/4, sigma(2 ln 3) = 9/10,
    # sigma(-ln 3) = 1/4 -> hidden = [[.5, .75, .25], [.75, .9, .5]].
    # y_hat = 2 * hidden[0] + 4 * hidden[1] - 1 = [1 + 3 - 1, 1.5 + 3.6 - 1, .5 + 2 - 1]
    #       = [3, 4.1, 1.5].
    ln3 = np.log(3.0)
    params = {"W1": np.array([[ln3], [ln3]]), "b1": np.array([[-ln3], [0.0]]),
              "W2": np.array([[2.0, 4.0]]), "b2": np.array([[-1.0]])}
    y_hat, hidden = R.forward(params, np.array([[1.0, 2.0, 0.0]]))
    assert y_hat.shape == (1, 3) and hidden.shape == (2, 3)
    np.testing.assert_allclose(hidden, [[0.5, 0.75, 0.25], [0.75, 0.9, 0.5]])
    np.testing.assert_allclose(y_hat, [[3.0, 4.1, 1.5]])


def test_sigmoid_is_exact_and_silent_for_large_inputs():
    z = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            out = R.sigmoid(z)
            out32 = R.sigmoid(np.array([-200.0, 200.0], dtype=np.float32))
    np.testing.assert_allclose(out, [0.0, np.exp(-30) / (1 + np.exp(-30)), 0.5,
                                     1 / (1 + np.exp(-30)), 1.0], rtol=1e-12)
    np.testing.assert_allclose(R.sigmoid(-z), 1 - out, atol=1e-15)
    assert out32.dtype == np.float32 and out32.tolist() == [0.0, 1.0]


# --- update rules: hand-computed steps from non-zero state ---------------------------------

def test_sgd_update_by_hand():
    # [1, -2] - 0.1 * [0.5, -1] = [0.95, -1.9]
    np.testing.assert_allclose(R.sgd_update(np.array([1.0, -2.0]), np.array([0.5, -1.0]), 0.1),
                               [0.95, -1.9])


def test_momentum_update_by_hand_from_non_zero_velocity():
    # V = 0.9 * [1, -1] + 0.1 * [2, 4] = [1.1, -0.5]; w = [0, 1] - V = [-1.1, 1.5]
    w, V = R.momentum_update(np.array([0.0, 1.0]), np.array([2.0, 4.0]), np.array([1.0, -1.0]),
                             0.1, 0.9)
    np.testing.assert_allclose(V, [1.1, -0.5])
    np.testing.assert_allclose(w, [-1.1, 1.5])


def test_nesterov_update_by_hand_from_non_zero_velocity():
    # grad_fn(p) = 2p; look-ahead = [1, 2] - 0.5 * [2, -2] = [0, 3]; gradient there = [0, 6]
    # V = 0.5 * [2, -2] + 0.1 * [0, 6] = [1, -0.4]; w = [1, 2] - V = [0, 2.4]
    w, V = R.nesterov_update(np.array([1.0, 2.0]), np.array([2.0, -2.0]), lambda p: 2 * p,
                             0.1, 0.5)
    np.testing.assert_allclose(V, [1.0, -0.4])
    np.testing.assert_allclose(w, [0.0, 2.4], atol=1e-15)


def test_adagrad_update_by_hand_with_eps_under_the_root():
    # G = [6.99, 2.99] + [3^2, 1^2] = [15.99, 3.99]; sqrt(G + 0.01) = [4, 2]
    # w = [1, 1] - 0.5 * [3/4, 1/2] = [0.625, 0.75]
    # (eps outside the root would give 1 - 1.5 / (sqrt(15.99) + 0.01) = 0.625004...)
    w, G = R.adagrad_update(np.array([1.0, 1.0]), np.array([3.0, 1.0]), np.array([6.99, 2.99]),
                            0.5, 0.01)
    np.testing.assert_allclose(G, [15.99, 3.99])
    np.testing.assert_allclose(w, [0.625, 0.75], rtol=1e-12)


def test_rmsprop_update_by_hand_from_non_zero_average():
    # s = 0.8 * [0.75, 0.0125] + 0.2 * [2^2, (-1)^2] = [0.6 + 0.8, 0.01 + 0.2] = [1.4, 0.21]
    # sqrt(s + 0.04) = sqrt([1.44, 0.25]) = [1.2, 0.5]
    # w = [0, 1] - 0.3 * [2 / 1.2, -1 / 0.5] = [-0.5, 1.6]
    w, s = R.rmsprop_update(np.array([0.0, 1.0]), np.array([2.0, -1.0]),
                            np.array([0.75, 0.0125]), 0.3, 0.8, 0.04)
    np.testing.assert_allclose(s, [1.4, 0.21])
    np.testing.assert_allclose(w, [-0.5, 1.6], rtol=1e-12)


def test_adam_update_by_hand_at_t_1_from_non_zero_moments():
    # beta1 = 0.5, beta2 = 0.75, t = 1: corrections 1 - 0.5 = 0.5 and 1 - 0.75 = 0.25.
    # m = 0.5 * [0.5, -1] + 0.5 * [2, -1] = [1.25, -1];    m_hat = m / 0.5 = [2.5, -2]
    # v = 0.75 * [0.12, 0.4] + 0.25 * [4, 1] = [1.09, 0.55]; v_hat = v / 0.25 = [4.36, 2.2]
    # sqrt(v_hat + 0.05) = sqrt([4.41, 2.25]) = [2.1, 1.5]
    # w = [1, 0] - 0.21 * [2.5 / 2.1, -2 / 1.5] = [1 - 0.25, 0 + 0.28] = [0.75, 0.28]
    w, m, v = R.adam_update(np.array([1.0, 0.0]), np.array([2.0, -1.0]), np.array([0.5, -1.0]),
                            np.array([0.12, 0.4]), 1, 0.21, 0.5, 0.75, 0.05)
    np.testing.assert_allclose(m, [1.25, -1.0])
    np.testing.assert_allclose(v, [1.09, 0.55])
    np.testing.assert_allclose(w, [0.75, 0.28], rtol=1e-12)


def test_adam_update_by_hand_at_t_3_returns_uncorrected_moments():
    # beta1 = beta2 = 0.5, t = 3: corrections 1 - 0.5^3 = 0.875 for both moments.
    # m = 0.5 * [0.5, -1] + 0.5 * [2, -1] = [1.25, -1];      m_hat = m / 0.875
    # v = 0.5 * [2.93, 0.68] + 0.5 * [4, 1] = [3.465, 0.84];  v_hat = v / 0.875 = [3.96, 0.96]
    # sqrt(v_hat + 0.04) = [2, 1]
    # w = [1, 0] - 0.35 * [1.25 / 0.875 / 2, -1 / 0.875 / 1] = [1 - 0.25, 0 + 0.4] = [0.75, 0.4]
    w, m, v = R.adam_update(np.array([1.0, 0.0]), np.array([2.0, -1.0]), np.array([0.5, -1.0]),
                            np.array([2.93, 0.68]), 3, 0.35, 0.5, 0.5, 0.04)
    np.testing.assert_allclose(m, [1.25, -1.0])
    np.testing.assert_allclose(v, [3.465, 0.84])
    np.testing.assert_allclose(w, [0.75, 0.4], rtol=1e-12)


# --- properties ----------------------------------------------------------------------------

def test_adam_first_step_is_lr_times_the_sign_of_the_gradient():
    g = np.array([3.0, -0.2, 1e-2, -50.0])          # every |g| >> sqrt(eps) = 1e-4
    w, m, v = R.adam_update(np.zeros(4), g, np.zeros(4), np.zeros(4), 1, 0.01, 0.9, 0.999, 1e-8)
    np.testing.assert_allclose(w, -0.01 * np.sign(g), rtol=1e-4)
    np.testing.assert_allclose(m, 0.1 * g)
    np.testing.assert_allclose(v, 0.001 * g ** 2)


def test_adagrad_step_under_a_constant_gradient_shrinks_like_one_over_sqrt_t():
    g = np.array([2.0, -0.5])
    w, G, steps = np.zeros(2), np.zeros(2), []
    for _ in range(300):
        new_w, G = R.adagrad_update(w, g, G, 0.1, 1e-8)
        steps.append(w - new_w)
        w = new_w
    scaled = np.array(steps) * np.sqrt(np.arange(1, 301))[:, None]
    np.testing.assert_allclose(scaled, np.broadcast_to(scaled[0], scaled.shape), rtol=1e-6)
    np.testing.assert_allclose(scaled[0], 0.1 * np.sign(g), rtol=1e-6)


@pytest.mark.parametrize("n, batch_size", [(10, 3), (12, 4), (7, 10), (1, 1), (100, 32)])
def test_minibatch_indices_partition_range_n(n, batch_size):
    batches = R.minibatch_indices(n, batch_size, np.random.default_rng(0))
    full, rest = divmod(n, batch_size)
    assert [len(b) for b in batches] == [batch_size] * full + ([rest] if rest else [])
    assert all(b.ndim == 1 and b.dtype.kind in "iu" for b in batches)
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(n))


def test_minibatch_indices_last_batch_is_the_shorter_one():
    sizes = [len(b) for b in R.minibatch_indices(23, 5, np.random.default_rng(3))]
    assert sizes == [5, 5, 5, 5, 3]


def test_minibatch_indices_are_deterministic_per_seed_and_differ_between_seeds():
    def order(seed):
        return np.concatenate(R.minibatch_indices(50, 8, np.random.default_rng(seed)))
    np.testing.assert_array_equal(order(1), order(1))
    assert not np.array_equal(order(1), order(2))
    assert not np.array_equal(order(1), np.arange(50))      # actually shuffled


@pytest.mark.parametrize("n, batch_size", [(10, 0), (0, 3), (-5, 2), (10, -1), (10, 2.5),
                                           (10.0, 2)])
def test_minibatch_indices_reject_non_positive_or_non_integer_sizes(n, batch_size):
    with pytest.raises(ValueError):
        R.minibatch_indices(n, batch_size, np.random.default_rng(0))


def test_nesterov_calls_grad_fn_exactly_once_at_the_look_ahead_point():
    rng = np.random.default_rng(4)
    w, V, A = rng.standard_normal(5), rng.standard_normal(5), rng.standard_normal((5, 5))
    calls = []

    def grad_fn(point):
        calls.append(np.array(point, copy=True))
        return A @ point

    new_w, new_V = R.nesterov_update(w, V, grad_fn, 0.05, 0.9)
    assert len(calls) == 1
    np.testing.assert_allclose(calls[0], w - 0.9 * V)
    np.testing.assert_allclose(new_V, 0.9 * V + 0.05 * A @ (w - 0.9 * V))
    np.testing.assert_allclose(new_w, w - new_V)


def _all_calls(w, g, s1, s2, params, X, y):
    """Every reference function applied to the given arrays, as a list of results."""
    return [
        R.sigmoid(w),
        *R.forward(params, X),
        R.loss_and_grads(params, X, y)[1],
        R.sgd_update(w, g, 0.1),
        *R.momentum_update(w, g, s1, 0.1, 0.9),
        *R.nesterov_update(w, s1, lambda p: 2 * p, 0.1, 0.9),
        *R.adagrad_update(w, g, s1, 0.1, 1e-8),
        *R.rmsprop_update(w, g, s1, 0.1, 0.9, 1e-8),
        *R.adam_update(w, g, s1, s2, 2, 0.1, 0.9, 0.999, 1e-8),
    ]


def test_no_function_modifies_its_inputs():
    rng = np.random.default_rng(5)
    arrays = list(rng.uniform(0.5, 2.0, (4, 4)))          # w, g and two non-negative states
    params, X, y = _net()
    before = [a.copy() for a in (*arrays, *params.values(), X, y)]
    after = _read_only(*arrays, *params.values(), X, y)   # a write would raise ValueError
    _all_calls(*arrays, params, X, y)
    for old, new in zip(before, after):
        np.testing.assert_array_equal(old, new)


def test_update_rules_keep_float32():
    f32 = np.random.default_rng(6).uniform(0.5, 2.0, (4, 3)).astype(np.float32)
    w, g, s1, s2 = f32
    outs = [R.sgd_update(w, g, 0.1), *R.momentum_update(w, g, s1, 0.1, 0.9),
            *R.nesterov_update(w, s1, lambda p: 2 * p, 0.1, 0.9),
            *R.adagrad_update(w, g, s1, 0.1, 1e-8), *R.rmsprop_update(w, g, s1, 0.1, 0.9, 1e-8),
            *R.adam_update(w, g, s1, s2, 3, 0.1, 0.9, 0.999, 1e-8)]
    assert [o.dtype for o in outs] == [np.float32] * len(outs)


def test_network_keeps_float32():
    params, X, y = _net()
    params = {k: v.astype(np.float32) for k, v in params.items()}
    y_hat, hidden = R.forward(params, X.astype(np.float32))
    _, grads = R.loss_and_grads(params, X.astype(np.float32), y.astype(np.float32))
    assert y_hat.dtype == hidden.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())


# --- agreement with torch.optim (float64), after the documented changes of convention -------

@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip(
        "torch", reason="PyTorch is not importable: the comparison with torch.optim is skipped",
        exc_type=ImportError)


A = np.array([[3.0, 0.5], [0.5, 1.0]])    # f(w) = 0.5 w^T A w, gradient A w


def grad_of(w):
    return A @ w


W0 = np.array([1.0, -2.0])
STEPS = 5


def _torch_run(torch, make_opt, state_keys=()):
    """STEPS steps of a torch optimizer on f from W0. Returns (points where the gradient was
    taken, iterates after each step, {key: that state buffer after each step})."""
    p = torch.nn.Parameter(torch.tensor(W0, dtype=torch.float64))
    opt = make_opt([p])
    at, iterates, states = [], [], {key: [] for key in state_keys}
    for _ in range(STEPS):
        point = p.detach().numpy().copy()
        at.append(point)
        p.grad = torch.tensor(grad_of(point), dtype=torch.float64)
        opt.step()
        iterates.append(p.detach().numpy().copy())
        for key in state_keys:
            states[key].append(opt.state[p][key].numpy().copy())
    return np.array(at), np.array(iterates), {k: np.array(v) for k, v in states.items()}


def test_sgd_matches_torch(torch):
    _, theirs, _ = _torch_run(torch, lambda p: torch.optim.SGD(p, lr=0.1))
    w, ours = W0.copy(), []
    for _ in range(STEPS):
        w = R.sgd_update(w, grad_of(w), 0.1)
        ours.append(w)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_momentum_matches_torch_with_velocity_equal_to_lr_times_its_buffer(torch):
    # torch (dampening=0): b = gamma b + g; w -= lr b.  Ours: V = gamma V + lr g; w -= V.
    # With a constant lr, V = lr * b at every step, so the iterates coincide.
    _, theirs, state = _torch_run(
        torch, lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0),
        ["momentum_buffer"])
    w, V, ours, velocities = W0.copy(), np.zeros(2), [], []
    for _ in range(STEPS):
        w, V = R.momentum_update(w, grad_of(w), V, 0.1, 0.9)
        ours.append(w)
        velocities.append(V)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    np.testing.assert_allclose(velocities, 0.1 * state["momentum_buffer"], rtol=1e-12)


def test_nesterov_matches_torch_through_the_look_ahead_point(torch):
    # torch (nesterov=True): b = gamma b + g(p); p -= lr (g(p) + gamma b), gradient taken at p.
    # Ours: u = w - gamma V is where the gradient is taken; with V = lr b,
    #   u_next = w - V_next - gamma V_next = u + gamma V - (1 + gamma)(gamma V + lr g(u))
    #          = u - lr g(u) - gamma (gamma V + lr g(u)) = u - lr (g(u) + gamma b_next),
    # torch's update with p = u, and u_0 = p_0 = W0 since V_0 = 0. So torch's parameter is our
    # look-ahead point w - gamma V, and both evaluate the gradient at the same points.
    gamma, lr = 0.9, 0.1
    at, theirs, state = _torch_run(
        torch, lambda p: torch.optim.SGD(p, lr=lr, momentum=gamma, nesterov=True),
        ["momentum_buffer"])
    w, V, ours_at, look_ahead, velocities = W0.copy(), np.zeros(2), [], [], []
    for _ in range(STEPS):
        w, V = R.nesterov_update(w, V, lambda u: (ours_at.append(u.copy()), grad_of(u))[1],
                                 lr, gamma)
        look_ahead.append(w - gamma * V)
        velocities.append(V)
    np.testing.assert_allclose(ours_at, at, rtol=1e-12)
    np.testing.assert_allclose(look_ahead, theirs, rtol=1e-12)
    np.testing.assert_allclose(velocities, lr * state["momentum_buffer"], rtol=1e-12)


def test_adagrad_matches_torch_when_eps_is_zero(torch):
    # torch: p -= lr g / (sqrt(G) + eps); ours: w -= lr g / sqrt(G + eps); same at eps = 0.
    _, theirs, state = _torch_run(torch, lambda p: torch.optim.Adagrad(p, lr=0.1, eps=0.0),
                                  ["sum"])
    w, G, ours, accumulators = W0.copy(), np.zeros(2), [], []
    for _ in range(STEPS):
        w, G = R.adagrad_update(w, grad_of(w), G, 0.1, 0.0)
        ours.append(w)
        accumulators.append(G)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    np.testing.assert_allclose(accumulators, state["sum"], rtol=1e-12)


def test_adagrad_differs_from_torch_where_eps_matters(torch):
    # A tiny gradient: sqrt(g^2 + eps) = sqrt(2e-8) under the root, |g| + eps = 2e-4 outside.
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.Adagrad([p], lr=1.0, eps=1e-4)
    p.grad = torch.tensor([1e-4], dtype=torch.float64)
    opt.step()
    ours, _ = R.adagrad_update(np.zeros(1), np.array([1e-4]), np.zeros(1), 1.0, 1e-8)
    np.testing.assert_allclose(p.detach().numpy(), [-0.5])
    np.testing.assert_allclose(ours, [-1 / np.sqrt(2)])


def test_rmsprop_matches_torch_when_eps_is_zero(torch):
    # torch: s = alpha s + (1 - alpha) g^2; p -= lr g / (sqrt(s) + eps). alpha is our rho.
    _, theirs, state = _torch_run(
        torch, lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0), ["square_avg"])
    w, s, ours, averages = W0.copy(), np.zeros(2), [], []
    for _ in range(STEPS):
        w, s = R.rmsprop_update(w, grad_of(w), s, 0.01, 0.9, 0.0)
        ours.append(w)
        averages.append(s)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    np.testing.assert_allclose(averages, state["square_avg"], rtol=1e-12)


def test_adam_matches_torch_when_eps_is_zero(torch):
    # torch: p -= lr m_hat / (sqrt(v_hat) + eps), the same moments and bias correction.
    _, theirs, state = _torch_run(
        torch, lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.9, 0.999), eps=0.0),
        ["exp_avg", "exp_avg_sq"])
    w, m, v, ours, moments = W0.copy(), np.zeros(2), np.zeros(2), [], []
    for t in range(1, STEPS + 1):
        w, m, v = R.adam_update(w, grad_of(w), m, v, t, 0.05, 0.9, 0.999, 0.0)
        ours.append(w)
        moments.append((m, v))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    np.testing.assert_allclose([mv[0] for mv in moments], state["exp_avg"], rtol=1e-12)
    np.testing.assert_allclose([mv[1] for mv in moments], state["exp_avg_sq"], rtol=1e-12)


# --- lesson 5: schedules and AdamW -----------------------------------------------------------

def test_warmup_cosine_lr_by_hand():
    args = (0.1, 0.001, 10, 110)  # lr_max, lr_min, W, T
    assert R.warmup_cosine_lr(1, *args) == pytest.approx(0.01)
    assert R.warmup_cosine_lr(5, *args) == pytest.approx(0.05)
    assert R.warmup_cosine_lr(10, *args) == pytest.approx(0.1)
    assert R.warmup_cosine_lr(60, *args) == pytest.approx(0.001 + 0.5 * 0.099)  # cos(π/2) = 0
    assert R.warmup_cosine_lr(110, *args) == pytest.approx(0.001)
    assert R.warmup_cosine_lr(500, *args) == 0.001
    assert isinstance(R.warmup_cosine_lr(np.int64(7), *args), float)


def test_warmup_cosine_lr_without_warmup_starts_near_lr_max_and_is_continuous():
    assert R.warmup_cosine_lr(1, 1.0, 0.0, 0, 100) == pytest.approx(0.5 * (1 + np.cos(np.pi / 100)))
    curve = [R.warmup_cosine_lr(t, 0.3, 0.01, 20, 200) for t in range(1, 260)]
    assert max(curve) == pytest.approx(0.3) and curve[19] == pytest.approx(0.3)
    assert np.max(np.abs(np.diff(curve))) <= 0.3 / 20 + 1e-12  # no jump anywhere
    assert np.all(np.diff(curve[19:200]) <= 0) and curve[-1] == 0.01


def test_warmup_cosine_lr_with_warmup_as_long_as_the_schedule():
    assert [R.warmup_cosine_lr(t, 0.3, 0.03, 3, 3) for t in (1, 2, 3, 4)] == pytest.approx(
        [0.1, 0.2, 0.3, 0.03])


def test_adamw_update_is_adam_plus_decay_of_the_weights_before_the_step():
    w, g = np.array([1.0, -2.0, 0.5]), np.array([0.3, 0.1, -0.4])
    m, v = np.array([0.1, -0.1, 0.0]), np.array([0.2, 0.1, 0.3])
    adam_w, adam_m, adam_v = R.adam_update(w, g, m, v, 4, 0.05, 0.9, 0.999, 1e-8)
    new_w, new_m, new_v = R.adamw_update(w, g, m, v, 4, 0.05, 0.9, 0.999, 1e-8, 0.2)
    np.testing.assert_allclose(new_w, adam_w - 0.05 * 0.2 * w, rtol=1e-14)
    np.testing.assert_array_equal(new_m, adam_m)
    np.testing.assert_array_equal(new_v, adam_v)
    np.testing.assert_array_equal(
        R.adamw_update(w, g, m, v, 4, 0.05, 0.9, 0.999, 1e-8, 0.0)[0], adam_w)


def test_adamw_first_step_by_hand():
    # t = 1 from zero moments: M̂ = g, V̂ = g², so the step is η·g/√(g² + ε) ≈ η·sign(g).
    w, g = np.array([2.0, -1.0]), np.array([0.5, -4.0])
    new_w, _, _ = R.adamw_update(w, g, np.zeros(2), np.zeros(2), 1, 0.1, 0.9, 0.999, 0.0, 0.5)
    np.testing.assert_allclose(new_w, [2.0 - 0.1 * 0.5 * 2.0 - 0.1, -1.0 + 0.1 * 0.5 + 0.1])


def test_l2_penalty_and_decoupled_decay_coincide_for_sgd_but_not_for_adam():
    w, g, lam, lr = np.array([1.0, -3.0]), np.array([0.5, 0.01]), 0.1, 0.2
    np.testing.assert_allclose(R.sgd_update(w, g + lam * w, lr),
                               R.sgd_update(w, g, lr) - lr * lam * w, rtol=1e-14)
    l2, _, _ = R.adam_update(w, g + lam * w, np.zeros(2), np.zeros(2), 1, lr, 0.9, 0.999, 1e-8)
    decoupled, _, _ = R.adamw_update(w, g, np.zeros(2), np.zeros(2), 1, lr, 0.9, 0.999, 1e-8,
                                     lam)
    assert not np.allclose(l2, decoupled)


def test_capstone_reference_choice_is_well_formed():
    import sys

    from course.lessons import KIT
    sys.path.insert(0, str(KIT.parent))
    try:
        from optkit import capstone
        assert capstone.check_choice(R.capstone_choice()) is None
    finally:
        sys.path.remove(str(KIT.parent))


def test_adamw_matches_torch_when_eps_is_zero(torch):
    # torch: p *= 1 - lr λ, then the Adam step with eps outside the root (0 here).
    _, theirs, state = _torch_run(
        torch, lambda p: torch.optim.AdamW(p, lr=0.05, betas=(0.9, 0.999), eps=0.0,
                                           weight_decay=0.3), ["exp_avg", "exp_avg_sq"])
    w, m, v, ours = W0.copy(), np.zeros(2), np.zeros(2), []
    for t in range(1, STEPS + 1):
        w, m, v = R.adamw_update(w, grad_of(w), m, v, t, 0.05, 0.9, 0.999, 0.0, 0.3)
        ours.append(w)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    np.testing.assert_allclose(m, state["exp_avg"][-1], rtol=1e-12)


def test_torch_adam_weight_decay_is_the_l2_penalty_in_the_gradient(torch):
    _, theirs, _ = _torch_run(
        torch, lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.9, 0.999), eps=0.0,
                                          weight_decay=0.3))
    w, m, v, ours = W0.copy(), np.zeros(2), np.zeros(2), []
    for t in range(1, STEPS + 1):
        w, m, v = R.adam_update(w, grad_of(w) + 0.3 * w, m, v, t, 0.05, 0.9, 0.999, 0.0)
        ours.append(w)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
