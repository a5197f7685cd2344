"""Graded checks of unit 04, Conditioning and the Rescorla–Wagner rule: probes (student's kernel) and judges.

Every function checked here is deterministic, so the judges compare with grader-side reference code written
below (never imported from ``jclub`` or from the notebook), on inputs they regenerate from the cases.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograder.checks import Cases, Check, Findings, Verdict, as_array


# ---------------------------------------------------------------------------------------------------------
# rescorla_wagner(stimuli, rewards, epsilon, w0=None) -> (n_trials + 1, n_stimuli)
# ---------------------------------------------------------------------------------------------------------
def make_rw_inputs(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    n, m = case["n_trials"], case["n_stimuli"]
    if case.get("graded_stimuli"):
        stimuli = rng.uniform(0.0, 1.5, size=(n, m)) * (rng.random((n, m)) < 0.7)
    else:
        stimuli = (rng.random((n, m)) < 0.5).astype(float)
    rewards = rng.normal(1.0, 0.6, size=n) * (rng.random(n) < 0.8)
    w0 = rng.normal(0.0, 0.5, size=m) if case.get("w0") else None
    bad = case.get("bad")
    if bad == "rewards_length":
        rewards = rewards[:-1]
    elif bad == "stimuli_1d":
        stimuli = stimuli[:, 0]
    elif bad == "w0_length":
        w0 = np.zeros(m + 1)
    return stimuli, rewards, case["epsilon"], w0


def probe_rescorla_wagner(rescorla_wagner, cases):
    import numpy as np

    out = []
    for case in cases:
        stimuli, rewards, epsilon, w0 = make_rw_inputs(case)
        kept = [stimuli.copy(), rewards.copy(), None if w0 is None else w0.copy()]
        try:
            if w0 is None and not case.get("pass_none"):
                w = rescorla_wagner(stimuli, rewards, epsilon)
            else:
                w = rescorla_wagner(stimuli, rewards, epsilon, w0)
        except Exception as err:
            if not case.get("bad"):
                raise
            out.append({"error": type(err).__name__})
            continue
        unchanged = np.array_equal(kept[0], stimuli) and np.array_equal(kept[1], rewards)
        if w0 is not None:
            unchanged = unchanged and np.array_equal(kept[2], w0)
        out.append({"weights": np.asarray(w, dtype=float).tolist(), "inputs_unchanged": bool(unchanged)})
    return out


def _rw_reference(
    stimuli: np.ndarray, rewards: np.ndarray, epsilon: float, w0: np.ndarray | None
) -> np.ndarray:
    n, m = stimuli.shape
    w = np.zeros(m) if w0 is None else np.array(w0, dtype=float)
    out = np.empty((n + 1, m))
    out[0] = w
    for k in range(n):
        w = w + epsilon * (rewards[k] - w @ stimuli[k]) * stimuli[k]
        out[k + 1] = w
    return out


def judge_rescorla_wagner(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        bad = case.get("bad")
        if bad:
            f.require(got.get("error") == "ValueError", f"invalid input ({bad}) must raise ValueError")
            continue
        if not f.require("weights" in got, "rescorla_wagner raised an error on valid input"):
            continue
        stimuli, rewards, epsilon, w0 = make_rw_inputs(case)
        want = _rw_reference(stimuli, rewards, epsilon, w0)
        w = as_array(got["weights"], want.shape, "weights")
        if w0 is None:
            f.require(np.all(w[0] == 0), "row 0 must hold the initial weights (zeros when w0 is None)")
        else:
            f.require(np.allclose(w[0], w0, rtol=0, atol=1e-12), "row 0 must hold the initial weights w0")
        f.require(
            np.allclose(w, want, rtol=1e-9, atol=1e-10),
            "the weights do not follow v = w·u, δ = r − v, w ← w + ε·δ·u trial by trial "
            f"(case with {stimuli.shape[1]} stimuli, ε = {epsilon:g})",
        )
        f.require(got.get("inputs_unchanged", False), "rescorla_wagner must not modify its input arrays")
    return f.verdict()


RW_CASES = [
    {"n_trials": 40, "n_stimuli": 3, "epsilon": 0.3, "seed": 40_101},
    {"n_trials": 25, "n_stimuli": 4, "epsilon": 0.65, "w0": 1, "graded_stimuli": 1, "seed": 40_102},
    {"n_trials": 12, "n_stimuli": 2, "epsilon": 1.0, "w0": 1, "seed": 40_103},
    {"n_trials": 10, "n_stimuli": 2, "epsilon": 0.0, "seed": 40_104, "pass_none": 1},
    {"n_trials": 10, "n_stimuli": 2, "epsilon": 1.2, "seed": 40_105, "bad": "epsilon > 1"},
    {"n_trials": 10, "n_stimuli": 2, "epsilon": -0.1, "seed": 40_106, "bad": "epsilon < 0"},
    {"n_trials": 10, "n_stimuli": 3, "epsilon": 0.2, "seed": 40_107, "bad": "rewards_length"},
    {"n_trials": 10, "n_stimuli": 3, "epsilon": 0.2, "seed": 40_108, "bad": "stimuli_1d"},
    {"n_trials": 10, "n_stimuli": 3, "epsilon": 0.2, "seed": 40_109, "bad": "w0_length"},
]


# ---------------------------------------------------------------------------------------------------------
# make_paradigm(name, n_trials, reward=1.0) -> (stimuli (n_trials, 2), rewards (n_trials,))
# ---------------------------------------------------------------------------------------------------------
def probe_make_paradigm(make_paradigm, cases):
    import numpy as np

    out = []
    for case in cases:
        try:
            if "reward" in case:
                stimuli, rewards = make_paradigm(case["name"], case["n_trials"], case["reward"])
            else:
                stimuli, rewards = make_paradigm(case["name"], case["n_trials"])
        except Exception as err:
            if not case.get("bad"):
                raise
            out.append({"error": type(err).__name__})
            continue
        out.append(
            {
                "stimuli": np.asarray(stimuli, dtype=float).tolist(),
                "rewards": np.asarray(rewards, dtype=float).tolist(),
            }
        )
    return out


def _paradigm_reference(name: str, n_trials: int, reward: float) -> tuple[np.ndarray, np.ndarray]:
    first = math.ceil(n_trials / 2)
    stimuli = np.zeros((n_trials, 2))
    stimuli[:, 0] = 1.0
    rewards = np.zeros(n_trials)
    if name == "pavlovian":
        rewards[:] = reward
    elif name == "extinction":
        rewards[:first] = reward
    elif name == "blocking":
        rewards[:] = reward
        stimuli[first:, 1] = 1.0
    elif name == "inhibitory":
        rewards[0::2] = reward
        stimuli[1::2, 1] = 1.0
    elif name == "secondary":
        rewards[:first] = reward
        stimuli[first:, 1] = 1.0
    else:
        raise KeyError(name)
    return stimuli, rewards


def judge_make_paradigm(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        name, n = case["name"], case["n_trials"]
        if case.get("bad"):
            f.require(got.get("error") == "ValueError", "an unknown paradigm name must raise ValueError")
            continue
        if not f.require("stimuli" in got, f"make_paradigm raised an error for {name!r}"):
            continue
        stimuli, rewards = _paradigm_reference(name, n, case.get("reward", 1.0))
        u = as_array(got["stimuli"], (n, 2), "stimuli")
        r = as_array(got["rewards"], (n,), "rewards")
        ok = np.array_equal(u, stimuli) and np.allclose(r, rewards, rtol=0, atol=1e-12)
        f.require(
            ok,
            f"the {name!r} paradigm is not laid out as specified (which stimuli, which reward, and the "
            "first stage taking the first ceil(n_trials/2) trials)"
            if name in ("extinction", "blocking", "secondary")
            else f"the {name!r} paradigm is not laid out as specified",
        )
    return f.verdict()


PARADIGM_CASES = [
    {"name": "pavlovian", "n_trials": 6, "reward": 2.5},
    {"name": "extinction", "n_trials": 9, "reward": 1.5},
    {"name": "extinction", "n_trials": 8},
    {"name": "blocking", "n_trials": 7, "reward": 0.5},
    {"name": "blocking", "n_trials": 10, "reward": 3.0},
    {"name": "inhibitory", "n_trials": 7, "reward": 2.0},
    {"name": "inhibitory", "n_trials": 6},
    {"name": "secondary", "n_trials": 11, "reward": 1.25},
    {"name": "secondary", "n_trials": 4},
    {"name": "sensory-preconditioning", "n_trials": 6, "bad": 1},
]


# ---------------------------------------------------------------------------------------------------------
# rw_mean_weight(n_trials, epsilon, mean_reward, w0=0.0) -> (n_trials + 1,)
# ---------------------------------------------------------------------------------------------------------
def probe_rw_mean_weight(rw_mean_weight, cases):
    import numpy as np

    out = []
    for case in cases:
        if "w0" in case:
            m = rw_mean_weight(case["n_trials"], case["epsilon"], case["mean_reward"], case["w0"])
        else:
            m = rw_mean_weight(case["n_trials"], case["epsilon"], case["mean_reward"])
        out.append(np.asarray(m, dtype=float).tolist())
    return out


def judge_rw_mean_weight(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        n, eps, mean_r, w0 = case["n_trials"], case["epsilon"], case["mean_reward"], case.get("w0", 0.0)
        m = as_array(got, (n + 1,), "mean weights")
        want = mean_r + (w0 - mean_r) * (1.0 - eps) ** np.arange(n + 1)
        f.require(
            np.allclose(m, want, rtol=1e-9, atol=1e-12),
            "the mean weight does not follow the averaged update ⟨w⟩ ← ⟨w⟩ + ε(⟨r⟩ − ⟨w⟩), "
            "starting from w0 at trial 0",
        )
    return f.verdict()


MEAN_WEIGHT_CASES = [
    {"n_trials": 30, "epsilon": 0.1, "mean_reward": 0.3},
    {"n_trials": 15, "epsilon": 0.45, "mean_reward": 2.0, "w0": -1.0},
    {"n_trials": 5, "epsilon": 1.0, "mean_reward": 0.7, "w0": 0.2},
    {"n_trials": 0, "epsilon": 0.2, "mean_reward": 1.0, "w0": 0.5},
]


CHECKS = [
    Check(
        "rescorla_wagner",
        ("rescorla_wagner",),
        3,
        RW_CASES,
        probe_rescorla_wagner,
        judge_rescorla_wagner,
        helpers=(make_rw_inputs,),
    ),
    Check("make_paradigm", ("make_paradigm",), 2, PARADIGM_CASES, probe_make_paradigm, judge_make_paradigm),
    Check(
        "rw_mean_weight",
        ("rw_mean_weight",),
        2,
        MEAN_WEIGHT_CASES,
        probe_rw_mean_weight,
        judge_rw_mean_weight,
    ),
]
