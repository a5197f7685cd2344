"""Plausible wrong answers (must fail) and alternative correct answers (must pass) for unit 07,
the perceptron.

Each entry maps a check name to functions with the student's signature.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

# --- perceptron_train ------------------------------------------------------------------------------------


def _check_labels(y):
    y = np.asarray(y, dtype=float)
    if not np.all(np.isin(y, [-1.0, 1.0])):
        raise ValueError("labels must be ±1")
    return y


def pt_strict_inequality(X, y, lr=1.0, max_epochs=100):
    """Updates only when y(w·x + b) < 0: from w = 0 nothing is ever a mistake."""
    X, y = np.asarray(X, dtype=float), _check_labels(y)
    w, b, total = np.zeros(X.shape[1]), 0.0, 0
    for _ in range(max_epochs):
        m = 0
        for x_i, y_i in zip(X, y, strict=True):
            if y_i * (x_i @ w + b) < 0:
                w, b, m = w + lr * y_i * x_i, b + lr * y_i, m + 1
        total += m
        if m == 0:
            return w, b, total, True
    return w, b, total, False


def pt_no_bias(X, y, lr=1.0, max_epochs=100):
    """Learns no bias: the hyperplane is forced through the origin."""
    X, y = np.asarray(X, dtype=float), _check_labels(y)
    w, total = np.zeros(X.shape[1]), 0
    for _ in range(max_epochs):
        m = 0
        for x_i, y_i in zip(X, y, strict=True):
            if y_i * (x_i @ w) <= 0:
                w, m = w + lr * y_i * x_i, m + 1
        total += m
        if m == 0:
            return w, 0.0, total, True
    return w, 0.0, total, False


def pt_shuffled(X, y, lr=1.0, max_epochs=100):
    """Visits the samples in a random order each epoch (the contract fixes index order)."""
    X, y = np.asarray(X, dtype=float), _check_labels(y)
    order_rng = np.random.default_rng(0)
    w, b, total = np.zeros(X.shape[1]), 0.0, 0
    for _ in range(max_epochs):
        m = 0
        for i in order_rng.permutation(len(X)):
            if y[i] * (X[i] @ w + b) <= 0:
                w, b, m = w + lr * y[i] * X[i], b + lr * y[i], m + 1
        total += m
        if m == 0:
            return w, b, total, True
    return w, b, total, False


def pt_no_label_check(X, y, lr=1.0, max_epochs=100):
    """Accepts any labels (0/1 labels silently train a wrong model)."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    w, b, total = np.zeros(X.shape[1]), 0.0, 0
    for _ in range(max_epochs):
        m = 0
        for x_i, y_i in zip(X, y, strict=True):
            if y_i * (x_i @ w + b) <= 0:
                w, b, m = w + lr * y_i * x_i, b + lr * y_i, m + 1
        total += m
        if m == 0:
            return w, b, total, True
    return w, b, total, False


def pt_last_epoch_mistakes(X, y, lr=1.0, max_epochs=100):
    """Reports only the mistakes of the last epoch, not the total."""
    X, y = np.asarray(X, dtype=float), _check_labels(y)
    w, b, m = np.zeros(X.shape[1]), 0.0, 0
    for _ in range(max_epochs):
        previous, m = m, 0
        for x_i, y_i in zip(X, y, strict=True):
            if y_i * (x_i @ w + b) <= 0:
                w, b, m = w + lr * y_i * x_i, b + lr * y_i, m + 1
        if m == 0:
            return w, b, previous, True
    return w, b, m, False


def pt_ignores_lr(X, y, lr=1.0, max_epochs=100):
    """Always uses a learning rate of 1."""
    return pt_augmented(X, y, 1.0, max_epochs)


def pt_augmented(X, y, lr=1.0, max_epochs=100):
    """Alternative correct: the bias as an extra weight on a constant input 1."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if not set(np.unique(y).tolist()) <= {-1, 1}:
        raise ValueError("labels must be -1 or +1")
    Z = np.hstack([X, np.ones((len(X), 1))])
    v, total = np.zeros(Z.shape[1]), 0
    for _ in range(max_epochs):
        clean = True
        for i in range(len(Z)):
            if y[i] * np.dot(v, Z[i]) <= 0:
                v = v + lr * y[i] * Z[i]
                total += 1
                clean = False
        if clean:
            return v[:-1], float(v[-1]), total, True
    return v[:-1], float(v[-1]), total, False


# --- novikoff_bound --------------------------------------------------------------------------------------


def nb_radius_without_bias(X, y, w, b):
    """Takes R from the raw inputs, forgetting the constant 1 of the augmented input."""
    X, y = np.asarray(X, float), np.asarray(y, float)
    v = np.append(w, b)
    gamma = np.min(y * (X @ w + b)) / np.linalg.norm(v)
    if gamma <= 0:
        raise ValueError
    return float((np.max(np.linalg.norm(X, axis=1)) / gamma) ** 2)


def nb_unnormalised(X, y, w, b):
    """Does not divide the margin by ‖(w, b)‖, so the bound depends on the scale of w."""
    X, y = np.asarray(X, float), np.asarray(y, float)
    gamma = np.min(y * (X @ w + b))
    if gamma <= 0:
        raise ValueError
    R = np.max(np.sqrt((X**2).sum(axis=1) + 1))
    return float((R / gamma) ** 2)


def nb_norm_of_w_only(X, y, w, b):
    """Normalises by ‖w‖ instead of ‖(w, b)‖."""
    X, y = np.asarray(X, float), np.asarray(y, float)
    gamma = np.min(y * (X @ w + b)) / np.linalg.norm(w)
    if gamma <= 0:
        raise ValueError
    R = np.max(np.sqrt((X**2).sum(axis=1) + 1))
    return float((R / gamma) ** 2)


def nb_not_squared(X, y, w, b):
    """Returns R/γ instead of (R/γ)²."""
    X, y = np.asarray(X, float), np.asarray(y, float)
    gamma = np.min(y * (X @ w + b)) / np.linalg.norm(np.append(w, b))
    if gamma <= 0:
        raise ValueError
    return float(np.max(np.sqrt((X**2).sum(axis=1) + 1)) / gamma)


def nb_absolute_margin(X, y, w, b):
    """Uses |w·x + b|, so a non-separating (w, b) gets a bound instead of an error."""
    X = np.asarray(X, float)
    gamma = np.min(np.abs(X @ w + b)) / np.linalg.norm(np.append(w, b))
    return float((np.max(np.sqrt((X**2).sum(axis=1) + 1)) / gamma) ** 2)


def nb_loop(X, y, w, b):
    """Alternative correct: explicit loops with math."""
    norm = math.sqrt(sum(float(c) ** 2 for c in w) + float(b) ** 2)
    margins, radii = [], []
    for x_i, y_i in zip(np.asarray(X, float), y, strict=True):
        margins.append(
            float(y_i) * (sum(float(a) * float(c) for a, c in zip(x_i, w, strict=True)) + float(b)) / norm
        )
        radii.append(math.sqrt(sum(float(a) ** 2 for a in x_i) + 1.0))
    if min(margins) <= 0:
        raise ValueError("not separating")
    return (max(radii) / min(margins)) ** 2


# --- cover_fraction --------------------------------------------------------------------------------------


def cf_k_up_to_n(P, N):
    """Off by one: sums k = 0 … N instead of k < N."""
    return 2 * sum(math.comb(P - 1, k) for k in range(N + 1)) / 2**P


def cf_binom_of_p(P, N):
    """Uses binom(P, k) instead of binom(P − 1, k)."""
    return min(1.0, 2 * sum(math.comb(P, k) for k in range(N)) / 2**P)


def cf_no_factor_two(P, N):
    """Forgets the factor 2 in C(P, N)."""
    return sum(math.comb(P - 1, k) for k in range(N)) / 2**P


def cf_float_power(P, N):
    """Divides by the float 2.0**P, which overflows for P > 1023."""
    return 2 * sum(math.comb(P - 1, k) for k in range(N)) / 2.0**P


def cf_recursion(P, N):
    """Alternative correct: the recursion f(P+1, N) = (f(P, N) + f(P, N−1)) / 2 for fractions, f(1, ·) = 1."""
    row = [0.0] + [1.0] * N  # f(1, n) for n = 0 … N (no separating hyperplane in 0 dimensions)
    for _ in range(P - 1):
        row = [0.0] + [(row[n] + row[n - 1]) / 2 for n in range(1, N + 1)]
    return row[N]


def cf_binomial_cdf(P, N):
    """Alternative correct: C(P, N)/2^P is the binomial CDF P(K ≤ N − 1) for K ~ Bin(P − 1, 1/2)."""
    return float(stats.binom.cdf(N - 1, P - 1, 0.5))


# --- mlp_forward -----------------------------------------------------------------------------------------


def mf_sigmoid_hidden(params, X):
    """Sigmoid hidden units instead of tanh."""
    h = special.expit(X @ params["W1"] + params["b1"])
    return special.expit(h @ params["W2"] + params["b2"])


def mf_logits(params, X):
    """Returns the logit, not the probability."""
    return np.tanh(X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]


def mf_no_hidden_bias(params, X):
    """Forgets b1."""
    return special.expit(np.tanh(X @ params["W1"]) @ params["W2"] + params["b2"])


def mf_column(params, X):
    """Returns a column (n, 1) instead of shape (n,)."""
    p = special.expit(np.tanh(X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"])
    return p[:, None]


def mf_row_loop(params, X):
    """Alternative correct: one example at a time, tanh written with exponentials."""
    out = []
    for x in np.asarray(X, float):
        a = x @ params["W1"] + params["b1"]
        h = (1 - np.exp(-2 * a)) / (1 + np.exp(-2 * a))
        z = float(h @ params["W2"]) + params["b2"]
        out.append(0.5 * (1.0 + math.tanh(0.5 * z)))  # sigmoid, finite for any z
    return np.array(out)


# --- mlp_backward ----------------------------------------------------------------------------------------


def _forward(params, X):
    h = np.tanh(X @ params["W1"] + params["b1"])
    return h, special.expit(h @ params["W2"] + params["b2"])


def mb_sum_not_mean(params, X, y):
    """Gradient of the summed, not the mean, cross-entropy (n times too large)."""
    h, p = _forward(params, X)
    d = p - y
    dh = np.outer(d, params["W2"]) * (1 - h**2)
    return {"W1": X.T @ dh, "b1": dh.sum(0), "W2": h.T @ d, "b2": float(d.sum())}


def mb_wrong_tanh_derivative(params, X, y):
    """Uses 1 − h for the derivative of tanh instead of 1 − h²."""
    h, p = _forward(params, X)
    d = (p - y) / len(y)
    dh = np.outer(d, params["W2"]) * (1 - h)
    return {"W1": X.T @ dh, "b1": dh.sum(0), "W2": h.T @ d, "b2": float(d.sum())}


def mb_squared_error(params, X, y):
    """Differentiates a squared error through the sigmoid instead of the cross-entropy."""
    h, p = _forward(params, X)
    d = (p - y) * p * (1 - p) / len(y)
    dh = np.outer(d, params["W2"]) * (1 - h**2)
    return {"W1": X.T @ dh, "b1": dh.sum(0), "W2": h.T @ d, "b2": float(d.sum())}


def mb_sign_flipped(params, X, y):
    """Returns the negative gradient (the descent direction)."""
    h, p = _forward(params, X)
    d = (y - p) / len(y)
    dh = np.outer(d, params["W2"]) * (1 - h**2)
    return {"W1": X.T @ dh, "b1": dh.sum(0), "W2": h.T @ d, "b2": float(d.sum())}


def mb_per_example(params, X, y):
    """Alternative correct: accumulate the gradient example by example."""
    grads = {k: np.zeros_like(np.asarray(v, dtype=float)) for k, v in params.items()}
    n = len(y)
    for x, t in zip(np.asarray(X, float), y, strict=True):
        h = np.tanh(x @ params["W1"] + params["b1"])
        p = 0.5 * (1.0 + math.tanh(0.5 * (float(h @ params["W2"]) + params["b2"])))
        d = (p - t) / n
        dh = d * params["W2"] * (1 - h**2)
        grads["W1"] += np.outer(x, dh)
        grads["b1"] += dh
        grads["W2"] += d * h
        grads["b2"] += d
    grads["b2"] = float(grads["b2"])
    return grads


# --- numerical_gradient ----------------------------------------------------------------------------------


def ng_forward_difference(f, x, eps=1e-5):
    """One-sided (forward) difference: error of order ε."""
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    f0 = f(x)
    for idx in np.ndindex(x.shape):
        xp = x.copy()
        xp[idx] += eps
        g[idx] = (f(xp) - f0) / eps
    return g


def ng_missing_half(f, x, eps=1e-5):
    """Divides the central difference by ε instead of 2ε."""
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += eps
        xm[idx] -= eps
        g[idx] = (f(xp) - f(xm)) / eps
    return g


def ng_no_restore(f, x, eps=1e-5):
    """Perturbs the caller's x in place and never puts the coordinates back."""
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        x[idx] += eps
        fp = f(x)
        x[idx] -= 2 * eps
        g[idx] = (fp - f(x)) / (2 * eps)
    return g


def ng_flat(f, x, eps=1e-5):
    """Returns a flat vector instead of an array shaped like x."""
    x = np.array(x, dtype=float)
    flat = x.ravel()
    g = np.zeros(flat.size)
    for i in range(flat.size):
        step = np.zeros(flat.size)
        step[i] = eps
        g[i] = (f((flat + step).reshape(x.shape)) - f((flat - step).reshape(x.shape))) / (2 * eps)
    return g


def ng_basis_vectors(f, x, eps=1e-5):
    """Alternative correct: perturb along rows of the identity, then reshape."""
    x = np.asarray(x, dtype=float)
    basis = np.eye(x.size) * eps
    flat = x.ravel()
    g = [(f((flat + e).reshape(x.shape)) - f((flat - e).reshape(x.shape))) / 2 / eps for e in basis]
    return np.array(g).reshape(x.shape)


def ng_in_place_restored(f, x, eps=1e-5):
    """Alternative correct: perturbs the caller's (float) array in place and restores every coordinate."""
    if np.asarray(x).dtype.kind != "f":
        x = np.asarray(x, dtype=float)  # an integer array cannot hold x + ε: work on a float copy
    g = np.empty(x.shape)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    for _ in it:
        idx = it.multi_index
        keep = x[idx]
        x[idx] = keep + eps
        fp = f(x)
        x[idx] = keep - eps
        fm = f(x)
        x[idx] = keep
        g[idx] = 0.5 * (fp - fm) / eps
    return g


# --- issue 13: contract edges, inputs modified in place, integer inputs, overflow -------------------------


def pt_one_epoch_short(X, y, lr=1.0, max_epochs=100):
    """Runs max_epochs − 1 epochs: a run whose clean epoch is the last allowed one never converges."""
    X, y = np.asarray(X, dtype=float), _check_labels(y)
    w, b, total = np.zeros(X.shape[1]), 0.0, 0
    for _ in range(max_epochs - 1):
        mistakes = 0
        for x_i, y_i in zip(X, y, strict=True):
            if y_i * (w @ x_i + b) <= 0:
                w, b, mistakes = w + lr * y_i * x_i, b + lr * y_i, mistakes + 1
        total += mistakes
        if mistakes == 0:
            return w, b, total, True
    return w, b, total, False


def pt_last_epoch_not_counted(X, y, lr=1.0, max_epochs=100):
    """Tests for convergence only before the last epoch, so a clean last epoch reports converged = False."""
    X, y = np.asarray(X, dtype=float), _check_labels(y)
    w, b, total = np.zeros(X.shape[1]), 0.0, 0
    for epoch in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y, strict=True):
            if y_i * (w @ x_i + b) <= 0:
                w, b, mistakes = w + lr * y_i * x_i, b + lr * y_i, mistakes + 1
        total += mistakes
        if mistakes == 0 and epoch < max_epochs - 1:
            return w, b, total, True
    return w, b, total, False


def pt_lr_folded_into_X(X, y, lr=1.0, max_epochs=100):
    """Folds the learning rate into the inputs in place (X *= lr): the caller's X is changed."""
    X = np.asarray(X, dtype=float)
    y = _check_labels(y)
    X *= lr
    w, b, total = np.zeros(X.shape[1]), 0.0, 0
    for _ in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y, strict=True):
            if y_i * (w @ x_i / lr + b) <= 0:
                w, b, mistakes = w + y_i * x_i, b + lr * y_i, mistakes + 1
        total += mistakes
        if mistakes == 0:
            return w, b, total, True
    return w, b, total, False


def pt_weights_like_inputs(X, y, lr=1.0, max_epochs=100):
    """Starts from np.zeros_like(X[0]) and updates in place: integer inputs give integer weights."""
    X, y = np.asarray(X), _check_labels(y)
    w, b, total = np.zeros_like(X[0]), 0.0, 0
    for _ in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y, strict=True):
            if y_i * (w @ x_i + b) <= 0:
                w += (lr * y_i * x_i).astype(w.dtype)
                b, mistakes = b + lr * y_i, mistakes + 1
        total += mistakes
        if mistakes == 0:
            return w, b, total, True
    return w, b, total, False


def pt_label_check_too_loose(X, y, lr=1.0, max_epochs=100):
    """Refuses only 0 and labels above 1, so negative labels such as −2 are accepted."""
    y_arr = np.asarray(y, dtype=float)
    if np.any(y_arr == 0) or np.any(y_arr > 1):
        raise ValueError("labels must be -1 or +1")
    X = np.asarray(X, dtype=float)
    w, b, total = np.zeros(X.shape[1]), 0.0, 0
    for _ in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y_arr, strict=True):
            if y_i * (w @ x_i + b) <= 0:
                w, b, mistakes = w + lr * y_i * x_i, b + lr * y_i, mistakes + 1
        total += mistakes
        if mistakes == 0:
            return w, b, total, True
    return w, b, total, False


def nb_zero_margin_allowed(X, y, w, b):
    """Raises only for γ < 0: a point on the hyperplane (γ = 0) gives an infinite bound, not an error."""
    Z = np.column_stack([np.asarray(X, dtype=float), np.ones(len(X))])
    v = np.append(np.asarray(w, dtype=float), float(b))
    gamma = np.min(np.asarray(y, dtype=float) * (Z @ v)) / np.linalg.norm(v)
    if gamma < 0:
        raise ValueError("(w, b) does not separate the data")
    with np.errstate(divide="ignore"):
        return float((np.max(np.linalg.norm(Z, axis=1)) / gamma) ** 2)


def nb_normalises_w_in_place(X, y, w, b):
    """Normalises the caller's w in place (w /= ‖(w, b)‖)."""
    Z = np.column_stack([np.asarray(X, dtype=float), np.ones(len(X))])
    norm = math.sqrt(float(np.dot(w, w)) + float(b) ** 2)
    w /= norm
    gamma = np.min(np.asarray(y, dtype=float) * (Z @ np.append(w, b / norm)))
    if not gamma > 0:
        raise ValueError("(w, b) does not separate the data")
    return float((np.max(np.linalg.norm(Z, axis=1)) / gamma) ** 2)


def mf_square_in_place(params, X):
    """Computes the hidden layer into X's own memory when the layer is square (X overwritten)."""
    H = np.asarray(X, dtype=float)
    W1 = np.asarray(params["W1"], dtype=float)
    if H.shape[1] == W1.shape[1]:
        H[:] = H @ W1
        H += params["b1"]
        np.tanh(H, out=H)
    else:
        H = np.tanh(H @ W1 + params["b1"])
    return 1.0 / (1.0 + np.exp(-(H @ params["W2"] + params["b2"])))


def mf_naive_sigmoid(params, X):
    """sigmoid(z) = e^z / (1 + e^z): NaN (inf/inf) once a logit exceeds about 709."""
    h = np.tanh(np.asarray(X, dtype=float) @ params["W1"] + params["b1"])
    z = h @ params["W2"] + params["b2"]
    with np.errstate(over="ignore", invalid="ignore"):
        return np.exp(z) / (1.0 + np.exp(z))


def mb_naive_sigmoid(params, X, y):
    """The right gradient formulas with sigmoid(z) = e^z / (1 + e^z): NaN for large logits."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    h = np.tanh(X @ params["W1"] + params["b1"])
    z = h @ params["W2"] + params["b2"]
    with np.errstate(over="ignore", invalid="ignore"):
        p = np.exp(z) / (1.0 + np.exp(z))
    dz = (p - y) / len(y)
    dh = np.outer(dz, params["W2"]) * (1.0 - h**2)
    return {"W1": X.T @ dh, "b1": dh.sum(axis=0), "W2": h.T @ dz, "b2": float(dz.sum())}


def mb_delta_in_y(params, X, y):
    """Builds δ in the caller's label array (y -= p): the labels are overwritten."""
    X = np.asarray(X, dtype=float)
    h = np.tanh(X @ params["W1"] + params["b1"])
    p = 1.0 / (1.0 + np.exp(-(h @ params["W2"] + params["b2"])))
    delta = np.asarray(y, dtype=float)
    delta -= p
    delta /= -len(delta)
    dh = np.outer(delta, params["W2"]) * (1.0 - h**2)
    return {"W1": X.T @ dh, "b1": dh.sum(axis=0), "W2": h.T @ delta, "b2": float(delta.sum())}


def ng_integer_copy(f, x, eps=1e-5):
    """Copies x without converting to float: on an integer x the perturbations x ± ε are truncated."""
    x = np.array(x)
    g = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        keep = x[idx]
        x[idx] = keep + eps
        fp = f(x)
        x[idx] = keep - eps
        fm = f(x)
        x[idx] = keep
        g[idx] = (fp - fm) / (2 * eps)
    return g


def cf_sum_from_one(P, N):
    """Starts the sum at k = 1, dropping the binom(P − 1, 0) = 1 term."""
    return 2 * sum(math.comb(P - 1, k) for k in range(1, N)) / 2**P


WRONG = {
    "perceptron_train": [
        pt_strict_inequality,
        pt_no_bias,
        pt_shuffled,
        pt_no_label_check,
        pt_last_epoch_mistakes,
        pt_ignores_lr,
        pt_one_epoch_short,
        pt_last_epoch_not_counted,
        pt_lr_folded_into_X,
        pt_weights_like_inputs,
        pt_label_check_too_loose,
    ],
    "novikoff_bound": [
        nb_radius_without_bias,
        nb_unnormalised,
        nb_norm_of_w_only,
        nb_not_squared,
        nb_absolute_margin,
        nb_zero_margin_allowed,
        nb_normalises_w_in_place,
    ],
    "cover_fraction": [cf_k_up_to_n, cf_binom_of_p, cf_no_factor_two, cf_float_power, cf_sum_from_one],
    "mlp_forward": [
        mf_sigmoid_hidden,
        mf_logits,
        mf_no_hidden_bias,
        mf_column,
        mf_square_in_place,
        mf_naive_sigmoid,
    ],
    "mlp_backward": [
        mb_sum_not_mean,
        mb_wrong_tanh_derivative,
        mb_squared_error,
        mb_sign_flipped,
        mb_naive_sigmoid,
        mb_delta_in_y,
    ],
    "numerical_gradient": [ng_forward_difference, ng_missing_half, ng_no_restore, ng_flat, ng_integer_copy],
}

CORRECT = {
    "perceptron_train": [pt_augmented],
    "novikoff_bound": [nb_loop],
    "cover_fraction": [cf_recursion, cf_binomial_cdf],
    "mlp_forward": [mf_row_loop],
    "mlp_backward": [mb_per_example],
    "numerical_gradient": [ng_basis_vectors, ng_in_place_restored],
}
