"""The hidden reference solution of every exercise of the course.

Instructor side only: never shipped to students. Hidden checks compare students' functions
with these (through ``course.judge``). Columns are samples: ``X`` is (n, m), ``y`` is (1, m);
``params`` holds W1 (k, n), b1 (k, 1), W2 (1, k), b2 (1, 1). As in the course, eps stands
under the square root (PyTorch and Keras put it outside). No function modifies its arguments.
"""

import numpy as np


def sigmoid(z):
    """Logistic function 1 / (1 + exp(-z)), elementwise, without overflow for large |z|."""
    return np.exp(-np.logaddexp(0.0, -z))


def minibatch_indices(n_samples, batch_size, rng):
    """A random permutation of range(n_samples) drawn from ``rng`` (np.random.Generator),
    cut into consecutive 1-D int arrays of ``batch_size`` (the last may be shorter)."""
    if n_samples < 1 or batch_size < 1:
        raise ValueError("n_samples and batch_size must be positive")
    perm = rng.permutation(n_samples)
    return [perm[i:i + batch_size] for i in range(0, n_samples, batch_size)]


def forward(params, X):
    """Forward pass. Returns (y_hat (1, m), hidden (k, m)):
    hidden = sigmoid(W1 X + b1), y_hat = W2 hidden + b2."""
    z1 = np.matmul(params["W1"], X) + params["b1"]
    a1 = sigmoid(z1)
    return np.matmul(params["W2"], a1) + params["b2"], a1


def loss_and_grads(params, X, y):
    """Mean squared error L = (1/m) sum (y_hat - y)^2 and its exact gradients.

    Returns (loss: float, grads: dict with the keys and shapes of ``params``)."""
    out, a1 = forward(params, X)
    diff = out - y                                     # (1, m)
    n_obj = X.shape[1]
    g_out = (2.0 / n_obj) * diff                       # dL/dy_hat, (1, m)
    g_z1 = np.matmul(params["W2"].T, g_out) * a1 * (1.0 - a1)  # dL/dz1, (k, m)
    grads = {
        "W1": np.matmul(g_z1, X.T),
        "b1": np.sum(g_z1, axis=1, keepdims=True),
        "W2": np.matmul(g_out, a1.T),
        "b2": np.sum(g_out, axis=1, keepdims=True),
    }
    return float(np.sum(diff * diff) / n_obj), grads


def sgd_update(w, grad, lr):
    """Gradient descent step: w - lr * grad (any shape)."""
    return w - lr * grad


def momentum_update(w, grad, velocity, lr, gamma):
    """Momentum: V = gamma V + lr g; w = w - V. Returns (w, V)."""
    v_new = gamma * velocity + lr * grad
    return w - v_new, v_new


def nesterov_update(w, velocity, grad_fn, lr, gamma):
    """Nesterov: V = gamma V + lr grad_fn(w - gamma V) (one call, at the look-ahead point);
    w = w - V. Returns (w, V)."""
    v_new = gamma * velocity + lr * grad_fn(w - gamma * velocity)
    return w - v_new, v_new


def adagrad_update(w, grad, G, lr, eps):
    """AdaGrad: G = G + g^2; w = w - lr g / sqrt(G + eps). Returns (w, G)."""
    g_sum = G + np.square(grad)
    return w - lr * grad / np.sqrt(g_sum + eps), g_sum


def rmsprop_update(w, grad, s, lr, rho, eps):
    """RMSProp: s = rho s + (1 - rho) g^2; w = w - lr g / sqrt(s + eps). Returns (w, s)."""
    s_new = rho * s + (1.0 - rho) * np.square(grad)
    return w - lr * grad / np.sqrt(s_new + eps), s_new


def adam_update(w, grad, m, v, t, lr, beta1, beta2, eps):
    """Adam step number t >= 1. M = b1 M + (1-b1) g; V = b2 V + (1-b2) g^2;
    M_hat = M / (1 - b1^t); V_hat = V / (1 - b2^t); w = w - lr M_hat / sqrt(V_hat + eps).
    Returns (w, M, V) with the uncorrected moments as state."""
    m_new = beta1 * m + (1.0 - beta1) * grad
    v_new = beta2 * v + (1.0 - beta2) * np.square(grad)
    m_hat = m_new / (1.0 - beta1 ** t)
    v_hat = v_new / (1.0 - beta2 ** t)
    return w - lr * m_hat / np.sqrt(v_hat + eps), m_new, v_new
