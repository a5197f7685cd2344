"""Graded checks of unit 12, Recurrent networks: probes (run in the student's kernel) and judges (run here).

See ``standard_diffusion.py`` for the conventions. No exercise of this unit draws random numbers: every input
is built from the case's seed by the shared builders below, and the judges compare with grader-side code run
in float64 — NumPy for the forward pass, the Jacobian norms and the clipping, ``torch.autograd`` for the
gradients of BPTT and ``torch.nn.LSTMCell`` for the LSTM cell. Every probe calls the student's function on the
original inputs through :func:`autograder.probes.guarded_call` and reports whether it changed them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from autograder.checks import Cases, Check, Findings, Verdict, as_array, as_float
from autograder.probes import guarded_call, raised, require_dtype_kind, require_raises, require_unmodified

MATCH_TOL = 1e-10  # relative and absolute tolerance of every comparison with the grader-side float64 code
KEYS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")
CLIP_EPS = 1e-6  # torch.nn.utils.clip_grad_norm_ divides max_norm by (total_norm + 1e-6)


# ---------------------------------------------------------------------------------------------------------
# Shared input builders (copied into the hidden cells with the probes)
# ---------------------------------------------------------------------------------------------------------
def make_rnn_case(case):
    """Elman-network parameters, an input sequence, a start state and targets, all from the case's seed.

    W_hh is a Gaussian matrix rescaled to spectral radius case["rho"]; inputs are integers when
    case["int_inputs"] is true (the contract allows any real array).
    """
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    n_in, n_hid, n_out, T = case["n_in"], case["n_hidden"], case["n_out"], case["T"]
    W_hh = rng.normal(size=(n_hid, n_hid))
    W_hh *= case["rho"] / max(abs(np.linalg.eigvals(W_hh)))
    params = {
        "W_xh": rng.normal(0.0, case["scale"], size=(n_hid, n_in)),
        "W_hh": W_hh,
        "b_h": rng.normal(0.0, 0.3, size=n_hid),
        "W_hy": rng.normal(0.0, 1.0, size=(n_out, n_hid)),
        "b_y": rng.normal(0.0, 0.3, size=n_out),
    }
    if case.get("int_inputs"):
        xs = rng.integers(-2, 3, size=(T, n_in))
    else:
        xs = rng.normal(size=(T, n_in))
    h0 = rng.normal(0.0, 0.5, size=n_hid)
    targets = rng.normal(size=(T, n_out))
    return params, xs, h0, targets


def make_lstm_case(case):
    """Inputs and weights of one LSTM cell step (torch's shapes), from the case's seed."""
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    B, n_in, H, s = case["batch"], case["n_in"], case["n_hidden"], case["scale"]
    if case.get("int_inputs"):
        x = rng.integers(-3, 4, size=(B, n_in))
    else:
        x = rng.normal(size=(B, n_in))
    h = np.tanh(rng.normal(size=(B, H)))
    c = rng.normal(0.0, 2.0, size=(B, H))
    W_ih = rng.normal(0.0, s, size=(4 * H, n_in))
    W_hh = rng.normal(0.0, s, size=(4 * H, H))
    b_ih = rng.normal(0.0, s, size=4 * H)
    b_hh = rng.normal(0.0, s, size=4 * H)
    return x, h, c, W_ih, W_hh, b_ih, b_hh


def make_grads(case):
    """A dict of gradient arrays of several shapes; its global norm times case["ratio"] is max_norm."""
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    grads = {}
    for i, shape in enumerate(case["shapes"]):
        g = rng.normal(0.0, case["scale"], size=tuple(shape))
        grads[f"p{i}"] = np.rint(g) if case.get("int_grads") else g
    if case.get("int_grads"):
        grads = {k: v.astype(int) for k, v in grads.items()}
    total = float(np.sqrt(sum(float(np.sum(np.asarray(g, dtype=float) ** 2)) for g in grads.values())))
    return grads, total


def _kind(a):
    import numpy as np

    return np.asarray(a).dtype.kind


# ---------------------------------------------------------------------------------------------------------
# grader-side references (float64)
# ---------------------------------------------------------------------------------------------------------
def forward_reference(params: Mapping[str, np.ndarray], xs: Any, h0: Any) -> tuple[np.ndarray, np.ndarray]:
    xs = np.asarray(xs, dtype=float)
    h = np.asarray(h0, dtype=float)
    hs, ys = [], []
    for x in xs:
        h = np.tanh(params["W_xh"] @ x + params["W_hh"] @ h + params["b_h"])
        hs.append(h)
        ys.append(params["W_hy"] @ h + params["b_y"])
    n_hid, n_out = params["W_hh"].shape[0], params["W_hy"].shape[0]
    return np.array(hs).reshape(len(xs), n_hid), np.array(ys).reshape(len(xs), n_out)


def bptt_reference(params: Mapping[str, np.ndarray], xs: Any, h0: Any, targets: Any) -> tuple[float, dict]:
    """Loss ½ Σ_t ‖y_t − target_t‖² and its gradients by torch.autograd in float64."""
    import torch

    P = {k: torch.tensor(np.asarray(v, dtype=float), requires_grad=True) for k, v in params.items()}
    h = torch.tensor(np.asarray(h0, dtype=float), requires_grad=True)
    h_start = h
    X = torch.tensor(np.asarray(xs, dtype=float))
    Y = torch.tensor(np.asarray(targets, dtype=float))
    loss = torch.zeros((), dtype=torch.float64)
    for t in range(X.shape[0]):
        h = torch.tanh(P["W_xh"] @ X[t] + P["W_hh"] @ h + P["b_h"])
        y = P["W_hy"] @ h + P["b_y"]
        loss = loss + 0.5 * torch.sum((y - Y[t]) ** 2)
    wrt = [P[k] for k in KEYS] + [h_start]
    grads = torch.autograd.grad(loss, wrt, allow_unused=True)
    out = {}
    for key, g, p in zip([*KEYS, "h0"], grads, wrt, strict=True):
        out[key] = np.zeros(tuple(p.shape)) if g is None else g.numpy()
    return float(loss.detach()), out


def jacobian_norms_reference(params: Mapping[str, np.ndarray], xs: Any, h0: Any) -> np.ndarray:
    hs, _ = forward_reference(params, xs, h0)
    T, n_hid = hs.shape
    J = np.eye(n_hid)
    norms = [1.0]
    for t in range(T, 0, -1):  # J = ∂h_T/∂h_{t−1} = J · diag(1 − h_t²) W_hh
        J = J @ ((1 - hs[t - 1] ** 2)[:, None] * params["W_hh"])
        norms.append(float(np.linalg.norm(J, 2)))
    return np.array(norms[::-1])


def lstm_reference(x, h, c, W_ih, W_hh, b_ih, b_hh) -> tuple[np.ndarray, np.ndarray]:
    import torch

    n_in, H = W_ih.shape[1], W_hh.shape[1]
    cell = torch.nn.LSTMCell(n_in, H).double()
    with torch.no_grad():
        for name, value in (("weight_ih", W_ih), ("weight_hh", W_hh), ("bias_ih", b_ih), ("bias_hh", b_hh)):
            getattr(cell, name).copy_(torch.tensor(np.asarray(value, dtype=float)))
        h1, c1 = cell(
            torch.tensor(np.asarray(x, dtype=float)),
            (torch.tensor(np.asarray(h, dtype=float)), torch.tensor(np.asarray(c, dtype=float))),
        )
    return h1.numpy(), c1.numpy()


def clip_reference(grads: Mapping[str, Any], max_norm: float) -> tuple[dict, float]:
    """torch.nn.utils.clip_grad_norm_ (norm_type 2): scale by min(1, max_norm / (total + 1e-6))."""
    total = math.sqrt(sum(float(np.sum(np.asarray(g, dtype=float) ** 2)) for g in grads.values()))
    coef = min(1.0, max_norm / (total + CLIP_EPS))
    return {k: np.asarray(g, dtype=float) * coef for k, g in grads.items()}, total


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.allclose(a, b, rtol=MATCH_TOL, atol=MATCH_TOL))


# ---------------------------------------------------------------------------------------------------------
# rnn_forward(params, xs, h0) -> (hs, ys)
# ---------------------------------------------------------------------------------------------------------
def probe_rnn_forward(rnn_forward, cases):
    import numpy as np

    out = []
    for case in cases:
        params, xs, h0, _ = make_rnn_case(case)
        (hs, ys), modified = guarded_call(rnn_forward, params, xs, h0)
        hs, ys = np.asarray(hs), np.asarray(ys)
        p2, xs2, h02, _ = make_rnn_case(case)
        wide = np.zeros((max(len(xs2), 1), xs2.shape[1] + 1))
        out.append(
            {
                "hs": hs.tolist(),
                "ys": ys.tolist(),
                "hs_shape": list(hs.shape),
                "ys_shape": list(ys.shape),
                "kinds": [_kind(hs), _kind(ys)],
                "modified": modified,
                "bad_width": raised(lambda p=p2, w=wide, h=h02: rnn_forward(p, w, h)),
                "bad_ndim": raised(lambda p=p2, x=xs2, h=h02: rnn_forward(p, np.asarray(x)[:, 0], h)),
            }
        )
    return out


def judge_rnn_forward(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        params, xs, h0, _ = make_rnn_case(case)
        want_h, want_y = forward_reference(params, xs, h0)
        require_unmodified(f, got["modified"], "rnn_forward")
        require_raises(f, got["bad_width"], "rnn_forward with xs whose width differs from W_xh's")
        require_raises(f, got["bad_ndim"], "rnn_forward with a one-dimensional xs")
        T = case["T"]
        if not f.require(
            got["hs_shape"] == [T, case["n_hidden"]] and got["ys_shape"] == [T, case["n_out"]],
            "hs must have shape (T, n_hidden) and ys shape (T, n_out), one row per input step "
            "(also for T = 0)",
        ):
            continue
        for kind in got["kinds"]:
            require_dtype_kind(f, kind, "f", "hs and ys")
        if T == 0:
            continue
        hs = as_array(got["hs"], (T, case["n_hidden"]), "hs")
        ys = as_array(got["ys"], (T, case["n_out"]), "ys")
        f.require(
            _close(hs, want_h),
            "the hidden states are not h_t = tanh(W_xh x_t + W_hh h_(t−1) + b_h) for t = 1…T, "
            "starting from h0",
        )
        f.require(_close(ys, want_y), "the outputs are not y_t = W_hy h_t + b_y")
    return f.verdict()


def _rnn(seed, n_in, n_hidden, n_out, T, rho=0.9, scale=1.0, **extra):
    return {
        "n_in": n_in,
        "n_hidden": n_hidden,
        "n_out": n_out,
        "T": T,
        "rho": rho,
        "scale": scale,
        "seed": seed,
        **extra,
    }


FORWARD_CASES = [
    _rnn(12_101, 3, 7, 2, 15),
    _rnn(12_102, 5, 5, 5, 9, rho=1.4, int_inputs=True),  # square layers, integer inputs
    _rnn(12_103, 1, 4, 1, 1, rho=0.5),
    _rnn(12_104, 2, 6, 3, 0),  # the empty sequence
    _rnn(12_105, 4, 9, 1, 30, rho=1.0, scale=2.0),
]


# ---------------------------------------------------------------------------------------------------------
# rnn_bptt(params, xs, h0, targets) -> (loss, grads)
# ---------------------------------------------------------------------------------------------------------
def probe_rnn_bptt(rnn_bptt, cases):
    import numpy as np

    out = []
    for case in cases:
        params, xs, h0, targets = make_rnn_case(case)
        (loss, grads), modified = guarded_call(rnn_bptt, params, xs, h0, targets)
        keys = sorted(str(k) for k in grads)
        out.append(
            {
                "loss": float(loss),
                "keys": keys,
                "grads": {str(k): np.asarray(v, dtype=float).tolist() for k, v in grads.items()},
                "shapes": {str(k): list(np.shape(v)) for k, v in grads.items()},
                "modified": modified,
            }
        )
    return out


def judge_rnn_bptt(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        params, xs, h0, targets = make_rnn_case(case)
        want_loss, want = bptt_reference(params, xs, h0, targets)
        require_unmodified(f, got["modified"], "rnn_bptt")
        f.require(
            math.isclose(as_float(got["loss"], "loss"), want_loss, rel_tol=MATCH_TOL, abs_tol=MATCH_TOL),
            "the loss is not ½ Σ_t ‖y_t − target_t‖² (summed over steps and outputs, not averaged)",
        )
        if not f.require(
            got["keys"] == sorted([*KEYS, "h0"]),
            "grads must have exactly the keys W_xh, W_hh, b_h, W_hy, b_y and h0",
        ):
            continue
        for key in [*KEYS, "h0"]:
            shape = want[key].shape
            if not f.require(
                got["shapes"][key] == list(shape), f"grads['{key}'] must have the shape of {key}"
            ):
                continue
            g = as_array(got["grads"][key], shape, f"grads['{key}']")
            where = "the output layer" if key in ("W_hy", "b_y") else "back through time"
            f.require(
                _close(g, want[key]),
                f"grads['{key}'] is not the derivative of the loss (compare with a numerical gradient; "
                f"check {where})",
            )
    return f.verdict()


BPTT_CASES = [
    _rnn(12_201, 3, 6, 2, 12),
    _rnn(12_202, 4, 4, 4, 8, rho=1.3, int_inputs=True),
    _rnn(12_203, 2, 5, 1, 1, rho=0.7),
    _rnn(12_204, 1, 8, 3, 25, rho=1.0, scale=0.5),
]


# ---------------------------------------------------------------------------------------------------------
# hidden_jacobian_norms(params, xs, h0) -> ‖∂h_T/∂h_t‖₂ for t = 0…T
# ---------------------------------------------------------------------------------------------------------
def probe_hidden_jacobian_norms(hidden_jacobian_norms, cases):
    import numpy as np

    out = []
    for case in cases:
        params, xs, h0, _ = make_rnn_case(case)
        norms, modified = guarded_call(hidden_jacobian_norms, params, xs, h0)
        norms = np.asarray(norms)
        out.append(
            {"norms": norms.tolist(), "shape": list(norms.shape), "kind": _kind(norms), "modified": modified}
        )
    return out


def judge_hidden_jacobian_norms(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        params, xs, h0, _ = make_rnn_case(case)
        want = jacobian_norms_reference(params, xs, h0)
        require_unmodified(f, got["modified"], "hidden_jacobian_norms")
        T = case["T"]
        if not f.require(
            got["shape"] == [T + 1], "the result must have shape (T + 1,): one norm per t = 0…T"
        ):
            continue
        require_dtype_kind(f, got["kind"], "f", "the norms")
        norms = as_array(got["norms"], (T + 1,), "norms")
        f.require(
            math.isclose(norms[-1], 1.0, rel_tol=1e-12),
            "the last entry, ‖∂h_T/∂h_T‖, is the norm of the identity",
        )
        # relative comparison: the norms span many orders of magnitude
        f.require(
            np.all(np.abs(norms - want) <= MATCH_TOL * np.abs(want) + 1e-300),
            "the norms are not the spectral norms (largest singular values) of ∂h_T/∂h_t = "
            "Π_(s=t+1…T) diag(1 − h_s²) W_hh, entry t for lag T − t",
        )
    return f.verdict()


JACOBIAN_CASES = [
    _rnn(12_301, 2, 6, 1, 20, rho=0.8),
    _rnn(12_302, 3, 5, 1, 25, rho=1.0, scale=0.1),
    _rnn(12_303, 3, 7, 1, 30, rho=1.6, scale=0.05),
    _rnn(12_304, 4, 4, 1, 6, rho=1.2, int_inputs=True),
    _rnn(12_305, 2, 3, 1, 0),
]


# ---------------------------------------------------------------------------------------------------------
# clip_grad_norm(grads, max_norm) -> (clipped, total_norm)
# ---------------------------------------------------------------------------------------------------------
def probe_clip_grad_norm(clip_grad_norm, cases):
    import numpy as np

    out = []
    for case in cases:
        grads, total = make_grads(case)
        max_norm = case["max_norm"] if "max_norm" in case else total * case["ratio"]
        if case.get("int_max_norm"):
            max_norm = int(round(max_norm))
        (clipped, norm), modified = guarded_call(clip_grad_norm, grads, max_norm)
        out.append(
            {
                "keys": sorted(str(k) for k in clipped),
                "clipped": {str(k): np.asarray(v, dtype=float).tolist() for k, v in clipped.items()},
                "kinds": {str(k): _kind(v) for k, v in clipped.items()},
                "norm": float(norm),
                "modified": modified,
            }
        )
    g, _ = make_grads(cases[0])
    bad = [raised(lambda m=m: clip_grad_norm(g, m)) for m in (0.0, -1.0, float("nan"), float("inf"))]
    return {"cases": out, "bad": bad}


def judge_clip_grad_norm(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for what, got in zip(
        ("max_norm = 0", "a negative max_norm", "max_norm = nan", "max_norm = inf"), data["bad"], strict=True
    ):
        require_raises(f, got, f"clip_grad_norm with {what}")
    for case, got in zip(cases, data["cases"], strict=True):
        grads, total = make_grads(case)
        max_norm = case["max_norm"] if "max_norm" in case else total * case["ratio"]
        if case.get("int_max_norm"):
            max_norm = int(round(max_norm))
        want, want_total = clip_reference(grads, float(max_norm))
        require_unmodified(f, got["modified"], "clip_grad_norm")
        f.require(
            math.isclose(as_float(got["norm"], "total norm"), want_total, rel_tol=1e-12, abs_tol=1e-300),
            "the returned norm is not the global 2-norm of all gradients together, before clipping",
        )
        if not f.require(got["keys"] == sorted(grads), "the clipped dict must have the keys of grads"):
            continue
        for key, g in want.items():
            require_dtype_kind(f, got["kinds"][key], "f", "the clipped gradients")
            arr = as_array(got["clipped"][key], g.shape, f"clipped['{key}']")
            f.require(
                _close(arr, g),
                "the clipped gradients are not grads · min(1, max_norm / (total_norm + 1e-6)), one factor "
                "for all arrays together",
            )
    return f.verdict()


_SHAPES = [[3, 4], [4], [2, 2, 3]]
CLIP_CASES = [
    {"shapes": _SHAPES, "scale": 1.0, "ratio": 0.3, "seed": 12_401},  # clipped
    {"shapes": _SHAPES, "scale": 1.0, "ratio": 3.0, "seed": 12_402},  # left alone
    {"shapes": _SHAPES, "scale": 2.0, "ratio": 1.0, "seed": 12_403},  # exactly at the threshold
    {"shapes": [[5, 5]], "scale": 1e-3, "max_norm": 1.0, "seed": 12_404},  # tiny gradients
    {
        "shapes": [[6], [2, 3]],
        "scale": 3.0,
        "ratio": 0.4,
        "int_grads": True,
        "int_max_norm": True,
        "seed": 12_405,
    },
    {"shapes": [[4], [3]], "scale": 0.0, "max_norm": 0.5, "seed": 12_406},  # all-zero gradients
    {"shapes": [[40, 30]], "scale": 1e3, "max_norm": 5.0, "seed": 12_407},  # a large norm
]


# ---------------------------------------------------------------------------------------------------------
# lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh) -> (h_new, c_new)
# ---------------------------------------------------------------------------------------------------------
def probe_lstm_cell(lstm_cell, cases):
    import numpy as np

    out = []
    for case in cases:
        args = make_lstm_case(case)
        (h1, c1), modified = guarded_call(lstm_cell, *args)
        h1, c1 = np.asarray(h1), np.asarray(c1)
        out.append(
            {
                "h": h1.tolist(),
                "c": c1.tolist(),
                "shapes": [list(h1.shape), list(c1.shape)],
                "kinds": [str(h1.dtype), str(c1.dtype)],
                "modified": modified,
            }
        )
    return out


def judge_lstm_cell(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        args = make_lstm_case(case)
        want_h, want_c = lstm_reference(*args)
        require_unmodified(f, got["modified"], "lstm_cell")
        shape = [case["batch"], case["n_hidden"]]
        if not f.require(
            got["shapes"] == [shape, shape], "h_new and c_new must have shape (batch, n_hidden)"
        ):
            continue
        f.require(got["kinds"] == ["float64", "float64"], "h_new and c_new must be float64 arrays")
        h1 = as_array(got["h"], tuple(shape), "h_new")
        c1 = as_array(got["c"], tuple(shape), "c_new")
        f.require(
            _close(c1, want_c),
            "c_new differs from torch.nn.LSTMCell's (gates = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh split in the "
            "order i, f, g, o; c_new = f·c + i·g)",
        )
        f.require(_close(h1, want_h), "h_new differs from torch.nn.LSTMCell's (h_new = o·tanh(c_new))")
    return f.verdict()


LSTM_CASES = [
    {"batch": 4, "n_in": 3, "n_hidden": 5, "scale": 0.5, "seed": 12_501},
    {"batch": 1, "n_in": 6, "n_hidden": 6, "scale": 1.0, "int_inputs": True, "seed": 12_502},  # square
    {"batch": 3, "n_in": 2, "n_hidden": 4, "scale": 40.0, "seed": 12_503},  # saturated gates (overflow)
    {"batch": 7, "n_in": 1, "n_hidden": 1, "scale": 1.5, "seed": 12_504},
]


CHECKS = [
    Check(
        "rnn_forward",
        ("rnn_forward",),
        2,
        FORWARD_CASES,
        probe_rnn_forward,
        judge_rnn_forward,
        helpers=(make_rnn_case, _kind, guarded_call, raised),
    ),
    Check(
        "rnn_bptt",
        ("rnn_bptt",),
        4,
        BPTT_CASES,
        probe_rnn_bptt,
        judge_rnn_bptt,
        helpers=(make_rnn_case, guarded_call),
    ),
    Check(
        "hidden_jacobian_norms",
        ("hidden_jacobian_norms",),
        2,
        JACOBIAN_CASES,
        probe_hidden_jacobian_norms,
        judge_hidden_jacobian_norms,
        helpers=(make_rnn_case, _kind, guarded_call),
    ),
    Check(
        "clip_grad_norm",
        ("clip_grad_norm",),
        2,
        CLIP_CASES,
        probe_clip_grad_norm,
        judge_clip_grad_norm,
        helpers=(make_grads, _kind, guarded_call, raised),
    ),
    Check(
        "lstm_cell",
        ("lstm_cell",),
        3,
        LSTM_CASES,
        probe_lstm_cell,
        judge_lstm_cell,
        helpers=(make_lstm_case, guarded_call),
    ),
]
