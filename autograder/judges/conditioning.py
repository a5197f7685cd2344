"""Graded checks of unit 04, Conditioning and the Rescorla–Wagner rule: probes (student's kernel) and judges.

Every function checked here is deterministic, so the judges compare with grader-side reference code written
below (never imported from ``jclub`` or from the notebook), on inputs they regenerate from the cases.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograder.checks import Cases, Check, Findings, JudgeError, Verdict, as_array
from autograder.probes import (
    guarded_call,
    raised,
    require_dtype_kind,
    require_raises,
    require_rng_discipline,
    require_unmodified,
    rng_trials,
    with_deps,
)


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
        if case.get("integer"):
            stimuli, rewards = stimuli.astype(int), np.rint(rewards).astype(int)
            w0 = None if w0 is None else np.rint(w0).astype(int)
        if case.get("bad"):
            if w0 is None:
                err = raised(lambda s=stimuli, r=rewards, e=epsilon: rescorla_wagner(s, r, e))
            else:
                err = raised(lambda s=stimuli, r=rewards, e=epsilon, w=w0: rescorla_wagner(s, r, e, w))
            out.append({"error": err})
            continue
        if w0 is None and not case.get("pass_none"):
            w, modified = guarded_call(rescorla_wagner, stimuli, rewards, epsilon)
        else:
            w, modified = guarded_call(rescorla_wagner, stimuli, rewards, epsilon, w0)
        kind = getattr(getattr(w, "dtype", None), "kind", None)
        out.append({"weights": np.asarray(w, dtype=float).tolist(), "modified": modified, "kind": kind})
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
            require_raises(f, got.get("error"), f"rescorla_wagner with invalid input ({bad})")
            continue
        if not f.require("weights" in got, "rescorla_wagner raised an error on valid input"):
            continue
        stimuli, rewards, epsilon, w0 = make_rw_inputs(case)
        if case.get("integer"):
            stimuli, rewards = stimuli.astype(int), np.rint(rewards).astype(int)
            w0 = None if w0 is None else np.rint(w0).astype(int)
        require_dtype_kind(f, got.get("kind"), "f", "the weights returned by rescorla_wagner")
        want = _rw_reference(stimuli, rewards, epsilon, w0)
        w = as_array(got["weights"], want.shape, "weights")
        if w0 is None:
            f.require(np.all(w[0] == 0), "row 0 must hold the initial weights (zeros when w0 is None)")
        else:
            f.require(np.allclose(w[0], w0, rtol=0, atol=1e-12), "row 0 must hold the initial weights w0")
        f.require(
            np.allclose(w, want, rtol=1e-9, atol=1e-10),
            "the weights do not follow v = w·u, δ = r − v, w ← w + ε·δ·u trial by trial "
            f"(case with {stimuli.shape[1]} stimuli, ε = {epsilon:g}"
            + (", integer inputs)" if case.get("integer") else ")"),
        )
        require_unmodified(f, got.get("modified"), "rescorla_wagner")
    return f.verdict()


RW_CASES = [
    {"n_trials": 40, "n_stimuli": 3, "epsilon": 0.3, "seed": 40_101},
    {"n_trials": 25, "n_stimuli": 4, "epsilon": 0.65, "w0": 1, "graded_stimuli": 1, "seed": 40_102},
    {"n_trials": 12, "n_stimuli": 2, "epsilon": 1.0, "w0": 1, "seed": 40_103},
    {"n_trials": 10, "n_stimuli": 2, "epsilon": 0.0, "seed": 40_104, "pass_none": 1},
    {"n_trials": 15, "n_stimuli": 3, "epsilon": 0.5, "w0": 1, "integer": 1, "seed": 40_110},
    {"n_trials": 9, "n_stimuli": 1, "epsilon": 0.25, "w0": 1, "seed": 40_111},
    {"n_trials": 0, "n_stimuli": 2, "epsilon": 0.3, "w0": 1, "seed": 40_112},
    {"n_trials": 6, "n_stimuli": 3, "epsilon": 1.0000001, "seed": 40_113, "bad": "epsilon just above 1"},
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
        if case.get("bad"):
            out.append({"error": raised(lambda c=case: make_paradigm(c["name"], c["n_trials"]))})
            continue
        if "reward" in case:
            stimuli, rewards = make_paradigm(case["name"], case["n_trials"], case["reward"])
        else:
            stimuli, rewards = make_paradigm(case["name"], case["n_trials"])
        out.append(
            {
                "stimuli": np.asarray(stimuli, dtype=float).tolist(),
                "rewards": np.asarray(rewards, dtype=float).tolist(),
                "kinds": [getattr(getattr(a, "dtype", None), "kind", None) for a in (stimuli, rewards)],
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
            require_raises(f, got.get("error"), "make_paradigm with an unknown paradigm name")
            continue
        if not f.require("stimuli" in got, f"make_paradigm raised an error for {name!r}"):
            continue
        kinds = got.get("kinds") if isinstance(got.get("kinds"), list) else [None, None]
        require_dtype_kind(f, kinds[0], "f", "stimuli")
        require_dtype_kind(f, kinds[-1], "f", "rewards")
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
    {"name": "secondary", "n_trials": 1, "reward": 2},
    {"name": "blocking", "n_trials": 2, "reward": 4},
    {"name": "inhibitory", "n_trials": 1},
    {"name": "extinction", "n_trials": 3, "reward": 1},
    {"name": "sensory-preconditioning", "n_trials": 6, "bad": 1},
    {"name": "Blocking", "n_trials": 6, "bad": 1},
]


# ---------------------------------------------------------------------------------------------------------
# rw_mean_weight(n_trials, epsilon, mean_reward, w0=0.0) -> (n_trials + 1,)
# ---------------------------------------------------------------------------------------------------------
def probe_rw_mean_weight(rw_mean_weight, cases):
    import numpy as np

    out = []
    for case in cases:
        args = (case["n_trials"], case["epsilon"], case["mean_reward"])
        args = (*args, case["w0"]) if "w0" in case else args
        if case.get("bad"):
            out.append({"error": raised(lambda a=args: rw_mean_weight(*a))})
            continue
        m = rw_mean_weight(*args)
        out.append(
            {
                "m": np.asarray(m, dtype=float).tolist(),
                "kind": getattr(getattr(m, "dtype", None), "kind", None),
            }
        )
    return out


def judge_rw_mean_weight(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        n, eps, mean_r, w0 = case["n_trials"], case["epsilon"], case["mean_reward"], case.get("w0", 0.0)
        if not isinstance(got, dict):
            raise JudgeError("the probe returned no result")
        if case.get("bad"):
            require_raises(f, got.get("error"), f"rw_mean_weight with {case['bad']}")
            continue
        require_dtype_kind(f, got.get("kind"), "f", "the mean weights")
        m = as_array(got.get("m"), (n + 1,), "mean weights")
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
    {"n_trials": 12, "epsilon": 0.0, "mean_reward": 1.5, "w0": -0.25},
    {"n_trials": 6, "epsilon": 0.5, "mean_reward": 2, "w0": -1},
    {"n_trials": 8, "epsilon": 0.3, "mean_reward": 0.4},
    {"n_trials": 5, "epsilon": 1.5, "mean_reward": 1.0, "bad": "ε > 1"},
    {"n_trials": 5, "epsilon": -0.2, "mean_reward": 1.0, "bad": "ε < 0"},
    {"n_trials": -1, "epsilon": 0.2, "mean_reward": 1.0, "bad": "a negative number of trials"},
]


# ---------------------------------------------------------------------------------------------------------
# contingency_trials(n_trials, p_cs, p_us_cs, p_us_no_cs, rng) -> (stimuli (n, 2), rewards (n,))
# ---------------------------------------------------------------------------------------------------------
def probe_contingency_trials(contingency_trials, cases):
    import numpy as np

    out = []
    for case in cases:
        args = (case["n_trials"], case["p_cs"], case["p_us_cs"], case["p_us_no_cs"])
        if case.get("bad"):
            out.append({"error": raised(lambda a=args: contingency_trials(*a, np.random.default_rng(0)))})
            continue
        stimuli, rewards = contingency_trials(*args, np.random.default_rng(case["seed"]))
        trials = rng_trials(lambda g, a=args: contingency_trials(min(a[0], 50), *a[1:], g), case["seed"] + 1)
        cs_trials = rng_trials(
            lambda g, a=args: contingency_trials(min(a[0], 50), *a[1:], g)[0], case["seed"] + 2
        )
        kinds = [getattr(getattr(a, "dtype", None), "kind", None) for a in (stimuli, rewards)]
        out.append(
            {
                "stimuli": np.asarray(stimuli, dtype=float).tolist(),
                "rewards": np.asarray(rewards, dtype=float).tolist(),
                "kinds": kinds,
                "shapes": [list(np.shape(stimuli)), list(np.shape(rewards))],
                "trials": trials,
                "cs_trials": cs_trials,
            }
        )
    return out


def _binomial_ok(k: float, n: int, p: float) -> bool:
    """k successes in n trials within K_SIGMA binomial standard deviations of n·p (exact when p is 0 or 1)."""
    if p in (0.0, 1.0):
        return k == n * p
    return abs(k - n * p) <= 5.0 * math.sqrt(n * p * (1 - p))


def judge_contingency_trials(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        if not isinstance(got, dict):
            raise JudgeError("the probe returned no result")
        if case.get("bad"):
            require_raises(f, got.get("error"), f"contingency_trials with {case['bad']}")
            continue
        n, p_cs, p1, p0 = case["n_trials"], case["p_cs"], case["p_us_cs"], case["p_us_no_cs"]
        random = n > 0 and (0 < p_cs < 1 or (p_cs > 0 and 0 < p1 < 1) or (p_cs < 1 and 0 < p0 < 1))
        require_rng_discipline(
            f, got.get("trials"), "contingency_trials", need_differs=random, need_consumed=random
        )
        if n > 0 and 0 < p_cs < 1:
            require_rng_discipline(f, got.get("cs_trials"), "the CS pattern of contingency_trials")
        kinds = got.get("kinds") if isinstance(got.get("kinds"), list) else [None, None]
        require_dtype_kind(f, kinds[0], "f", "stimuli")
        require_dtype_kind(f, kinds[-1], "f", "rewards")
        if n == 0:
            f.require(
                got.get("shapes") == [[0, 2], [0]], "with n_trials = 0 the shapes must be (0, 2) and (0,)"
            )
            continue
        u = as_array(got.get("stimuli"), (n, 2), "stimuli")
        r = as_array(got.get("rewards"), (n,), "rewards")
        if not f.require(
            np.all(u[:, 0] == 1) and np.all(np.isin(u[:, 1], (0, 1))) and np.all(np.isin(r, (0, 1))),
            "the context (column 0) must be present on every trial, the CS (column 1) and the reward must be "
            "0 or 1",
        ):
            continue
        cs = u[:, 1] == 1
        f.require(_binomial_ok(cs.sum(), n, p_cs), "the CS is not present on a fraction p_cs of the trials")
        f.require(
            _binomial_ok(r[cs].sum(), int(cs.sum()), p1),
            "the reward does not follow the CS with probability p_us_cs",
        )
        f.require(
            _binomial_ok(r[~cs].sum(), int((~cs).sum()), p0),
            "the reward does not come with probability p_us_no_cs on trials without the CS",
        )
        # independence across trials: CS on two consecutive trials happens with probability p_cs²
        if 0 < p_cs < 1:
            f.require(
                _binomial_ok(float(np.sum(cs[1:] & cs[:-1])), n - 1, p_cs**2)
                and _binomial_ok(
                    float(np.sum(cs[1:] & (r[:-1] == 1))), n - 1, p_cs * (p_cs * p1 + (1 - p_cs) * p0)
                ),
                "the trials are not drawn independently of each other",
            )
    return f.verdict()


CONTINGENCY_CASES = [
    {"n_trials": 4000, "p_cs": 0.5, "p_us_cs": 0.4, "p_us_no_cs": 0.1, "seed": 40_201},
    {"n_trials": 3000, "p_cs": 0.3, "p_us_cs": 0.4, "p_us_no_cs": 0.4, "seed": 40_202},
    {"n_trials": 3000, "p_cs": 0.7, "p_us_cs": 0.9, "p_us_no_cs": 0.0, "seed": 40_203},
    {"n_trials": 500, "p_cs": 1.0, "p_us_cs": 1.0, "p_us_no_cs": 0.5, "seed": 40_204},
    {"n_trials": 500, "p_cs": 0.0, "p_us_cs": 0.5, "p_us_no_cs": 0.25, "seed": 40_205},
    {"n_trials": 0, "p_cs": 0.5, "p_us_cs": 0.5, "p_us_no_cs": 0.5, "seed": 40_206},
    {"n_trials": 10, "p_cs": 1.2, "p_us_cs": 0.5, "p_us_no_cs": 0.5, "bad": "p_cs > 1"},
    {"n_trials": 10, "p_cs": 0.5, "p_us_cs": -0.1, "p_us_no_cs": 0.5, "bad": "p_us_cs < 0"},
    {"n_trials": 10, "p_cs": 0.5, "p_us_cs": 0.5, "p_us_no_cs": 1.5, "bad": "p_us_no_cs > 1"},
    {"n_trials": -3, "p_cs": 0.5, "p_us_cs": 0.5, "p_us_no_cs": 0.5, "bad": "a negative number of trials"},
]


# ---------------------------------------------------------------------------------------------------------
# kalman_conditioning(stimuli, rewards, prior_var, noise_var, drift_var=0.0) -> (means, covs)
# ---------------------------------------------------------------------------------------------------------
def probe_kalman_conditioning(kalman_conditioning, cases):
    import numpy as np

    out = []
    for case in cases:
        stimuli, rewards, _, _ = make_rw_inputs(case)
        if case.get("integer"):
            stimuli, rewards = stimuli.astype(int), np.rint(rewards).astype(int)
        if case.get("short"):
            rewards = rewards[:-1]
        args = (stimuli, rewards, case["prior_var"], case["noise_var"])
        kwargs = {"drift_var": case["drift_var"]} if "drift_var" in case else {}
        if case.get("bad"):
            out.append({"error": raised(lambda a=args, k=kwargs: kalman_conditioning(*a, **k))})
            continue
        (means, covs), modified = guarded_call(kalman_conditioning, *args, **kwargs)
        kinds = [getattr(getattr(a, "dtype", None), "kind", None) for a in (means, covs)]
        out.append(
            {
                "means": np.asarray(means, dtype=float).tolist(),
                "covs": np.asarray(covs, dtype=float).tolist(),
                "modified": modified,
                "kinds": kinds,
            }
        )
    return out


def _kalman_reference(
    u: np.ndarray, r: np.ndarray, prior_var: float, noise_var: float, drift_var: float
) -> tuple[np.ndarray, np.ndarray]:
    n, m = u.shape
    mu, cov = np.zeros(m), prior_var * np.eye(m)
    means, covs = np.empty((n + 1, m)), np.empty((n + 1, m, m))
    means[0], covs[0] = mu, cov
    for k in range(n):
        cov = cov + drift_var * np.eye(m)
        su = cov @ u[k]
        gain = su / (u[k] @ su + noise_var)
        mu = mu + gain * (r[k] - mu @ u[k])
        cov = cov - np.outer(gain, su)
        means[k + 1], covs[k + 1] = mu, cov
    return means, covs


def judge_kalman_conditioning(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        if not isinstance(got, dict):
            raise JudgeError("the probe returned no result")
        if case.get("bad"):
            require_raises(f, got.get("error"), f"kalman_conditioning with {case['bad']}")
            continue
        stimuli, rewards, _, _ = make_rw_inputs(case)
        if case.get("integer"):
            stimuli, rewards = stimuli.astype(int), np.rint(rewards).astype(int)
        n, m = stimuli.shape
        want_m, want_c = _kalman_reference(
            stimuli.astype(float),
            rewards.astype(float),
            case["prior_var"],
            case["noise_var"],
            case.get("drift_var", 0.0),
        )
        require_unmodified(f, got.get("modified"), "kalman_conditioning")
        kinds = got.get("kinds") if isinstance(got.get("kinds"), list) else [None, None]
        require_dtype_kind(f, kinds[0], "f", "the means")
        require_dtype_kind(f, kinds[-1], "f", "the covariances")
        means = as_array(got.get("means"), (n + 1, m), "means")
        covs = as_array(got.get("covs"), (n + 1, m, m), "covariances")
        f.require(
            np.allclose(means[0], 0, atol=1e-12) and np.allclose(covs[0], want_c[0], rtol=1e-12, atol=1e-12),
            "row 0 must hold the prior: mean 0 and covariance prior_var·I",
        )
        f.require(
            np.allclose(covs, want_c, rtol=1e-8, atol=1e-10),
            "the covariances do not follow Σ ← Σ + drift_var·I, then Σ ← Σ − k (Σu)ᵀ with k = Σu / (uᵀΣu + "
            "noise_var), trial by trial",
        )
        f.require(
            np.allclose(means, want_m, rtol=1e-8, atol=1e-10),
            "the means do not follow μ ← μ + k (r − μ·u) with the gain k of the same trial",
        )
    return f.verdict()


KALMAN_CASES = [
    {
        "n_trials": 5,
        "n_stimuli": 2,
        "epsilon": 0,
        "prior_var": 0.0,
        "noise_var": 1.0,
        "seed": 40_310,
        "bad": "prior_var = 0",
    },
    {
        "n_trials": 5,
        "n_stimuli": 2,
        "epsilon": 0,
        "prior_var": 1.0,
        "noise_var": -0.5,
        "seed": 40_311,
        "bad": "a negative noise_var",
    },
    {"n_trials": 30, "n_stimuli": 3, "epsilon": 0, "prior_var": 1.0, "noise_var": 0.5, "seed": 40_301},
    {
        "n_trials": 25,
        "n_stimuli": 2,
        "epsilon": 0,
        "prior_var": 2.0,
        "noise_var": 0.2,
        "drift_var": 0.05,
        "graded_stimuli": 1,
        "seed": 40_302,
    },
    {
        "n_trials": 20,
        "n_stimuli": 4,
        "epsilon": 0,
        "prior_var": 3,
        "noise_var": 1,
        "drift_var": 0,
        "integer": 1,
        "seed": 40_303,
    },
    {"n_trials": 12, "n_stimuli": 1, "epsilon": 0, "prior_var": 0.5, "noise_var": 2.0, "seed": 40_304},
    {"n_trials": 0, "n_stimuli": 2, "epsilon": 0, "prior_var": 1.0, "noise_var": 1.0, "seed": 40_305},
    {
        "n_trials": 5,
        "n_stimuli": 2,
        "epsilon": 0,
        "prior_var": 1.0,
        "noise_var": 0.0,
        "seed": 40_306,
        "bad": "noise_var = 0",
    },
    {
        "n_trials": 5,
        "n_stimuli": 2,
        "epsilon": 0,
        "prior_var": -0.5,
        "noise_var": 1.0,
        "seed": 40_307,
        "bad": "a negative prior_var",
    },
    {
        "n_trials": 5,
        "n_stimuli": 2,
        "epsilon": 0,
        "prior_var": 1.0,
        "noise_var": 1.0,
        "drift_var": -0.1,
        "seed": 40_308,
        "bad": "a negative drift_var",
    },
    {
        "n_trials": 5,
        "n_stimuli": 2,
        "epsilon": 0,
        "prior_var": 1.0,
        "noise_var": 1.0,
        "seed": 40_309,
        "bad": "rewards of the wrong length",
        "short": 1,
    },
]


CHECKS = [
    Check(
        "rescorla_wagner",
        ("rescorla_wagner",),
        3,
        RW_CASES,
        probe_rescorla_wagner,
        judge_rescorla_wagner,
        helpers=(make_rw_inputs, *with_deps(guarded_call, raised)),
    ),
    Check(
        "make_paradigm",
        ("make_paradigm",),
        2,
        PARADIGM_CASES,
        probe_make_paradigm,
        judge_make_paradigm,
        helpers=with_deps(raised),
    ),
    Check(
        "rw_mean_weight",
        ("rw_mean_weight",),
        2,
        MEAN_WEIGHT_CASES,
        probe_rw_mean_weight,
        judge_rw_mean_weight,
        helpers=with_deps(raised),
    ),
    Check(
        "contingency_trials",
        ("contingency_trials",),
        2,
        CONTINGENCY_CASES,
        probe_contingency_trials,
        judge_contingency_trials,
        helpers=with_deps(raised, rng_trials),
    ),
    Check(
        "kalman_conditioning",
        ("kalman_conditioning",),
        2,
        KALMAN_CASES,
        probe_kalman_conditioning,
        judge_kalman_conditioning,
        helpers=(make_rw_inputs, *with_deps(guarded_call, raised)),
    ),
]
