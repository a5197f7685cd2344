"""Graded checks of unit 03, Life at low Reynolds number: probes (student's kernel) and judges (run here).

Conventions are those of ``standard_diffusion.py`` (see CONTRIBUTING.md). The swimmer judge compares with the
exact displacement for arms that change linearly between the student's samples (a grader-side Simpson rule on
8 substeps per interval), with a tolerance of order (time step)²; the run-and-tumble judge uses exact
discrete-time moments, k·σ tolerances and whole-distribution tests of the directions, and checks that all
randomness comes from ``rng`` and that no input is modified.

Cases are written into the hidden cells as JSON (``Check.cell_source``), so they hold numbers, strings and
lists only: no True/False/None (JSON's true/false/null are not Python). Optional keys are simply absent.
"""

from __future__ import annotations

import functools
import json
import math
from typing import Any

import numpy as np

from autograder.checks import K_SIGMA, Cases, Check, Findings, Verdict, as_array, as_float
from autograder.probes import (
    P_MIN,
    guarded_call,
    ks_pvalue,
    require_rng_discipline,
    require_unmodified,
    rng_trials,
    with_deps,
)


# ---------------------------------------------------------------------------------------------------------
# reynolds_number(speed_m_s, length_m, density_kg_m3, viscosity_pa_s) -> ρ v L / η
# ---------------------------------------------------------------------------------------------------------
def probe_reynolds_number(reynolds_number, cases):
    return [
        float(reynolds_number(c["speed_m_s"], c["length_m"], c["density_kg_m3"], c["viscosity_pa_s"]))
        for c in cases
    ]


def judge_reynolds_number(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        want = case["density_kg_m3"] * case["speed_m_s"] * case["length_m"] / case["viscosity_pa_s"]
        f.require(
            math.isclose(as_float(got, "R"), want, rel_tol=1e-9),
            "R is not density · speed · length / dynamic viscosity (all SI)",
        )
    return f.verdict()


REYNOLDS_CASES = [
    {"speed_m_s": 1.0, "length_m": 1.0, "density_kg_m3": 1000.0, "viscosity_pa_s": 1.0e-3},
    {"speed_m_s": 30e-6, "length_m": 2e-6, "density_kg_m3": 1000.0, "viscosity_pa_s": 1.0e-3},
    {"speed_m_s": 0.05, "length_m": 0.1, "density_kg_m3": 1380.0, "viscosity_pa_s": 2.0},
    {"speed_m_s": 250.0, "length_m": 30.0, "density_kg_m3": 1.2, "viscosity_pa_s": 1.8e-5},
]


# ---------------------------------------------------------------------------------------------------------
# coasting(speed_m_s, radius_m, density_kg_m3, viscosity_pa_s) -> (stopping_time_s, distance_m)
# ---------------------------------------------------------------------------------------------------------
def probe_coasting(coasting, cases):
    out = []
    for c in cases:
        res = coasting(c["speed_m_s"], c["radius_m"], c["density_kg_m3"], c["viscosity_pa_s"])
        out.append([float(v) for v in res])
    return out


def judge_coasting(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        pair = as_array(got, (2,), "(stopping_time_s, distance_m)")
        tau = 2 * case["density_kg_m3"] * case["radius_m"] ** 2 / (9 * case["viscosity_pa_s"])
        f.require(
            math.isclose(pair[0], tau, rel_tol=1e-9),
            "the stopping time is not m/(6πηa) for a sphere of density ρ and radius a",
        )
        f.require(
            math.isclose(pair[1], case["speed_m_s"] * tau, rel_tol=1e-9),
            "the coasting distance is not the integral of the exponentially decaying speed",
        )
    return f.verdict()


COASTING_CASES = [
    {"speed_m_s": 30e-6, "radius_m": 1e-6, "density_kg_m3": 1000.0, "viscosity_pa_s": 1.0e-3},
    {"speed_m_s": 2e-3, "radius_m": 50e-6, "density_kg_m3": 1050.0, "viscosity_pa_s": 1.0e-3},
    {"speed_m_s": 0.01, "radius_m": 1e-3, "density_kg_m3": 7800.0, "viscosity_pa_s": 1.5},
]


# ---------------------------------------------------------------------------------------------------------
# peclet_number(speed, length, D) -> v L / D ; outrun_length(D, speed) -> D / v
# ---------------------------------------------------------------------------------------------------------
def probe_peclet_number(peclet_number, cases):
    return [float(peclet_number(c["speed"], c["length"], c["D"])) for c in cases]


def judge_peclet_number(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        want = case["speed"] * case["length"] / case["D"]
        f.require(math.isclose(as_float(got, "S"), want, rel_tol=1e-9), "S is not speed · length / D")
    return f.verdict()


PECLET_CASES = [
    {"speed": 30e-6, "length": 1e-6, "D": 1e-9},
    {"speed": 3.0, "length": 0.5, "D": 0.25},
    {"speed": 1e-3, "length": 2e-2, "D": 2e-9},
]


def probe_outrun_length(outrun_length, cases):
    return [float(outrun_length(c["D"], c["speed"])) for c in cases]


def judge_outrun_length(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        want = case["D"] / case["speed"]
        f.require(
            math.isclose(as_float(got, "length"), want, rel_tol=1e-9),
            "the outrun length is not the distance at which swimming and diffusion take equal times",
        )
    return f.verdict()


OUTRUN_CASES = [
    {"D": 1e-9, "speed": 30e-6},
    {"D": 0.5, "speed": 4.0},
    {"D": 7e-10, "speed": 2e-6},
]


# ---------------------------------------------------------------------------------------------------------
# three_sphere_swimmer(L1, L2, t, radius, viscosity=1.0) -> (n_times,)
# ---------------------------------------------------------------------------------------------------------
def make_stroke(case, refine=1):
    import numpy as np

    n = (case["n"] - 1) * refine + 1
    u = np.linspace(0.0, 1.0, n)
    period = case["period"]
    if case["kind"] == "harmonic":
        cycles = case["cycles"]
        warp = case.get("warp", 0.0)  # non-uniform sampling: still monotone for |warp| < 1
        s = u + warp * np.sin(2 * np.pi * cycles * u) / (2 * np.pi * cycles)
        t = period * cycles * s
        phase = 2 * np.pi * t / period
        l1 = case["L1"] + case["d1"] * np.cos(phase)
        l2 = case["L2"] + case["d2"] * np.cos(phase - case["phi"])
    else:  # reciprocal: out and back along one path in shape space, at different speeds
        t = period * u
        theta = case["theta_max"] * np.sin(np.pi * u ** case["skew"]) ** 2
        if case["kind"] == "reciprocal_arc":
            l1 = case["L1"] + case["d1"] * np.cos(theta)
            l2 = case["L2"] + case["d2"] * np.sin(theta)
        else:
            l1 = case["L1"] + case["d1"] * theta
            l2 = case["L2"] - case["d2"] * theta
    return t, l1, l2


def probe_three_sphere_swimmer(three_sphere_swimmer, cases):
    import numpy as np

    out = []
    for case in cases:
        t, l1, l2 = make_stroke(case)
        if case["viscosity"] == 1.0:
            x, modified = guarded_call(three_sphere_swimmer, l1, l2, t, case["radius"])
        else:
            x, modified = guarded_call(
                three_sphere_swimmer, l1, l2, t, case["radius"], viscosity=case["viscosity"]
            )
        x = np.asarray(x, dtype=float)
        every = case["every"]
        out.append(
            {"shape": list(x.shape), "x": x[::every].tolist() if x.ndim == 1 else [], "modified": modified}
        )
    return out


def _centre_velocity(l1: np.ndarray, l2: np.ndarray, r1: np.ndarray, r2: np.ndarray, a: float) -> np.ndarray:
    """Velocity of the mean sphere position (force-free, Oseen-coupled), arrays of configurations (μ = 1)."""
    n = l1.size
    s = np.full(n, 1 / (6 * np.pi * a))
    o12, o23, o13 = 1 / (4 * np.pi * l1), 1 / (4 * np.pi * l2), 1 / (4 * np.pi * (l1 + l2))
    m = np.stack(
        [np.stack([s, o12, o13], -1), np.stack([o12, s, o23], -1), np.stack([o13, o23, s], -1)], axis=1
    )
    a_mat = np.stack([m[:, 1] - m[:, 0], m[:, 2] - m[:, 1], np.ones((n, 3))], axis=1)
    rhs = np.stack([r1, r2, np.zeros(n)], axis=-1)[..., None]
    forces = np.linalg.solve(a_mat, rhs)
    return (m @ forces)[..., 0].mean(axis=1)


def swimmer_reference(t: np.ndarray, l1: np.ndarray, l2: np.ndarray, a: float) -> np.ndarray:
    """Centre displacement: Simpson's rule (RK4) on each interval, arm lengths linear within it."""
    h = np.diff(t)
    r1, r2 = np.diff(l1) / h, np.diff(l2) / h
    v0 = _centre_velocity(l1[:-1], l2[:-1], r1, r2, a)
    vm = _centre_velocity(0.5 * (l1[:-1] + l1[1:]), 0.5 * (l2[:-1] + l2[1:]), r1, r2, a)
    v1 = _centre_velocity(l1[1:], l2[1:], r1, r2, a)
    return np.concatenate([[0.0], np.cumsum(h * (v0 + 4 * vm + v1) / 6)])


# The contract: arm lengths change linearly between the samples, and V is integrated over each interval
# with an error of O(h³) or smaller (midpoint, trapezoid, Simpson/RK4), so the result is exact for that
# motion up to C_DT · (largest step / stroke period)² · (scale of the motion = range of X plus |net
# displacement|). Measured on these cases, in those units: RK4/Simpson err by ≤ 1e-6, the trapezoid by ≤ 0.24
# and the midpoint rule by ≤ 0.12; first-order schemes miss by ≥ 6.6 (left or right Riemann sums), ≥ 4.4
# (a Simpson rule with a misplaced stage) and ≥ 63 (np.gradient arm rates instead of the linear ones), and
# wrong physics by far more.
C_DT = 1.0
SCALING_TOLERANCE = 0.05  # small strokes: displacement per cycle ∝ d1·d2·sin(φ) within 5 %
SUBSTEPS = 8  # Simpson substeps per student interval for the grader-side reference


@functools.lru_cache(maxsize=64)
def _swimmer_truth(case_json: str) -> np.ndarray:
    """The exact displacement for arms linear between the case's samples (Simpson on 8 substeps; cached)."""
    case = json.loads(case_json)
    t, l1, l2 = make_stroke(case)
    u = np.linspace(0.0, 1.0, SUBSTEPS + 1)[:-1]
    tf = np.append((t[:-1, None] + np.diff(t)[:, None] * u).ravel(), t[-1])
    x = swimmer_reference(tf, np.interp(tf, t, l1), np.interp(tf, t, l2), case["radius"])
    return x[::SUBSTEPS]


def judge_three_sphere_swimmer(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    ratios = []
    for case, got in zip(cases, data, strict=True):
        t, l1, l2 = make_stroke(case)
        if not f.require(tuple(got["shape"]) == (t.size,), "the displacement must have shape (n_times,)"):
            continue
        every = case["every"]
        x = as_array(got["x"], (len(range(0, t.size, every)),), "displacement")
        truth = _swimmer_truth(json.dumps(dict(case), sort_keys=True))[::every]
        scale = float(np.ptp(truth) + abs(truth[-1]))
        tol = C_DT * (float(np.max(np.diff(t))) / case["period"]) ** 2 * scale
        require_unmodified(f, got.get("modified"), "three_sphere_swimmer")
        f.require(abs(x[0]) <= 1e-12 * max(scale, 1e-300), "the displacement must start at 0")
        if case["kind"] == "harmonic":
            f.require(
                np.all(np.abs(x - truth) <= tol),
                "the centre's displacement does not follow force-free spheres with Stokes drag and Oseen "
                "coupling, arms changing linearly between samples, integrated to second order or better "
                "(check the mobilities, the force balance, the sign convention and the integration rule)",
            )
            if case.get("scaling"):
                ratios.append(x[-1] / (case["d1"] * case["d2"] * math.sin(case["phi"]) * case["cycles"]))
        else:
            f.require(
                abs(x[-1] - x[0]) <= tol + abs(truth[-1]),
                "a reciprocal stroke must bring the swimmer back to its start (scallop theorem)",
            )
            f.require(
                np.all(np.abs(x - truth) <= tol),
                "during a reciprocal stroke the centre must still move back and forth as the Oseen-coupled "
                "spheres dictate",
            )
    if ratios:
        r = np.asarray(ratios)
        f.require(
            np.all(np.abs(r / r.mean() - 1) <= SCALING_TOLERANCE),
            "for small strokes the net displacement per cycle must scale as d1 · d2 · sin(phase lag)",
        )
    return f.verdict()


_SMALL = {
    "kind": "harmonic",
    "L1": 1.0,
    "L2": 1.0,
    "radius": 0.1,
    "viscosity": 1.0,
    "period": 1.0,
    "cycles": 1,
}
SWIMMER_CASES = [
    {**_SMALL, "d1": 0.3, "d2": 0.3, "phi": math.pi / 2, "cycles": 2, "n": 401, "every": 8},
    {
        "kind": "harmonic",
        "L1": 1.0,
        "L2": 1.4,
        "d1": 0.2,
        "d2": 0.35,
        "phi": -math.pi / 3,
        "radius": 0.05,
        "viscosity": 1e-3,
        "period": 2.5,
        "cycles": 1,
        "warp": 0.6,
        "n": 301,
        "every": 6,
    },
    {
        "kind": "reciprocal_arc",
        "L1": 1.0,
        "L2": 1.0,
        "d1": 0.3,
        "d2": 0.3,
        "theta_max": math.pi / 2,
        "skew": 2.0,
        "radius": 0.1,
        "viscosity": 1.0,
        "period": 1.0,
        "n": 301,
        "every": 6,
    },
    {
        "kind": "reciprocal_line",
        "L1": 1.2,
        "L2": 0.9,
        "d1": 0.2,
        "d2": 0.1,
        "theta_max": 1.0,
        "skew": 0.5,
        "radius": 0.08,
        "viscosity": 2.0,
        "period": 3.0,
        "n": 201,
        "every": 5,
    },
    {**_SMALL, "d1": 0.05, "d2": 0.05, "phi": math.pi / 2, "n": 201, "every": 10, "scaling": 1},
    {**_SMALL, "d1": 0.025, "d2": 0.05, "phi": math.pi / 2, "n": 201, "every": 10, "scaling": 1},
    {**_SMALL, "d1": 0.05, "d2": 0.02, "phi": math.pi / 2, "n": 201, "every": 10, "scaling": 1},
    {**_SMALL, "d1": 0.05, "d2": 0.05, "phi": math.pi / 6, "n": 201, "every": 10, "scaling": 1},
    {**_SMALL, "d1": 0.04, "d2": 0.04, "phi": -2 * math.pi / 3, "n": 201, "every": 10, "scaling": 1},
]


# ---------------------------------------------------------------------------------------------------------
# run_and_tumble(n_cells, t_max, dt, speed, tumble_rate, rng, gradient=None, bias=0.0)
#   -> (n_cells, n_times, 3)
# ---------------------------------------------------------------------------------------------------------
def probe_run_and_tumble(run_and_tumble, cases):
    import numpy as np

    out = []
    for case in cases:
        rng = np.random.default_rng(case["seed"])
        args = (case["n_cells"], case["t_max"], case["dt"], case["speed"], case["tumble_rate"], rng)
        if "gradient" in case:
            x, modified = guarded_call(
                run_and_tumble, *args, gradient=np.array(case["gradient"]), bias=case["bias"]
            )
        else:
            x, modified = guarded_call(run_and_tumble, *args)
        x = np.asarray(x, dtype=float)
        item = {"shape": list(x.shape), "modified": modified}
        if x.ndim == 3 and x.shape[1] > max(case["sample"]):
            if case.get("axis") is not None:  # one coordinate of every cell (the gradient's axis)
                item["x"] = np.round(x[:, case["sample"], case["axis"]], 6).tolist()
            else:
                item["x"] = np.round(x[:, case["sample"]], 6).tolist()
            item["paths"] = np.round(x[: case["n_paths"]], 6).tolist()
        if case.get("trials"):
            item["trials"] = rng_trials(
                lambda g, c=case: run_and_tumble(5, 1.0, 0.1, c["speed"], c["tumble_rate"], g),
                case["seed"] + 17,
            )
        out.append(item)
    return out


def _n_times(t_max: float, dt: float) -> int:
    return int(math.floor(t_max / dt + 1e-9)) + 1


def run_tumble_msd(n: np.ndarray, step: float, q: float) -> np.ndarray:
    """Exact ⟨|x_n|²⟩ after n steps of length ``step``; a direction persists with probability q per step."""
    out = []
    for k in np.atleast_1d(n):
        m = np.arange(1, k)
        out.append(step**2 * (k + 2 * np.sum((k - m) * q**m)))
    return np.asarray(out, dtype=float)


def run_tumble_drift(n: np.ndarray, step: float, p_up: float, p_down: float) -> np.ndarray:
    """Exact ⟨x_n · g⟩ with tumble probabilities p_up (moving up the gradient) and p_down (moving down).

    Each step moves first and tumbles after, so step 1 uses the initial (isotropic) direction. Between
    tumbles a direction is uniform within its hemisphere, where ⟨u · g⟩ = ±1/2.
    """
    up, mean = 0.5, [0.0]
    for _ in range(int(np.max(n))):
        mean.append(mean[-1] + step * (2 * up - 1) / 2)
        up = up * (1 - p_up / 2) + (1 - up) * p_down / 2
    return np.asarray(mean)[np.asarray(n)]


def _directions(steps: np.ndarray) -> np.ndarray:
    return steps / np.linalg.norm(steps, axis=-1, keepdims=True)


def _legendre4(u: np.ndarray) -> np.ndarray:
    """P4(u) = (35u⁴ − 30u² + 3)/8: mean 0 and variance 1/9 for a component of a uniform unit vector."""
    return (35 * u**4 - 30 * u**2 + 3) / 8


def judge_run_and_tumble(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    fresh: list[np.ndarray] = []  # directions drawn uniformly on the sphere (initial and after tumbles)
    fresh_z: list[np.ndarray] = []  # z components of further initial directions
    turns: list[np.ndarray] = []  # cos(angle) between the directions before and after a tumble
    for case, got in zip(cases, data, strict=True):
        n_c, dt, v, rate = case["n_cells"], case["dt"], case["speed"], case["tumble_rate"]
        n_t = _n_times(case["t_max"], dt)
        if not f.require(
            tuple(got["shape"]) == (n_c, n_t, 3),
            "positions must have shape (n_cells, floor(t_max/dt + 1e-9) + 1, 3)",
        ):
            continue
        require_unmodified(f, got.get("modified"), "run_and_tumble")
        if case.get("trials"):
            require_rng_discipline(f, got.get("trials"), "run_and_tumble")
        if "x" not in case.get("tests", ["x"]):
            continue
        sample = case["sample"]
        step = v * dt
        axis = case.get("axis")
        x_shape = (n_c, len(sample)) if axis is not None else (n_c, len(sample), 3)
        x = as_array(got["x"], x_shape, "positions")
        paths = as_array(got["paths"], (case["n_paths"], n_t, 3), "paths")
        f.require(np.all(x[:, 0] == 0) and np.all(paths[:, 0] == 0), "every cell must start at the origin")
        steps = np.diff(paths, axis=1)
        f.require(
            np.allclose(np.linalg.norm(steps, axis=-1), step, rtol=1e-4, atol=0),
            "every step must move a cell by speed · dt",
        )
        u = _directions(steps)
        changed = np.linalg.norm(np.diff(u, axis=1), axis=-1) > 1e-3
        if sample[1] == 1 and axis is None:
            fresh.append(_directions(x[:, 1]))
        elif sample[1] == 1:
            fresh_z.append(np.clip(x[:, 1] / step, -1.0, 1.0))
        if case.get("fresh"):
            fresh.append(u[:, 0])
            fresh.append(u[:, 1:][changed])
            turns.append(np.sum(u[:, 1:] * u[:, :-1], axis=-1)[changed])
        g = np.asarray(case.get("gradient", [0.0, 0.0, 1.0]), dtype=float)
        moving_up = (u[:, :-1] @ g) > 0
        if "gradient" not in case:
            p = 1 - math.exp(-rate * dt)
            f.require(
                abs(changed.mean() - p) <= K_SIGMA * math.sqrt(p * (1 - p) / changed.size),
                "cells do not tumble with probability 1 − exp(−rate · dt) per step",
            )
            if "msd" in case.get("tests", ["msd"]):
                r2 = (x**2).sum(axis=-1)[:, 1:]
                want = run_tumble_msd(np.asarray(sample[1:]), step, math.exp(-rate * dt))
                sd = r2.std(axis=0) / math.sqrt(n_c)
                f.require(
                    np.all(np.abs(r2.mean(axis=0) - want) <= K_SIGMA * sd + 1e-12 * want),
                    "⟨r²(t)⟩ does not match run-and-tumble motion with the given speed and tumble rate "
                    "(long-time D_eff = v²τ/3)",
                )
                mean_sd = x[:, -1].std(axis=0) / math.sqrt(n_c)
                f.require(
                    np.all(np.abs(x[:, -1].mean(axis=0)) <= K_SIGMA * mean_sd),
                    "unbiased cells must not drift",
                )
        else:
            b = case["bias"]
            p_up, p_down = 1 - math.exp(-rate * (1 - b) * dt), 1 - math.exp(-rate * dt)
            for mask, p, what in ((moving_up, p_up, "up"), (~moving_up, p_down, "down")):
                frac = changed[mask].mean() if mask.any() else -1.0
                f.require(
                    abs(frac - p) <= K_SIGMA * math.sqrt(p * (1 - p) / max(mask.sum(), 1)),
                    f"cells moving {what} the gradient do not tumble at the right rate",
                )
            along = x[:, 1:] if axis is not None else x[:, 1:] @ g
            want = run_tumble_drift(np.asarray(sample[1:]), step, p_up, p_down)
            sd = along.std(axis=0) / math.sqrt(n_c)
            f.require(
                np.all(np.abs(along.mean(axis=0) - want) <= K_SIGMA * sd),
                "the mean drift along the gradient does not match the biased tumble rate (each step: move "
                "along the current direction first, then tumble)",
            )
            if axis is None:
                perp = x[:, -1] - np.outer(x[:, -1] @ g, g)
                psd = perp.std(axis=0) / math.sqrt(n_c)
                f.require(
                    np.all(np.abs(perp.mean(axis=0)) <= K_SIGMA * psd + 1e-9),
                    "cells must not drift perpendicular to the gradient",
                )
    if fresh:
        d = np.concatenate(fresh)
        z = np.concatenate([d[:, 2], *fresh_z])
        n = d.shape[0]
        # uniform on the sphere: every component uniform on [−1, 1] (Archimedes), mean 0, ⟨u²⟩ = 1/3, and the
        # fourth-order harmonic P4 averages to 0 (a direction normalised from a cube passes the first two)
        f.require(
            np.all(np.abs(d.mean(axis=0)) <= K_SIGMA * math.sqrt(1 / (3 * n)))
            and np.all(np.abs((d**2).mean(axis=0) - 1 / 3) <= K_SIGMA * math.sqrt(4 / (45 * n)))
            and abs(float(_legendre4(d).mean())) <= K_SIGMA * math.sqrt(1 / 9 / n)
            and ks_pvalue(z, "uniform", (-1.0, 2.0)) >= P_MIN,
            "directions (initial and after each tumble) are not uniform on the sphere",
        )
    if turns:
        c = np.concatenate(turns)
        f.require(
            c.size >= 20 and ks_pvalue(c, "uniform", (-1.0, 2.0)) >= P_MIN,
            "the direction after a tumble must be drawn afresh, independently of the direction before it",
        )
    return f.verdict()


RUN_TUMBLE_CASES = [
    {
        "n_cells": 300,
        "t_max": 10.0,
        "dt": 0.05,
        "speed": 2.0,
        "tumble_rate": 1.5,
        "sample": [0, 1, 10, 40, 200],
        "n_paths": 5,
        "trials": 1,
        "seed": 73_601,
    },
    {
        "n_cells": 300,
        "t_max": 15.0,
        "dt": 0.1,
        "speed": 1.0,
        "tumble_rate": 2.0,
        "gradient": [0.6, 0.0, 0.8],
        "bias": 0.6,
        "sample": [0, 1, 50, 150],
        "n_paths": 8,
        "seed": 73_602,
    },
    # rate · dt = 0.5: a tumble probability of rate · dt instead of 1 − exp(−rate · dt) is 10σ off here;
    # every path is returned, so the fresh directions and the turning angles are tested too
    {
        "n_cells": 200,
        "t_max": 2.0,
        "dt": 0.125,
        "speed": 1.0,
        "tumble_rate": 4.0,
        "sample": [0, 1],
        "n_paths": 200,
        "fresh": 1,
        "tests": ["x"],
        "seed": 73_604,
    },
    # move first, then tumble: with strong, frequent biased tumbles the first step is still isotropic
    # (tumbling first would already favour the gradient on step 1); z only, for all 1200 cells
    {
        "n_cells": 1200,
        "t_max": 0.6,
        "dt": 0.2,
        "speed": 1.0,
        "tumble_rate": 5.0,
        "gradient": [0.0, 0.0, 1.0],
        "bias": 0.9,
        "sample": [0, 1, 2, 3],
        "axis": 2,
        "n_paths": 100,
        "seed": 73_605,
    },
    # time grids at a rounding edge: 0.7 / 0.1 = 6.999…, and 1.06 / 0.1 = 10.6 floors to 10 but rounds to 11
    {
        "n_cells": 3,
        "t_max": 0.7,
        "dt": 0.1,
        "speed": 1.0,
        "tumble_rate": 1.0,
        "sample": [0],
        "n_paths": 1,
        "tests": ["shape"],
        "seed": 73_603,
    },
    # n_times = floor(t_max/dt + 1e-9) + 1 exactly: t_max/dt = 3 − 7e-10 gives 4 times, 3 − 1.5e-9 gives 3
    {
        "n_cells": 2,
        "t_max": 3.0 - 7e-10,
        "dt": 1.0,
        "speed": 1.0,
        "tumble_rate": 1.0,
        "sample": [0],
        "n_paths": 1,
        "tests": ["shape"],
        "seed": 73_607,
    },
    {
        "n_cells": 2,
        "t_max": 3.0 - 1.5e-9,
        "dt": 1.0,
        "speed": 1.0,
        "tumble_rate": 1.0,
        "sample": [0],
        "n_paths": 1,
        "tests": ["shape"],
        "seed": 73_608,
    },
    {
        "n_cells": 2,
        "t_max": 1.06,
        "dt": 0.1,
        "speed": 1.0,
        "tumble_rate": 1.0,
        "sample": [0],
        "n_paths": 1,
        "tests": ["shape"],
        "seed": 73_606,
    },
]


CHECKS = [
    Check(
        "reynolds_number",
        ("reynolds_number",),
        1,
        REYNOLDS_CASES,
        probe_reynolds_number,
        judge_reynolds_number,
    ),
    Check("coasting", ("coasting",), 2, COASTING_CASES, probe_coasting, judge_coasting),
    Check("peclet_number", ("peclet_number",), 1, PECLET_CASES, probe_peclet_number, judge_peclet_number),
    Check("outrun_length", ("outrun_length",), 1, OUTRUN_CASES, probe_outrun_length, judge_outrun_length),
    Check(
        "three_sphere_swimmer",
        ("three_sphere_swimmer",),
        4,
        SWIMMER_CASES,
        probe_three_sphere_swimmer,
        judge_three_sphere_swimmer,
        helpers=(make_stroke, *with_deps(guarded_call)),
    ),
    Check(
        "run_and_tumble",
        ("run_and_tumble",),
        4,
        RUN_TUMBLE_CASES,
        probe_run_and_tumble,
        judge_run_and_tumble,
        helpers=with_deps(guarded_call, rng_trials),
    ),
]
