"""Graded checks of unit 09, Energy-based networks: Hopfield networks, Boltzmann machines and RBMs.

Probes run in the student's kernel (self-contained: imports inside, no reference code, raw outputs out);
judges run here, regenerate every input from the hidden ``cases`` and decide with closed forms, properties,
exact enumeration of small models and k·σ statistical tests (see CONTRIBUTING.md).
"""

# Probes build closures inside their loops and call them at once (rng_trials, raised, the capacity spy).
# ruff: noqa: B023
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
from autograder.probes import (
    fingerprint,
    guarded_call,
    raised,
    require_raises,
    require_rng_discipline,
    require_unmodified,
    rng_trials,
)


def _as_bool(value: Any) -> bool:
    return value is True


def _require_rng(f: Findings, trials: Any, what: str) -> None:
    """rng discipline over several seeds: reproducible, global generators untouched and the rng consumed on
    every seed; the output differs between seeds on at least one pair (one pair may agree by chance)."""
    if not f.require(
        isinstance(trials, list) and trials, f"{what}: the reproducibility test produced no result"
    ):
        return
    for t in trials:
        if not require_rng_discipline(f, t, what, need_differs=False):
            return
    f.require(
        any(isinstance(t, dict) and t.get("differs") is True for t in trials),
        f"{what} must give different results for different seeds: draw from the rng argument on every call, "
        "not from a fixed seed of its own or a draw reused from an earlier call",
    )


def counting_generator(seed):
    """A numpy Generator that counts the calls of its drawing methods (to see fresh draws per sweep)."""
    import numpy as np

    class Generator(np.random.Generator):  # the class name tells guarded_call not to compare it
        def _tick(self):
            self.calls = getattr(self, "calls", 0) + 1

        def permutation(self, *args, **kwargs):
            self._tick()
            return super().permutation(*args, **kwargs)

        def permuted(self, *args, **kwargs):
            self._tick()
            return super().permuted(*args, **kwargs)

        def shuffle(self, *args, **kwargs):
            self._tick()
            return super().shuffle(*args, **kwargs)

        def choice(self, *args, **kwargs):
            self._tick()
            return super().choice(*args, **kwargs)

        def integers(self, *args, **kwargs):
            self._tick()
            return super().integers(*args, **kwargs)

        def random(self, *args, **kwargs):
            self._tick()
            return super().random(*args, **kwargs)

    gen = Generator(np.random.PCG64(seed))
    gen.calls = 0
    return gen


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
        w, modified = guarded_call(hebbian_weights, xi)
        out.append({"W": np.asarray(w, dtype=float).tolist(), "modified": modified})
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
        require_unmodified(f, got.get("modified"), "hebbian_weights")
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
        if case.get("int_input"):
            s = s.astype(int)
        e, modified = guarded_call(energy, w, s)
        out.append({"E": float(e), "is_float": isinstance(e, float), "modified": modified})
    return out


def judge_energy(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        w, s = make_energy_inputs(case)
        want = -0.5 * s @ w @ s
        f.require(
            math.isclose(as_float(got["E"], "energy"), want, rel_tol=1e-9, abs_tol=1e-12),
            f"the energy is not −½ sᵀWs for a network of {case['n']} units"
            + (" (with an integer state)" if case.get("int_input") else ""),
        )
        f.require(_as_bool(got.get("is_float")), "energy must return a Python float")
        require_unmodified(f, got.get("modified"), "energy")
    return f.verdict()


ENERGY_CASES = [
    {"n": 5, "scale": 1.0, "seed": 90_201},
    {"n": 40, "scale": 0.3, "seed": 90_202},
    {"n": 3, "scale": 2.0, "seed": 90_203},
    {"n": 9, "scale": 0.7, "seed": 90_204, "int_input": True},
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
            rng = counting_generator(case["seed"] + 1 + r)
            if "max_sweeps" in case:
                (s, energies), modified = guarded_call(
                    recall, w.copy(), s0, rng, max_sweeps=case["max_sweeps"]
                )
            else:
                (s, energies), modified = guarded_call(recall, w.copy(), s0, rng)
            runs.append(
                {
                    "s": np.asarray(s, dtype=float).tolist(),
                    "energies": np.asarray(energies, dtype=float).ravel().tolist(),
                    "modified": modified,
                    "draw_calls": int(rng.calls),
                }
            )
        res = {"runs": runs}
        if case.get("rng_trials"):
            res["trials"] = [
                rng_trials(lambda g: recall(w.copy(), starts[0].copy(), g), case["seed"] + 50 + 7 * t)
                for t in range(3)
            ]
        out.append(res)
    return out


def _energy(w: np.ndarray, s: np.ndarray) -> float:
    return float(-0.5 * s @ w @ s)


def judge_recall(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, runs in zip(cases, data, strict=True):
        w, starts, targets = make_recall_inputs(case)
        n = w.shape[0]
        max_sweeps = case.get("max_sweeps", 100)
        if case.get("rng_trials"):
            _require_rng(f, runs.get("trials"), "recall")
        runs = runs["runs"]
        if not f.require(len(runs) == len(starts), "recall results are missing"):
            continue
        finals = []
        for r, (s0, got) in enumerate(zip(starts, runs, strict=True)):
            s = as_array(got["s"], (n,), "the final state s")
            e = as_array(got["energies"], (None,), "energies")
            require_unmodified(f, got.get("modified"), "recall")
            if not f.require(np.all(np.abs(s) == 1.0), "the final state must contain only −1 and +1"):
                continue
            f.require(
                int(got.get("draw_calls", 0)) >= e.size - 1,
                "recall must draw a fresh random order from rng for every sweep",
            )
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
                f.require(
                    converged, "a unit whose field is exactly zero must keep its state (recall never settled)"
                )
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
    {"kind": "glass", "N": 40, "runs": 30, "seed": 90_303, "rng_trials": True},
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
        kind = case.get("kind", "table")
        loads = list(case["loads"])
        if kind == "raise":
            out.append(
                {
                    "raised": raised(
                        lambda: capacity_curve(case["N"], loads, 1, np.random.default_rng(case["seed"]))
                    )
                }
            )
            continue
        if kind == "trials":
            out.append(
                {
                    "trials": [
                        rng_trials(
                            lambda g: capacity_curve(case["N"], loads, case["n_trials"], g), case["seed"] + t
                        )
                        for t in range(5)
                    ]
                }
            )
            continue
        if kind == "spy":  # watch the calls of hebbian_weights and recall that capacity_curve makes
            space = capacity_curve.__globals__
            real_hebb, real_recall = space.get("hebbian_weights"), space.get("recall")
            made, log_hebb, log_recall = [], [], []

            def spy_hebb(patterns, *args, **kwargs):
                w = real_hebb(patterns, *args, **kwargs)
                made.append(np.array(w, dtype=float, copy=True))
                log_hebb.append(np.asarray(patterns, dtype=float).tolist())
                return w

            def spy_recall(W, s0, rng, *args, **kwargs):
                start = np.array(s0, dtype=float, copy=True)
                same_w = bool(made) and np.array_equal(np.asarray(W, dtype=float), made[-1])
                res = real_recall(W, s0, rng, *args, **kwargs)
                log_recall.append(
                    {
                        "w": len(made) - 1 if same_w else -1,
                        "s0": start.tolist(),
                        "s": np.asarray(res[0], dtype=float).tolist(),
                        "default_sweeps": not args and kwargs.get("max_sweeps", 100) == 100,
                    }
                )
                return res

            if real_hebb is not None and real_recall is not None:
                space["hebbian_weights"], space["recall"] = spy_hebb, spy_recall
            try:
                frac = capacity_curve(case["N"], loads, case["n_trials"], np.random.default_rng(case["seed"]))
            finally:
                if real_hebb is not None and real_recall is not None:
                    space["hebbian_weights"], space["recall"] = real_hebb, real_recall
            out.append(
                {
                    "frac": np.asarray(frac, dtype=float).ravel().tolist(),
                    "hebb": log_hebb,
                    "recall": log_recall,
                }
            )
            continue
        rng = np.random.default_rng(case["seed"])
        frac = capacity_curve(case["N"], loads, case["n_trials"], rng)
        out.append({"frac": np.asarray(frac, dtype=float).ravel().tolist()})
    return out


def _judge_capacity_spy(f: Findings, case: Any, got: Any) -> None:
    """The algorithm, from the logged calls: P = round(α·N) fresh patterns per trial, recall from each."""
    n, loads, trials = case["N"], case["loads"], case["n_trials"]
    frac = as_array(got["frac"], (len(loads),), "the fractions")
    hebb, calls = got["hebb"], got["recall"]
    if not f.require(
        isinstance(hebb, list) and isinstance(calls, list) and len(hebb) == len(loads) * trials,
        "capacity_curve must call hebbian_weights once per trial (n_trials times for each load) and recall "
        "once per stored pattern",
    ):
        return
    patterns = []
    for k, xi in enumerate(hebb):
        p = round(loads[k // trials] * n)
        x = as_array(xi, (None, n), "the stored patterns")
        if not f.require(x.shape[0] == p, "a trial must store P = round(α·N) patterns (Python's round)"):
            return
        f.require(np.all(np.abs(x) == 1.0), "stored patterns must be ±1")
        patterns.append(x)
    for k in range(1, len(patterns)):
        if k % trials:
            f.require(
                not np.array_equal(patterns[k], patterns[k - 1]),
                "every trial must draw fresh random patterns from rng",
            )
    total = sum(len(x) for x in patterns)
    if not f.require(len(calls) == total, "capacity_curve must run recall once for every stored pattern"):
        return
    recalled = np.zeros(len(loads))
    used: list[list[np.ndarray]] = [[] for _ in patterns]
    for call in calls:
        k = int(call["w"])
        if not f.require(
            0 <= k < len(patterns), "recall must be run with the weights hebbian_weights made for the trial"
        ):
            return
        s0 = as_array(call["s0"], (n,), "a start state")
        s = as_array(call["s"], (n,), "a final state")
        used[k].append(s0)
        f.require(_as_bool(call.get("default_sweeps")), "recall must run with the default max_sweeps")
        recalled[k // trials] += float(s0 @ s) / n >= 0.95
    for k, x in enumerate(patterns):
        starts = np.array(sorted(map(tuple, used[k]))) if used[k] else np.zeros((0, n))
        f.require(
            np.array_equal(starts, np.array(sorted(map(tuple, x)))),
            "recall must start once at each stored pattern itself",
        )
    want = recalled / (np.array([round(a * n) for a in loads]) * trials)
    f.require(
        np.allclose(frac, want, rtol=0, atol=1e-12),
        "the fraction is not the number of patterns recalled with overlap ≥ 0.95 divided by P · n_trials",
    )


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
        kind = case.get("kind", "table")
        if kind == "raise":
            require_raises(f, got["raised"], "capacity_curve with a load for which round(α·N) = 0")
            continue
        if kind == "trials":
            _require_rng(f, got["trials"], "capacity_curve")
            continue
        if kind == "spy":
            _judge_capacity_spy(f, case, got)
            continue
        loads = case["loads"]
        frac = as_array(got["frac"], (len(loads),), "the fractions")
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
    # 0.125 · 20 = 2.5: round gives 2 (half to even); 0.08 · 20 = 1.6 → 2 (int() gives 1); 0.05 · 20 → 1
    {"kind": "spy", "N": 20, "loads": [0.125, 0.08, 0.3, 0.05], "n_trials": 3, "seed": 90_402},
    {"kind": "spy", "N": 40, "loads": [0.2, 0.3], "n_trials": 2, "seed": 90_403},  # overlap 0.95: one bit off
    {"kind": "raise", "N": 10, "loads": [0.1, 0.05], "seed": 90_404},  # 0.05 · 10 = 0.5 → 0 patterns
    {"kind": "trials", "N": 30, "loads": [0.15, 0.2, 0.25], "n_trials": 2, "seed": 90_405},
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
        (mean, second), modified = guarded_call(boltzmann_exact_stats, w, b)
        out.append(
            {
                "mean": np.asarray(mean, dtype=float).tolist(),
                "second": np.asarray(second, dtype=float).tolist(),
                "modified": modified,
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
        require_unmodified(f, got.get("modified"), "boltzmann_exact_stats")
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

    if case["kind"] == "pairs":  # strongly coupled pairs: after one sweep each pair holds a start value
        n = 2 * case["pairs"]
        w = np.zeros((n, n))
        for k in range(0, n, 2):
            w[k, k + 1] = w[k + 1, k] = 60.0
        return w, np.full(n, -30.0)
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
            long, modified = guarded_call(
                gibbs_sample,
                w,
                b,
                case["long"],
                np.random.default_rng(case["seed"] - 1),
                s0=np.arange(n) % 2.0,
            )
            trials = [rng_trials(lambda g: gibbs_sample(w, b, 3, g), case["seed"] + 77 + t) for t in range(3)]
            out.append(
                {
                    "shape": shape,
                    "finals": finals,
                    "long": np.asarray(long).tolist(),
                    "modified": modified,
                    "trials": trials,
                }
            )
        elif case["kind"] == "pairs":  # the random start state (s0=None), seen through one sweep
            firsts = [
                np.asarray(gibbs_sample(w, b, 1, np.random.default_rng(case["seed"] + r)))[0].tolist()
                for r in range(case["chains"])
            ]
            out.append({"firsts": firsts})
        else:
            runs = []
            for r in range(case["runs"]):
                start = np.ones(n) if r % 2 == 0 else np.zeros(n)
                chain, modified = guarded_call(
                    gibbs_sample, w, b, case["n_sweeps"], np.random.default_rng(case["seed"] + r), s0=start
                )
                runs.append({"chain": np.asarray(chain).tolist(), "modified": modified})
            out.append(runs)
    return out


def judge_gibbs_sample(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        w, b = make_gibbs_inputs(case)
        n = len(b)
        if case["kind"] == "stats":
            f.require(got["shape"] == [case["n_sweeps"], n], "the chain must have shape (n_sweeps, n_units)")
            require_unmodified(f, got.get("modified"), "gibbs_sample")
            _require_rng(f, got.get("trials"), "gibbs_sample")
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
        elif case["kind"] == "pairs":
            x = as_array(got["firsts"], (case["chains"], n), "the first states")
            if not f.require(np.all((x == 0) | (x == 1)), "states must be 0 or 1"):
                continue
            # both units of a pair end the first sweep equal, at the start value of one of them: a fair coin
            f.require(np.all(x[:, 0::2] == x[:, 1::2]), "the sampled states do not follow the conditionals")
            frac = x[:, 0::2].mean(axis=0)
            sd = 0.5 / math.sqrt(case["chains"])
            f.require(
                np.all(np.abs(frac - 0.5) <= K_SIGMA * sd),
                "without s0 every unit must start at 0 or 1 with probability 1/2, drawn from rng each call",
            )
        else:
            for rr, run in enumerate(got):
                chain = as_array(run["chain"], (case["n_sweeps"], n), "the chain")
                require_unmodified(f, run.get("modified"), "gibbs_sample")
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
    {"kind": "pairs", "pairs": 20, "chains": 300, "seed": 90_604},
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
        fe, modified = guarded_call(free_energy, v, w, b_vis, b_hid)
        out.append({"F": np.asarray(fe, dtype=float).tolist(), "modified": modified})
    return out


def _free_energy(v: np.ndarray, w: np.ndarray, b_vis: np.ndarray, b_hid: np.ndarray) -> np.ndarray:
    return -v @ b_vis - np.logaddexp(0.0, v @ w + b_hid).sum(axis=-1)


def judge_free_energy(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        w, b_vis, b_hid, v = make_rbm(case)
        want = _free_energy(v, w, b_vis, b_hid)
        try:
            arr = as_array(got["F"], (case["batch"],), "the free energies")
        except JudgeError as err:
            if case["scale"] > 10:
                f.require(False, "the free energy overflows for large weights (use a stable softplus)")
                continue
            raise err
        f.require(
            np.allclose(arr, want, rtol=1e-9, atol=1e-9),
            "the free energy is wrong" + (" for large weights" if case["scale"] > 10 else ""),
        )
        require_unmodified(f, got.get("modified"), "free_energy")
    return f.verdict()


FREE_ENERGY_CASES = [
    {"nv": 6, "nh": 4, "scale": 1.0, "batch": 5, "seed": 90_701},
    {"nv": 20, "nh": 9, "scale": 0.5, "batch": 1, "seed": 90_702},
    {"nv": 10, "nh": 12, "scale": 2000.0, "batch": 8, "seed": 90_703},  # overflows exp on every seed
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
        rng = np.random.default_rng(case["seed"] + 1)
        total = None
        raw = []
        shapes = None
        modified = []
        for m in range(case["draws"]):
            if m == 0:
                res, modified = guarded_call(rbm_cd_step, w, b_vis, b_hid, v, case["k"], case["lr"], rng)
                w, b_vis, b_hid, v = make_rbm(case)  # fresh inputs after the guarded call
            else:
                res = rbm_cd_step(w, b_vis, b_hid, v, case["k"], case["lr"], rng)
            parts = [np.asarray(p, dtype=float) for p in res]
            if shapes is None:
                shapes = [list(p.shape) for p in parts]
            flat = np.concatenate([p.ravel() for p in parts])
            total = flat.copy() if total is None else total + flat
            if m < case["raw"]:
                raw.append(flat.tolist())
        res = {"shapes": shapes, "sum": total.tolist(), "raw": raw, "modified": modified}
        if case.get("rng_trials"):
            res["trials"] = [
                rng_trials(
                    lambda g: rbm_cd_step(
                        *make_rbm({**case, "nh": 6, "batch": 10}), case["k"], case["lr"], g
                    ),
                    case["seed"] + 11 + t,
                )
                for t in range(3)
            ]
        out.append(res)
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
        require_unmodified(f, got.get("modified"), "rbm_cd_step")
        if case.get("rng_trials"):
            _require_rng(f, got.get("trials"), "rbm_cd_step")
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
        "rng_trials": True,
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
        if case.get("same_rows"):
            v = np.repeat(v[:1], case["batch"], axis=0)
        rng = np.random.default_rng(case["seed"] + 1)
        first, modified = guarded_call(pseudo_likelihood, v, w, b_vis, b_hid, rng)
        vals = [float(first)] + [
            float(pseudo_likelihood(v, w, b_vis, b_hid, rng)) for _ in range(case["calls"] - 1)
        ]
        trials = [
            rng_trials(
                lambda g: pseudo_likelihood(make_rbm({**case, "batch": 10})[3], w, b_vis, b_hid, g),
                case["seed"] + 21 + t,
            )
            for t in range(3)
        ]
        out.append(
            {"vals": vals, "is_float": isinstance(first, float), "modified": modified, "trials": trials}
        )
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
        if case.get("same_rows"):
            v = np.repeat(v[:1], case["batch"], axis=0)
        calls = case["calls"]
        vals = as_array(got["vals"], (calls,), "the pseudo-likelihoods")
        require_unmodified(f, got.get("modified"), "pseudo_likelihood")
        _require_rng(f, got.get("trials"), "pseudo_likelihood")
        f.require(_as_bool(got.get("is_float")), "pseudo_likelihood must return a Python float")
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
            # the unit is drawn independently for each row: one estimate's variance is Σ_b var_i(terms)/B²
            b = terms.shape[0]
            var_indep = terms.var(axis=1).sum() / b**2
            sigma = math.sqrt(var_indep / calls)
            f.require(
                abs(vals.mean() - expect) <= K_SIGMA * sigma + 1e-12,
                f"the average estimate differs from the mean log pseudo-likelihood (batch of {b})",
            )
            if case.get("same_rows"):
                # identical rows: a unit shared by the batch gives B times the variance of independent draws
                ratio = float(vals.var(ddof=1)) / var_indep
                f.require(
                    1 / 3 <= ratio <= 3,
                    "the flipped unit must be drawn independently for each row (not one unit for the batch)",
                )
    return f.verdict()


PL_CASES = [
    {"nv": 6, "nh": 4, "scale": 1.0, "batch": 1, "calls": 400, "seed": 90_901},
    {"nv": 12, "nh": 5, "scale": 0.8, "batch": 8, "calls": 300, "seed": 90_902},
    {"nv": 10, "nh": 4, "scale": 1.2, "batch": 12, "calls": 400, "same_rows": True, "seed": 90_903},
]


CHECKS = [
    Check(
        "hebbian_weights",
        ("hebbian_weights",),
        2,
        HEBBIAN_CASES,
        probe_hebbian_weights,
        judge_hebbian_weights,
        helpers=(make_patterns, guarded_call),
    ),
    Check(
        "energy",
        ("energy",),
        1,
        ENERGY_CASES,
        probe_energy,
        judge_energy,
        helpers=(make_symmetric, make_energy_inputs, guarded_call),
    ),
    Check(
        "recall",
        ("recall",),
        4,
        RECALL_CASES,
        probe_recall,
        judge_recall,
        helpers=(make_recall_inputs, counting_generator, guarded_call, fingerprint, rng_trials),
    ),
    Check(
        "capacity_curve",
        ("capacity_curve",),
        3,
        CAPACITY_CASES,
        probe_capacity_curve,
        judge_capacity_curve,
        helpers=(raised, fingerprint, rng_trials),
    ),
    Check(
        "boltzmann_exact_stats",
        ("boltzmann_exact_stats",),
        2,
        BOLTZMANN_CASES,
        probe_boltzmann_exact_stats,
        judge_boltzmann_exact_stats,
        helpers=(make_symmetric, make_boltzmann, guarded_call),
    ),
    Check(
        "gibbs_sample",
        ("gibbs_sample",),
        3,
        GIBBS_CASES,
        probe_gibbs_sample,
        judge_gibbs_sample,
        helpers=(make_symmetric, make_boltzmann, make_gibbs_inputs, guarded_call, fingerprint, rng_trials),
    ),
    Check(
        "free_energy",
        ("free_energy",),
        2,
        FREE_ENERGY_CASES,
        probe_free_energy,
        judge_free_energy,
        helpers=(make_rbm, guarded_call),
    ),
    Check(
        "rbm_cd_step",
        ("rbm_cd_step",),
        5,
        CD_CASES,
        probe_rbm_cd_step,
        judge_rbm_cd_step,
        helpers=(make_rbm, make_rbm_training, guarded_call, fingerprint, rng_trials),
    ),
    Check(
        "pseudo_likelihood",
        ("pseudo_likelihood",),
        2,
        PL_CASES,
        probe_pseudo_likelihood,
        judge_pseudo_likelihood,
        helpers=(make_rbm, guarded_call, fingerprint, rng_trials),
    ),
]
