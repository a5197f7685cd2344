"""Graded checks of unit 07, The perceptron: probes (run in the student's kernel) and judges (run here).

See ``standard_diffusion.py`` for the conventions. The perceptron cases use inputs on a grid of multiples of
1/4 and power-of-two learning rates, so every dot product and update is exact in floating point: any correct
implementation makes exactly the reference's mistakes, and the judge can demand equality.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from autograder.checks import Cases, Check, Findings, Verdict, as_array, as_float
from autograder.probes import guarded_call, require_raises, require_unmodified


# ---------------------------------------------------------------------------------------------------------
# shared inputs: separable data on a dyadic grid, XOR, and invalid labels
# ---------------------------------------------------------------------------------------------------------
def perceptron_case(case):
    import numpy as np

    kind = case["kind"]
    if kind == "xor":
        X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        return X, np.array([-1.0, 1.0, 1.0, -1.0]), None, None
    if kind in ("zero_margin", "negative_margin"):
        # (w, b) = ((1, 1), 0) separates the first four points; the last lies on the line (margin 0) or just
        # on its wrong side (a small negative margin, −0.25/√2)
        last = [0.5, -0.5] if kind == "zero_margin" else [0.5, -0.75]
        X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, -1.0], last])
        y = np.array([1.0, 1.0, 1.0, -1.0, 1.0])
        if case.get("int_inputs"):
            X, y = (4 * X).astype(int), y.astype(int)
        return X, y, np.array([1.0, 1.0]), 0.0
    # "fixed_seed": a boundary case built for its exact epoch count, not re-seeded by the tests
    rng = np.random.default_rng(case["seed"] if "seed" in case else case["fixed_seed"])
    n, d = case["n"], case["d"]
    w_true = rng.integers(-4, 5, size=d).astype(float)
    w_true[0] = w_true[0] if abs(w_true[0]) >= 2 else 3.0
    b_true = float(rng.integers(-1, 2))
    cand = rng.integers(-8, 9, size=(20 * n, d)) / 4.0
    margin = cand @ w_true + b_true
    pos = np.flatnonzero(margin >= case["margin"])[: n // 2]
    neg = np.flatnonzero(margin <= -case["margin"])[: n - n // 2]
    chosen = np.sort(np.concatenate([pos, neg]))
    X, y = cand[chosen], np.sign(margin[chosen])
    if kind == "bad_labels":
        if case["labels"] == "01":
            y = (y + 1) / 2
        elif case["labels"] == "-2":
            y = np.where(y > 0, 1.0, -2.0)
        else:
            y = np.where(y > 0, 2.0, -1.0)
    if case.get("int_labels"):
        y = y.astype(int)
    if case.get("int_inputs"):
        # integer inputs (the grid scaled by 4) and integer weights: a float learning rate must still act
        X, w_true, b_true = (4 * X).astype(int), w_true.astype(int), int(b_true)
    return X, y, w_true, b_true


# ---------------------------------------------------------------------------------------------------------
# perceptron_train(X, y, lr=1.0, max_epochs=100) -> (w, b, n_mistakes, converged)
# ---------------------------------------------------------------------------------------------------------
def probe_perceptron_train(perceptron_train, cases):
    import numpy as np

    out = []
    for case in cases:
        X, y, _w, _b = perceptron_case(case)
        try:
            (w, b, n_mistakes, converged), modified = guarded_call(
                perceptron_train, X, y, lr=case["lr"], max_epochs=case["max_epochs"]
            )
        except Exception as err:
            out.append({"error": type(err).__name__})
            continue
        out.append(
            {
                "w": np.asarray(w, dtype=float).ravel().tolist(),
                "w_shape": list(np.shape(w)),
                "w_kind": np.asarray(w).dtype.kind,
                "b": float(b),
                "n_mistakes": int(n_mistakes),
                "mistakes_integral": bool(float(n_mistakes) == int(n_mistakes)),
                "converged": bool(converged),
                "converged_bool": isinstance(converged, (bool, np.bool_)),
                "modified": modified,
            }
        )
    return out


def perceptron_reference(X: np.ndarray, y: np.ndarray, lr: float, max_epochs: int) -> tuple:
    """Rosenblatt's rule from zero weights, samples in index order; stops after a mistake-free epoch."""
    w, b, mistakes = np.zeros(X.shape[1]), 0.0, 0
    for _ in range(max_epochs):
        epoch = 0
        for x_i, y_i in zip(X, y, strict=True):
            if y_i * (w @ x_i + b) <= 0:
                w = w + lr * y_i * x_i
                b = b + lr * y_i
                epoch += 1
        mistakes += epoch
        if epoch == 0:
            return w, b, mistakes, True
    return w, b, mistakes, False


def novikoff_reference(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> float:
    Z = np.hstack([X, np.ones((len(X), 1))])
    u = np.append(w, b)
    gamma = np.min(y * (Z @ u)) / np.linalg.norm(u)
    if gamma <= 0:
        raise ValueError("(w, b) does not separate the data")
    return float((np.max(np.linalg.norm(Z, axis=1)) / gamma) ** 2)


def judge_perceptron_train(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        if case["kind"] == "bad_labels":
            require_raises(f, got.get("error"), "perceptron_train with labels other than −1 and +1")
            continue
        if not f.require("error" not in got, "perceptron_train raised an error on valid input"):
            continue
        X, y, w_true, b_true = perceptron_case(case)
        w_ref, b_ref, m_ref, conv_ref = perceptron_reference(
            X.astype(float), y.astype(float), case["lr"], _max_epochs(case)
        )
        if not f.require(got["w_shape"] == [X.shape[1]], "w must be a 1-D array with one weight per input"):
            continue
        w = as_array(got["w"], (X.shape[1],), "w")
        b = as_float(got["b"], "b")
        n_mistakes = got["n_mistakes"]
        require_unmodified(f, got["modified"], "perceptron_train")
        f.require(got["w_kind"] == "f", "w must be a float array (also for integer inputs)")
        f.require(got["converged_bool"], "converged must be a bool")
        if case["kind"] == "xor":
            f.require(
                not got["converged"], "XOR is not linearly separable: training must not report convergence"
            )
            f.require(
                n_mistakes >= case["max_epochs"],
                "on XOR every epoch makes at least one mistake: count the mistakes of all epochs",
            )
        elif case.get("budget") == "short":
            f.require(
                not got["converged"],
                "converged must be False when every one of the max_epochs epochs made a mistake",
            )
        else:
            f.require(got["converged"], "training must converge on linearly separable data")
            bound = novikoff_reference(X, y.astype(float), w_true, b_true)
            f.require(n_mistakes <= bound, "the number of mistakes exceeds Novikoff's bound (R/γ)²")
        f.require(
            np.allclose(w, w_ref, rtol=1e-12, atol=1e-12)
            and math.isclose(b, b_ref, rel_tol=1e-12, abs_tol=1e-12),
            "w and b differ from the perceptron rule (start at zero, visit the samples in index order, "
            "update w ← w + lr·y·x and b ← b + lr·y whenever y(w·x + b) ≤ 0)",
        )
        f.require(
            n_mistakes == m_ref,
            "n_mistakes is not the total number of updates over all epochs, up to the first mistake-free one",
        )
        f.require(bool(got["converged"]) == conv_ref, "converged must say whether an epoch made no mistake")
    return f.verdict()


def _epochs_to_converge(case: Mapping[str, Any]) -> int:
    """The number of epochs the rule needs on a separable case, the mistake-free one included."""
    X, y, _w, _b = perceptron_case(case)
    X, y = X.astype(float), y.astype(float)
    for k in range(1, 1001):
        if perceptron_reference(X, y, case["lr"], k)[3]:
            return k
    raise AssertionError("a separable case did not converge in 1000 epochs")


def _max_epochs(case: Mapping[str, Any]) -> int:
    return int(case["max_epochs"])


def _exact_budget(case: dict, offset: int) -> dict:
    """The case with max_epochs set so that the mistake-free epoch is the last allowed one (offset 0) or
    one beyond it (offset −1: every allowed epoch makes a mistake)."""
    return {**case, "max_epochs": _epochs_to_converge(case) + offset}


BUDGET_CASE = {"kind": "separable", "n": 40, "d": 3, "margin": 0.5, "lr": 1.0, "fixed_seed": 72_108}

PERCEPTRON_CASES = [
    {"kind": "separable", "n": 30, "d": 2, "margin": 1.0, "lr": 1.0, "max_epochs": 1000, "seed": 72_101},
    {"kind": "separable", "n": 60, "d": 5, "margin": 1.0, "lr": 0.5, "max_epochs": 1000, "seed": 72_102},
    {
        "kind": "separable",
        "n": 40,
        "d": 3,
        "margin": 0.5,
        "lr": 2.0,
        "max_epochs": 1000,
        "seed": 72_103,
        "int_labels": True,
    },
    {"kind": "xor", "lr": 1.0, "max_epochs": 37},
    # the mistake-free epoch is exactly the last allowed one, then one epoch too few
    _exact_budget({"kind": "separable", "n": 40, "d": 3, "margin": 0.5, "lr": 1.0, "fixed_seed": 72_108}, 0),
    {
        **_exact_budget(
            {"kind": "separable", "n": 40, "d": 3, "margin": 0.5, "lr": 1.0, "fixed_seed": 72_108}, -1
        ),
        "budget": "short",
    },
    # integer inputs (and integer labels) with a fractional learning rate
    {
        "kind": "separable",
        "n": 30,
        "d": 4,
        "margin": 1.0,
        "lr": 0.25,
        "max_epochs": 1000,
        "seed": 72_107,
        "int_inputs": True,
        "int_labels": True,
    },
    {
        "kind": "bad_labels",
        "labels": "01",
        "n": 20,
        "d": 2,
        "margin": 1.0,
        "lr": 1.0,
        "max_epochs": 50,
        "seed": 72_104,
    },
    {
        "kind": "bad_labels",
        "labels": "2",
        "n": 20,
        "d": 2,
        "margin": 1.0,
        "lr": 1.0,
        "max_epochs": 50,
        "seed": 72_105,
    },
    {
        "kind": "bad_labels",
        "labels": "-2",
        "n": 20,
        "d": 2,
        "margin": 1.0,
        "lr": 1.0,
        "max_epochs": 50,
        "seed": 72_108,
        "int_labels": True,
    },
]


# ---------------------------------------------------------------------------------------------------------
# novikoff_bound(X, y, w, b) -> (R/γ)²
# ---------------------------------------------------------------------------------------------------------
def probe_novikoff_bound(novikoff_bound, cases):
    import warnings

    import numpy as np

    out = []
    for case in cases:
        X, y, w, b = perceptron_case(case)
        w, b = case["scale"] * w, case["scale"] * b
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                bound, modified = guarded_call(novikoff_bound, X, y, w, b)
            out.append({"bound": float(bound), "modified": modified})
        except Exception as err:
            out.append({"error": type(err).__name__})
    return out


def judge_novikoff_bound(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        if not isinstance(got, dict):
            f.require(False, "the probe of novikoff_bound produced no result")
            continue
        if case["scale"] < 0 or case["kind"] in ("zero_margin", "negative_margin"):
            what = {
                "zero_margin": "novikoff_bound for a (w, b) with a point exactly on the hyperplane (γ = 0)",
                "negative_margin": "novikoff_bound for a (w, b) that misclassifies one point (γ < 0)",
            }.get(case["kind"], "novikoff_bound for a (w, b) that does not separate the data (γ < 0)")
            require_raises(f, got.get("error"), what)
            continue
        if not f.require("error" not in got, "novikoff_bound raised an error on a separating (w, b)"):
            continue
        require_unmodified(f, got.get("modified"), "novikoff_bound")
        X, y, w, b = perceptron_case(case)
        want = novikoff_reference(X, y, case["scale"] * w, case["scale"] * b)
        f.require(
            math.isclose(as_float(got.get("bound"), "bound"), want, rel_tol=1e-9),
            "the bound is not (R/γ)² with R and γ measured on the augmented inputs (x, 1) and the "
            "normalised augmented weights (w, b)/‖(w, b)‖",
        )
    return f.verdict()


NOVIKOFF_CASES = [
    {"kind": "separable", "n": 30, "d": 2, "margin": 1.0, "scale": 1.0, "seed": 72_201},
    {"kind": "separable", "n": 50, "d": 6, "margin": 0.5, "scale": 0.37, "seed": 72_202},
    {"kind": "separable", "n": 25, "d": 3, "margin": 2.0, "scale": 7.0, "seed": 72_203},
    {"kind": "separable", "n": 25, "d": 3, "margin": 1.0, "scale": -1.0, "seed": 72_204},
    {"kind": "separable", "n": 20, "d": 3, "margin": 1.0, "scale": 3, "seed": 72_205, "int_inputs": True},
    {"kind": "zero_margin", "scale": 1.0},
    {"kind": "zero_margin", "scale": 2.0, "int_inputs": True},
    {"kind": "negative_margin", "scale": 1.0},
]


# ---------------------------------------------------------------------------------------------------------
# cover_fraction(P, N) -> C(P, N) / 2^P
# ---------------------------------------------------------------------------------------------------------
def probe_cover_fraction(cover_fraction, cases):
    return [float(cover_fraction(int(case["P"]), int(case["N"]))) for case in cases]


def cover_reference(P: int, N: int) -> float:
    count = 2 * sum(math.comb(P - 1, k) for k in range(N))
    return float(Fraction(count, 2**P))


def judge_cover_fraction(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        P, N = case["P"], case["N"]
        f.require(
            math.isclose(as_float(got, "fraction"), cover_reference(P, N), rel_tol=1e-12, abs_tol=1e-300),
            f"the fraction is wrong for P = {P} points in N = {N} dimensions "
            "(C(P, N) = 2·Σ_{k<N} binom(P−1, k), divided by the 2^P dichotomies)",
        )
    return f.verdict()


COVER_CASES = [
    {"P": 1, "N": 1},
    {"P": 4, "N": 2},
    {"P": 7, "N": 3},
    {"P": 12, "N": 20},
    {"P": 30, "N": 30},
    {"P": 46, "N": 23},
    {"P": 90, "N": 50},
    {"P": 117, "N": 50},
    {"P": 160, "N": 64},
    {"P": 1500, "N": 600},
]


# ---------------------------------------------------------------------------------------------------------
# mlp_forward(params, X) -> (n,), mlp_backward(params, X, y) -> gradients
# ---------------------------------------------------------------------------------------------------------
def make_mlp_case(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    n, n_in, n_hidden = case["n"], case["n_in"], case["n_hidden"]
    params = {
        "W1": rng.normal(0.0, 1.0, size=(n_in, n_hidden)),
        "b1": rng.normal(0.0, 0.5, size=n_hidden),
        "W2": rng.normal(0.0, case.get("w2_scale", 1.0), size=n_hidden),
        "b2": float(rng.normal(0.0, 0.5)),
    }
    X = rng.normal(0.0, 1.0, size=(n, n_in))
    y = (rng.random(n) < 0.5).astype(float)
    if case.get("int_inputs"):
        # integer inputs and integer labels, where floats are usual
        X, y = np.rint(2 * X).astype(int), y.astype(int)
    return params, X, y


def probe_mlp_forward(mlp_forward, cases):
    import warnings

    import numpy as np

    out = []
    for case in cases:
        params, X, _y = make_mlp_case(case)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            p, modified = guarded_call(mlp_forward, params, X)
            p = np.asarray(p, dtype=float)
        out.append({"shape": list(p.shape), "p": p.ravel().tolist(), "modified": modified})
    return out


def mlp_reference(params: Mapping[str, Any], X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, dict]:
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    h = np.tanh(X @ params["W1"] + params["b1"])
    with np.errstate(over="ignore"):
        p = 1.0 / (1.0 + np.exp(-(h @ params["W2"] + params["b2"])))
    dz = (p - y) / len(y)  # d(mean BCE)/d(logit)
    dh = np.outer(dz, params["W2"]) * (1.0 - h**2)
    grads = {"W1": X.T @ dh, "b1": dh.sum(axis=0), "W2": h.T @ dz, "b2": float(dz.sum())}
    return p, grads


def judge_mlp_forward(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        params, X, y = make_mlp_case(case)
        want, _ = mlp_reference(params, X, y)
        if not f.require(
            got["shape"] == [case["n"]], "mlp_forward must return one probability per row, shape (n,)"
        ):
            continue
        p = as_array(got["p"], (case["n"],), "probabilities")
        f.require(
            bool(np.all(np.isfinite(p))) and np.allclose(p, want, rtol=1e-9, atol=1e-12),
            "the probabilities are not sigmoid(tanh(X·W1 + b1)·W2 + b2)"
            + (" (also for large logits: keep them finite)" if case.get("w2_scale") else ""),
        )
        require_unmodified(f, got.get("modified"), "mlp_forward")
    return f.verdict()


MLP_CASES = [
    {"n": 12, "n_in": 3, "n_hidden": 5, "seed": 72_301},
    {"n": 30, "n_in": 2, "n_hidden": 8, "seed": 72_302},
    {"n": 7, "n_in": 6, "n_hidden": 4, "seed": 72_303},
    # a square layer (n_in = n_hidden, where an in-place update of X type-checks), integer inputs and
    # labels, and output weights so large that the logits reach several hundred (exp overflows)
    {"n": 9, "n_in": 4, "n_hidden": 4, "seed": 72_304},
    {"n": 10, "n_in": 3, "n_hidden": 3, "seed": 72_305, "int_inputs": True},
    {"n": 40, "n_in": 3, "n_hidden": 6, "seed": 72_308, "w2_scale": 3000.0},
]


def probe_mlp_backward(mlp_backward, cases):
    import warnings

    import numpy as np

    out = []
    for case in cases:
        params, X, y = make_mlp_case(case)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            grads, modified = guarded_call(mlp_backward, params, X, y)
        out.append(
            {
                "keys": sorted(str(k) for k in grads),
                "grads": {str(k): np.asarray(v, dtype=float).tolist() for k, v in grads.items()},
                "modified": modified,
            }
        )
    return out


def judge_mlp_backward(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        params, X, y = make_mlp_case(case)
        _, want = mlp_reference(params, X, y)
        if not f.require(
            got["keys"] == sorted(want), "the gradients must be a dict with the keys W1, b1, W2 and b2"
        ):
            continue
        for key in ("W1", "b1", "W2"):
            arr = as_array(got["grads"][key], want[key].shape, f"the gradient of {key}")
            f.require(
                np.allclose(arr, want[key], rtol=1e-8, atol=1e-12),
                f"the gradient of {key} is wrong (mean binary cross-entropy, tanh hidden layer, "
                "sigmoid output)",
            )
        f.require(
            math.isclose(
                as_float(got["grads"]["b2"], "the gradient of b2"), want["b2"], rel_tol=1e-8, abs_tol=1e-12
            ),
            "the gradient of b2 is wrong (mean binary cross-entropy, sigmoid output)",
        )
        require_unmodified(f, got.get("modified"), "mlp_backward")
    return f.verdict()


# ---------------------------------------------------------------------------------------------------------
# numerical_gradient(f, x, eps) -> array shaped like x
# ---------------------------------------------------------------------------------------------------------
def gradient_test_function(z, kind):
    import numpy as np

    z = np.asarray(z, dtype=float)
    flat = z.ravel()
    if kind == "trig":
        return float(np.sum(np.sin(flat) * flat**2) + 0.5 * flat[0] * flat[-1])
    return float(np.sum(flat**3) / 3.0 - np.prod(flat[:3]) + np.exp(0.1 * flat).sum())


def gradient_test_point(case):
    import numpy as np

    x = np.random.default_rng(case["seed"]).normal(0.0, 1.0, size=tuple(case["shape"]))
    return np.rint(3 * x).astype(int) if case.get("int_inputs") else x


def probe_numerical_gradient(numerical_gradient, cases):
    import numpy as np

    out = []
    for case in cases:
        x = gradient_test_point(case)
        kind = case["kind"]

        def f(z, kind=kind):
            return gradient_test_function(z, kind)

        g, modified = guarded_call(numerical_gradient, f, x, case["eps"])
        g = np.asarray(g, dtype=float)
        out.append({"shape": list(g.shape), "g": g.ravel().tolist(), "modified": modified})
    return out


def judge_numerical_gradient(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        x = gradient_test_point(case).astype(float)
        eps, kind = case["eps"], case["kind"]
        want = np.empty(x.size)
        for i in range(x.size):
            step = np.zeros(x.size)
            step[i] = eps
            plus = gradient_test_function((x.ravel() + step).reshape(x.shape), kind)
            minus = gradient_test_function((x.ravel() - step).reshape(x.shape), kind)
            want[i] = (plus - minus) / (2 * eps)
        if not f.require(
            got["shape"] == list(x.shape), "the gradient must have the same shape as x (also for 2-D x)"
        ):
            continue
        g = as_array(got["g"], (x.size,), "gradient")
        f.require(
            np.allclose(g, want, rtol=1e-8, atol=1e-9),
            "the gradient is not the central difference (f(x + ε·e_i) − f(x − ε·e_i)) / (2ε) "
            "in every coordinate",
        )
        require_unmodified(f, got.get("modified"), "numerical_gradient")
    return f.verdict()


NUMERICAL_GRADIENT_CASES = [
    {"shape": [7], "eps": 1e-5, "kind": "trig", "seed": 72_401},
    {"shape": [3, 4], "eps": 1e-4, "kind": "poly", "seed": 72_402},
    {"shape": [5], "eps": 1e-2, "kind": "poly", "seed": 72_403},
    {"shape": [2, 3], "eps": 1e-3, "kind": "trig", "seed": 72_404, "int_inputs": True},
]


CHECKS = [
    Check(
        "perceptron_train",
        ("perceptron_train",),
        3,
        PERCEPTRON_CASES,
        probe_perceptron_train,
        judge_perceptron_train,
        helpers=(perceptron_case, guarded_call),
    ),
    Check(
        "novikoff_bound",
        ("novikoff_bound",),
        2,
        NOVIKOFF_CASES,
        probe_novikoff_bound,
        judge_novikoff_bound,
        helpers=(perceptron_case, guarded_call),
    ),
    Check("cover_fraction", ("cover_fraction",), 2, COVER_CASES, probe_cover_fraction, judge_cover_fraction),
    Check(
        "mlp_forward",
        ("mlp_forward",),
        1,
        MLP_CASES,
        probe_mlp_forward,
        judge_mlp_forward,
        helpers=(make_mlp_case, guarded_call),
    ),
    Check(
        "mlp_backward",
        ("mlp_backward",),
        3,
        MLP_CASES,
        probe_mlp_backward,
        judge_mlp_backward,
        helpers=(make_mlp_case, guarded_call),
    ),
    Check(
        "numerical_gradient",
        ("numerical_gradient",),
        2,
        NUMERICAL_GRADIENT_CASES,
        probe_numerical_gradient,
        judge_numerical_gradient,
        helpers=(gradient_test_function, gradient_test_point, guarded_call),
    ),
]
