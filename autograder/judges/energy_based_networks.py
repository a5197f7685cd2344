"""Graded checks of unit 09, Energy-based networks: Hopfield networks, Boltzmann machines and RBMs.

Probes run in the student's kernel (self-contained: imports inside, no reference code, raw outputs out);
judges run here, regenerate every input from the hidden ``cases`` and decide with closed forms, properties,
exact enumeration of small models and k·σ statistical tests (see CONTRIBUTING.md).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from autograder.checks import (
    K_SIGMA,
    Cases,
    Check,
    Findings,
    JudgeError,
    Verdict,
    as_array,
    as_float,
    sigmoid,
)


def _as_bool(value: Any) -> bool:
    return value is True


# ---------------------------------------------------------------------------------------------------------
# Shared input builders (copied into the hidden cells with the probes)
# ---------------------------------------------------------------------------------------------------------
def make_patterns(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    return rng.choice(np.array([-1.0, 1.0]), size=(case["P"], case["N"]))


def make_symmetric(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    n = case["n"]
    a = rng.normal(0.0, case["scale"], size=(n, n))
    w = np.triu(a, 1)
    w = w + w.T
    return w, rng


# ---------------------------------------------------------------------------------------------------------
# hebbian_weights(patterns) -> (N, N)
# ---------------------------------------------------------------------------------------------------------
def probe_hebbian_weights(hebbian_weights, cases):
    import numpy as np

    out = []
    for case in cases:
        xi = make_patterns(case)
        if case.get("int_input"):
            xi = xi.astype(int)
        kept = xi.copy()
        w = np.asarray(hebbian_weights(xi), dtype=float)
        out.append({"W": w.tolist(), "input_unchanged": bool(np.array_equal(kept, xi))})
    return out


def judge_hebbian_weights(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        xi = make_patterns(case)
        n = case["N"]
        w = as_array(got["W"], (n, n), "W")
        want = xi.T @ xi / n
        np.fill_diagonal(want, 0.0)
        f.require(
            np.allclose(np.diag(w), 0.0, atol=1e-12), "the diagonal of W must be zero (no self-coupling)"
        )
        f.require(np.allclose(w, w.T, atol=1e-12), "W must be symmetric")
        f.require(
            np.allclose(w, want, rtol=1e-9, atol=1e-12),
            f"W is not the Hebbian sum over patterns divided by N (P = {case['P']}, N = {n})",
        )
        f.require(_as_bool(got.get("input_unchanged")), "hebbian_weights must not modify its input")
    return f.verdict()


HEBBIAN_CASES = [
    {"P": 3, "N": 12, "seed": 90_101},
    {"P": 1, "N": 7, "seed": 90_102},
    {"P": 9, "N": 30, "seed": 90_103, "int_input": True},
    {"P": 40, "N": 25, "seed": 90_104},
]


# ---------------------------------------------------------------------------------------------------------
# energy(W, s) -> float
# ---------------------------------------------------------------------------------------------------------
def make_energy_inputs(case):
    import numpy as np

    w, rng = make_symmetric(case)
    s = rng.choice(np.array([-1.0, 1.0]), size=case["n"])
    return w, s


def probe_energy(energy, cases):
    out = []
    for case in cases:
        w, s = make_energy_inputs(case)
        out.append(float(energy(w, s)))
    return out


def judge_energy(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        w, s = make_energy_inputs(case)
        want = -0.5 * s @ w @ s
        f.require(
            math.isclose(as_float(got, "energy"), want, rel_tol=1e-9, abs_tol=1e-12),
            f"the energy is not −½ sᵀWs for a network of {case['n']} units",
        )
    return f.verdict()


ENERGY_CASES = [
    {"n": 5, "scale": 1.0, "seed": 90_201},
    {"n": 40, "scale": 0.3, "seed": 90_202},
    {"n": 3, "scale": 2.0, "seed": 90_203},
]


# ---------------------------------------------------------------------------------------------------------
# recall(W, s0, rng, max_sweeps=100) -> (s, energies)
# ---------------------------------------------------------------------------------------------------------
def make_recall_inputs(case):
    """(W, list of start states, list of target patterns or None) for one recall case."""
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    kind, n = case["kind"], case["N"]
    if kind in ("fixed", "cleanup", "zero_field"):
        xi = rng.choice(np.array([-1.0, 1.0]), size=(case["P"], n))
        w = xi.T @ xi / n
        np.fill_diagonal(w, 0.0)
        if kind == "fixed":
            return w, [p.copy() for p in xi], [p.copy() for p in xi]
        if kind == "zero_field":
            w[0, :] = 0.0  # unit 0 is disconnected: its field is always exactly zero
            w[:, 0] = 0.0
            starts = []
            for _ in range(case["runs"]):
                s0 = rng.choice(np.array([-1.0, 1.0]), size=n)
                s0[0] = -1.0
                starts.append(s0)
            return w, starts, None
        starts, targets = [], []
        for r in range(case["runs"]):
            p = xi[r % case["P"]]
            s0 = p.copy()
            flip = rng.choice(n, size=int(round(case["noise"] * n)), replace=False)
            s0[flip] *= -1.0
            starts.append(s0)
            targets.append(p.copy())
        return w, starts, targets
    if kind == "antiferro":
        w = np.array([[0.0, -1.0], [-1.0, 0.0]])
        return w, [np.array([1.0, 1.0]) for _ in range(case["runs"])], None
    # "glass" (also used with a small max_sweeps): Gaussian symmetric couplings, one random start
    a = rng.normal(0.0, 1.0 / np.sqrt(n), size=(n, n))
    w = np.triu(a, 1)
    w = w + w.T
    s0 = rng.choice(np.array([-1.0, 1.0]), size=n)
    return w, [s0.copy() for _ in range(case["runs"])], None


def probe_recall(recall, cases):
    import numpy as np

    out = []
    for case in cases:
        w, starts, _ = make_recall_inputs(case)
        runs = []
        for r, s0 in enumerate(starts):
            kept = s0.copy()
            rng = np.random.default_rng(case["seed"] + 1 + r)
            if "max_sweeps" in case:
                s, energies = recall(w, s0, rng, max_sweeps=case["max_sweeps"])
            else:
                s, energies = recall(w, s0, rng)
            runs.append(
                {
                    "s": np.asarray(s, dtype=float).tolist(),
                    "energies": np.asarray(energies, dtype=float).ravel().tolist(),
                    "input_unchanged": bool(np.array_equal(kept, s0)),
                }
            )
        out.append(runs)
    return out


def _energy(w: np.ndarray, s: np.ndarray) -> float:
    return float(-0.5 * s @ w @ s)


def judge_recall(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, runs in zip(cases, data, strict=True):
        w, starts, targets = make_recall_inputs(case)
        n = w.shape[0]
        max_sweeps = case.get("max_sweeps", 100)
        if not f.require(len(runs) == len(starts), "recall results are missing"):
            continue
        finals = []
        for r, (s0, got) in enumerate(zip(starts, runs, strict=True)):
            s = as_array(got["s"], (n,), "the final state s")
            e = as_array(got["energies"], (None,), "energies")
            f.require(_as_bool(got.get("input_unchanged")), "recall must not modify the start state s0")
            if not f.require(np.all(np.abs(s) == 1.0), "the final state must contain only −1 and +1"):
                continue
            finals.append(tuple(s.astype(int)))
            if not f.require(
                2 <= e.size <= max_sweeps + 1,
                "energies must hold the start energy and one entry per sweep (at most max_sweeps sweeps)",
            ):
                continue
            scale = 1e-8 * (1.0 + np.abs(w).sum())
            f.require(
                abs(e[0] - _energy(w, s0)) <= scale, "energies[0] must be the energy of the start state"
            )
            f.require(
                abs(e[-1] - _energy(w, s)) <= scale,
                "the last entry of energies must be the final state's energy",
            )
            f.require(np.all(np.diff(e) <= scale), "the energy increased during recall")
            converged = e.size < max_sweeps + 1
            if converged:
                h = w @ s
                f.require(
                    np.all(h * s >= -1e-12),
                    "recall stopped before reaching a fixed point (stop only after a sweep with no change)",
                )
                f.require(
                    abs(e[-1] - e[-2]) <= scale, "the last sweep must be a sweep in which nothing changed"
                )
            kind = case["kind"]
            if kind == "fixed":
                f.require(np.array_equal(s, targets[r]), "a stored pattern at low load must be a fixed point")
                f.require(e.size == 2, "from a fixed point recall needs exactly one sweep (with no change)")
            elif kind == "zero_field":
                f.require(s[0] == s0[0], "a unit whose field is exactly zero must keep its state")
            elif kind == "antiferro":
                f.require(
                    converged, "asynchronous updates must converge (are you updating all units at once?)"
                )
            elif kind == "glass" and max_sweeps == 1:
                f.require(e.size == 2, "recall must stop after max_sweeps sweeps")
        kind = case["kind"]
        if kind == "cleanup" and len(finals) == len(starts):
            exact = np.mean(
                [np.array_equal(np.array(fs, dtype=float), t) for fs, t in zip(finals, targets, strict=True)]
            )
            f.require(exact >= case["min_exact"], "corrupted patterns at low load are not cleaned up")
        if kind == "glass" and max_sweeps > 1 and len(finals) == len(starts):
            f.require(
                len(set(finals)) >= 2,
                "the final state never depends on the rng: visit the units in a new random order each sweep",
            )
    return f.verdict()


RECALL_CASES = [
    {"kind": "fixed", "N": 300, "P": 6, "seed": 90_301},
    {"kind": "cleanup", "N": 300, "P": 9, "noise": 0.2, "runs": 18, "min_exact": 0.9, "seed": 90_302},
    {"kind": "glass", "N": 40, "runs": 30, "seed": 90_303},
    {"kind": "glass", "N": 40, "runs": 3, "max_sweeps": 1, "seed": 90_304},
    {"kind": "zero_field", "N": 21, "P": 2, "runs": 10, "seed": 90_305},
    {"kind": "antiferro", "N": 2, "runs": 4, "max_sweeps": 20, "seed": 90_306},
]


# ---------------------------------------------------------------------------------------------------------
# capacity_curve(N, loads, n_trials, rng) -> (len(loads),)
# ---------------------------------------------------------------------------------------------------------
def probe_capacity_curve(capacity_curve, cases):
    import numpy as np

    out = []
    for case in cases:
        rng = np.random.default_rng(case["seed"])
        frac = capacity_curve(case["N"], list(case["loads"]), case["n_trials"], rng)
        out.append(np.asarray(frac, dtype=float).ravel().tolist())
    return out


# Reference: fraction of stored patterns recalled with overlap ≥ 0.95, started at the pattern, asynchronous
# updates to a fixed point, W = ξᵀξ/N with zero diagonal, P = round(load·N). Mean and standard deviation
# over independent trials (one trial = one set of P patterns), measured with the notebook's reference
# solution over many trials (tests/test_unit_09_energy_based_networks.py re-measures them in the full tier).
CAPACITY_REFERENCE = {
    200: {  # load: (mean, standard deviation per trial), 1500 trials
        0.05: (1.0, 0.0),
        0.08: (0.9985, 0.0097),
        0.1: (0.9893, 0.0253),
        0.12: (0.9577, 0.0515),
        0.14: (0.8790, 0.0794),
        0.15: (0.8195, 0.0949),
        0.17: (0.6641, 0.1107),
        0.18: (0.5700, 0.1160),
        0.2: (0.3948, 0.1013),
        0.3: (0.0119, 0.0144),
    },
}


def judge_capacity_curve(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        loads = case["loads"]
        frac = as_array(got, (len(loads),), "the fractions")
        if not f.require(np.all((frac >= 0) & (frac <= 1)), "fractions must lie between 0 and 1"):
            continue
        table = CAPACITY_REFERENCE[case["N"]]
        for load, value in zip(loads, frac, strict=True):
            mean, sd = table[load]
            tol = K_SIGMA * sd / math.sqrt(case["n_trials"]) + 0.015
            f.require(
                abs(value - mean) <= tol,
                f"the fraction of recalled patterns at load P/N = {load} is off for N = {case['N']}",
            )
    return f.verdict()


CAPACITY_CASES = [
    {"N": 200, "loads": [0.05, 0.1, 0.14, 0.2], "n_trials": 8, "seed": 90_401},
]


# ---------------------------------------------------------------------------------------------------------
# boltzmann_exact_stats(W, b) -> (mean (n,), second moments (n, n))
# ---------------------------------------------------------------------------------------------------------
def make_boltzmann(case):
    w, rng = make_symmetric(case)
    b = rng.normal(0.0, case["scale"], size=case["n"]) - case.get("bias_shift", 0.0)
    return w, b


def probe_boltzmann_exact_stats(boltzmann_exact_stats, cases):
    import numpy as np

    out = []
    for case in cases:
        w, b = make_boltzmann(case)
        mean, second = boltzmann_exact_stats(w, b)
        out.append(
            {
                "mean": np.asarray(mean, dtype=float).tolist(),
                "second": np.asarray(second, dtype=float).tolist(),
            }
        )
    return out


def _all_states(n: int) -> np.ndarray:
    return np.array(list(itertools.product((0.0, 1.0), repeat=n)))


def _boltzmann_probs(w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    states = _all_states(len(b))
    log_p = 0.5 * np.einsum("ki,ij,kj->k", states, w, states) + states @ b
    log_p -= log_p.max()
    p = np.exp(log_p)
    return states, p / p.sum()


def _boltzmann_reference(w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    states, p = _boltzmann_probs(w, b)
    return p @ states, np.einsum("k,ki,kj->ij", p, states, states)


def judge_boltzmann_exact_stats(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        w, b = make_boltzmann(case)
        n = case["n"]
        mean, second = _boltzmann_reference(w, b)
        m = as_array(got["mean"], (n,), "⟨s⟩")
        c = as_array(got["second"], (n, n), "⟨s sᵀ⟩")
        f.require(
            np.allclose(m, mean, rtol=1e-8, atol=1e-10),
            f"⟨s⟩ is not the Boltzmann average for a machine of {n} units"
            + (" with large weights (avoid overflow)" if case["scale"] > 10 else ""),
        )
        f.require(
            np.allclose(c, second, rtol=1e-8, atol=1e-10),
            f"⟨s sᵀ⟩ is not the Boltzmann average for a machine of {n} units"
            + (" with large weights (avoid overflow)" if case["scale"] > 10 else ""),
        )
    return f.verdict()


BOLTZMANN_CASES = [
    {"n": 3, "scale": 1.0, "seed": 90_501},
    {"n": 6, "scale": 1.5, "seed": 90_502},
    {"n": 8, "scale": 0.7, "seed": 90_503, "bias_shift": 1.0},
    {"n": 7, "scale": 300.0, "seed": 90_504},
]


# ---------------------------------------------------------------------------------------------------------
# gibbs_sample(W, b, n_sweeps, rng, s0=None) -> (n_sweeps, n_units)
# ---------------------------------------------------------------------------------------------------------
def make_gibbs_inputs(case):
    import numpy as np

    if case["kind"] == "sticky":  # strong mutual excitation: all-on and all-off are both very stable
        n = case["n"]
        w = np.full((n, n), 6.0)
        np.fill_diagonal(w, 0.0)
        return w, np.full(n, -3.0 * (n - 1))
    if "coupling" in case:  # mutual inhibition: updating all units at once makes them oscillate together
        n = case["n"]
        w = np.full((n, n), float(case["coupling"]))
        np.fill_diagonal(w, 0.0)
        return w, np.full(n, float(case["bias"]))
    return make_boltzmann(case)


def probe_gibbs_sample(gibbs_sample, cases):
    import numpy as np

    out = []
    for case in cases:
        w, b = make_gibbs_inputs(case)
        n = len(b)
        if case["kind"] == "stats":
            finals = []
            shape = None
            for r in range(case["chains"]):
                chain = np.asarray(
                    gibbs_sample(w, b, case["n_sweeps"], np.random.default_rng(case["seed"] + r))
                )
                if shape is None:
                    shape = list(chain.shape)
                finals.append(chain[-1].tolist())
            long = np.asarray(gibbs_sample(w, b, case["long"], np.random.default_rng(case["seed"] - 1)))
            out.append({"shape": shape, "finals": finals, "long": long.tolist()})
        else:
            runs = []
            for r in range(case["runs"]):
                start = np.ones(n) if r % 2 == 0 else np.zeros(n)
                kept = start.copy()
                chain = gibbs_sample(
                    w, b, case["n_sweeps"], np.random.default_rng(case["seed"] + r), s0=start
                )
                runs.append(
                    {
                        "chain": np.asarray(chain).tolist(),
                        "input_unchanged": bool(np.array_equal(kept, start)),
                    }
                )
            out.append(runs)
    return out


def judge_gibbs_sample(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        w, b = make_gibbs_inputs(case)
        n = len(b)
        if case["kind"] == "stats":
            f.require(got["shape"] == [case["n_sweeps"], n], "the chain must have shape (n_sweeps, n_units)")
            long = as_array(got["long"], (case["long"], n), "the chain")
            if not f.require(np.all((long == 0) | (long == 1)), "states must be 0 or 1"):
                continue
            x = as_array(got["finals"], (case["chains"], n), "the final states")
            if not f.require(np.all((x == 0) | (x == 1)), "states must be 0 or 1"):
                continue
            mean, second = _boltzmann_reference(w, b)
            r = x.shape[0]
            sd_m = np.sqrt(mean * (1 - mean) / r)
            f.require(
                np.all(np.abs(x.mean(axis=0) - mean) <= K_SIGMA * sd_m + 1e-12),
                "the sampled ⟨s_i⟩ do not match the Boltzmann distribution",
            )
            iu = np.triu_indices(n, 1)
            emp = (x.T @ x / r)[iu]
            p = second[iu]
            f.require(
                np.all(np.abs(emp - p) <= K_SIGMA * np.sqrt(p * (1 - p) / r) + 1e-12),
                "the sampled ⟨s_i s_j⟩ do not match the Boltzmann distribution",
            )
            # successive sweeps of one chain must not repeat one state for ever
            f.require(len({tuple(row) for row in long}) > 1, "the chain never changes state")
        else:
            for rr, run in enumerate(got):
                chain = as_array(run["chain"], (case["n_sweeps"], n), "the chain")
                f.require(_as_bool(run.get("input_unchanged")), "gibbs_sample must not modify s0")
                start_on = rr % 2 == 0
                level = chain.mean()
                f.require(
                    level >= 0.9 if start_on else level <= 0.1,
                    "the chain does not start from s0 (a strongly coupled machine should stay near it)",
                )
    return f.verdict()


GIBBS_CASES = [
    {"kind": "stats", "n": 5, "scale": 1.2, "chains": 1500, "n_sweeps": 15, "long": 40, "seed": 90_601},
    {
        "kind": "stats",
        "n": 3,
        "coupling": -3.0,
        "bias": 1.5,
        "chains": 1500,
        "n_sweeps": 15,
        "long": 40,
        "seed": 90_602,
    },
    {"kind": "sticky", "n": 4, "runs": 6, "n_sweeps": 5, "seed": 90_603},
]


# ---------------------------------------------------------------------------------------------------------
# free_energy(v, W, b_vis, b_hid) -> (batch,)
# ---------------------------------------------------------------------------------------------------------
def make_rbm(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    nv, nh = case["nv"], case["nh"]
    w = rng.normal(0.0, case["scale"], size=(nv, nh))
    b_vis = rng.normal(0.0, case["scale"], size=nv)
    b_hid = rng.normal(0.0, case["scale"], size=nh)
    v = (rng.random((case["batch"], nv)) < 0.5).astype(float)
    return w, b_vis, b_hid, v


def probe_free_energy(free_energy, cases):
    import numpy as np

    out = []
    for case in cases:
        w, b_vis, b_hid, v = make_rbm(case)
        out.append(np.asarray(free_energy(v, w, b_vis, b_hid), dtype=float).tolist())
    return out


def _free_energy(v: np.ndarray, w: np.ndarray, b_vis: np.ndarray, b_hid: np.ndarray) -> np.ndarray:
    return -v @ b_vis - np.logaddexp(0.0, v @ w + b_hid).sum(axis=-1)


def judge_free_energy(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        w, b_vis, b_hid, v = make_rbm(case)
        want = _free_energy(v, w, b_vis, b_hid)
        try:
            arr = as_array(got, (case["batch"],), "the free energies")
        except JudgeError as err:
            if case["scale"] > 10:
                f.require(False, "the free energy overflows for large weights (use a stable softplus)")
                continue
            raise err
        f.require(
            np.allclose(arr, want, rtol=1e-9, atol=1e-9),
            "the free energy is wrong" + (" for large weights" if case["scale"] > 10 else ""),
        )
    return f.verdict()


FREE_ENERGY_CASES = [
    {"nv": 6, "nh": 4, "scale": 1.0, "batch": 5, "seed": 90_701},
    {"nv": 20, "nh": 9, "scale": 0.5, "batch": 1, "seed": 90_702},
    {"nv": 10, "nh": 12, "scale": 200.0, "batch": 8, "seed": 90_703},
]


# ---------------------------------------------------------------------------------------------------------
# rbm_cd_step(W, b_vis, b_hid, v_batch, k, lr, rng) -> (W, b_vis, b_hid)
# ---------------------------------------------------------------------------------------------------------
def make_rbm_training(case):
    """Binary data drawn around a few random prototypes, and a small initial RBM."""
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    nv, nh = case["nv"], case["nh"]
    protos = (rng.random((case["n_protos"], nv)) < 0.5).astype(float)
    labels = rng.integers(0, case["n_protos"], size=case["n_data"])
    noise = rng.random((case["n_data"], nv)) < case["noise"]
    x = np.abs(protos[labels] - noise)
    w = rng.normal(0.0, 0.01, size=(nv, nh))
    return x, w, np.zeros(nv), np.zeros(nh)


def probe_rbm_cd_step(rbm_cd_step, cases):
    import numpy as np

    out = []
    for case in cases:
        if case["kind"] == "train":
            x, w, b_vis, b_hid = make_rbm_training(case)
            rng = np.random.default_rng(case["seed"] + 1)
            for _ in range(case["epochs"]):
                order = rng.permutation(len(x))
                for start in range(0, len(x), case["batch_size"]):
                    batch = x[order[start : start + case["batch_size"]]]
                    w, b_vis, b_hid = rbm_cd_step(w, b_vis, b_hid, batch, 1, case["lr"], rng)
            out.append(
                {
                    "W": np.asarray(w, dtype=float).tolist(),
                    "b_vis": np.asarray(b_vis, dtype=float).tolist(),
                    "b_hid": np.asarray(b_hid, dtype=float).tolist(),
                }
            )
            continue
        w, b_vis, b_hid, v = make_rbm(case)
        kept = [w.copy(), b_vis.copy(), b_hid.copy(), v.copy()]
        rng = np.random.default_rng(case["seed"] + 1)
        total = None
        raw = []
        shapes = None
        for m in range(case["draws"]):
            res = rbm_cd_step(w, b_vis, b_hid, v, case["k"], case["lr"], rng)
            parts = [np.asarray(p, dtype=float) for p in res]
            if shapes is None:
                shapes = [list(p.shape) for p in parts]
            flat = np.concatenate([p.ravel() for p in parts])
            total = flat.copy() if total is None else total + flat
            if m < case["raw"]:
                raw.append(flat.tolist())
        unchanged = all(np.array_equal(a, b) for a, b in zip(kept, [w, b_vis, b_hid, v], strict=True))
        out.append({"shapes": shapes, "sum": total.tolist(), "raw": raw, "input_unchanged": unchanged})
    return out


def _cd_outcomes(
    w: np.ndarray, b_vis: np.ndarray, b_hid: np.ndarray, v: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """For one data vector: the CD-k statistics for each last sampled hidden state, and their probabilities.

    Returns ``(u, q)``: ``u[h]`` is the flattened (ΔW, Δb_vis, Δb_hid) the vector contributes when the chain's
    last sampled hidden state is ``h``, and ``q[h]`` the probability of that state.
    """
    nv, nh = w.shape
    hs = _all_states(nh)
    vs = _all_states(nv)

    def bern(states: np.ndarray, p: np.ndarray) -> np.ndarray:
        return np.prod(np.where(states == 1.0, p, 1.0 - p), axis=-1)

    ph0 = sigmoid(v @ w + b_hid)
    q = bern(hs, ph0)  # distribution of h0
    for _ in range(k - 1):  # h → sampled v → sampled h
        pv = sigmoid(hs @ w.T + b_vis)  # (H, nv)
        p_v_given_h = np.stack([bern(vs, pv[i]) for i in range(len(hs))])  # (H, V)
        ph = sigmoid(vs @ w + b_hid)  # (V, nh)
        p_h_given_v = np.stack([bern(hs, ph[j]) for j in range(len(vs))])  # (V, H)
        q = q @ (p_v_given_h @ p_h_given_v)
    pv_k = sigmoid(hs @ w.T + b_vis)  # (H, nv): visible probabilities at the last step
    ph_k = sigmoid(pv_k @ w + b_hid)  # (H, nh)
    dw = np.outer(v, ph0)[None] - pv_k[:, :, None] * ph_k[:, None, :]
    dbv = v[None] - pv_k
    dbh = ph0[None] - ph_k
    u = np.concatenate([dw.reshape(len(hs), -1), dbv, dbh], axis=1)
    return u, q


def judge_rbm_cd_step(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        if case["kind"] == "train":
            x, w0, bv0, bh0 = make_rbm_training(case)
            nv, nh = case["nv"], case["nh"]
            w = as_array(got["W"], (nv, nh), "W")
            bv = as_array(got["b_vis"], (nv,), "b_vis")
            bh = as_array(got["b_hid"], (nh,), "b_hid")

            def recon_error(w: np.ndarray, bv: np.ndarray, bh: np.ndarray, x: np.ndarray = x) -> float:
                pv = sigmoid(sigmoid(x @ w + bh) @ w.T + bv)
                return float(((x - pv) ** 2).mean())

            f.require(
                recon_error(w, bv, bh) <= case["max_ratio"] * recon_error(w0, bv0, bh0),
                "training with your CD step does not reduce the reconstruction error enough",
            )
            continue
        w, b_vis, b_hid, v = make_rbm(case)
        nv, nh = w.shape
        size = nv * nh + nv + nh
        if not f.require(
            got["shapes"] == [[nv, nh], [nv], [nh]],
            "rbm_cd_step must return W (n_visible, n_hidden), b_vis, b_hid",
        ):
            continue
        f.require(_as_bool(got.get("input_unchanged")), "rbm_cd_step must not modify its inputs")
        total = as_array(got["sum"], (size,), "the parameters")
        raw = as_array(got["raw"], (case["raw"], size), "the parameters")
        theta = np.concatenate([w.ravel(), b_vis, b_hid])
        lr, batch = case["lr"], v.shape[0]
        per = [_cd_outcomes(w, b_vis, b_hid, v[i], case["k"]) for i in range(batch)]
        mean_u = sum(q @ u for u, q in per) / batch
        var_u = sum(q @ (u - q @ u) ** 2 for u, q in per) / batch**2
        expect = theta + lr * mean_u
        sigma = lr * np.sqrt(var_u / case["draws"])
        got_mean = total / case["draws"]
        # every single update must be one of the finitely many values the exact rule can produce
        outcomes = np.zeros((1, size))
        for u, _ in per:
            outcomes = (outcomes[:, None, :] + u[None, :, :] / batch).reshape(-1, size)
        candidates = theta + lr * outcomes
        dist = np.abs(raw[:, None, :] - candidates[None, :, :]).max(axis=2).min(axis=1)
        f.require(
            np.all(dist <= 1e-9 * (1 + np.abs(theta).max())),
            "a single update is not of the form data statistics minus reconstruction statistics "
            "(positive phase with hidden probabilities; negative phase with visible and hidden probabilities "
            "at the last step of a chain of sampled hidden states)",
        )
        f.require(
            np.all(np.abs(got_mean - expect) <= K_SIGMA * sigma + 1e-12),
            f"the average CD-{case['k']} update differs from its exact expectation "
            f"(batch of {batch}, averaged over the batch)",
        )
    return f.verdict()


CD_CASES = [
    {
        "kind": "draws",
        "nv": 4,
        "nh": 3,
        "scale": 1.0,
        "batch": 1,
        "k": 1,
        "lr": 0.1,
        "draws": 3000,
        "raw": 60,
        "seed": 90_801,
    },
    {
        "kind": "draws",
        "nv": 4,
        "nh": 3,
        "scale": 1.0,
        "batch": 3,
        "k": 1,
        "lr": 0.05,
        "draws": 3000,
        "raw": 60,
        "seed": 90_802,
    },
    {
        "kind": "draws",
        "nv": 4,
        "nh": 3,
        "scale": 1.5,
        "batch": 2,
        "k": 2,
        "lr": 0.2,
        "draws": 3000,
        "raw": 60,
        "seed": 90_803,
    },
    {
        "kind": "train",
        "nv": 16,
        "nh": 8,
        "n_protos": 4,
        "n_data": 200,
        "noise": 0.05,
        "epochs": 30,
        "batch_size": 10,
        "lr": 0.1,
        "max_ratio": 0.5,
        "seed": 90_804,
    },
]


# ---------------------------------------------------------------------------------------------------------
# pseudo_likelihood(v, W, b_vis, b_hid, rng) -> float
# ---------------------------------------------------------------------------------------------------------
def probe_pseudo_likelihood(pseudo_likelihood, cases):
    import numpy as np

    out = []
    for case in cases:
        w, b_vis, b_hid, v = make_rbm(case)
        rng = np.random.default_rng(case["seed"] + 1)
        out.append([float(pseudo_likelihood(v, w, b_vis, b_hid, rng)) for _ in range(case["calls"])])
    return out


def _pl_terms(w: np.ndarray, b_vis: np.ndarray, b_hid: np.ndarray, v: np.ndarray) -> np.ndarray:
    """terms[b, i] = n_visible · log σ(F(v_b with unit i flipped) − F(v_b))."""
    nv = v.shape[1]
    fe = _free_energy(v, w, b_vis, b_hid)
    terms = np.empty((v.shape[0], nv))
    for i in range(nv):
        flipped = v.copy()
        flipped[:, i] = 1.0 - flipped[:, i]
        terms[:, i] = -nv * np.logaddexp(0.0, -(_free_energy(flipped, w, b_vis, b_hid) - fe))
    return terms


def judge_pseudo_likelihood(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        w, b_vis, b_hid, v = make_rbm(case)
        calls = case["calls"]
        vals = as_array(got, (calls,), "the pseudo-likelihoods")
        terms = _pl_terms(w, b_vis, b_hid, v)
        expect = terms.mean()
        if case["batch"] == 1:
            cand = terms[0]
            which = np.argmin(np.abs(vals[:, None] - cand[None, :]), axis=1)
            close = np.abs(vals - cand[which]) <= 1e-8 * (1 + np.abs(cand).max())
            if not f.require(
                np.all(close),
                "a single estimate is not n_visible · log σ(F(v with one unit flipped) − F(v))",
            ):
                continue
            counts = np.bincount(which, minlength=len(cand))
            p = 1.0 / len(cand)
            f.require(
                np.all(np.abs(counts - calls * p) <= K_SIGMA * math.sqrt(calls * p * (1 - p))),
                "the flipped unit is not chosen uniformly at random",
            )
        else:
            # spread of one estimate: units drawn independently per sample, or one unit shared by the batch
            b = terms.shape[0]
            var_indep = terms.var(axis=1).sum() / b**2
            var_shared = terms.mean(axis=0).var()
            sigma = math.sqrt(max(var_indep, var_shared) / calls)
            f.require(
                abs(vals.mean() - expect) <= K_SIGMA * sigma + 1e-12,
                f"the average estimate differs from the mean log pseudo-likelihood (batch of {b})",
            )
    return f.verdict()


PL_CASES = [
    {"nv": 6, "nh": 4, "scale": 1.0, "batch": 1, "calls": 400, "seed": 90_901},
    {"nv": 12, "nh": 5, "scale": 0.8, "batch": 8, "calls": 300, "seed": 90_902},
]


CHECKS = [
    Check(
        "hebbian_weights",
        ("hebbian_weights",),
        2,
        HEBBIAN_CASES,
        probe_hebbian_weights,
        judge_hebbian_weights,
        helpers=(make_patterns,),
    ),
    Check(
        "energy",
        ("energy",),
        1,
        ENERGY_CASES,
        probe_energy,
        judge_energy,
        helpers=(make_symmetric, make_energy_inputs),
    ),
    Check("recall", ("recall",), 4, RECALL_CASES, probe_recall, judge_recall, helpers=(make_recall_inputs,)),
    Check(
        "capacity_curve", ("capacity_curve",), 3, CAPACITY_CASES, probe_capacity_curve, judge_capacity_curve
    ),
    Check(
        "boltzmann_exact_stats",
        ("boltzmann_exact_stats",),
        2,
        BOLTZMANN_CASES,
        probe_boltzmann_exact_stats,
        judge_boltzmann_exact_stats,
        helpers=(make_symmetric, make_boltzmann),
    ),
    Check(
        "gibbs_sample",
        ("gibbs_sample",),
        3,
        GIBBS_CASES,
        probe_gibbs_sample,
        judge_gibbs_sample,
        helpers=(make_symmetric, make_boltzmann, make_gibbs_inputs),
    ),
    Check(
        "free_energy",
        ("free_energy",),
        2,
        FREE_ENERGY_CASES,
        probe_free_energy,
        judge_free_energy,
        helpers=(make_rbm,),
    ),
    Check(
        "rbm_cd_step",
        ("rbm_cd_step",),
        5,
        CD_CASES,
        probe_rbm_cd_step,
        judge_rbm_cd_step,
        helpers=(make_rbm, make_rbm_training),
    ),
    Check(
        "pseudo_likelihood",
        ("pseudo_likelihood",),
        2,
        PL_CASES,
        probe_pseudo_likelihood,
        judge_pseudo_likelihood,
        helpers=(make_rbm,),
    ),
]
