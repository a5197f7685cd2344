"""Graded checks of unit 01, Standard diffusion: probes (run in the student's kernel) and judges (run here).

Conventions for every unit's judge module (see CONTRIBUTING.md):

* ``probe_<name>`` and any ``helpers`` are self-contained: imports inside, no reference code, plain data out.
  Their source is copied into the notebook's hidden cell by ``python -m autograder sync``.
* Probes return raw (sub-sampled) outputs rather than summary statistics, so that forging probe data is no
  easier than writing a correct function.
* ``judge_<name>(data, cases)`` regenerates inputs from ``cases``, never trusts ``data`` for them, and names
  the property that failed without revealing expected values.
* Statistical judges use k·σ tolerances (σ from a closed form or the estimator's spread); the tests run the
  reference over many seeds to show false failures are negligible.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograder.checks import K_SIGMA, Cases, Check, Findings, Verdict, as_array, as_float
from autograder.probes import (
    P_MIN,
    chi2_pvalue,
    guarded_call,
    ks_pvalue,
    raised,
    require_raises,
    require_rng_discipline,
    require_unmodified,
    rng_trials,
    with_deps,
)


# ---------------------------------------------------------------------------------------------------------
# random_walk(n_walkers, n_steps, dim, rng) -> (n_walkers, n_steps + 1, dim)
# ---------------------------------------------------------------------------------------------------------
def probe_random_walk(random_walk, cases):
    import numpy as np

    out = []
    for case in cases:
        x = random_walk(case["n_walkers"], case["n_steps"], case["dim"], np.random.default_rng(case["seed"]))
        x = np.asarray(x)
        item = {
            "shape": list(x.shape),
            "kind": x.dtype.kind,
            "x": np.rint(x).astype(int).tolist(),
            "integral": bool(np.all(x == np.rint(x))),
        }
        if case.get("trials"):
            item["trials"] = rng_trials(
                lambda rng, c=case: random_walk(8, 6, c["dim"], rng), case["seed"] + 17
            )
        out.append(item)
    return out


def judge_random_walk(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    moves: dict[int, np.ndarray] = {}  # case index -> (axis, sign) of every step, for the twin comparison
    for index, (case, got) in enumerate(zip(cases, data, strict=True)):
        n_w, n_s, dim = case["n_walkers"], case["n_steps"], case["dim"]
        shape = (n_w, n_s + 1, dim)
        if not f.require(
            tuple(got["shape"]) == shape, "the array must have shape (n_walkers, n_steps + 1, dim)"
        ):
            continue
        f.require(got["kind"] == "f", "positions must be a float array")
        f.require(got["integral"], "a lattice walk stays on integer positions")
        x = as_array(got["x"], shape, "positions")
        f.require(np.all(x[:, 0] == 0), "every walker must start at the origin (row 0)")
        if "trials" in got or case.get("trials"):
            require_rng_discipline(f, got.get("trials"), "random_walk")
        if n_s == 0:
            continue
        steps = np.diff(x, axis=1).reshape(-1, dim)
        unit = np.abs(steps).sum(axis=1) == 1
        if not f.require(np.all(unit), "each step must move by ±1 along exactly one axis"):
            continue
        # which of the 2·dim moves each step made: axis*2 + (sign > 0)
        axis = np.argmax(np.abs(steps), axis=1)
        move = 2 * axis + (steps[np.arange(len(steps)), axis] > 0)
        moves[index] = move
        twin = case.get("twin_of")
        if twin is not None and twin in moves:
            # the same call with another seed: axes agree with probability 1/dim and signs with 1/2 (a part
            # of the walk drawn from a fixed seed of its own agrees everywhere)
            other = moves[twin]
            for same, p_same in ((move // 2 == other // 2, 1 / dim), (move % 2 == other % 2, 0.5)):
                f.require(
                    abs(same.mean() - p_same) <= K_SIGMA * math.sqrt(p_same * (1 - p_same) / same.size),
                    "two calls with different seeds share part of their walk: draw every axis and every "
                    "sign from the rng argument",
                )
        p = 1.0 / (2 * dim)
        counts = np.bincount(move, minlength=2 * dim)
        f.require(
            chi2_pvalue(counts, np.full(2 * dim, p)) >= P_MIN,
            "the 2·dim possible moves are not equally likely",
        )
        # the pair (move at step k, move at step k + 1) is uniform over all (2·dim)² pairs
        mv_all = move.reshape(n_w, n_s)
        if n_s > 1:
            pairs = (mv_all[:, 1:] * 2 * dim + mv_all[:, :-1]).ravel()
            f.require(
                chi2_pvalue(np.bincount(pairs, minlength=(2 * dim) ** 2), np.full((2 * dim) ** 2, p * p))
                >= P_MIN,
                "successive steps of a walker are not independent",
            )
        # successive steps of a walker are independent: P(same move twice) = 1/(2 dim)
        mv = move.reshape(n_w, n_s)
        same_next = (mv[:, 1:] == mv[:, :-1]).ravel()
        sig = math.sqrt(p * (1 - p) / same_next.size)
        f.require(
            abs(same_next.mean() - p) <= K_SIGMA * sig, "successive steps of a walker are not independent"
        )
        # different walkers are independent: P(walker i and i+1 make the same move) = 1/(2 dim)
        if n_w > 1:
            same_walker = (mv[1:] == mv[:-1]).ravel()
            sig = math.sqrt(p * (1 - p) / same_walker.size)
            f.require(
                abs(same_walker.mean() - p) <= K_SIGMA * sig, "different walkers do not move independently"
            )
        # ⟨r²⟩ = n at the last step; Var(r²) ≤ 3 n² bounds the spread in any dimension
        r2 = (x[:, -1] ** 2).sum(axis=1)
        f.require(
            abs(r2.mean() - n_s) <= K_SIGMA * math.sqrt(3.0 * n_s**2 / n_w),
            "the mean squared distance after n steps is not n",
        )
    return f.verdict()


RANDOM_WALK_CASES = [
    {"n_walkers": 200, "n_steps": 30, "dim": 1, "seed": 71_401},
    {"n_walkers": 200, "n_steps": 30, "dim": 2, "seed": 71_402, "trials": 1},
    {"n_walkers": 150, "n_steps": 30, "dim": 3, "seed": 71_403},
    {"n_walkers": 4, "n_steps": 0, "dim": 2, "seed": 71_404},  # no step: only the origin row
    {"n_walkers": 1, "n_steps": 40, "dim": 4, "seed": 71_405},  # one walker, four dimensions
    {"n_walkers": 200, "n_steps": 30, "dim": 2, "seed": 71_406, "twin_of": 1},  # case 1 with another seed
]


# ---------------------------------------------------------------------------------------------------------
# msd(positions) -> (n_times,)
# ---------------------------------------------------------------------------------------------------------
def make_positions(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    shape = tuple(case["shape"])
    start = rng.normal(0.0, 5.0, size=(shape[0], 1) + shape[2:])  # walkers do not start at the origin
    x = start + np.cumsum(rng.normal(size=shape), axis=1)
    return np.rint(x).astype(int) if case.get("integer") else x


def probe_msd(msd, cases):
    import numpy as np

    out = []
    for case in cases:
        res, modified = guarded_call(msd, make_positions(case))
        out.append({"msd": np.asarray(res, dtype=float).tolist(), "modified": modified})
    return out


def _msd_reference(x: np.ndarray) -> np.ndarray:
    d = x - x[:, :1]
    sq = d**2 if d.ndim == 2 else (d**2).sum(axis=2)
    return sq.mean(axis=0)


def judge_msd(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        x = make_positions(case).astype(float)
        want = _msd_reference(x)
        arr = as_array(got["msd"], (x.shape[1],), "msd")
        require_unmodified(f, got["modified"], "msd")
        ok = np.allclose(arr, want, rtol=1e-9, atol=1e-12)
        f.require(
            ok,
            f"msd is wrong for positions of shape {x.shape} "
            "(squared distance from each walker's own first position, averaged over walkers)",
        )
    return f.verdict()


MSD_CASES = [
    {"shape": [50, 20], "seed": 71_411},
    {"shape": [40, 25, 2], "seed": 71_412},
    {"shape": [30, 10, 3], "seed": 71_413},
    {"shape": [25, 12, 2], "integer": 1, "seed": 71_414},  # integer (lattice) positions
    {"shape": [1, 6], "seed": 71_415},  # one walker
]


# ---------------------------------------------------------------------------------------------------------
# fit_diffusion_coefficient(t, msd, dim) -> D
# ---------------------------------------------------------------------------------------------------------
def make_msd_series(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    t = np.arange(case["n"], dtype=float) * case["dt"]  # includes t = 0
    msd = 2 * case["dim"] * case["D"] * t * (1 + 0.1 * rng.normal(size=t.size)) + case["offset"]
    return t, msd


def probe_fit_diffusion_coefficient(fit_diffusion_coefficient, cases):
    out = []
    for case in cases:
        t, m = make_msd_series(case)
        if case.get("integer_t"):
            t = t.astype(int)
        res, modified = guarded_call(fit_diffusion_coefficient, t, m, case["dim"])
        out.append({"D": float(res), "modified": modified})
    return out


def judge_fit_diffusion_coefficient(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        t, m = make_msd_series(case)
        want = float(np.dot(t, m) / (2 * case["dim"] * np.dot(t, t)))
        require_unmodified(f, got["modified"], "fit_diffusion_coefficient")
        f.require(
            math.isclose(as_float(got["D"], "D"), want, rel_tol=1e-7),
            f"D is not the least-squares fit of ⟨r²⟩ = 2·dim·D·t through the origin (dim = {case['dim']})",
        )
    return f.verdict()


FIT_CASES = [
    {"n": 30, "dt": 0.5, "dim": 1, "D": 1.7, "offset": 0.0, "seed": 71_421},
    {"n": 40, "dt": 0.1, "dim": 2, "D": 0.3, "offset": 0.5, "seed": 71_422},
    {"n": 25, "dt": 2.0, "dim": 3, "D": 4.0, "offset": -2.0, "seed": 71_423},
    {"n": 12, "dt": 1.0, "dim": 2, "D": 0.25, "offset": 1.0, "integer_t": 1, "seed": 71_424},  # integer t
]


# ---------------------------------------------------------------------------------------------------------
# solve_diffusion_ftcs(n0, D, dx, dt, n_steps) -> profile
# ---------------------------------------------------------------------------------------------------------
def make_ftcs_inputs(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    n0 = rng.uniform(0.0, 10.0, size=case["cells"]) * (rng.uniform(size=case["cells"]) < 0.6)
    if case.get("integer"):
        n0 = np.rint(n0).astype(int)  # particle counts as an integer array
    D, dt, n_steps = case["D"], case["dt"], case["n_steps"]
    bad = case.get("bad")
    if bad == "negative":
        n0[1] = -1.0
    elif bad == "nan":
        n0[2] = float("nan")
    elif bad == "inf":
        n0[0] = float("inf")
    elif bad == "D":
        D = -D
    elif bad == "D_inf":
        D = float("inf")
    elif bad == "dt":
        dt = -dt
    elif bad == "n_steps":
        n_steps = -n_steps
    return n0, D, case["dx"], dt, n_steps


def probe_solve_diffusion_ftcs(solve_diffusion_ftcs, cases):
    import numpy as np

    out = []
    for case in cases:
        if case.get("bad"):
            out.append({"error": raised(lambda c=case: solve_diffusion_ftcs(*make_ftcs_inputs(c)))})
            continue
        try:
            res, modified = guarded_call(solve_diffusion_ftcs, *make_ftcs_inputs(case))
        except Exception as err:
            out.append({"error": type(err).__name__})
            continue
        res = np.asarray(res)
        out.append({"profile": res.astype(float).tolist(), "kind": res.dtype.kind, "modified": modified})
    return out


def _ftcs_reference(n0: np.ndarray, D: float, dx: float, dt: float, n_steps: int) -> np.ndarray:
    r = D * dt / dx**2
    n = n0.astype(float).copy()
    for _ in range(n_steps):
        flux = r * np.diff(n)  # flux from cell i+1 into cell i through each inner face; walls carry none
        n[:-1] += flux
        n[1:] -= flux
    return n


def judge_solve_diffusion_ftcs(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        bad = case.get("bad")
        if bad:
            require_raises(f, got.get("error"), f"solve_diffusion_ftcs with {_FTCS_BAD[bad]}")
            continue
        if not f.require("profile" in got, "the solver raised an error on valid input"):
            continue
        n0, D, dx, dt, n_steps = make_ftcs_inputs(case)
        want = _ftcs_reference(n0, D, dx, dt, n_steps)
        prof = as_array(got["profile"], (n0.size,), "profile")
        f.require(
            math.isclose(prof.sum(), n0.sum(), rel_tol=1e-9), "Σn must be conserved exactly (zero-flux walls)"
        )
        f.require(
            np.allclose(prof, want, rtol=1e-8, atol=1e-9),
            "the profile differs from the explicit scheme with zero-flux walls",
        )
        f.require(got.get("kind") == "f", "the profile must be a float array (also for integer input)")
        require_unmodified(f, got.get("modified"), "solve_diffusion_ftcs")
    return f.verdict()


_FTCS_BAD = {
    "unstable": "an unstable step (r > 1/2)",
    "dx": "dx <= 0",
    "negative": "a negative entry in n0",
    "nan": "a NaN in n0",
    "inf": "an infinite entry in n0",
    "D": "a negative D",
    "D_inf": "an infinite D",
    "dt": "a negative dt",
    "n_steps": "a negative n_steps",
}

FTCS_CASES = [
    {"cells": 40, "D": 1.0, "dx": 0.5, "dt": 0.1, "n_steps": 60, "seed": 71_431},  # r = 0.4
    {"cells": 25, "D": 0.2, "dx": 1.0, "dt": 2.5, "n_steps": 30, "seed": 71_432},  # r = 0.5, the limit
    {"cells": 12, "D": 3.0, "dx": 0.2, "dt": 0.001, "n_steps": 0, "seed": 71_433},  # no step
    {"cells": 20, "D": 1.0, "dx": 1.0, "dt": 0.3, "n_steps": 25, "integer": 1, "seed": 71_438},  # int counts
    {"cells": 2, "D": 0.5, "dx": 1.0, "dt": 0.8, "n_steps": 7, "seed": 71_439},  # two cells, r = 0.4
    {"cells": 15, "D": 0.0, "dx": 1.0, "dt": 0.1, "n_steps": 4, "seed": 71_440},  # D = 0 is allowed
    {"cells": 1, "D": 1.0, "dx": 1.0, "dt": 0.4, "n_steps": 3, "seed": 71_448},  # one cell: nothing moves
    {"cells": 2, "D": 1.0, "dx": 1.0, "dt": 0.3, "n_steps": 3, "seed": 71_449},  # two cells
    # r rounds to 0.5000000000000001: within the 1e-12 allowance, so it must be accepted
    {"cells": 10, "D": 0.1, "dx": 0.7, "dt": 2.4499999999999997, "n_steps": 3, "seed": 71_450},
    {"cells": 10, "D": 1.0, "dx": 1.0, "dt": 0.5 + 0.7e-12, "n_steps": 2, "seed": 71_451},  # still allowed
    {"cells": 30, "D": 1.0, "dx": 1.0, "dt": 0.6, "n_steps": 5, "seed": 71_434, "bad": "unstable"},
    {"cells": 30, "D": 1.0, "dx": 1.0, "dt": 0.500001, "n_steps": 5, "seed": 71_441, "bad": "unstable"},
    {"cells": 30, "D": 1.0, "dx": 1.0, "dt": 0.5 + 1.5e-12, "n_steps": 5, "seed": 71_452, "bad": "unstable"},
    {"cells": 30, "D": 1.0, "dx": -1.0, "dt": 0.1, "n_steps": 5, "seed": 71_435, "bad": "dx"},
    {"cells": 30, "D": 1.0, "dx": 0.0, "dt": 0.1, "n_steps": 5, "seed": 71_442, "bad": "dx"},
    {"cells": 30, "D": 1.0, "dx": 1.0, "dt": 0.1, "n_steps": 5, "seed": 71_436, "bad": "negative"},
    {"cells": 30, "D": 1.0, "dx": 1.0, "dt": 0.1, "n_steps": 5, "seed": 71_437, "bad": "nan"},
    {"cells": 30, "D": 1.0, "dx": 1.0, "dt": 0.1, "n_steps": 5, "seed": 71_443, "bad": "inf"},
    {"cells": 30, "D": 1.0, "dx": 1.0, "dt": 0.1, "n_steps": 5, "seed": 71_444, "bad": "D"},
    {"cells": 30, "D": 1.0, "dx": 1.0, "dt": 0.0, "n_steps": 5, "seed": 71_445, "bad": "D_inf"},
    {"cells": 30, "D": 1.0, "dx": 1.0, "dt": 0.1, "n_steps": 5, "seed": 71_446, "bad": "dt"},
    {"cells": 30, "D": 1.0, "dx": 1.0, "dt": 0.1, "n_steps": 5, "seed": 71_447, "bad": "n_steps"},
]


# ---------------------------------------------------------------------------------------------------------
# gaussian_profile(x, t, D, n_total)
# ---------------------------------------------------------------------------------------------------------
def probe_gaussian_profile(gaussian_profile, cases):
    import numpy as np

    out = []
    for case in cases:
        x = np.linspace(-case["half_width"], case["half_width"], 41)
        res, modified = guarded_call(gaussian_profile, x, case["t"], case["D"], case["n_total"])
        out.append({"n": np.asarray(res, dtype=float).tolist(), "modified": modified})
    return out


def judge_gaussian_profile(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        x = np.linspace(-case["half_width"], case["half_width"], 41)
        four_dt = 4 * case["D"] * case["t"]
        want = case["n_total"] * np.exp(-(x**2) / four_dt) / np.sqrt(np.pi * four_dt)
        f.require(
            np.allclose(as_array(got["n"], (41,), "profile"), want, rtol=1e-9, atol=1e-300),
            "the profile is not n_total·exp(−x²/4Dt)/√(4πDt)",
        )
        require_unmodified(f, got["modified"], "gaussian_profile")
    return f.verdict()


GAUSSIAN_CASES = [
    {"half_width": 5.0, "t": 1.0, "D": 1.0, "n_total": 1.0},
    {"half_width": 30.0, "t": 7.5, "D": 2.5, "n_total": 1000.0},
    {"half_width": 1e-5, "t": 10.0, "D": 4e-13, "n_total": 3.0},
]


# ---------------------------------------------------------------------------------------------------------
# simulate_langevin(n_particles, n_steps, dt, mass, gamma, kT, rng) -> (n_particles, n_steps + 1)
# ---------------------------------------------------------------------------------------------------------
def probe_simulate_langevin(simulate_langevin, cases):
    import numpy as np

    out = []
    for case in cases:
        x = simulate_langevin(
            case["n_particles"],
            case["n_steps"],
            case["dt"],
            case["mass"],
            case["gamma"],
            case["kT"],
            np.random.default_rng(case["seed"]),
        )
        x = np.asarray(x, dtype=float)
        idx = [i for i in case["sample_steps"] if i < x.shape[1]] if x.ndim == 2 else []
        xs = x[:, idx] if x.ndim == 2 else np.zeros((0, 0))
        scale = float(np.max(np.abs(xs))) if xs.size and np.all(np.isfinite(xs)) else 1.0
        scale = scale if scale > 0 else 1.0
        item = {
            "shape": list(x.shape),
            "x": np.round(xs / scale, 8).tolist(),  # relative to the largest value, to keep the data small
            "scale": scale,
            "x0_zero": bool(x.ndim == 2 and np.all(x[:, 0] == 0)),
        }
        if case.get("trials"):
            item["trials"] = rng_trials(
                lambda rng, c=case: simulate_langevin(6, 5, c["dt"], c["mass"], c["gamma"], c["kT"], rng),
                case["seed"] + 17,
            )
        out.append(item)
    return out


def langevin_msd(t: np.ndarray | float, mass: float, gamma: float, kT: float) -> np.ndarray:
    """Exact ⟨x²(t)⟩ of the Ornstein–Uhlenbeck velocity process started in equilibrium."""
    tau = mass / gamma
    t = np.asarray(t, dtype=float)
    return 2 * kT / gamma * (t - tau * (1 - np.exp(-t / tau)))


def judge_simulate_langevin(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    first: dict[int, np.ndarray] = {}  # case index -> x at the first sample step (for the twin comparison)
    for index, (case, got) in enumerate(zip(cases, data, strict=True)):
        n_p, n_s = case["n_particles"], case["n_steps"]
        if not f.require(
            tuple(got["shape"]) == (n_p, n_s + 1), "positions must have shape (n_particles, n_steps + 1)"
        ):
            continue
        steps = case["sample_steps"]
        x = as_array(got["x"], (n_p, len(steps)), "positions") * as_float(got["scale"], "scale")
        f.require(got["x0_zero"] is True, "every particle must start at x = 0")
        first[index] = x[:, 0]
        twin = case.get("twin_of")
        if twin is not None and twin in first and first[twin].size == n_p:
            r = float(np.corrcoef(x[:, 0], first[twin])[0, 1])
            f.require(
                abs(r) <= K_SIGMA / math.sqrt(n_p),
                "two calls with different seeds share their initial velocities: draw them from the rng "
                "argument",
            )
        t = np.asarray(steps, dtype=float) * case["dt"]
        want = langevin_msd(t, case["mass"], case["gamma"], case["kT"])
        got_msd = (x**2).mean(axis=0)
        # x(t) is Gaussian: the sample mean of x² has relative spread √(2/n); Euler–Maruyama adds a
        # bias of order dt/τ (either position update, with v before or after the step, is accepted).
        tau = case["mass"] / case["gamma"]
        tol = K_SIGMA * math.sqrt(2.0 / n_p) + 1.5 * case["dt"] / tau
        if case.get("trials"):
            require_rng_discipline(f, got.get("trials"), "simulate_langevin")
        # x(t) is a linear function of Gaussian velocities and kicks: Gaussian at every time (the whole
        # distribution, not only its variance: a uniform initial velocity of the right variance fails here)
        for j in range(len(steps)):
            power = float(np.mean(x[:, j] ** 2))
            u = x[:, j] / math.sqrt(power) if power > 0 else x[:, j]
            f.require(
                power > 0
                and ks_pvalue(u, "norm") >= P_MIN
                and abs(np.mean(u**4) - 3.0) <= K_SIGMA * math.sqrt(96.0 / n_p),
                "positions are not normally distributed: initial velocities and kicks must be Gaussian",
            )
        rel = np.abs(got_msd / want - 1)
        f.require(
            np.all(rel <= tol),
            "⟨x²(t)⟩ does not follow the Langevin (Ornstein–Uhlenbeck) law: check the "
            "initial Maxwell–Boltzmann velocities, the friction and the noise strength",
        )
        # increments are correlated over τ: corr(x(t1), x(t2)) matches the process, not a random fake
        cov = np.mean(x[:, 0] * x[:, -1])
        t1, t2 = t[0], t[-1]
        # ⟨x(t1)x(t2)⟩ = ½(⟨x²(t1)⟩ + ⟨x²(t2)⟩ − ⟨(x(t2) − x(t1))²⟩), stationarity of v
        want_cov = 0.5 * (
            langevin_msd(t1, case["mass"], case["gamma"], case["kT"])
            + want[-1]
            - langevin_msd(t2 - t1, case["mass"], case["gamma"], case["kT"])
        )
        sd = math.sqrt((want[0] * want[-1] + want_cov**2) / n_p)
        f.require(
            abs(cov - want_cov) <= K_SIGMA * sd + tol * abs(want_cov),
            "positions at different times are not correlated as a Langevin particle's are",
        )
    return f.verdict()


LANGEVIN_CASES = [
    # many particles over two short steps: x(dt) is (nearly) v(0)·dt, so it shows the initial velocities' law
    {
        "n_particles": 5000,
        "n_steps": 2,
        "dt": 0.05,
        "mass": 1.0,
        "gamma": 1.0,
        "kT": 1.0,
        "sample_steps": [1, 2],
        "seed": 71_453,
    },
    # the same call with another seed: x(dt) must be independent of the first call's (fresh velocities)
    {
        "n_particles": 5000,
        "n_steps": 2,
        "dt": 0.05,
        "mass": 1.0,
        "gamma": 1.0,
        "kT": 1.0,
        "sample_steps": [1],
        "twin_of": 0,
        "seed": 71_454,
    },
    # τ = m/γ = 2/3, γ/m not an integer; sampled at t = 0.15τ (ballistic), 1.5τ, 15τ and 60τ (diffusive)
    {
        "n_particles": 1500,
        "n_steps": 800,
        "dt": 0.05,
        "mass": 2.0,
        "gamma": 3.0,
        "kT": 0.5,
        "sample_steps": [2, 20, 200, 800],
        "trials": 1,
        "seed": 71_451,
    },
    # physical units: a 1 µm bead of mass 4.2e-15 kg in water (γ = 9.4e-9 kg/s, τ ≈ 0.45 µs)
    {
        "n_particles": 1500,
        "n_steps": 600,
        "dt": 2.2e-8,
        "mass": 4.2e-15,
        "gamma": 9.4e-9,
        "kT": 4.05e-21,
        "sample_steps": [2, 20, 200, 600],
        "seed": 71_452,
    },
]


# ---------------------------------------------------------------------------------------------------------
# stokes_einstein(temperature_k, viscosity_pa_s, radius_m) -> D in m²/s
# ---------------------------------------------------------------------------------------------------------
BOLTZMANN_J_PER_K = 1.380649e-23


def probe_stokes_einstein(stokes_einstein, cases):
    return [float(stokes_einstein(c["temperature_k"], c["viscosity_pa_s"], c["radius_m"])) for c in cases]


def judge_stokes_einstein(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        want = (
            BOLTZMANN_J_PER_K
            * case["temperature_k"]
            / (6 * math.pi * case["viscosity_pa_s"] * case["radius_m"])
        )
        f.require(
            math.isclose(as_float(got, "D"), want, rel_tol=1e-3),
            "D is not k_B·T / (6π·η·r) in m²/s (check the units and that r is the radius)",
        )
    return f.verdict()


STOKES_CASES = [
    {"temperature_k": 293.0, "viscosity_pa_s": 1.0e-3, "radius_m": 0.5e-6},
    {"temperature_k": 310.0, "viscosity_pa_s": 0.69e-3, "radius_m": 2.0e-9},
    {"temperature_k": 277.0, "viscosity_pa_s": 1.5, "radius_m": 1.0e-6},
]


# ---------------------------------------------------------------------------------------------------------
# avogadro_from_tracks(tracks_m, dt_s, temperature_k, viscosity_pa_s, radius_m) -> N_A
# ---------------------------------------------------------------------------------------------------------
GAS_CONSTANT_J_PER_MOL_K = 8.314462618


def make_tracks(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    n_beads, n_frames = case["n_beads"], case["n_frames"]
    step_sd = np.sqrt(2 * case["D"] * case["dt_s"])
    start = rng.uniform(-20e-6, 20e-6, size=(n_beads, 1, 2))
    true = start + np.cumsum(rng.normal(0, step_sd, size=(n_beads, n_frames, 2)), axis=1)
    return true + rng.normal(0, case["noise_m"], size=true.shape)


def probe_avogadro_from_tracks(avogadro_from_tracks, cases):
    out = []
    for c in cases:
        res, modified = guarded_call(
            avogadro_from_tracks,
            make_tracks(c),
            c["dt_s"],
            c["temperature_k"],
            c["viscosity_pa_s"],
            c["radius_m"],
        )
        out.append({"N_A": float(res), "modified": modified})
    return out


def avogadro_reference(
    tracks: np.ndarray, dt_s: float, temperature_k: float, viscosity_pa_s: float, radius_m: float
) -> float:
    disp = tracks[:, 1:, :] - tracks[:, :1, :]
    msd = (disp**2).sum(axis=2).mean(axis=0)
    t = dt_s * np.arange(1, tracks.shape[1])
    slope, _ = np.polyfit(t, msd, 1)
    D = slope / 4
    return GAS_CONSTANT_J_PER_MOL_K * temperature_k / (6 * math.pi * viscosity_pa_s * radius_m * D)


def judge_avogadro_from_tracks(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        want = avogadro_reference(
            make_tracks(case), case["dt_s"], case["temperature_k"], case["viscosity_pa_s"], case["radius_m"]
        )
        require_unmodified(f, got["modified"], "avogadro_from_tracks")
        f.require(
            math.isclose(as_float(got["N_A"], "N_A"), want, rel_tol=1e-6),
            "N_A does not follow from a least-squares line ⟨r²⟩ = 4Dt + c over lags 1 … n_frames − 1 "
            "of the ensemble MSD (relative to each bead's first frame)",
        )
    return f.verdict()


AVOGADRO_CASES = [
    {
        "n_beads": 30,
        "n_frames": 40,
        "dt_s": 0.5,
        "D": 4.3e-13,
        "noise_m": 30e-9,
        "temperature_k": 293.0,
        "viscosity_pa_s": 1.0e-3,
        "radius_m": 0.5e-6,
        "seed": 71_461,
    },
    {
        "n_beads": 12,
        "n_frames": 80,
        "dt_s": 0.1,
        "D": 1.0e-12,
        "noise_m": 60e-9,
        "temperature_k": 300.0,
        "viscosity_pa_s": 0.9e-3,
        "radius_m": 0.25e-6,
        "seed": 71_462,
    },
]


CHECKS = [
    Check(
        "random_walk",
        ("random_walk",),
        3,
        RANDOM_WALK_CASES,
        probe_random_walk,
        judge_random_walk,
        helpers=with_deps(rng_trials),
    ),
    Check(
        "msd",
        ("msd",),
        2,
        MSD_CASES,
        probe_msd,
        judge_msd,
        helpers=(make_positions, *with_deps(guarded_call)),
    ),
    Check(
        "fit_diffusion_coefficient",
        ("fit_diffusion_coefficient",),
        2,
        FIT_CASES,
        probe_fit_diffusion_coefficient,
        judge_fit_diffusion_coefficient,
        helpers=(make_msd_series, *with_deps(guarded_call)),
    ),
    Check(
        "solve_diffusion_ftcs",
        ("solve_diffusion_ftcs",),
        4,
        FTCS_CASES,
        probe_solve_diffusion_ftcs,
        judge_solve_diffusion_ftcs,
        helpers=(make_ftcs_inputs, *with_deps(guarded_call, raised)),
    ),
    Check(
        "gaussian_profile",
        ("gaussian_profile",),
        1,
        GAUSSIAN_CASES,
        probe_gaussian_profile,
        judge_gaussian_profile,
        helpers=with_deps(guarded_call),
    ),
    Check(
        "simulate_langevin",
        ("simulate_langevin",),
        3,
        LANGEVIN_CASES,
        probe_simulate_langevin,
        judge_simulate_langevin,
        helpers=with_deps(rng_trials),
    ),
    Check(
        "stokes_einstein", ("stokes_einstein",), 1, STOKES_CASES, probe_stokes_einstein, judge_stokes_einstein
    ),
    Check(
        "avogadro_from_tracks",
        ("avogadro_from_tracks",),
        3,
        AVOGADRO_CASES,
        probe_avogadro_from_tracks,
        judge_avogadro_from_tracks,
        helpers=(make_tracks, *with_deps(guarded_call)),
    ),
]
