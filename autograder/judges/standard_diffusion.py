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


# ---------------------------------------------------------------------------------------------------------
# random_walk(n_walkers, n_steps, dim, rng) -> (n_walkers, n_steps + 1, dim)
# ---------------------------------------------------------------------------------------------------------
def probe_random_walk(random_walk, cases):
    import numpy as np

    out = []
    for case in cases:
        x = random_walk(case["n_walkers"], case["n_steps"], case["dim"], np.random.default_rng(case["seed"]))
        x = np.asarray(x)
        out.append(
            {
                "shape": list(x.shape),
                "kind": x.dtype.kind,
                "x": np.rint(x).astype(int).tolist(),
                "integral": bool(np.all(x == np.rint(x))),
            }
        )
    return out


def judge_random_walk(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
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
        steps = np.diff(x, axis=1).reshape(-1, dim)
        unit = np.abs(steps).sum(axis=1) == 1
        if not f.require(np.all(unit), "each step must move by ±1 along exactly one axis"):
            continue
        # which of the 2·dim moves each step made: axis*2 + (sign > 0)
        axis = np.argmax(np.abs(steps), axis=1)
        move = 2 * axis + (steps[np.arange(len(steps)), axis] > 0)
        m, p = len(move), 1.0 / (2 * dim)
        counts = np.bincount(move, minlength=2 * dim)
        sigma = math.sqrt(m * p * (1 - p))
        f.require(
            np.all(np.abs(counts - m * p) <= K_SIGMA * sigma),
            "the 2·dim possible moves are not equally likely",
        )
        # successive steps of a walker are independent: P(same move twice) = 1/(2 dim)
        mv = move.reshape(n_w, n_s)
        same_next = (mv[:, 1:] == mv[:, :-1]).ravel()
        sig = math.sqrt(p * (1 - p) / same_next.size)
        f.require(
            abs(same_next.mean() - p) <= K_SIGMA * sig, "successive steps of a walker are not independent"
        )
        # different walkers are independent: P(walker i and i+1 make the same move) = 1/(2 dim)
        same_walker = (mv[1:] == mv[:-1]).ravel()
        sig = math.sqrt(p * (1 - p) / same_walker.size)
        f.require(abs(same_walker.mean() - p) <= K_SIGMA * sig, "different walkers do not move independently")
        # ⟨r²⟩ = n at the last step; Var(r²) ≤ 3 n² bounds the spread in any dimension
        r2 = (x[:, -1] ** 2).sum(axis=1)
        f.require(
            abs(r2.mean() - n_s) <= K_SIGMA * math.sqrt(3.0 * n_s**2 / n_w),
            "the mean squared distance after n steps is not n",
        )
    return f.verdict()


RANDOM_WALK_CASES = [
    {"n_walkers": 200, "n_steps": 30, "dim": 1, "seed": 71_401},
    {"n_walkers": 200, "n_steps": 30, "dim": 2, "seed": 71_402},
    {"n_walkers": 150, "n_steps": 30, "dim": 3, "seed": 71_403},
]


# ---------------------------------------------------------------------------------------------------------
# msd(positions) -> (n_times,)
# ---------------------------------------------------------------------------------------------------------
def make_positions(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    shape = tuple(case["shape"])
    start = rng.normal(0.0, 5.0, size=(shape[0], 1) + shape[2:])  # walkers do not start at the origin
    return start + np.cumsum(rng.normal(size=shape), axis=1)


def probe_msd(msd, cases):
    import numpy as np

    return [np.asarray(msd(make_positions(case)), dtype=float).tolist() for case in cases]


def _msd_reference(x: np.ndarray) -> np.ndarray:
    d = x - x[:, :1]
    sq = d**2 if d.ndim == 2 else (d**2).sum(axis=2)
    return sq.mean(axis=0)


def judge_msd(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        x = make_positions(case)
        want = _msd_reference(x)
        arr = as_array(got, (x.shape[1],), "msd")
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
        out.append(float(fit_diffusion_coefficient(t, m, case["dim"])))
    return out


def judge_fit_diffusion_coefficient(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        t, m = make_msd_series(case)
        want = float(np.dot(t, m) / (2 * case["dim"] * np.dot(t, t)))
        f.require(
            math.isclose(as_float(got, "D"), want, rel_tol=1e-7),
            f"D is not the least-squares fit of ⟨r²⟩ = 2·dim·D·t through the origin (dim = {case['dim']})",
        )
    return f.verdict()


FIT_CASES = [
    {"n": 30, "dt": 0.5, "dim": 1, "D": 1.7, "offset": 0.0, "seed": 71_421},
    {"n": 40, "dt": 0.1, "dim": 2, "D": 0.3, "offset": 0.5, "seed": 71_422},
    {"n": 25, "dt": 2.0, "dim": 3, "D": 4.0, "offset": -2.0, "seed": 71_423},
]


# ---------------------------------------------------------------------------------------------------------
# solve_diffusion_ftcs(n0, D, dx, dt, n_steps) -> profile
# ---------------------------------------------------------------------------------------------------------
def make_ftcs_inputs(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    n0 = rng.uniform(0.0, 10.0, size=case["cells"]) * (rng.uniform(size=case["cells"]) < 0.6)
    return n0, case["D"], case["dx"], case["dt"], case["n_steps"]


def probe_solve_diffusion_ftcs(solve_diffusion_ftcs, cases):
    import numpy as np

    out = []
    for case in cases:
        n0, D, dx, dt, n_steps = make_ftcs_inputs(case)
        if case.get("bad") == "negative":
            n0[1] = -1.0
        elif case.get("bad") == "nan":
            n0[2] = float("nan")
        kept = n0.copy()
        try:
            res = solve_diffusion_ftcs(n0, D, dx, dt, n_steps)
        except Exception as err:
            out.append({"error": type(err).__name__})
            continue
        out.append(
            {
                "profile": np.asarray(res, dtype=float).tolist(),
                "input_unchanged": bool(np.array_equal(kept, n0, equal_nan=True)),
            }
        )
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
            f.require(got.get("error") == "ValueError", f"invalid input ({bad}) must raise ValueError")
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
        f.require(got.get("input_unchanged", False), "the solver must not modify its input array")
    return f.verdict()


FTCS_CASES = [
    {"cells": 40, "D": 1.0, "dx": 0.5, "dt": 0.1, "n_steps": 60, "seed": 71_431},  # r = 0.4
    {"cells": 25, "D": 0.2, "dx": 1.0, "dt": 2.5, "n_steps": 30, "seed": 71_432},  # r = 0.5, the limit
    {"cells": 12, "D": 3.0, "dx": 0.2, "dt": 0.001, "n_steps": 0, "seed": 71_433},  # no step
    {"cells": 30, "D": 1.0, "dx": 1.0, "dt": 0.6, "n_steps": 5, "seed": 71_434, "bad": "unstable"},
    {"cells": 30, "D": 1.0, "dx": -1.0, "dt": 0.1, "n_steps": 5, "seed": 71_435, "bad": "dx"},
    {"cells": 30, "D": 1.0, "dx": 1.0, "dt": 0.1, "n_steps": 5, "seed": 71_436, "bad": "negative"},
    {"cells": 30, "D": 1.0, "dx": 1.0, "dt": 0.1, "n_steps": 5, "seed": 71_437, "bad": "nan"},
]


# ---------------------------------------------------------------------------------------------------------
# gaussian_profile(x, t, D, n_total)
# ---------------------------------------------------------------------------------------------------------
def probe_gaussian_profile(gaussian_profile, cases):
    import numpy as np

    out = []
    for case in cases:
        x = np.linspace(-case["half_width"], case["half_width"], 41)
        out.append(
            np.asarray(gaussian_profile(x, case["t"], case["D"], case["n_total"]), dtype=float).tolist()
        )
    return out


def judge_gaussian_profile(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        x = np.linspace(-case["half_width"], case["half_width"], 41)
        four_dt = 4 * case["D"] * case["t"]
        want = case["n_total"] * np.exp(-(x**2) / four_dt) / np.sqrt(np.pi * four_dt)
        f.require(
            np.allclose(as_array(got, (41,), "profile"), want, rtol=1e-9, atol=1e-300),
            "the profile is not n_total·exp(−x²/4Dt)/√(4πDt)",
        )
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
        out.append(
            {
                "shape": list(x.shape),
                "x": x[:, idx].tolist() if x.ndim == 2 else [],
                "x0": x[:, 0].tolist() if x.ndim == 2 else [],
            }
        )
    return out


def langevin_msd(t: np.ndarray | float, mass: float, gamma: float, kT: float) -> np.ndarray:
    """Exact ⟨x²(t)⟩ of the Ornstein–Uhlenbeck velocity process started in equilibrium."""
    tau = mass / gamma
    t = np.asarray(t, dtype=float)
    return 2 * kT / gamma * (t - tau * (1 - np.exp(-t / tau)))


def judge_simulate_langevin(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        n_p, n_s = case["n_particles"], case["n_steps"]
        if not f.require(
            tuple(got["shape"]) == (n_p, n_s + 1), "positions must have shape (n_particles, n_steps + 1)"
        ):
            continue
        steps = case["sample_steps"]
        x = as_array(got["x"], (n_p, len(steps)), "positions")
        f.require(np.all(as_array(got["x0"], (n_p,), "x0") == 0), "every particle must start at x = 0")
        t = np.asarray(steps, dtype=float) * case["dt"]
        want = langevin_msd(t, case["mass"], case["gamma"], case["kT"])
        got_msd = (x**2).mean(axis=0)
        # x(t) is Gaussian: the sample mean of x² has relative spread √(2/n); Euler–Maruyama adds a
        # bias of order dt/τ (either position update, with v before or after the step, is accepted).
        tau = case["mass"] / case["gamma"]
        tol = K_SIGMA * math.sqrt(2.0 / n_p) + 1.5 * case["dt"] / tau
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
    # τ = m/γ = 1; sampled at t = 0.1τ (ballistic), 1τ, 10τ and 40τ (diffusive)
    {
        "n_particles": 1500,
        "n_steps": 800,
        "dt": 0.05,
        "mass": 2.0,
        "gamma": 2.0,
        "kT": 0.5,
        "sample_steps": [2, 20, 200, 800],
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
        tracks = make_tracks(c)
        out.append(
            float(
                avogadro_from_tracks(
                    tracks, c["dt_s"], c["temperature_k"], c["viscosity_pa_s"], c["radius_m"]
                )
            )
        )
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
        f.require(
            math.isclose(as_float(got, "N_A"), want, rel_tol=1e-6),
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
    Check("random_walk", ("random_walk",), 3, RANDOM_WALK_CASES, probe_random_walk, judge_random_walk),
    Check("msd", ("msd",), 2, MSD_CASES, probe_msd, judge_msd, helpers=(make_positions,)),
    Check(
        "fit_diffusion_coefficient",
        ("fit_diffusion_coefficient",),
        2,
        FIT_CASES,
        probe_fit_diffusion_coefficient,
        judge_fit_diffusion_coefficient,
        helpers=(make_msd_series,),
    ),
    Check(
        "solve_diffusion_ftcs",
        ("solve_diffusion_ftcs",),
        4,
        FTCS_CASES,
        probe_solve_diffusion_ftcs,
        judge_solve_diffusion_ftcs,
        helpers=(make_ftcs_inputs,),
    ),
    Check(
        "gaussian_profile",
        ("gaussian_profile",),
        1,
        GAUSSIAN_CASES,
        probe_gaussian_profile,
        judge_gaussian_profile,
    ),
    Check(
        "simulate_langevin",
        ("simulate_langevin",),
        3,
        LANGEVIN_CASES,
        probe_simulate_langevin,
        judge_simulate_langevin,
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
        helpers=(make_tracks,),
    ),
]
