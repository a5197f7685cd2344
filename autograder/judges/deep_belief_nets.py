"""Graded checks of unit 10, Deep belief nets: greedy stacks of RBMs and MLPs initialised from them.

Probes run in the student's kernel (self-contained: imports inside, no reference code, raw outputs out);
judges run here, regenerate every input from the hidden ``cases`` and decide with properties of the trained
models, exact forward passes and k·σ statistical tests (see CONTRIBUTING.md). The probe of
``init_mlp_from_dbn`` imports torch: the function under test returns a PyTorch module.
"""

# Probes build closures inside their loops and call them at once (rng_trials).
# ruff: noqa: B023
from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograder.checks import K_SIGMA, Cases, Check, Findings, Verdict, as_array, sigmoid
from autograder.probes import (
    fingerprint,
    guarded_call,
    require_rng_discipline,
    require_unmodified,
    rng_trials,
)


def _as_bool(value: Any) -> bool:
    return value is True


# ---------------------------------------------------------------------------------------------------------
# Shared input builders (copied into the hidden cells with the probes)
# ---------------------------------------------------------------------------------------------------------
def make_binary_data(case):
    """Binary vectors scattered around a few random prototypes (each bit flipped with probability noise)."""
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    protos = (rng.random((case["n_protos"], case["n_visible"])) < 0.5).astype(float)
    labels = rng.integers(0, case["n_protos"], size=case["n_data"])
    flips = rng.random((case["n_data"], case["n_visible"])) < case["noise"]
    return np.abs(protos[labels] - flips)


def make_stack(case):
    """A random stack of RBM parameter dicts with the layer sizes of the case, and inputs for it."""
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    sizes = case["sizes"]
    stack = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        stack.append(
            {
                "W": rng.normal(0.0, case["scale"], size=(n_in, n_out)),
                "b_vis": rng.normal(0.0, 1.0, size=n_in),
                "b_hid": rng.normal(0.0, 1.0, size=n_out),
            }
        )
    x = (rng.random((case["batch"], sizes[0])) < 0.5).astype(float)
    return stack, x


def _params(rbm: Any, n_in: int, n_out: int, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        as_array(rbm["W"], (n_in, n_out), f"{name} W"),
        as_array(rbm["b_vis"], (n_in,), f"{name} b_vis"),
        as_array(rbm["b_hid"], (n_out,), f"{name} b_hid"),
    )


def _recon_ratio(x: np.ndarray, w: np.ndarray, b_vis: np.ndarray, b_hid: np.ndarray) -> float:
    """Mean-field reconstruction error of x relative to predicting every column by its mean."""
    recon = sigmoid(sigmoid(x @ w + b_hid) @ w.T + b_vis)
    baseline = float(x.var(axis=0).mean())
    return float(((x - recon) ** 2).mean()) / max(baseline, 1e-12)


# ---------------------------------------------------------------------------------------------------------
# train_rbm(X, n_hidden, epochs, lr, rng, batch_size=20) -> {"W", "b_vis", "b_hid"}
# ---------------------------------------------------------------------------------------------------------
def _rbm_out(rbm):
    import numpy as np

    if not isinstance(rbm, dict):
        return {"type": type(rbm).__name__}
    return {key: np.asarray(rbm.get(key, []), dtype=float).tolist() for key in ("W", "b_vis", "b_hid")}


def make_rbm_case_data(case):
    """The case's data: binary data around prototypes, optionally with constant columns and integer dtype."""
    x = make_binary_data(case)
    if case.get("constant_columns"):
        x[:, 0] = 0.0  # p = 0, clipped to 0.001
        x[:, 1] = 1.0  # p = 1, clipped to 0.999
    if case.get("int_input"):
        x = x.astype(int)
    return x


def probe_train_rbm(train_rbm, cases):
    import numpy as np

    out = []
    for case in cases:
        x = make_rbm_case_data(case)
        kwargs = {"batch_size": case["batch_size"]} if "batch_size" in case else {}
        rbm, modified = guarded_call(
            train_rbm,
            x,
            case["n_hidden"],
            case["epochs"],
            case["lr"],
            np.random.default_rng(case["seed"] + 1),
            **kwargs,
        )
        res = _rbm_out(rbm)
        res["modified"] = modified
        if case.get("rng_trials"):
            res["trials"] = rng_trials(
                lambda g: train_rbm(
                    make_rbm_case_data(case), case["n_hidden"], case["epochs"], case["lr"], g, **kwargs
                ),
                case["seed"] + 5,
            )
        out.append(res)
    return out


def _reference_rbm(
    x: np.ndarray, n_hidden: int, epochs: int, lr: float, rng: np.random.Generator, batch_size: int = 20
) -> dict[str, np.ndarray]:
    """Grader-side CD-1 training with the contract's draws, in the contract's order."""
    x = np.asarray(x, dtype=float)
    n, n_visible = x.shape
    p = np.clip(x.mean(axis=0), 0.001, 0.999)
    w = rng.normal(0.0, 0.01, size=(n_visible, n_hidden))
    b_vis = np.log(p / (1.0 - p))
    b_hid = np.zeros(n_hidden)
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            v = x[order[start : start + batch_size]]
            p0 = sigmoid(v @ w + b_hid)
            h = (rng.random(p0.shape) < p0).astype(float)
            v1 = sigmoid(h @ w.T + b_vis)
            p1 = sigmoid(v1 @ w + b_hid)
            w = w + lr * (v.T @ p0 - v1.T @ p1) / len(v)
            b_vis = b_vis + lr * (v - v1).mean(axis=0)
            b_hid = b_hid + lr * (p0 - p1).mean(axis=0)
    return {"W": w, "b_vis": b_vis, "b_hid": b_hid}


def _require_same_rbm(f: Findings, got: tuple, want: dict, what: str, stage: str) -> None:
    w, b_vis, b_hid = got
    for name, value in (("W", w), ("b_vis", b_vis), ("b_hid", b_hid)):
        f.require(
            np.allclose(value, want[name], rtol=1e-6, atol=1e-9),
            f"{what}: {name} {stage} differs from a grader-side computation on the same rng draws",
        )


def judge_train_rbm(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        if not f.require("W" in got, "train_rbm must return a dict with keys 'W', 'b_vis' and 'b_hid'"):
            continue
        x = make_rbm_case_data(case)
        params = _params(got, case["n_visible"], case["n_hidden"], "the RBM's")
        require_unmodified(f, got.get("modified"), "train_rbm")
        if case.get("rng_trials"):
            require_rng_discipline(f, got.get("trials"), "train_rbm")
        kwargs = {"batch_size": case["batch_size"]} if "batch_size" in case else {}
        want = _reference_rbm(
            x, case["n_hidden"], case["epochs"], case["lr"], np.random.default_rng(case["seed"] + 1), **kwargs
        )
        epochs = case["epochs"]
        stage = "after 0 epochs (the initial state)" if epochs == 0 else f"after {epochs} epoch(s)"
        _require_same_rbm(f, params, want, "train_rbm", stage)
        if "max_ratio" in case:
            f.require(
                _recon_ratio(np.asarray(x, dtype=float), *params) <= case["max_ratio"],
                "the trained RBM does not reconstruct its training data well (check the CD-1 update, the "
                "epochs and the mini-batches)",
            )
    return f.verdict()


TRAIN_RBM_CASES = [
    # the initial state: W from the first draw, b_vis from the clipped column means, b_hid zero
    {
        "n_visible": 9,
        "n_hidden": 4,
        "n_protos": 3,
        "n_data": 30,
        "noise": 0.1,
        "epochs": 0,
        "lr": 0.1,
        "constant_columns": True,
        "int_input": True,
        "seed": 100_103,
    },
    # one epoch, a last mini-batch smaller than the others (23 = 4 · 5 + 3)
    {
        "n_visible": 7,
        "n_hidden": 3,
        "n_protos": 2,
        "n_data": 23,
        "noise": 0.1,
        "epochs": 1,
        "lr": 0.3,
        "batch_size": 5,
        "rng_trials": True,
        "seed": 100_104,
    },
    # a few epochs with the default batch size: a fresh order of the rows every epoch
    {
        "n_visible": 10,
        "n_hidden": 5,
        "n_protos": 3,
        "n_data": 50,
        "noise": 0.05,
        "epochs": 3,
        "lr": 0.5,
        "constant_columns": True,
        "seed": 100_105,
    },
    {
        "n_visible": 16,
        "n_hidden": 8,
        "n_protos": 4,
        "n_data": 200,
        "noise": 0.05,
        "epochs": 50,
        "lr": 0.2,
        "max_ratio": 0.6,
        "seed": 100_101,
    },
    {
        "n_visible": 24,
        "n_hidden": 10,
        "n_protos": 5,
        "n_data": 150,
        "noise": 0.08,
        "epochs": 50,
        "lr": 0.2,
        "max_ratio": 0.6,
        "seed": 100_102,
    },
]


# ---------------------------------------------------------------------------------------------------------
# train_dbn(X, layer_sizes, epochs, lr, rng) -> list of RBM dicts
# ---------------------------------------------------------------------------------------------------------
def probe_train_dbn(train_dbn, cases):
    import numpy as np

    out = []
    for case in cases:
        x = make_binary_data(case)
        stack, modified = guarded_call(
            train_dbn,
            x,
            list(case["layer_sizes"]),
            case["epochs"],
            case["lr"],
            np.random.default_rng(case["seed"] + 1),
        )
        out.append({"stack": [_rbm_out(rbm) for rbm in stack], "modified": modified})
    return out


def judge_train_dbn(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        x = make_binary_data(case)
        sizes = [case["n_visible"], *case["layer_sizes"]]
        stack = got["stack"]
        if not f.require(
            isinstance(stack, list) and len(stack) == len(case["layer_sizes"]),
            "train_dbn must return one RBM per entry of layer_sizes",
        ):
            continue
        require_unmodified(f, got.get("modified"), "train_dbn")
        rng = np.random.default_rng(case["seed"] + 1)
        inputs = x
        for level, rbm in enumerate(stack):
            if not f.require("W" in rbm, "each RBM must be a dict with keys 'W', 'b_vis' and 'b_hid'"):
                break
            params = _params(rbm, sizes[level], sizes[level + 1], f"RBM {level + 1}'s")
            want = _reference_rbm(inputs, sizes[level + 1], case["epochs"], case["lr"], rng)
            ok = all(
                np.allclose(value, want[name], rtol=1e-6, atol=1e-9)
                for name, value in zip(("W", "b_vis", "b_hid"), params, strict=True)
            )
            f.require(
                ok,
                f"RBM {level + 1} differs from a grader-side computation on the same rng draws: train RBM 1 "
                "on X, each later RBM on the hidden probabilities of the trained RBM below, all with "
                "train_rbm and the same rng, bottom first",
            )
            f.require(
                _recon_ratio(inputs, *params) <= case["max_ratio"],
                f"RBM {level + 1} does not model its input: each RBM must be trained on the hidden "
                "probabilities of the trained RBM below it",
            )
            inputs = sigmoid(inputs @ want["W"] + want["b_hid"])
    return f.verdict()


TRAIN_DBN_CASES = [
    {
        "n_visible": 20,
        "layer_sizes": [12, 8],
        "n_protos": 5,
        "n_data": 200,
        "noise": 0.05,
        "epochs": 50,
        "lr": 0.2,
        "max_ratio": 0.6,
        "seed": 100_201,
    },
    {
        "n_visible": 24,
        "layer_sizes": [16, 10, 6],
        "n_protos": 6,
        "n_data": 200,
        "noise": 0.05,
        "epochs": 50,
        "lr": 0.2,
        "max_ratio": 0.6,
        "seed": 100_202,
    },
]


# ---------------------------------------------------------------------------------------------------------
# dbn_transform(stack, X) -> top-layer probabilities
# ---------------------------------------------------------------------------------------------------------
def probe_dbn_transform(dbn_transform, cases):
    import numpy as np

    out = []
    for case in cases:
        stack, x = make_stack(case)
        if case.get("int_input"):
            x = x.astype(int)
        res, modified = guarded_call(dbn_transform, stack, x)
        out.append({"top": np.asarray(res, dtype=float).tolist(), "modified": modified})
    return out


def judge_dbn_transform(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        stack, x = make_stack(case)
        want = x
        for rbm in stack:
            want = sigmoid(want @ rbm["W"] + rbm["b_hid"])
        top = as_array(got["top"], want.shape, "the top-layer probabilities")
        f.require(
            np.allclose(top, want, rtol=1e-9, atol=1e-12),
            f"the top-layer probabilities are wrong for a stack of {len(stack)} RBM(s)",
        )
        require_unmodified(f, got.get("modified"), "dbn_transform")
    return f.verdict()


TRANSFORM_CASES = [
    {"sizes": [8, 5], "scale": 1.0, "batch": 4, "seed": 100_301},
    {"sizes": [12, 7, 6, 3], "scale": 0.8, "batch": 6, "seed": 100_302},
    {"sizes": [5, 9, 4], "scale": 1.5, "batch": 1, "seed": 100_303},
    {"sizes": [6, 6, 6], "scale": 1.0, "batch": 6, "seed": 100_304},  # square layers
    {"sizes": [8, 5], "scale": 1.0, "batch": 3, "int_input": True, "seed": 100_305},
]


# ---------------------------------------------------------------------------------------------------------
# init_mlp_from_dbn(stack, n_classes, generator=None) -> torch.nn.Module
# ---------------------------------------------------------------------------------------------------------
def probe_init_mlp_from_dbn(init_mlp_from_dbn, cases):
    import copy

    import numpy as np
    import torch

    def output_layer(model):
        last = [m for m in model.modules() if isinstance(m, torch.nn.Linear)][-1]
        return last.weight.detach().double().numpy().tolist()

    out = []
    for case in cases:
        stack, x = make_stack(case)
        kept = copy.deepcopy(stack)
        model = init_mlp_from_dbn(
            stack, case["n_classes"], generator=torch.Generator().manual_seed(case["seed"])
        )
        again = init_mlp_from_dbn(
            stack, case["n_classes"], generator=torch.Generator().manual_seed(case["seed"])
        )
        other = init_mlp_from_dbn(
            stack, case["n_classes"], generator=torch.Generator().manual_seed(case["seed"] + 1)
        )
        leaves = [type(m).__name__ for m in model.modules() if not list(m.children())]
        linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
        params = list(model.parameters())
        inputs = torch.tensor(x, dtype=torch.float32)
        with torch.no_grad():
            logits = model(inputs)
        res = {
            "leaves": leaves,
            "weights": [m.weight.detach().double().numpy().tolist() for m in linears],
            "biases": [
                m.bias.detach().double().numpy().tolist() if m.bias is not None else None for m in linears
            ],
            "dtypes": sorted({str(p.dtype) for p in params}),
            "trainable": all(p.requires_grad for p in params),
            "logits": logits.double().numpy().tolist(),
            "again": output_layer(again),
            "other": output_layer(other),
        }
        # one gradient step on the model must leave the stack (the caller's arrays) alone
        model(inputs).pow(2).sum().backward()
        with torch.no_grad():
            for p in params:
                if p.grad is not None:
                    p -= 0.5 * p.grad
        res["stack_unchanged"] = all(
            np.array_equal(a[key], b[key])
            for a, b in zip(kept, stack, strict=True)
            for key in ("W", "b_vis", "b_hid")
        )
        out.append(res)
    return out


def judge_init_mlp_from_dbn(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        stack, x = make_stack(case)
        n_layers = len(stack)
        n_top, n_classes = case["sizes"][-1], case["n_classes"]
        if not f.require(
            got["leaves"] == ["Linear", "Sigmoid"] * n_layers + ["Linear"],
            "the network must be Linear, Sigmoid for each RBM, then one Linear output layer (logits, no "
            "activation after it)",
        ):
            continue
        f.require(got["dtypes"] == ["torch.float32"], "the parameters must be float32 tensors")
        f.require(_as_bool(got.get("trainable")), "every parameter must be trainable (requires_grad)")
        for level, rbm in enumerate(stack):
            w = as_array(got["weights"][level], rbm["W"].T.shape, f"layer {level + 1}'s weight")
            b = as_array(got["biases"][level], rbm["b_hid"].shape, f"layer {level + 1}'s bias")
            f.require(
                np.allclose(w, rbm["W"].T, rtol=1e-6, atol=1e-6),
                "a hidden layer's weight must be the transpose of its RBM's W",
            )
            f.require(
                np.allclose(b, rbm["b_hid"], rtol=1e-6, atol=1e-6),
                "a hidden layer's bias must be its RBM's hidden bias b_hid",
            )
        w_out = as_array(got["weights"][-1], (n_classes, n_top), "the output layer's weight")
        bias = got["biases"][-1]
        f.require(
            bias is not None and np.allclose(as_array(bias, (n_classes,), "the output bias"), 0.0),
            "the output layer's bias must start at zero",
        )
        n = w_out.size
        sd = float(w_out.std())
        f.require(
            abs(sd / 0.01 - 1) <= K_SIGMA / math.sqrt(2 * n)
            and abs(w_out.mean()) <= K_SIGMA * 0.01 / math.sqrt(n),
            "the output layer's weights are not drawn from a normal distribution with mean 0 and std 0.01",
        )
        import torch

        drawn = torch.empty(n_classes, n_top).normal_(
            0.0, 0.01, generator=torch.Generator().manual_seed(case["seed"])
        )
        f.require(
            np.allclose(w_out, drawn.double().numpy(), rtol=1e-6, atol=1e-9),
            "the output layer's weight must be nn.init.normal_(weight, 0.0, 0.01, generator=generator): the "
            "only draw from the given generator",
        )
        again = as_array(got["again"], (n_classes, n_top), "the output layer's weight")
        other = as_array(got["other"], (n_classes, n_top), "the output layer's weight")
        f.require(
            np.array_equal(again, w_out) and not np.array_equal(other, w_out),
            "the output layer must be drawn from the given generator (same seed, same weights)",
        )
        h = x
        for rbm in stack:
            h = sigmoid(h @ rbm["W"] + rbm["b_hid"])
        want = h @ w_out.T
        logits = as_array(got["logits"], (x.shape[0], n_classes), "the network's output")
        f.require(
            np.allclose(logits, want, rtol=1e-4, atol=1e-5),
            "the forward pass is not sigmoid hidden layers followed by a linear output layer",
        )
        f.require(
            _as_bool(got.get("stack_unchanged")),
            "training the network changed the RBM arrays: copy the weights, do not share their memory",
        )
    return f.verdict()


INIT_CASES = [
    {"sizes": [10, 7, 5], "scale": 0.7, "batch": 5, "n_classes": 3, "seed": 100_401},
    {"sizes": [20, 50], "scale": 0.3, "batch": 4, "n_classes": 10, "seed": 100_402},
    {"sizes": [6, 8, 8, 40], "scale": 0.5, "batch": 3, "n_classes": 12, "seed": 100_403},
]


CHECKS = [
    Check(
        "train_rbm",
        ("train_rbm",),
        3,
        TRAIN_RBM_CASES,
        probe_train_rbm,
        judge_train_rbm,
        helpers=(make_binary_data, make_rbm_case_data, _rbm_out, guarded_call, fingerprint, rng_trials),
    ),
    Check(
        "train_dbn",
        ("train_dbn",),
        3,
        TRAIN_DBN_CASES,
        probe_train_dbn,
        judge_train_dbn,
        helpers=(make_binary_data, _rbm_out, guarded_call),
    ),
    Check(
        "dbn_transform",
        ("dbn_transform",),
        2,
        TRANSFORM_CASES,
        probe_dbn_transform,
        judge_dbn_transform,
        helpers=(make_stack, guarded_call),
    ),
    Check(
        "init_mlp_from_dbn",
        ("init_mlp_from_dbn",),
        4,
        INIT_CASES,
        probe_init_mlp_from_dbn,
        judge_init_mlp_from_dbn,
        helpers=(make_stack,),
    ),
]
