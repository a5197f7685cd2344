"""Graded checks of unit 02, Anomalous diffusion: probes (run in the student's kernel) and judges (run here).

Conventions are those of ``standard_diffusion.py`` (see CONTRIBUTING.md). Statistical judges compare with
grader-side Monte Carlo references (fixed seeds, large samples, cached) or closed forms, with tolerances of
``K_SIGMA`` standard errors that include the reference's own Monte Carlo error. No judge ever looks at a
single trajectory's time-averaged MSD: it scatters by tens of per cent between trajectories (weak ergodicity
breaking).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from autograder.checks import K_SIGMA, Cases, Check, Findings, JudgeError, Verdict, as_array, as_float
from autograder.probes import (
    guarded_call,
    raised,
    require_raises,
    require_rng_discipline,
    require_unmodified,
    rng_trials,
    with_deps,
)

# Cases are written into the hidden cells as JSON (``Check.cell_source``), so they hold numbers, strings and
# lists only: no True/False/None (JSON's true/false/null are not Python). Flags are 0/1; optional keys are
# absent.


def _n_times(t_max: float, dt: float) -> int:
    return int(math.floor(t_max / dt + 1e-9)) + 1


def _ks_normal(values: np.ndarray) -> float:
    """Kolmogorov–Smirnov statistic √n·D of ``values`` against the standard normal."""
    v = np.sort(values)
    n = v.size
    cdf = 0.5 * (1.0 + np.array([math.erf(x / math.sqrt(2.0)) for x in v]))
    upper = np.arange(1, n + 1) / n - cdf
    lower = cdf - np.arange(0, n) / n
    return math.sqrt(n) * float(max(upper.max(), lower.max()))


# √n·D above this has probability < 1e-6 for a correct sampler (Kolmogorov distribution tail 2·exp(−2λ²))
KS_CRITICAL = math.sqrt(-0.5 * math.log(0.5e-6))


# ---------------------------------------------------------------------------------------------------------
# ctrw(n_walkers, t_max, alpha, rng, dt=1.0) -> (n_walkers, n_times)
# ---------------------------------------------------------------------------------------------------------
def probe_ctrw(ctrw, cases):
    import numpy as np

    out = []
    for case in cases:
        rng = np.random.default_rng(case["seed"])
        if "bad_alpha" in case:
            out.append({"error": raised(lambda c=case, g=rng: ctrw(10, 50.0, c["bad_alpha"], g))})
            continue
        x = np.asarray(ctrw(case["n_walkers"], case["t_max"], case["alpha"], rng, dt=case["dt"]), dtype=float)
        item = {"shape": list(x.shape)}
        if case["encode"] == "shape":
            item["x0"] = x[:, 0].tolist() if x.ndim == 2 else []
            out.append(item)
            continue
        if x.ndim == 2 and x.shape[1] > max(case["sample"]):
            item["x0"] = x[:, 0].tolist()
            if case["encode"] == "changes":
                # a CTRW path is piecewise constant: keep every change (index and new value), losslessly
                idx, val = [], []
                for row in x:
                    k = np.flatnonzero(np.diff(row) != 0)[:2000] + 1
                    idx.append(k.tolist())
                    val.append(np.round(row[k], 9).tolist())
                item["idx"], item["val"] = idx, val
            else:
                item["x"] = np.round(x[:, case["sample"]], 9).tolist()
        if case.get("trials"):
            item["trials"] = rng_trials(
                lambda g, c=case: ctrw(6, 40.0, c["alpha"], g, dt=c["dt"]), case["seed"] + 17
            )
        out.append(item)
    return out


@functools.lru_cache(maxsize=32)
def renewal_counts(alpha: float, times: tuple[float, ...], n: int = 200_000, seed: int = 20_211) -> tuple:
    """Monte Carlo moments of N(t), the number of renewals by t, for waiting times 1 + Pareto(alpha).

    Returns (E N, Var N, E N², E N⁴) at ``times`` from ``n`` grader-side walkers (fixed seed, cached).
    """
    rng = np.random.default_rng(seed)
    t = np.asarray(times, dtype=float)
    counts = np.zeros((n, t.size))
    clock = np.zeros(n)
    alive = np.arange(n)
    while alive.size:
        clock[alive] += 1.0 + rng.pareto(alpha, size=alive.size)
        alive = alive[clock[alive] <= t.max()]
        counts[alive] += clock[alive, None] <= t[None, :]
    return counts.mean(0), counts.var(0), (counts**2).mean(0), (counts**4).mean(0)


def _judge_ctrw_changes(f: Findings, case: Mapping[str, Any], got: Mapping[str, Any], n_times: int) -> None:
    n_w, dt, alpha = case["n_walkers"], case["dt"], case["alpha"]
    idx, val = got["idx"], got["val"]
    if not f.require(len(idx) == n_w and len(val) == n_w, "one path per walker is required"):
        return
    first = np.full(n_w, np.inf)
    jumps: list[np.ndarray] = []
    grid_ks = np.asarray(case["count_at"], dtype=int)
    counts = np.zeros((n_w, grid_ks.size))
    min_gap = max(1, int(math.floor(1.0 / dt + 1e-9)))
    gaps_ok = True
    for w in range(n_w):
        k = as_array(idx[w], (None,), "change indices")
        v = as_array(val[w], (k.size,), "positions")
        if k.size == 0:
            continue
        if np.any(np.diff(k) <= 0) or k[0] < 1 or k[-1] >= n_times:
            raise JudgeError("change indices out of order")
        gaps_ok &= bool(k[0] >= min_gap and (k.size < 2 or np.diff(k).min() >= min_gap))
        first[w] = k[0]
        jumps.append(np.diff(np.concatenate([[0.0], v])))
        counts[w] = np.searchsorted(k, grid_ks, side="right")
    f.require(
        gaps_ok, "successive jumps of a walker must be at least one time unit apart (waiting times ≥ 1)"
    )
    # P(no jump by t) = P(τ₁ > t) = t^(−alpha)
    for k in case["survival_at"]:
        t = k * dt
        p = t**-alpha
        frac = float(np.mean(first > k))
        f.require(
            abs(frac - p) <= K_SIGMA * math.sqrt(p * (1 - p) / n_w),
            "the first waiting time does not have P(τ > s) = s^(−alpha)",
        )
    # renewal counts: E N(t) from a grader-side Monte Carlo of the same process
    mean, var, _, _ = renewal_counts(alpha, tuple(float(k * dt) for k in grid_ks))
    sd = np.sqrt(var / n_w + var / 200_000)
    f.require(
        np.all(np.abs(counts.mean(0) - mean) <= K_SIGMA * sd),
        "the number of jumps by time t does not match a renewal process with waiting times "
        "P(τ > s) = s^(−alpha)",
    )
    all_jumps = np.concatenate(jumps) if jumps else np.zeros(0)
    if f.require(all_jumps.size >= 50, "too few jumps: are the waiting times in the right units?"):
        f.require(_ks_normal(all_jumps) <= KS_CRITICAL, "the jump lengths are not standard normal")


def _judge_ctrw_samples(f: Findings, case: Mapping[str, Any], got: Mapping[str, Any]) -> None:
    n_w, dt, alpha = case["n_walkers"], case["dt"], case["alpha"]
    sample = case["sample"]
    x = as_array(got["x"], (n_w, len(sample)), "positions")
    times = tuple(float(k * dt) for k in sample[1:])
    for j, t in enumerate(times, start=1):
        p = t**-alpha
        frac = float(np.mean(x[:, j] == 0))
        f.require(
            abs(frac - p) <= K_SIGMA * math.sqrt(p * (1 - p) / n_w),
            "the fraction of walkers that have not moved by time t is not t^(−alpha): check the waiting "
            "times and the time grid (dt)",
        )
    mean_n, _, mean_n2, _ = renewal_counts(alpha, times)
    # x(t) is normal with variance N(t): E x² = E N, Var x² = 3 E N² − (E N)²
    var_x2 = 3 * mean_n2 - mean_n**2
    sd = np.sqrt(var_x2 / n_w + var_x2 / 200_000)
    f.require(
        np.all(np.abs((x[:, 1:] ** 2).mean(0) - mean_n) <= K_SIGMA * sd),
        "the ensemble MSD ⟨x²(t)⟩ does not match the CTRW (jumps of variance 1 at renewal times)",
    )


def judge_ctrw(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    changes: dict[int, list] = {}  # case index -> every walker's change indices (for the twin comparison)
    for index, (case, got) in enumerate(zip(cases, data, strict=True)):
        if "bad_alpha" in case:
            require_raises(f, got.get("error"), "ctrw with alpha outside 0 < alpha < 1")
            continue
        n_times = _n_times(case["t_max"], case["dt"])
        if not f.require(
            tuple(got["shape"]) == (case["n_walkers"], n_times),
            "positions must have shape (n_walkers, floor(t_max/dt) + 1)",
        ):
            continue
        f.require(
            np.all(as_array(got["x0"], (case["n_walkers"],), "x0") == 0), "every walker must start at x = 0"
        )
        if case.get("trials"):
            require_rng_discipline(f, got.get("trials"), "ctrw")
        if case["encode"] == "shape":
            continue
        if case["encode"] == "changes":
            _judge_ctrw_changes(f, case, got, n_times)
            changes[index] = [list(k) for k in got["idx"]]
            twin = case.get("twin_of")
            if twin is not None and twin in changes and len(changes[twin]) == len(changes[index]):
                # another seed: the walkers' jump times must differ (a waiting time drawn from a fixed seed
                # repeats them); two independent walkers share every jump time rarely (< 15 % here)
                same = np.mean([a == b for a, b in zip(changes[index], changes[twin], strict=True)])
                f.require(
                    same <= 0.5,
                    "two calls with different seeds give the same jump times: draw the waiting times from "
                    "the rng argument",
                )
        else:
            _judge_ctrw_samples(f, case, got)
    return f.verdict()


CTRW_CASES = [
    {
        "n_walkers": 200,
        "t_max": 400.0,
        "alpha": 0.5,
        "dt": 1.0,
        "encode": "changes",
        "sample": [0],
        "survival_at": [2, 5, 20, 100],
        "count_at": [10, 50, 400],
        "trials": 1,
        "seed": 72_101,
    },
    {
        "n_walkers": 200,
        "t_max": 150.25,
        "alpha": 0.7,
        "dt": 0.5,
        "encode": "changes",
        "sample": [0],
        "survival_at": [3, 6, 20, 80],
        "count_at": [20, 100, 300],
        "seed": 72_102,
    },
    {
        "n_walkers": 400,
        "t_max": 1001.0,
        "alpha": 0.35,
        "dt": 2.5,
        "encode": "samples",
        "sample": [0, 1, 2, 4, 8, 20, 40, 100, 200, 400],
        "seed": 72_103,
    },
    # time grids at a rounding edge: 0.7 / 0.1 = 6.999…, 10.6 / 1 rounds up but floors down
    {"n_walkers": 3, "t_max": 0.7, "alpha": 0.5, "dt": 0.1, "encode": "shape", "sample": [0], "seed": 72_108},
    {
        "n_walkers": 2,
        "t_max": 10.6,
        "alpha": 0.5,
        "dt": 1.0,
        "encode": "shape",
        "sample": [0],
        "seed": 72_109,
    },
    # case 1 again with another seed: the jump times must change
    {
        "n_walkers": 200,
        "t_max": 150.25,
        "alpha": 0.7,
        "dt": 0.5,
        "encode": "changes",
        "sample": [0],
        "survival_at": [3, 6, 20, 80],
        "count_at": [20, 100, 300],
        "twin_of": 1,
        "seed": 72_110,
    },
    # a short horizon: the jumps in the last interval (2, 3] must count (P(first jump there) ≈ 0.13)
    {
        "n_walkers": 2000,
        "t_max": 3.0,
        "alpha": 0.5,
        "dt": 1.0,
        "encode": "samples",
        "sample": [0, 1, 2, 3],
        "seed": 72_111,
    },
    # n_times = floor(t_max/dt + 1e-9) + 1 exactly: t_max/dt = 3 − 7e-10 gives 4 times, 3 − 1.5e-9 gives 3
    {
        "n_walkers": 2,
        "t_max": 3.0 - 7e-10,
        "alpha": 0.5,
        "dt": 1.0,
        "encode": "shape",
        "sample": [0],
        "seed": 72_112,
    },
    {
        "n_walkers": 2,
        "t_max": 3.0 - 1.5e-9,
        "alpha": 0.5,
        "dt": 1.0,
        "encode": "shape",
        "sample": [0],
        "seed": 72_113,
    },
    {"bad_alpha": 1.0, "seed": 72_104},
    {"bad_alpha": 0.0, "seed": 72_105},
    {"bad_alpha": 1.5, "seed": 72_106},
    {"bad_alpha": -0.3, "seed": 72_107},
]


# ---------------------------------------------------------------------------------------------------------
# fbm(n_walkers, n_steps, hurst, rng) -> (n_walkers, n_steps + 1)
# ---------------------------------------------------------------------------------------------------------
def probe_fbm(fbm, cases):
    import numpy as np

    out = []
    for case in cases:
        x = np.asarray(
            fbm(case["n_walkers"], case["n_steps"], case["hurst"], np.random.default_rng(case["seed"]))
        )
        item = {"shape": list(x.shape), "x": np.round(x.astype(float), 8).tolist()}
        if case.get("trials"):
            item["trials"] = rng_trials(lambda g, c=case: fbm(5, 6, c["hurst"], g), case["seed"] + 17)
        out.append(item)
    return out


def fbm_covariance(n_steps: int, hurst: float) -> np.ndarray:
    """Cov(x(s), x(t)) = ½(s^2H + t^2H − |t − s|^2H) at s, t = 1 … n_steps."""
    t = np.arange(1, n_steps + 1, dtype=float)
    h2 = 2 * hurst
    return 0.5 * (t[:, None] ** h2 + t[None, :] ** h2 - np.abs(t[:, None] - t[None, :]) ** h2)


def judge_fbm(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        n_w, n_s = case["n_walkers"], case["n_steps"]
        if not f.require(
            tuple(got["shape"]) == (n_w, n_s + 1), "positions must have shape (n_walkers, n_steps + 1)"
        ):
            continue
        x = as_array(got["x"], (n_w, n_s + 1), "positions")
        f.require(np.all(np.abs(x[:, 0]) <= 1e-12), "every path must start at x = 0")
        if case.get("trials"):
            require_rng_discipline(f, got.get("trials"), "fbm")
        # Whitening with the exact covariance turns an exact fBM into independent standard normals.
        lower = np.linalg.cholesky(fbm_covariance(n_s, case["hurst"]))
        z = np.linalg.solve(lower, x[:, 1:].T)  # (n_steps, n_walkers)
        n = z.size
        f.require(abs(z.mean()) <= K_SIGMA / math.sqrt(n), "the paths have a drift (fBM has mean zero)")
        half = n_s // 2
        for part in (z[:half], z[half:]):
            f.require(
                abs(np.mean(part**2) - 1) <= K_SIGMA * math.sqrt(2.0 / part.size),
                "the covariance of x(s) and x(t) is not ½(s^2H + t^2H − |t − s|^2H)",
            )
        # correlation coefficients (normalised, so that a wrong variance is reported only once)
        power = float(np.mean(z**2))
        for lag in (1, 2):
            r = float(np.mean(z[lag:] * z[:-lag])) / power
            f.require(
                abs(r) <= K_SIGMA / math.sqrt(z[lag:].size),
                "the correlations between increments are not those of fractional Brownian motion",
            )
        across = float(np.mean(z[:, 1:] * z[:, :-1])) / power
        f.require(abs(across) <= K_SIGMA / math.sqrt(z[:, 1:].size), "different walkers are not independent")
        f.require(
            abs(np.mean(z**4) / power**2 - 3) <= K_SIGMA * math.sqrt(96.0 / n),
            "the positions are not Gaussian",
        )
    return f.verdict()


FBM_CASES = [
    {"n_walkers": 150, "n_steps": 20, "hurst": 0.3, "trials": 1, "seed": 72_201},
    {"n_walkers": 120, "n_steps": 24, "hurst": 0.75, "seed": 72_202},
    {"n_walkers": 150, "n_steps": 16, "hurst": 0.62, "seed": 72_203},
]


# ---------------------------------------------------------------------------------------------------------
# levy_walk(n_walkers, n_steps, mu, rng, speed=1.0) -> (n_walkers, n_steps + 1)
# ---------------------------------------------------------------------------------------------------------
def probe_levy_walk(levy_walk, cases):
    import numpy as np

    out = []
    for case in cases:
        rng = np.random.default_rng(case["seed"])
        x = np.asarray(levy_walk(case["n_walkers"], case["n_steps"], case["mu"], rng, speed=case["speed"]))
        x = x.astype(float)
        item = {"shape": list(x.shape)}
        if x.ndim == 2 and x.shape[1] > max(case["sample"]):
            item["x"] = np.round(x[:, case["sample"]], 7).tolist()
            item["paths"] = np.round(x[: case["n_paths"]], 7).tolist()
        if case.get("trials"):
            item["trials"] = rng_trials(
                lambda g, c=case: levy_walk(6, 20, c["mu"], g, speed=c["speed"]), case["seed"] + 17
            )
        out.append(item)
    return out


@functools.lru_cache(maxsize=32)
def levy_reference(
    mu: float, n_steps: int, times: tuple[int, ...], n: int = 20_000, seed: int = 20_212
) -> tuple:
    """Grader-side Monte Carlo of the unit-speed Lévy walk started with a fresh flight at t = 0.

    Returns (E x², Var x², P(|x| = t)) at ``times`` from ``n`` walkers (fixed seed, cached).
    """
    rng = np.random.default_rng(seed)
    block = int(1.5 * max(times) * (mu - 1) / mu) + 10  # about 1.5 times the flights needed on average
    tau = np.zeros((n, 0))
    while tau.shape[1] == 0 or tau.sum(axis=1).min() <= max(times):
        tau = np.concatenate([tau, 1.0 + rng.pareto(mu, size=(n, block))], axis=1)
    d = np.where(rng.random(tau.shape) < 0.5, -1.0, 1.0)
    starts = np.cumsum(tau, axis=1) - tau
    origin = np.cumsum(d * tau, axis=1) - d * tau
    same = np.cumprod(d == d[:, :1], axis=1).astype(bool)
    rows = np.arange(n)
    m2, v2, pb = [], [], []
    for t in times:
        j = (starts <= t).sum(axis=1) - 1
        x = origin[rows, j] + d[rows, j] * (t - starts[rows, j])
        m2.append(np.mean(x**2))
        v2.append(np.var(x**2))
        pb.append(np.mean(same[rows, j]))
    return np.array(m2), np.array(v2), np.array(pb)


def judge_levy_walk(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    seen: dict[int, np.ndarray] = {}  # case index -> sampled positions / speed (for the twin comparison)
    for index, (case, got) in enumerate(zip(cases, data, strict=True)):
        n_w, n_s, v = case["n_walkers"], case["n_steps"], case["speed"]
        if not f.require(
            tuple(got["shape"]) == (n_w, n_s + 1), "positions must have shape (n_walkers, n_steps + 1)"
        ):
            continue
        if case.get("trials"):
            require_rng_discipline(f, got.get("trials"), "levy_walk")
        sample = case["sample"]
        x = as_array(got["x"], (n_w, len(sample)), "positions") / v
        paths = as_array(got["paths"], (case["n_paths"], n_s + 1), "paths") / v
        seen[index] = x
        twin = case.get("twin_of")
        if twin is not None and twin in seen and seen[twin].shape == x.shape and sample[1] == 1:
            # another seed: first directions agree for half the walkers; a turn inside (1, 2] or (2, 3] leaves
            # |Δx| < 1 at a value set by the turning time, which two independent walkers share with
            # probability 0 (shared flight durations repeat it for about a quarter of the walkers)
            other = seen[twin]
            agree = np.mean(np.sign(x[:, 1]) == np.sign(other[:, 1]))
            f.require(
                abs(agree - 0.5) <= K_SIGMA * math.sqrt(0.25 / n_w),
                "two calls with different seeds share their flight directions: draw them from the rng "
                "argument",
            )
            d_a, d_b = np.abs(np.diff(x[:, 1:4], axis=1)), np.abs(np.diff(other[:, 1:4], axis=1))
            repeats = int(np.sum((d_a < 1 - 1e-6) & (np.abs(d_a - d_b) <= 1e-6)))
            f.require(
                repeats <= 2,
                "two calls with different seeds share their flight durations: draw them from the rng "
                "argument",
            )
        f.require(np.all(x[:, 0] == 0) and np.all(paths[:, 0] == 0), "every walker must start at x = 0")
        f.require(
            np.all(np.abs(np.diff(paths, axis=1)) <= 1 + 1e-6),
            "a walker moves at most speed · 1 in one unit of time",
        )
        f.require(
            np.allclose(np.abs(paths[:, 1]), 1.0, atol=1e-6),
            "flights last at least one time unit, so |x(1)| must equal speed",
        )
        t = np.asarray(sample[1:], dtype=float)
        xs = x[:, 1:]
        mean_sd = xs.std(axis=0) / math.sqrt(n_w)
        f.require(
            np.all(np.abs(xs.mean(axis=0)) <= K_SIGMA * mean_sd + 1e-9),
            "the walk drifts: directions must be ±1",
        )
        m2, v2, pb = levy_reference(case["mu"], n_s, tuple(int(s) for s in sample[1:]))
        sd = np.sqrt(v2 / n_w + v2 / 20_000)
        f.require(
            np.all(np.abs((xs**2).mean(axis=0) - m2) <= K_SIGMA * sd),
            "⟨x²(t)⟩ does not match a Lévy walk with flight durations P(τ > s) = s^(−mu) at constant speed",
        )
        ballistic = np.mean(np.abs(np.abs(xs) - t) <= 1e-6, axis=0)
        sd_b = np.sqrt(pb * (1 - pb) / n_w + pb * (1 - pb) / 20_000 + 1e-12)
        enough = n_w * np.minimum(pb, 1 - pb) >= 15  # the normal approximation needs ≳ 15 expected counts
        f.require(
            np.all(np.abs(ballistic - pb)[enough] <= K_SIGMA * sd_b[enough]),
            "the fraction of walkers still on a straight run (|x| = speed·t) is wrong: check the flight "
            "durations and that each flight picks a new random direction",
        )
    return f.verdict()


LEVY_CASES = [
    {
        "n_walkers": 300,
        "n_steps": 200,
        "mu": 1.5,
        "speed": 1.0,
        "sample": [0, 1, 2, 3, 5, 10, 30, 100, 200],
        "n_paths": 20,
        "trials": 1,
        "seed": 72_301,
    },
    {
        "n_walkers": 300,
        "n_steps": 200,
        "mu": 1.5,
        "speed": 1.0,
        "sample": [0, 1, 2, 3, 5, 10, 30, 100, 200],
        "n_paths": 2,
        "twin_of": 0,
        "seed": 72_304,
    },
    {
        "n_walkers": 300,
        "n_steps": 120,
        "mu": 1.2,
        "speed": 2.5,
        "sample": [0, 2, 4, 8, 20, 60, 120],
        "n_paths": 2,
        "seed": 72_302,
    },
    {
        "n_walkers": 300,
        "n_steps": 100,
        "mu": 1.8,
        "speed": 0.5,
        "sample": [0, 2, 4, 8, 25, 100],
        "n_paths": 2,
        "seed": 72_303,
    },
]


# ---------------------------------------------------------------------------------------------------------
# time_averaged_msd(x, lags) -> (len(lags),)
# ---------------------------------------------------------------------------------------------------------
def make_trajectory(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    n = case["n"]
    x = 3.0 + 0.05 * np.arange(n) + np.cumsum(rng.normal(size=n)) * np.linspace(0.5, 2.0, n)
    return np.rint(3 * x).astype(int) if case.get("integer") else x


def probe_time_averaged_msd(time_averaged_msd, cases):
    import numpy as np

    out = []
    for case in cases:
        x = make_trajectory(case)
        lags = np.array(case["lags"]) if case.get("as_array") else list(case["lags"])
        try:
            res, modified = guarded_call(time_averaged_msd, x, lags)
        except Exception as err:
            out.append({"error": type(err).__name__})
            continue
        out.append({"msd": np.asarray(res, dtype=float).tolist(), "modified": modified})
    return out


def judge_time_averaged_msd(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        if case.get("bad"):
            require_raises(f, got.get("error"), "time_averaged_msd with a lag outside 1 ≤ lag < len(x)")
            continue
        if not f.require("msd" in got, "time_averaged_msd raised an error on valid lags"):
            continue
        require_unmodified(f, got["modified"], "time_averaged_msd")
        x = make_trajectory(case).astype(float)
        want = np.array([np.mean((x[lag:] - x[:-lag]) ** 2) for lag in case["lags"]])
        got_msd = as_array(got["msd"], (len(case["lags"]),), "time-averaged MSD")
        f.require(
            np.allclose(got_msd, want, rtol=1e-9, atol=0),
            "the time-averaged MSD is not the mean over i of (x[i+lag] − x[i])², for each lag in the "
            "given order",
        )
    return f.verdict()


TAMSD_CASES = [
    {"n": 50, "lags": [1, 2, 3, 10, 49], "seed": 72_401},
    {"n": 300, "lags": [7, 1, 150, 299, 20], "as_array": 1, "seed": 72_402},
    {"n": 2, "lags": [1], "seed": 72_403},
    {"n": 40, "lags": [1, 5, 39], "integer": 1, "as_array": 1, "seed": 72_407},  # an integer trajectory
    {"n": 30, "lags": [0], "bad": 1, "seed": 72_404},
    {"n": 30, "lags": [2, 30], "bad": 1, "as_array": 1, "seed": 72_405},
    {"n": 30, "lags": [3, -1], "bad": 1, "seed": 72_406},
]


# ---------------------------------------------------------------------------------------------------------
# ensemble_msd(X) -> (n_times,)
# ---------------------------------------------------------------------------------------------------------
def make_ensemble(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    n_w, n_t = case["shape"]
    start = rng.normal(0.0, 4.0, size=(n_w, 1))
    rates = rng.uniform(0.05, 1.0, size=(n_w, 1))  # walkers jump at different rates
    jumps = rng.normal(size=(n_w, n_t)) * (rng.random((n_w, n_t)) < rates)
    jumps[:, 0] = 0.0
    return start + np.cumsum(jumps, axis=1) + 0.1 * np.arange(n_t)


def probe_ensemble_msd(ensemble_msd, cases):
    import numpy as np

    out = []
    for case in cases:
        res, modified = guarded_call(ensemble_msd, make_ensemble(case))
        out.append({"msd": np.asarray(res, dtype=float).tolist(), "modified": modified})
    return out


def judge_ensemble_msd(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        x = make_ensemble(case)
        want = ((x - x[:, :1]) ** 2).mean(axis=0)
        f.require(
            np.allclose(as_array(got["msd"], (x.shape[1],), "ensemble MSD"), want, rtol=1e-9, atol=1e-12),
            "the ensemble MSD is not the mean over walkers of (X[:, t] − X[:, 0])²",
        )
        require_unmodified(f, got["modified"], "ensemble_msd")
    return f.verdict()


EAMSD_CASES = [
    {"shape": [40, 25], "seed": 72_411},
    {"shape": [7, 3], "seed": 72_412},
    {"shape": [1, 10], "seed": 72_413},
]


# ---------------------------------------------------------------------------------------------------------
# anomalous_exponent(t, msd, t_range=None) -> float
# ---------------------------------------------------------------------------------------------------------
def make_msd_curve(case):
    import numpy as np

    kind = case["kind"]
    if kind == "power":
        t = np.asarray(case["t"], dtype=float)
        return t, case["prefactor"] * t ** case["alpha"]
    rng = np.random.default_rng(case["seed"])
    t = np.arange(case["n"], dtype=float) * case["dt"]
    if kind == "noisy":
        msd = case["prefactor"] * t ** case["alpha"] * np.exp(0.2 * rng.normal(size=t.size))
    elif kind == "offset":  # localization noise: a positive MSD at lag 0, and one estimate exactly 0
        msd = case["prefactor"] * t ** case["alpha"] * np.exp(0.1 * rng.normal(size=t.size)) + 0.3
        msd[2] = 0.0
    else:  # "crossover": ballistic below t = 1, diffusive above, with noise and one negative estimate
        msd = 2 * (t - 1 + np.exp(-t)) * np.exp(0.1 * rng.normal(size=t.size))
        msd[3] = -0.01
    return t, msd


def probe_anomalous_exponent(anomalous_exponent, cases):
    out = []
    for case in cases:
        t, msd = make_msd_curve(case)
        kwargs = {} if case.get("t_range") is None else {"t_range": tuple(case["t_range"])}
        if case.get("bad"):
            out.append({"error": raised(lambda a=t, b=msd, k=kwargs: anomalous_exponent(a, b, **k))})
            continue
        res, modified = guarded_call(anomalous_exponent, t, msd, **kwargs)
        out.append({"alpha": float(res), "modified": modified})
    return out


def _exponent_reference(t: np.ndarray, msd: np.ndarray, t_range: Sequence[float] | None) -> float:
    keep = (t > 0) & (msd > 0)
    if t_range is not None:
        keep &= (t >= t_range[0]) & (t <= t_range[1])
    lt, lm = np.log(t[keep]), np.log(msd[keep])
    lt0 = lt - lt.mean()
    return float(np.dot(lt0, lm) / np.dot(lt0, lt0))


def judge_anomalous_exponent(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        if case.get("bad"):
            require_raises(f, got.get("error"), "anomalous_exponent with fewer than two usable points")
            continue
        t, msd = make_msd_curve(case)
        want = _exponent_reference(t, msd, case.get("t_range"))
        value = as_float(got["alpha"], "exponent")
        require_unmodified(f, got["modified"], "anomalous_exponent")
        if case["kind"] == "power":
            f.require(
                abs(value - case["alpha"]) <= 1e-8, "an exact power law A·t^alpha must give alpha (for any A)"
            )
        else:
            f.require(
                abs(value - want) <= 1e-8 * max(1.0, abs(want)),
                "the exponent is not the least-squares slope of log msd against log t over the points with "
                "t > 0, msd > 0 inside the (inclusive) t_range",
            )
    return f.verdict()


EXPONENT_CASES = [
    {"kind": "power", "t": list(range(0, 50)), "alpha": 0.6, "prefactor": 3.7},
    {"kind": "power", "t": [0.5, 1.0, 2.0, 8.0, 40.0, 300.0], "alpha": 1.8, "prefactor": 0.02},
    {"kind": "noisy", "n": 60, "dt": 0.25, "alpha": 0.4, "prefactor": 2.0, "seed": 72_501},
    {
        "kind": "noisy",
        "n": 80,
        "dt": 1.0,
        "alpha": 1.3,
        "prefactor": 0.5,
        "t_range": [5.0, 40.0],
        "seed": 72_502,
    },
    {"kind": "crossover", "n": 200, "dt": 0.05, "t_range": [0.5, 3.0], "seed": 72_503},
    {"kind": "crossover", "n": 120, "dt": 0.1, "seed": 72_504},
    # t = 0 carries a positive MSD and one estimate at t > 0 is exactly 0: both must be skipped
    {"kind": "offset", "n": 40, "dt": 0.5, "alpha": 0.8, "prefactor": 1.5, "seed": 72_507},
    # exactly two usable points (t = 0 and the negative estimate are skipped): the line through them
    {"kind": "crossover", "n": 4, "dt": 0.5, "seed": 72_505},
    # fewer than two usable points must raise ValueError
    {
        "kind": "power",
        "t": [0.0, 1.0, 2.0, 3.0],
        "alpha": 0.5,
        "prefactor": 1.0,
        "t_range": [1.5, 2.5],
        "bad": 1,
    },
    {"kind": "crossover", "n": 30, "dt": 0.1, "t_range": [0.31, 0.38], "bad": 1, "seed": 72_506},
]


# ---------------------------------------------------------------------------------------------------------
# classify(alpha, tol=0.1) -> "subdiffusive" | "brownian" | "superdiffusive" | "ballistic"
# ---------------------------------------------------------------------------------------------------------
def probe_classify(classify, cases):
    out = []
    for case in cases:
        if "tol" not in case:
            out.append([str(classify(a)) for a in case["alphas"]])
        else:
            out.append([str(classify(a, tol=case["tol"])) for a in case["alphas"]])
    return out


def _classify_reference(alpha: float, tol: float) -> str:
    if abs(alpha - 1) <= tol:
        return "brownian"
    if abs(alpha - 2) <= tol:
        return "ballistic"
    if alpha < 1 - tol:
        return "subdiffusive"
    return "superdiffusive"


def judge_classify(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        tol = case.get("tol", 0.1)
        if not f.require(
            isinstance(got, list) and len(got) == len(case["alphas"]), "classify must return one label"
        ):
            continue
        for alpha, label in zip(case["alphas"], got, strict=True):
            want = _classify_reference(alpha, tol)
            f.require(
                label == want,
                "some exponents get the wrong label (check the boundaries, which are inclusive, the order "
                "of the tests, the spelling of the labels and the tol argument)",
            )
    return f.verdict()


CLASSIFY_CASES = [
    {"alphas": [0.5, 0.95, 1.0, 1.05, 1.5, 1.95, 2.0, 2.05, 2.5, 0.0, -0.3, 3.0]},
    {"tol": 0.25, "alphas": [0.75, 1.25, 1.75, 2.25, 0.7499, 1.2501, 2.2501, 1.7499]},
    {"tol": 0.5, "alphas": [1.5, 2.4, 0.49, 0.5, 2.5, 2.51]},
    {"tol": 0.0, "alphas": [1.0, 2.0, 0.999, 1.001, 1.999, 2.001]},
]


# ---------------------------------------------------------------------------------------------------------
# msd_exponents(X, lags) -> (alpha_ensemble, alpha_time_averaged)
# ---------------------------------------------------------------------------------------------------------
def probe_msd_exponents(msd_exponents, cases):
    import numpy as np

    out = []
    for case in cases:
        x = make_ensemble(case)
        lags = list(case["lags"]) if case.get("as_list") else np.array(case["lags"])
        res, modified = guarded_call(msd_exponents, x, lags)
        out.append({"pair": [float(v) for v in res], "modified": modified})
    return out


def judge_msd_exponents(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        x = make_ensemble(case)
        lags = np.asarray(case["lags"])
        ea = ((x[:, lags] - x[:, :1]) ** 2).mean(axis=0)
        ta = np.mean([[np.mean((row[lag:] - row[:-lag]) ** 2) for lag in lags] for row in x], axis=0)
        want = (_exponent_reference(lags, ea, None), _exponent_reference(lags, ta, None))
        pair = as_array(got["pair"], (2,), "(alpha_ensemble, alpha_time)")
        require_unmodified(f, got["modified"], "msd_exponents")
        f.require(
            abs(pair[0] - want[0]) <= 1e-7,
            "alpha_ensemble is not the exponent of the ensemble MSD (relative to each walker's start) "
            "at t = lags",
        )
        f.require(
            abs(pair[1] - want[1]) <= 1e-7,
            "alpha_time is not the exponent of the time-averaged MSD averaged over all trajectories "
            "at the lags",
        )
    return f.verdict()


EXPONENTS_CASES = [
    {"shape": [30, 400], "lags": [1, 2, 4, 8, 16, 32, 40], "seed": 72_601},
    {"shape": [20, 300], "lags": [3, 10, 30], "seed": 72_602},
    {"shape": [12, 80], "lags": [1, 2, 5, 20, 79], "as_list": 1, "seed": 72_603},  # lags as a list
]


CHECKS = [
    Check("ctrw", ("ctrw",), 3, CTRW_CASES, probe_ctrw, judge_ctrw, helpers=with_deps(rng_trials, raised)),
    Check("fbm", ("fbm",), 3, FBM_CASES, probe_fbm, judge_fbm, helpers=with_deps(rng_trials)),
    Check(
        "levy_walk",
        ("levy_walk",),
        3,
        LEVY_CASES,
        probe_levy_walk,
        judge_levy_walk,
        helpers=with_deps(rng_trials),
    ),
    Check(
        "time_averaged_msd",
        ("time_averaged_msd",),
        2,
        TAMSD_CASES,
        probe_time_averaged_msd,
        judge_time_averaged_msd,
        helpers=(make_trajectory, *with_deps(guarded_call)),
    ),
    Check(
        "ensemble_msd",
        ("ensemble_msd",),
        1,
        EAMSD_CASES,
        probe_ensemble_msd,
        judge_ensemble_msd,
        helpers=(make_ensemble, *with_deps(guarded_call)),
    ),
    Check(
        "anomalous_exponent",
        ("anomalous_exponent",),
        2,
        EXPONENT_CASES,
        probe_anomalous_exponent,
        judge_anomalous_exponent,
        helpers=(make_msd_curve, *with_deps(guarded_call, raised)),
    ),
    Check("classify", ("classify",), 1, CLASSIFY_CASES, probe_classify, judge_classify),
    Check(
        "msd_exponents",
        ("msd_exponents",),
        2,
        EXPONENTS_CASES,
        probe_msd_exponents,
        judge_msd_exponents,
        helpers=(make_ensemble, *with_deps(guarded_call)),
    ),
]
