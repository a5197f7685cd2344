"""Plausible wrong answers (must fail) and alternative correct answers (must pass) for unit 12, recurrent
networks.

Each entry maps a check name to functions with the student's signature.
"""

from __future__ import annotations

import numpy as np
import torch
from scipy.special import expit

KEYS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def _p(params):
    return {k: np.asarray(params[k], dtype=float) for k in KEYS}


def _forward(params, xs, h0):
    p = _p(params)
    xs = np.asarray(xs, dtype=float)
    if xs.ndim != 2 or xs.shape[1] != p["W_xh"].shape[1]:
        raise ValueError("xs has the wrong shape")
    h = np.asarray(h0, dtype=float)
    hs = np.zeros((len(xs), p["W_hh"].shape[0]))
    for t, x in enumerate(xs):
        h = np.tanh(p["W_xh"] @ x + p["W_hh"] @ h + p["b_h"])
        hs[t] = h
    return hs, hs @ p["W_hy"].T + p["b_y"]


# --- rnn_forward -----------------------------------------------------------------------------------------


def forward_states_before_update(params, xs, h0):
    """Stores the state before each update: hs = h_0 … h_(T−1), one step late."""
    hs, _ = _forward(params, xs, h0)
    hs = np.vstack([np.asarray(h0, dtype=float)[None, :], hs[:-1]]) if len(hs) else hs
    p = _p(params)
    return hs, hs @ p["W_hy"].T + p["b_y"]


def forward_transposed_recurrence(params, xs, h0):
    """Multiplies the state by W_hh from the other side (h_(t−1) W_hh, i.e. W_hhᵀ h)."""
    p = _p(params)
    h = np.asarray(h0, dtype=float)
    hs = []
    for x in np.asarray(xs, dtype=float):
        h = np.tanh(p["W_xh"] @ x + h @ p["W_hh"] + p["b_h"])
        hs.append(h)
    hs = np.array(hs).reshape(len(xs), p["W_hh"].shape[0])
    return hs, hs @ p["W_hy"].T + p["b_y"]


def forward_squashed_output(params, xs, h0):
    """Puts a tanh on the output too: y_t = tanh(W_hy h_t + b_y)."""
    hs, ys = _forward(params, xs, h0)
    return hs, np.tanh(ys)


def forward_bias_outside(params, xs, h0):
    """Adds the hidden bias after the tanh: h_t = tanh(W_xh x_t + W_hh h_(t−1)) + b_h."""
    p = _p(params)
    h = np.asarray(h0, dtype=float)
    hs = np.zeros((len(xs), p["W_hh"].shape[0]))
    for t, x in enumerate(np.asarray(xs, dtype=float)):
        h = np.tanh(p["W_xh"] @ x + p["W_hh"] @ h) + p["b_h"]
        hs[t] = h
    return hs, hs @ p["W_hy"].T + p["b_y"]


def forward_updates_h0_in_place(params, xs, h0):
    """Right numbers, but writes each new state into the caller's h0 array."""
    p = _p(params)
    h = h0
    hs = np.zeros((len(xs), p["W_hh"].shape[0]))
    for t, x in enumerate(np.asarray(xs, dtype=float)):
        h[:] = np.tanh(p["W_xh"] @ x + p["W_hh"] @ h + p["b_h"])
        hs[t] = h
    return hs, hs @ p["W_hy"].T + p["b_y"]


def forward_dtype_of_inputs(params, xs, h0):
    """Allocates hs with the dtype of xs: integer inputs truncate every state to an integer."""
    xs = np.asarray(xs)
    p = _p(params)
    h = np.asarray(h0, dtype=float)
    hs = np.zeros((len(xs), p["W_hh"].shape[0]), dtype=xs.dtype)
    for t, x in enumerate(xs):
        h = np.tanh(p["W_xh"] @ x + p["W_hh"] @ h + p["b_h"])
        hs[t] = h
    return hs, hs @ p["W_hy"].T + p["b_y"]


def forward_empty_is_flat(params, xs, h0):
    """Collects states in a list and returns np.array(list): an empty sequence gives shape (0,)."""
    p = _p(params)
    if np.asarray(xs).shape[-1] != p["W_xh"].shape[1]:
        raise ValueError("xs has the wrong width")
    h = np.asarray(h0, dtype=float)
    hs, ys = [], []
    for x in np.asarray(xs, dtype=float):
        h = np.tanh(p["W_xh"] @ x + p["W_hh"] @ h + p["b_h"])
        hs.append(h)
        ys.append(p["W_hy"] @ h + p["b_y"])
    return np.array(hs), np.array(ys)


def forward_accepts_1d(params, xs, h0):
    """Reads a one-dimensional xs as T steps of a single input instead of raising ValueError."""
    xs = np.asarray(xs, dtype=float)
    if xs.ndim == 1:
        xs = xs[:, None]
    return _forward(params, xs, h0)


def forward_vectorised_inputs(params, xs, h0):
    """Alternative correct: projects all inputs at once, then runs the recurrence; checks shapes first."""
    W_xh = np.asarray(params["W_xh"], dtype=float)
    xs = np.asarray(xs, dtype=float)
    if xs.ndim != 2 or xs.shape[1] != W_xh.shape[1]:
        raise ValueError("xs must be (T, n_in)")
    drive = xs @ W_xh.T + np.asarray(params["b_h"], dtype=float)
    W_hh = np.asarray(params["W_hh"], dtype=float)
    hs = np.empty((len(xs), W_hh.shape[0]))
    h = np.array(h0, dtype=float)
    for t in range(len(xs)):
        h = np.tanh(drive[t] + W_hh @ h)
        hs[t] = h
    return hs, hs @ np.asarray(params["W_hy"], dtype=float).T + np.asarray(params["b_y"], dtype=float)


# --- rnn_bptt --------------------------------------------------------------------------------------------


def _bptt(
    params, xs, h0, targets, *, carry=True, deriv="tanh", w_hh_input="prev", mean=False, h0_grad="full"
):
    p = _p(params)
    xs, targets, h0 = (
        np.asarray(xs, dtype=float),
        np.asarray(targets, dtype=float),
        np.asarray(h0, dtype=float),
    )
    hs, ys = _forward(params, xs, h0)
    err = ys - targets
    scale = 1.0 / len(xs) if mean else 1.0
    loss = 0.5 * float(np.sum(err**2)) * scale
    err = err * scale
    prev = np.vstack([h0[None, :], hs[:-1]])
    g = {k: np.zeros_like(p[k]) for k in KEYS}
    g["W_hy"] = err.T @ hs
    g["b_y"] = err.sum(axis=0)
    dh_next = np.zeros_like(h0)
    first_da = np.zeros_like(h0)
    for t in range(len(xs) - 1, -1, -1):
        dh = p["W_hy"].T @ err[t] + (dh_next if carry else 0.0)
        da = (1 - hs[t] ** 2) * dh if deriv == "tanh" else (1 - np.tanh(hs[t]) ** 2) * dh
        g["W_xh"] += np.outer(da, xs[t])
        g["W_hh"] += np.outer(da, prev[t] if w_hh_input == "prev" else hs[t])
        g["b_h"] += da
        dh_next = p["W_hh"].T @ da
        first_da = da
    g["h0"] = dh_next if h0_grad == "full" else (first_da if h0_grad == "da" else np.zeros_like(h0))
    return loss, g


def bptt_truncated(params, xs, h0, targets):
    """Truncates BPTT to one step: each step's error never flows back into earlier states."""
    return _bptt(params, xs, h0, targets, carry=False)


def bptt_tanh_of_state(params, xs, h0, targets):
    """Differentiates the tanh at the wrong place: 1 − tanh(h_t)² instead of 1 − h_t²."""
    return _bptt(params, xs, h0, targets, deriv="twice")


def bptt_current_state_for_w_hh(params, xs, h0, targets):
    """Uses h_t instead of h_(t−1) in the gradient of W_hh."""
    return _bptt(params, xs, h0, targets, w_hh_input="current")


def bptt_mean_loss(params, xs, h0, targets):
    """Averages the loss (and so the gradients) over the T steps."""
    return _bptt(params, xs, h0, targets, mean=True)


def bptt_h0_before_w_hh(params, xs, h0, targets):
    """Returns the error behind the first tanh as the gradient of h0, forgetting the last W_hhᵀ."""
    return _bptt(params, xs, h0, targets, h0_grad="da")


def bptt_zeroes_params(params, xs, h0, targets):
    """Right gradients, but zeroes the caller's parameter arrays in place to reuse them as accumulators."""
    loss, g = _bptt(params, xs, h0, targets)
    for k in KEYS:
        arr = params[k]
        arr[...] = 0.0
        arr += g[k]
    return loss, {**{k: np.array(params[k]) for k in KEYS}, "h0": g["h0"]}


def bptt_torch_autograd(params, xs, h0, targets):
    """Alternative correct: lets torch.autograd differentiate a float64 forward pass."""
    P = {k: torch.tensor(np.asarray(v, dtype=float), requires_grad=True) for k, v in params.items()}
    start = torch.tensor(np.asarray(h0, dtype=float), requires_grad=True)
    X, Y = torch.tensor(np.asarray(xs, dtype=float)), torch.tensor(np.asarray(targets, dtype=float))
    h, loss = start, 0.0
    for t in range(len(X)):
        h = torch.tanh(P["W_xh"] @ X[t] + P["W_hh"] @ h + P["b_h"])
        loss = loss + 0.5 * ((P["W_hy"] @ h + P["b_y"] - Y[t]) ** 2).sum()
    loss.backward()
    grads = {k: P[k].grad.numpy() for k in KEYS}
    grads["h0"] = start.grad.numpy()
    return float(loss.detach()), grads


def bptt_stored_deltas(params, xs, h0, targets):
    """Alternative correct: computes all δ_t first (backwards), then each gradient as one matrix product."""
    p = _p(params)
    xs, targets, h0 = (
        np.asarray(xs, dtype=float),
        np.asarray(targets, dtype=float),
        np.asarray(h0, dtype=float),
    )
    hs, ys = _forward(params, xs, h0)
    err = ys - targets
    T = len(xs)
    a = np.zeros_like(hs)
    nxt = np.zeros_like(h0)
    for t in reversed(range(T)):
        a[t] = (1 - hs[t] ** 2) * (p["W_hy"].T @ err[t] + nxt)
        nxt = p["W_hh"].T @ a[t]
    prev = np.concatenate([h0[None], hs[:-1]])
    grads = {
        "W_xh": a.T @ xs,
        "W_hh": a.T @ prev,
        "b_h": a.sum(0),
        "W_hy": err.T @ hs,
        "b_y": err.sum(0),
        "h0": p["W_hh"].T @ a[0],
    }
    return 0.5 * float((err**2).sum()), grads


# --- hidden_jacobian_norms -------------------------------------------------------------------------------


def _norms(params, xs, h0, *, norm=2, with_d=True, shift=False, diag_right=False, reverse=False):
    hs, _ = _forward(params, xs, h0)
    W = np.asarray(params["W_hh"], dtype=float)
    states = np.vstack([np.asarray(h0, dtype=float)[None, :], hs])  # h_0 … h_T
    J = np.eye(W.shape[0])
    out = [1.0]
    for t in range(len(hs), 0, -1):
        h = states[t - 1] if shift else states[t]
        d = (1 - h**2) if with_d else np.ones_like(h)
        J = J @ (W * d[None, :] if diag_right else d[:, None] * W)
        out.append(float(np.linalg.norm(J, norm)))
    out = np.array(out)
    return out if reverse else out[::-1]


def jac_frobenius(params, xs, h0):
    """Uses the Frobenius norm instead of the spectral norm."""
    return _norms(params, xs, h0, norm="fro")


def jac_linear(params, xs, h0):
    """Forgets the tanh's derivative: the norms of W_hh^(T−t)."""
    return _norms(params, xs, h0, with_d=False)


def jac_state_one_step_early(params, xs, h0):
    """Uses 1 − h_(s−1)² for the factor of step s (h0 included, h_T left out)."""
    return _norms(params, xs, h0, shift=True)


def jac_diag_on_the_right(params, xs, h0):
    """Multiplies W_hh diag(1 − h_s²) (columns scaled) instead of diag(1 − h_s²) W_hh."""
    return _norms(params, xs, h0, diag_right=True)


def jac_indexed_by_lag(params, xs, h0):
    """Returns the norms ordered by lag (entry k for lag k) instead of by t."""
    return _norms(params, xs, h0, reverse=True)


def jac_empty_for_no_steps(params, xs, h0):
    """Leaves out the identity at t = T: T entries, not T + 1."""
    return _norms(params, xs, h0)[:-1]


def jac_autograd(params, xs, h0):
    """Alternative correct: torch computes each Jacobian ∂h_T/∂h_t by differentiating the rollout from h_t."""
    hs, _ = _forward(params, xs, h0)
    states = np.vstack([np.asarray(h0, dtype=float)[None, :], hs])
    P = {k: torch.tensor(np.asarray(v, dtype=float)) for k, v in params.items()}
    X = torch.tensor(np.asarray(xs, dtype=float))
    T = len(hs)
    out = np.ones(T + 1)
    for t in range(T):

        def roll(h, t=t):
            for s in range(t, T):
                h = torch.tanh(P["W_xh"] @ X[s] + P["W_hh"] @ h + P["b_h"])
            return h

        J = torch.autograd.functional.jacobian(roll, torch.tensor(states[t]))
        out[t] = float(torch.linalg.matrix_norm(J, 2))
    return out


# --- clip_grad_norm --------------------------------------------------------------------------------------


def _total(grads):
    return float(np.sqrt(sum(np.sum(np.asarray(g, dtype=float) ** 2) for g in grads.values())))


def _valid(max_norm):
    if not (np.isfinite(max_norm) and max_norm > 0):
        raise ValueError("max_norm must be positive and finite")


def clip_per_array(grads, max_norm):
    """Clips each array by its own norm instead of one factor for the global norm."""
    _valid(max_norm)
    out = {}
    for k, g in grads.items():
        n = float(np.linalg.norm(np.asarray(g, dtype=float)))
        out[k] = np.asarray(g, dtype=float) * min(1.0, max_norm / (n + 1e-6))
    return out, _total(grads)


def clip_without_epsilon(grads, max_norm):
    """Scales by max_norm / ‖g‖ only when ‖g‖ > max_norm (no 1e-6: differs from PyTorch)."""
    _valid(max_norm)
    total = _total(grads)
    coef = max_norm / total if total > max_norm else 1.0
    return {k: np.asarray(g, dtype=float) * coef for k, g in grads.items()}, total


def clip_returns_clipped_norm(grads, max_norm):
    """Returns the norm after clipping instead of before."""
    _valid(max_norm)
    total = _total(grads)
    coef = min(1.0, max_norm / (total + 1e-6))
    return {k: np.asarray(g, dtype=float) * coef for k, g in grads.items()}, total * coef


def clip_in_place(grads, max_norm):
    """Right numbers, but scales the caller's float arrays in place (as torch's clip_grad_norm_ does)."""
    _valid(max_norm)
    total = _total(grads)
    coef = min(1.0, max_norm / (total + 1e-6))
    out = {}
    for k, g in grads.items():
        if isinstance(g, np.ndarray) and g.dtype.kind == "f":
            g *= coef
            out[k] = g
        else:
            out[k] = np.asarray(g, dtype=float) * coef
    return out, total


def clip_no_validation(grads, max_norm):
    """Never raises: a zero or negative threshold silently zeroes or flips the gradients."""
    total = _total(grads)
    coef = min(1.0, max_norm / (total + 1e-6)) if np.isfinite(max_norm) else 1.0
    return {k: np.asarray(g, dtype=float) * coef for k, g in grads.items()}, total


def clip_allows_zero(grads, max_norm):
    """Raises only for a negative threshold (the wrong boundary: 0 must be refused too)."""
    if max_norm < 0 or not np.isfinite(max_norm):
        raise ValueError("max_norm must not be negative")
    total = _total(grads)
    coef = min(1.0, max_norm / (total + 1e-6))
    return {k: np.asarray(g, dtype=float) * coef for k, g in grads.items()}, total


def clip_copy_keeps_dtype(grads, max_norm):
    """Scales copies in place: an integer gradient array cannot hold the scaled values (it raises)."""
    _valid(max_norm)
    total = _total(grads)
    coef = min(1.0, max_norm / (total + 1e-6))
    out = {}
    for k, g in grads.items():
        c = np.array(g, copy=True)
        c *= coef
        out[k] = c
    return out, total


def clip_max_norm_of_entries(grads, max_norm):
    """Uses the largest absolute entry (the ∞-norm) as the global norm."""
    _valid(max_norm)
    total = max((float(np.max(np.abs(g))) for g in grads.values() if np.size(g)), default=0.0)
    coef = min(1.0, max_norm / (total + 1e-6))
    return {k: np.asarray(g, dtype=float) * coef for k, g in grads.items()}, total


def clip_with_torch(grads, max_norm):
    """Alternative correct: hands float64 copies to torch.nn.utils.clip_grad_norm_."""
    _valid(max_norm)
    params = []
    for g in grads.values():
        p = torch.zeros(np.shape(g), dtype=torch.float64, requires_grad=True)
        p.grad = torch.tensor(np.asarray(g, dtype=float))
        params.append(p)
    total = float(torch.nn.utils.clip_grad_norm_(params, max_norm)) if params else 0.0
    return {k: p.grad.numpy() for k, p in zip(grads, params, strict=True)}, total


# --- lstm_cell -------------------------------------------------------------------------------------------


def _gates(x, h, W_ih, W_hh, b_ih, b_hh, with_b_hh=True):
    z = np.asarray(x, dtype=float) @ np.asarray(W_ih, dtype=float).T + b_ih
    z = z + np.asarray(h, dtype=float) @ np.asarray(W_hh, dtype=float).T
    return z + b_hh if with_b_hh else z


def lstm_order_ifog(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Splits the gates in the order i, f, o, g instead of PyTorch's i, f, g, o."""
    i, f, o, g = np.split(_gates(x, h, W_ih, W_hh, b_ih, b_hh), 4, axis=1)
    c1 = expit(f) * c + expit(i) * np.tanh(g)
    return expit(o) * np.tanh(c1), c1


def lstm_no_b_hh(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Forgets the second bias b_hh."""
    i, f, g, o = np.split(_gates(x, h, W_ih, W_hh, b_ih, b_hh, with_b_hh=False), 4, axis=1)
    c1 = expit(f) * c + expit(i) * np.tanh(g)
    return expit(o) * np.tanh(c1), c1


def lstm_no_output_tanh(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Outputs h = o·c without the tanh of the cell state."""
    i, f, g, o = np.split(_gates(x, h, W_ih, W_hh, b_ih, b_hh), 4, axis=1)
    c1 = expit(f) * c + expit(i) * np.tanh(g)
    return expit(o) * c1, c1


def lstm_1997_no_forget(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """The original 1997 cell: c' = c + i·g, ignoring the forget gate."""
    i, _f, g, o = np.split(_gates(x, h, W_ih, W_hh, b_ih, b_hh), 4, axis=1)
    c1 = np.asarray(c, dtype=float) + expit(i) * np.tanh(g)
    return expit(o) * np.tanh(c1), c1


def lstm_sigmoid_candidate(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Squashes the candidate g with a sigmoid like the gates, not a tanh."""
    i, f, g, o = np.split(_gates(x, h, W_ih, W_hh, b_ih, b_hh), 4, axis=1)
    c1 = expit(f) * c + expit(i) * expit(g)
    return expit(o) * np.tanh(c1), c1


def lstm_float32(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Runs torch.nn.LSTMCell in its default float32 and returns float32 arrays."""
    cell = torch.nn.LSTMCell(np.shape(W_ih)[1], np.shape(W_hh)[1])
    with torch.no_grad():
        for name, v in zip(
            ("weight_ih", "weight_hh", "bias_ih", "bias_hh"), (W_ih, W_hh, b_ih, b_hh), strict=True
        ):
            getattr(cell, name).copy_(torch.tensor(np.asarray(v, dtype=np.float32)))
        h1, c1 = cell(
            torch.tensor(np.asarray(x, dtype=np.float32)),
            (torch.tensor(np.asarray(h, dtype=np.float32)), torch.tensor(np.asarray(c, dtype=np.float32))),
        )
    return h1.numpy(), c1.numpy()


def lstm_c_in_place(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Right numbers, but updates the caller's cell-state array in place."""
    i, f, g, o = np.split(_gates(x, h, W_ih, W_hh, b_ih, b_hh), 4, axis=1)
    c *= expit(f)
    c += expit(i) * np.tanh(g)
    return expit(o) * np.tanh(c), c


def lstm_exp_sigmoid(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Alternative correct: σ as 1/(1 + e^(−z)) under errstate (an overflow to inf gives exactly 0)."""
    zi, zf, zg, zo = np.split(_gates(x, h, W_ih, W_hh, b_ih, b_hh), 4, axis=1)
    with np.errstate(over="ignore"):
        i, f, o = (1.0 / (1.0 + np.exp(-z)) for z in (zi, zf, zo))
    c1 = f * np.asarray(c, dtype=float) + i * np.tanh(zg)
    return o * np.tanh(c1), c1


def lstm_torch_float64(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Alternative correct: torch's functional ops in float64, gate by gate."""
    t = [torch.tensor(np.asarray(a, dtype=float)) for a in (x, h, c, W_ih, W_hh, b_ih, b_hh)]
    z = t[0] @ t[3].T + t[5] + t[1] @ t[4].T + t[6]
    i, f, g, o = z.chunk(4, dim=1)
    c1 = torch.sigmoid(f) * t[2] + torch.sigmoid(i) * torch.tanh(g)
    return (torch.sigmoid(o) * torch.tanh(c1)).numpy(), c1.numpy()


WRONG = {
    "rnn_forward": [
        forward_states_before_update,
        forward_transposed_recurrence,
        forward_squashed_output,
        forward_bias_outside,
        forward_updates_h0_in_place,
        forward_dtype_of_inputs,
        forward_empty_is_flat,
        forward_accepts_1d,
    ],
    "rnn_bptt": [
        bptt_truncated,
        bptt_tanh_of_state,
        bptt_current_state_for_w_hh,
        bptt_mean_loss,
        bptt_h0_before_w_hh,
        bptt_zeroes_params,
    ],
    "hidden_jacobian_norms": [
        jac_frobenius,
        jac_linear,
        jac_state_one_step_early,
        jac_diag_on_the_right,
        jac_indexed_by_lag,
        jac_empty_for_no_steps,
    ],
    "clip_grad_norm": [
        clip_per_array,
        clip_without_epsilon,
        clip_returns_clipped_norm,
        clip_in_place,
        clip_no_validation,
        clip_allows_zero,
        clip_copy_keeps_dtype,
        clip_max_norm_of_entries,
    ],
    "lstm_cell": [
        lstm_order_ifog,
        lstm_no_b_hh,
        lstm_no_output_tanh,
        lstm_1997_no_forget,
        lstm_sigmoid_candidate,
        lstm_float32,
        lstm_c_in_place,
    ],
}

CORRECT = {
    "rnn_forward": [forward_vectorised_inputs, _forward],
    "rnn_bptt": [bptt_torch_autograd, bptt_stored_deltas],
    "hidden_jacobian_norms": [jac_autograd],
    "clip_grad_norm": [clip_with_torch],
    "lstm_cell": [lstm_exp_sigmoid, lstm_torch_float64],
}
