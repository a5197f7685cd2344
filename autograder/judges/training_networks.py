"""Graded checks of unit 08, Training networks: probes (run in the student's kernel) and judges (run here).

See ``standard_diffusion.py`` for the conventions. The optimizer and schedule judges compare with PyTorch
itself (``torch.optim.SGD``, ``torch.optim.AdamW``, ``torch.optim.lr_scheduler.OneCycleLR``), run here in
float64 on the same closed-loop problems the probes solve; the initializer judges test the statistics of the
draws.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from autograder.checks import K_SIGMA, Cases, Check, Findings, Verdict, as_array, as_float
from autograder.probes import (
    P_MIN,
    fingerprint,
    guarded_call,
    ks_pvalue,
    require_rng_discipline,
    require_unmodified,
    rng_trials,
)

KS_P_MIN = 5.7e-7  # a Kolmogorov–Smirnov p-value below this is a 5σ departure from the distribution
MATCH_TOL = 1e-10  # optimizer trajectories must match PyTorch's to this relative/absolute tolerance


# ---------------------------------------------------------------------------------------------------------
# optimizers: a noisy quadratic whose gradient depends on the current parameters (closed loop)
# ---------------------------------------------------------------------------------------------------------
def make_optimizer_problem(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    shape = tuple(case["shape"])
    size = int(np.prod(shape))
    basis, _ = np.linalg.qr(rng.normal(size=(size, size)))
    curvature = np.linspace(case["curvature"][0], case["curvature"][1], size)
    hessian = (basis * curvature) @ basis.T
    target = rng.normal(size=size)
    param0 = rng.normal(size=shape)
    noise = case["noise"] * rng.normal(size=(case["n_steps"], *shape))
    return param0, hessian, target, noise


def problem_gradient(param, hessian, target, noise_k):
    import numpy as np

    param = np.asarray(param, dtype=float)
    return (hessian @ (param.ravel() - target)).reshape(param.shape) + noise_k


def numpy_only_call(fn, *args, **kwargs):
    """Call ``fn`` on the original arguments; report the inputs it modified and whether it used PyTorch.

    Returns ``(result, modified, torch_calls, returns_numpy)``: ``modified`` as from ``guarded_call``;
    ``torch_calls`` the number of torch functions the call ran (counted with a TorchFunctionMode when torch
    is imported; tensor creation, arithmetic and optimizer steps all count); ``returns_numpy`` whether every
    array in the result (a tuple, or a dict's values) is a numpy array or a number, not a tensor.
    """
    import sys

    import numpy as np

    torch = sys.modules.get("torch")
    calls = [0]
    if torch is None:
        result, modified = guarded_call(fn, *args, **kwargs)
    else:
        from torch.overrides import TorchFunctionMode

        class Counter(TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                calls[0] += 1
                return func(*args, **(kwargs or {}))

        with Counter():
            result, modified = guarded_call(fn, *args, **kwargs)
    parts = list(result.values()) if isinstance(result, dict) else list(result)
    for part in list(parts):
        if isinstance(part, dict):
            parts.extend(part.values())
    ok = all(isinstance(v, (np.ndarray, np.generic, int, float)) for v in parts if not isinstance(v, dict))
    return result, modified, calls[0], ok


def probe_sgd_momentum_step(sgd_momentum_step, cases):
    import numpy as np

    out = []
    for case in cases:
        param0, hessian, target, noise = make_optimizer_problem(case)
        param, velocity = param0.copy(), np.zeros_like(param0)
        modified, torch_calls, numpy_out, trajectory = [], 0, True, []
        for k in range(case["n_steps"]):
            grad = problem_gradient(param, hessian, target, noise[k])
            (new_param, new_velocity), changed, calls, ok = numpy_only_call(
                sgd_momentum_step,
                param,
                grad,
                velocity,
                case["lr"],
                case["momentum"],
                weight_decay=case["weight_decay"],
            )
            modified = sorted(set(modified) | set(changed), key=str)
            torch_calls, numpy_out = torch_calls + calls, numpy_out and ok
            param = np.array(new_param, dtype=float)
            velocity = np.array(new_velocity, dtype=float)
            if k + 1 in case["record"]:
                trajectory.append(param.ravel().tolist())
        out.append(
            {
                "shape": list(param.shape),
                "trajectory": trajectory,
                "velocity": velocity.ravel().tolist(),
                "modified": modified,
                "torch_calls": int(torch_calls),
                "numpy_out": bool(numpy_out),
            }
        )
    return out


def _torch_run(case: Mapping[str, Any], make_optimizer: Any) -> tuple[list[np.ndarray], Any, Any]:
    """Run a torch optimizer on the case's closed-loop problem in float64; returns recorded params, state."""
    import torch

    param0, hessian, target, noise = make_optimizer_problem(case)
    p = torch.tensor(param0, dtype=torch.float64, requires_grad=True)
    opt = make_optimizer([p])
    recorded = []
    for k in range(case["n_steps"]):
        g = problem_gradient(p.detach().numpy(), hessian, target, noise[k])
        p.grad = torch.from_numpy(np.ascontiguousarray(g, dtype=np.float64))
        opt.step()
        if k + 1 in case["record"]:
            recorded.append(p.detach().numpy().ravel().copy())
    return recorded, opt.state[p], p


def _sgd_velocity_reference(case: Mapping[str, Any]) -> np.ndarray:
    param0, hessian, target, noise = make_optimizer_problem(case)
    param, velocity = param0.copy(), np.zeros_like(param0)
    for k in range(case["n_steps"]):
        g = problem_gradient(param, hessian, target, noise[k]) + case["weight_decay"] * param
        velocity = case["momentum"] * velocity + g
        param = param - case["lr"] * velocity
    return velocity


def judge_sgd_momentum_step(data: Any, cases: Cases) -> Verdict:
    import torch

    f = Findings()
    for case, got in zip(cases, data, strict=True):
        shape = tuple(case["shape"])
        if not f.require(tuple(got["shape"]) == shape, "the new parameters must have the shape of param"):
            continue
        size = int(np.prod(shape))
        traj = as_array(got["trajectory"], (len(case["record"]), size), "parameters")
        want, _state, _p = _torch_run(
            case,
            lambda ps, c=case: torch.optim.SGD(
                ps, lr=c["lr"], momentum=c["momentum"], weight_decay=c["weight_decay"]
            ),
        )
        f.require(
            np.allclose(traj, np.array(want), rtol=MATCH_TOL, atol=MATCH_TOL),
            "the parameters drift away from torch.optim.SGD's (coupled weight decay added to the gradient, "
            "v ← momentum·v + g, param ← param − lr·v)",
        )
        vel = as_array(got["velocity"], (size,), "velocity")
        f.require(
            np.allclose(vel, _sgd_velocity_reference(case).ravel(), rtol=MATCH_TOL, atol=MATCH_TOL),
            "the returned velocity is not momentum·velocity + (grad + weight_decay·param)",
        )
        require_unmodified(f, got.get("modified"), "sgd_momentum_step")
        _require_numpy_only(f, got, "sgd_momentum_step")
    return f.verdict()


def _require_numpy_only(f: Findings, got: Mapping[str, Any], what: str) -> None:
    f.require(
        got.get("torch_calls") == 0 and got.get("numpy_out") is True,
        f"{what} must use NumPy only and return NumPy arrays (no PyTorch tensors or optimizers inside it)",
    )


def _record(n_steps: int) -> list[int]:
    return sorted({1, 2, 3, 10, n_steps // 2, n_steps})


SGD_CASES = [
    {
        "shape": [6],
        "lr": 0.07,
        "momentum": 0.8,
        "weight_decay": 0.0,
        "curvature": [0.5, 3.0],
        "noise": 0.3,
        "n_steps": 100,
        "record": _record(100),
        "seed": 73_101,
    },
    {
        "shape": [3, 4],
        "lr": 0.02,
        "momentum": 0.95,
        "weight_decay": 0.03,
        "curvature": [0.2, 2.0],
        "noise": 0.5,
        "n_steps": 100,
        "record": _record(100),
        "seed": 73_102,
    },
    {
        "shape": [5],
        "lr": 0.3,
        "momentum": 0.0,
        "weight_decay": 0.1,
        "curvature": [0.5, 2.5],
        "noise": 0.2,
        "n_steps": 100,
        "record": _record(100),
        "seed": 73_103,
    },
]


def probe_adamw_step(adamw_step, cases):
    import numpy as np

    out = []
    for case in cases:
        param0, hessian, target, noise = make_optimizer_problem(case)
        param = param0.copy()
        state = {"step": 0, "m": np.zeros_like(param0), "v": np.zeros_like(param0)}
        modified, torch_calls, numpy_out, trajectory = [], 0, True, []
        for k in range(case["n_steps"]):
            grad = problem_gradient(param, hessian, target, noise[k])
            (new_param, new_state), changed, calls, ok = numpy_only_call(
                adamw_step,
                param,
                grad,
                state,
                case["lr"],
                tuple(case["betas"]),
                case["eps"],
                case["weight_decay"],
            )
            modified = sorted(set(modified) | set(changed), key=str)
            torch_calls, numpy_out = torch_calls + calls, numpy_out and ok
            param = np.array(new_param, dtype=float)
            state = {
                "step": new_state["step"],
                "m": np.array(new_state["m"], dtype=float),
                "v": np.array(new_state["v"], dtype=float),
            }
            if k + 1 in case["record"]:
                trajectory.append(param.ravel().tolist())
        out.append(
            {
                "shape": list(param.shape),
                "trajectory": trajectory,
                "step": int(state["step"]),
                "m": state["m"].ravel().tolist(),
                "v": state["v"].ravel().tolist(),
                "modified": modified,
                "torch_calls": int(torch_calls),
                "numpy_out": bool(numpy_out),
            }
        )
    return out


def judge_adamw_step(data: Any, cases: Cases) -> Verdict:
    import torch

    f = Findings()
    for case, got in zip(cases, data, strict=True):
        shape = tuple(case["shape"])
        if not f.require(tuple(got["shape"]) == shape, "the new parameters must have the shape of param"):
            continue
        size = int(np.prod(shape))
        traj = as_array(got["trajectory"], (len(case["record"]), size), "parameters")
        want, state, _p = _torch_run(
            case,
            lambda ps, c=case: torch.optim.AdamW(
                ps, lr=c["lr"], betas=tuple(c["betas"]), eps=c["eps"], weight_decay=c["weight_decay"]
            ),
        )
        f.require(
            np.allclose(traj, np.array(want), rtol=MATCH_TOL, atol=MATCH_TOL),
            "the parameters drift away from torch.optim.AdamW's (decoupled decay param·(1 − lr·wd) "
            "before the step, bias-corrected moments, eps added to the corrected root)",
        )
        f.require(got["step"] == case["n_steps"], "state['step'] must count the steps taken")
        m = as_array(got["m"], (size,), "state['m']")
        v = as_array(got["v"], (size,), "state['v']")
        f.require(
            np.allclose(m, state["exp_avg"].numpy().ravel(), rtol=MATCH_TOL, atol=1e-13)
            and np.allclose(v, state["exp_avg_sq"].numpy().ravel(), rtol=MATCH_TOL, atol=1e-13),
            "state['m'] and state['v'] must be the raw (not bias-corrected) running averages of g and g²",
        )
        require_unmodified(f, got.get("modified"), "adamw_step")
        _require_numpy_only(f, got, "adamw_step")
    return f.verdict()


ADAMW_CASES = [
    {
        "shape": [6],
        "lr": 0.03,
        "betas": [0.9, 0.999],
        "eps": 1e-8,
        "weight_decay": 0.05,
        "curvature": [0.5, 3.0],
        "noise": 0.4,
        "n_steps": 100,
        "record": _record(100),
        "seed": 73_201,
    },
    {
        "shape": [2, 5],
        "lr": 0.1,
        "betas": [0.8, 0.99],
        "eps": 1e-6,
        "weight_decay": 0.3,
        "curvature": [0.2, 2.0],
        "noise": 0.5,
        "n_steps": 100,
        "record": _record(100),
        "seed": 73_202,
    },
    {
        "shape": [4],
        "lr": 0.005,
        "betas": [0.95, 0.9],
        "eps": 1e-3,
        "weight_decay": 0.0,
        "curvature": [1.0, 4.0],
        "noise": 1.0,
        "n_steps": 100,
        "record": _record(100),
        "seed": 73_203,
    },
]


# ---------------------------------------------------------------------------------------------------------
# one_cycle_lr(step, total_steps, max_lr, pct_start, div_factor, final_div_factor)
# ---------------------------------------------------------------------------------------------------------
def probe_one_cycle_lr(one_cycle_lr, cases):
    out = []
    for case in cases:
        kwargs = {key: case[key] for key in ("pct_start", "div_factor", "final_div_factor") if key in case}
        total = case["total_steps"]
        lrs = [float(one_cycle_lr(step, total, case["max_lr"], **kwargs)) for step in range(total)]
        errors = []
        for bad in (-1, total, total + 5):
            try:
                one_cycle_lr(bad, total, case["max_lr"], **kwargs)
                errors.append("none")
            except Exception as err:
                errors.append(type(err).__name__)
        out.append({"lrs": lrs, "errors": errors})
    return out


def one_cycle_torch(case: Mapping[str, Any]) -> np.ndarray:
    import torch

    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0)
    kwargs = {key: case[key] for key in ("pct_start", "div_factor", "final_div_factor") if key in case}
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt,
        max_lr=case["max_lr"],
        total_steps=case["total_steps"],
        anneal_strategy="cos",
        three_phase=False,
        cycle_momentum=False,
        **kwargs,
    )
    lrs = []
    for _ in range(case["total_steps"]):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(lrs)


def judge_one_cycle_lr(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        total = case["total_steps"]
        lrs = as_array(got["lrs"], (total,), "learning rates")
        want = one_cycle_torch(case)
        # relative 1e-12; the absolute floor (1e-13·max_lr) absorbs rounding in cos(π·pct) + 1 near the end
        f.require(
            np.all(np.abs(lrs - want) <= 1e-12 * np.abs(want) + 1e-13 * case["max_lr"]),
            "the schedule differs from OneCycleLR (cosine warm-up from max_lr/div_factor to max_lr until "
            "step pct_start·total_steps − 1, then cosine annealing to max_lr/(div_factor·final_div_factor) "
            "at the last step)",
        )
        f.require(
            got["errors"] == ["ValueError"] * 3, "steps outside 0 ≤ step < total_steps must raise ValueError"
        )
    return f.verdict()


ONE_CYCLE_CASES = [
    {"total_steps": 120, "max_lr": 0.2},
    {"total_steps": 57, "max_lr": 3e-3, "pct_start": 0.25, "div_factor": 10.0, "final_div_factor": 1e3},
    {"total_steps": 301, "max_lr": 1.5, "pct_start": 0.45, "div_factor": 40.0, "final_div_factor": 1e5},
    {"total_steps": 20, "max_lr": 0.01, "pct_start": 0.5},
]


# ---------------------------------------------------------------------------------------------------------
# initializers: kaiming_normal, xavier_uniform (fan_out, fan_in), orthogonal (n, n)
# ---------------------------------------------------------------------------------------------------------
def probe_kaiming_normal(kaiming_normal, cases):
    import numpy as np

    out = []
    for case in cases:
        args = (case["fan_in"], case["fan_out"])
        W = np.asarray(kaiming_normal(*args, np.random.default_rng(case["seed"])), dtype=float)
        again = np.asarray(kaiming_normal(*args, np.random.default_rng(case["seed"])), dtype=float)
        other = np.asarray(kaiming_normal(*args, np.random.default_rng(case["seed"] + 1)), dtype=float)
        trials = rng_trials(lambda gen, a=args: kaiming_normal(*a, gen), case["seed"] + 7)
        out.append(
            {
                "shape": list(W.shape),
                "values": np.round(W.ravel()[: case["n_sample"]], 10).tolist(),
                "reproducible": bool(np.array_equal(W, again)),
                "seeds_differ": bool(W.shape != other.shape or not np.array_equal(W, other)),
                "trials": trials,
            }
        )
    return out


def probe_xavier_uniform(xavier_uniform, cases):
    import numpy as np

    out = []
    for case in cases:
        args = (case["fan_in"], case["fan_out"])
        W = np.asarray(xavier_uniform(*args, np.random.default_rng(case["seed"])), dtype=float)
        again = np.asarray(xavier_uniform(*args, np.random.default_rng(case["seed"])), dtype=float)
        other = np.asarray(xavier_uniform(*args, np.random.default_rng(case["seed"] + 1)), dtype=float)
        trials = rng_trials(lambda gen, a=args: xavier_uniform(*a, gen), case["seed"] + 7)
        out.append(
            {
                "shape": list(W.shape),
                "values": np.round(W.ravel()[: case["n_sample"]], 10).tolist(),
                "max_abs": float(np.max(np.abs(W))) if W.size else 0.0,
                "reproducible": bool(np.array_equal(W, again)),
                "seeds_differ": bool(W.shape != other.shape or not np.array_equal(W, other)),
                "trials": trials,
            }
        )
    return out


def _judge_draws(f: Findings, case: Mapping[str, Any], got: Any) -> np.ndarray | None:
    """Shape and rng use, shared by the two elementwise initializers; returns the sampled values."""
    if not f.require(
        tuple(got["shape"]) == (case["fan_out"], case["fan_in"]),
        "the weights must have shape (fan_out, fan_in)",
    ):
        return None
    n = min(case["n_sample"], case["fan_in"] * case["fan_out"])
    values = as_array(got["values"], (n,), "weights")
    f.require(got["reproducible"], "the same generator state must give the same weights: draw from rng")
    f.require(got["seeds_differ"], "different generators must give different weights: draw from rng")
    require_rng_discipline(f, got.get("trials"), "the initializer")
    return values


def judge_kaiming_normal(data: Any, cases: Cases) -> Verdict:
    from scipy import stats

    f = Findings()
    for case, got in zip(cases, data, strict=True):
        values = _judge_draws(f, case, got)
        if values is None:
            continue
        n, std = values.size, math.sqrt(2.0 / case["fan_in"])
        f.require(abs(values.mean()) <= K_SIGMA * std / math.sqrt(n), "the weights do not have mean zero")
        f.require(
            abs(values.var() / std**2 - 1) <= K_SIGMA * math.sqrt(2.0 / n),
            "the weights' variance is not 2/fan_in",
        )
        f.require(
            stats.kstest(values, "norm", args=(0.0, std)).pvalue > KS_P_MIN,
            "the weights are not normally distributed with standard deviation √(2/fan_in)",
        )
    return f.verdict()


def judge_xavier_uniform(data: Any, cases: Cases) -> Verdict:
    from scipy import stats

    f = Findings()
    for case, got in zip(cases, data, strict=True):
        values = _judge_draws(f, case, got)
        if values is None:
            continue
        n, size = values.size, case["fan_in"] * case["fan_out"]
        bound = math.sqrt(6.0 / (case["fan_in"] + case["fan_out"]))
        max_abs = as_float(got["max_abs"], "max |w|")
        f.require(max_abs <= bound * (1 + 1e-9), "some weights lie outside ±√(6/(fan_in + fan_out))")
        # P(max |w| < bound·(1 − t)) = (1 − t)^size: t = 15/size is a e^-15 event for a correct draw
        f.require(max_abs >= bound * (1 - 15.0 / size), "the weights do not fill ±√(6/(fan_in + fan_out))")
        f.require(
            abs(values.mean()) <= K_SIGMA * bound / math.sqrt(3 * n), "the weights do not have mean zero"
        )
        f.require(
            stats.kstest(values, "uniform", args=(-bound, 2 * bound)).pvalue > KS_P_MIN,
            "the weights are not uniformly distributed on ±√(6/(fan_in + fan_out))",
        )
    return f.verdict()


KAIMING_CASES = [
    {"fan_in": 64, "fan_out": 512, "n_sample": 3000, "seed": 73_301},
    {"fan_in": 500, "fan_out": 20, "n_sample": 3000, "seed": 73_302},
    {"fan_in": 3, "fan_out": 700, "n_sample": 2100, "seed": 73_303},
]

XAVIER_CASES = [
    {"fan_in": 64, "fan_out": 512, "n_sample": 3000, "seed": 73_401},
    {"fan_in": 500, "fan_out": 20, "n_sample": 3000, "seed": 73_402},
    {"fan_in": 10, "fan_out": 10, "n_sample": 100, "seed": 73_403},
]


def probe_orthogonal(orthogonal, cases):
    import numpy as np

    out = []
    for case in cases:
        rng = np.random.default_rng(case["seed"])
        mats = [np.asarray(orthogonal(case["n"], rng), dtype=float) for _ in range(case["draws"])]
        again = np.asarray(orthogonal(case["n"], np.random.default_rng(case["seed"])), dtype=float)
        trials = rng_trials(lambda gen, n=case["n"]: orthogonal(n, gen), case["seed"] + 7)
        shapes = sorted({tuple(m.shape) for m in mats})
        out.append(
            {
                "shapes": [list(s) for s in shapes],
                "mats": []
                if len(shapes) != 1 or case.get("column")
                else [np.round(m, 10).tolist() for m in mats],
                # the column case: entry d % n of each draw's first column (independent across draws) and
                # how far the first columns' norms are from 1 — keeps the payload small
                "entries": (
                    [round(float(m[d % case["n"], 0]), 8) for d, m in enumerate(mats)]
                    if len(shapes) == 1 and case.get("column")
                    else []
                ),
                "norm_error": (
                    float(max(abs(np.linalg.norm(m[:, 0]) - 1.0) for m in mats)) if len(shapes) == 1 else 1.0
                ),
                "reproducible": bool(mats[0].shape == again.shape and np.array_equal(mats[0], again)),
                "trials": trials,
            }
        )
    return out


def judge_orthogonal(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        n, draws = case["n"], case["draws"]
        if not f.require(got["shapes"] == [[n, n]], "orthogonal(n, rng) must return an (n, n) matrix"):
            continue
        if case.get("column"):
            # many draws, first columns only: each is uniform on the sphere, so its i-th entry satisfies
            # (Q_i0 + 1)/2 ~ Beta((n − 1)/2, (n − 1)/2); one entry per draw keeps the sample independent. A
            # QR of a uniform (not normal) matrix is ≈ 0.045 away in KS distance: 8000 draws see it.
            entries = as_array(got["entries"], (draws,), "first-column entries")
            if not f.require(
                as_float(got["norm_error"], "norm error") <= 1e-8 and np.all(np.abs(entries) <= 1 + 1e-8),
                "the matrices are not orthogonal",
            ):
                continue
            require_rng_discipline(f, got.get("trials"), "orthogonal")
            a = (n - 1) / 2
            f.require(
                ks_pvalue((np.clip(entries, -1.0, 1.0) + 1) / 2, "beta", (a, a)) >= P_MIN,
                "the matrices are orthogonal but not uniformly distributed (Haar): their columns are not "
                "uniform on the sphere (draw the matrix you decompose from independent standard normals)",
            )
            continue
        Q = as_array(got["mats"], (draws, n, n), "matrices")
        gram = np.einsum("dij,dik->djk", Q, Q)
        f.require(np.allclose(gram, np.eye(n), atol=1e-8), "the matrices are not orthogonal (QᵀQ ≠ I)")
        f.require(got["reproducible"], "the same generator state must give the same matrix: draw from rng")
        require_rng_discipline(f, got.get("trials"), "orthogonal")
        if draws < 2:
            continue
        distinct = len({Q[i].round(8).tobytes() for i in range(draws)})
        if not f.require(distinct == draws, "successive calls must give different random matrices"):
            continue
        # Haar measure on O(n): E tr Q = 0, E (tr Q)² = 1, E (tr Q)⁴ = 3 (n ≥ 4), P(det = +1) = 1/2, E Q00 = 0
        tr = np.trace(Q, axis1=1, axis2=2)
        haar = (
            abs(tr.mean()) <= K_SIGMA / math.sqrt(draws)
            and abs((tr**2).mean() - 1) <= K_SIGMA * math.sqrt(2.0 / draws)
            and abs(np.mean(np.linalg.det(Q) > 0) - 0.5) <= K_SIGMA * math.sqrt(0.25 / draws)
            and abs(Q[:, 0, 0].mean()) <= K_SIGMA / math.sqrt(n * draws)
        )
        # the whole distribution of one entry per matrix (independent across draws): each column of a Haar
        # matrix is uniform on the sphere, so (Q_ij + 1)/2 ~ Beta((n − 1)/2, (n − 1)/2); the entry visited
        # cycles over the matrix so that every row and column is seen
        idx = np.arange(draws)
        entries = Q[idx, idx % n, (idx // n) % n]
        a = (n - 1) / 2
        haar = haar and ks_pvalue((entries + 1) / 2, "beta", (a, a)) >= P_MIN
        f.require(
            haar,
            "the matrices are orthogonal but not uniformly distributed (Haar): after a QR decomposition, fix "
            "the signs of Q's columns with the signs of R's diagonal",
        )
    return f.verdict()


ORTHOGONAL_CASES = [
    {"n": 6, "draws": 200, "seed": 73_501},
    {"n": 5, "draws": 8000, "seed": 73_503, "column": True},
    {"n": 48, "draws": 1, "seed": 73_502},
]


# ---------------------------------------------------------------------------------------------------------
# focal_bias_init(prior) -> −log((1 − π)/π)
# ---------------------------------------------------------------------------------------------------------
def probe_focal_bias_init(focal_bias_init, cases):
    out = []
    for case in cases:
        try:
            out.append(float(focal_bias_init(case["prior"])))
        except Exception as err:
            out.append({"error": type(err).__name__})
    return out


def judge_focal_bias_init(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        prior = case["prior"]
        if not 0 < prior < 1:
            f.require(
                isinstance(got, dict) and got.get("error") == "ValueError",
                "a prior outside (0, 1) must raise ValueError",
            )
            continue
        if not f.require(not isinstance(got, dict), "focal_bias_init raised an error on a valid prior"):
            continue
        want = -math.log((1 - prior) / prior)
        f.require(
            math.isclose(as_float(got, "bias"), want, rel_tol=1e-12, abs_tol=1e-15),
            "the bias is not −log((1 − π)/π), the logit whose sigmoid is the prior π",
        )
    return f.verdict()


FOCAL_CASES = [
    {"prior": 0.01},
    {"prior": 0.5},
    {"prior": 0.23},
    {"prior": 0.999},
    {"prior": 0.0},
    {"prior": 1.0},
    {"prior": -0.2},
]


CHECKS = [
    Check(
        "sgd_momentum_step",
        ("sgd_momentum_step",),
        3,
        SGD_CASES,
        probe_sgd_momentum_step,
        judge_sgd_momentum_step,
        helpers=(make_optimizer_problem, problem_gradient, guarded_call, numpy_only_call),
    ),
    Check(
        "adamw_step",
        ("adamw_step",),
        3,
        ADAMW_CASES,
        probe_adamw_step,
        judge_adamw_step,
        helpers=(make_optimizer_problem, problem_gradient, guarded_call, numpy_only_call),
    ),
    Check("one_cycle_lr", ("one_cycle_lr",), 2, ONE_CYCLE_CASES, probe_one_cycle_lr, judge_one_cycle_lr),
    Check(
        "kaiming_normal",
        ("kaiming_normal",),
        1,
        KAIMING_CASES,
        probe_kaiming_normal,
        judge_kaiming_normal,
        helpers=(fingerprint, rng_trials),
    ),
    Check(
        "xavier_uniform",
        ("xavier_uniform",),
        1,
        XAVIER_CASES,
        probe_xavier_uniform,
        judge_xavier_uniform,
        helpers=(fingerprint, rng_trials),
    ),
    Check(
        "orthogonal",
        ("orthogonal",),
        2,
        ORTHOGONAL_CASES,
        probe_orthogonal,
        judge_orthogonal,
        helpers=(fingerprint, rng_trials),
    ),
    Check(
        "focal_bias_init", ("focal_bias_init",), 1, FOCAL_CASES, probe_focal_bias_init, judge_focal_bias_init
    ),
]
