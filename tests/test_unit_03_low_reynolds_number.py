"""Unit 03 (life at low Reynolds number): the judges' grader-side references against theory and brute force,
and the notebook's run-and-tumble reproduction over many seeds (full tier)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import reference

from autograder.judges import low_reynolds_number as judges

UNIT = "03-low-reynolds-number"


def _per_cycle(L1, L2, d1, d2, phi, a, n=1000):
    u = np.linspace(0.0, 1.0, n + 1)
    l1 = L1 + d1 * np.cos(2 * np.pi * u)
    l2 = L2 + d2 * np.cos(2 * np.pi * u - phi)
    return judges.swimmer_reference(u, l1, l2, a)[-1]


@pytest.mark.parametrize("arms", [(1.0, 1.0), (1.0, 1.5), (0.7, 1.3)])
def test_swimmer_reference_follows_golestanian_ajdari(arms):
    """ΔX per cycle = (πa/3)[L1⁻² + L2⁻² − (L1 + L2)⁻²] d1 d2 sin φ for small strokes and spheres."""
    L1, L2 = arms
    a, d, phi = 0.002, 0.01, math.pi / 3
    law = math.pi * a / 3 * (L1**-2 + L2**-2 - (L1 + L2) ** -2) * d * d * math.sin(phi)
    assert abs(_per_cycle(L1, L2, d, d, phi, a) / law - 1) < 0.005


def test_swimmer_reference_reciprocal_stroke_returns():
    u = np.linspace(0.0, 1.0, 301)
    theta = np.sin(np.pi * u**2) ** 2
    x = judges.swimmer_reference(u, 1 + 0.3 * np.cos(theta), 1 + 0.3 * np.sin(theta), 0.1)
    assert abs(x[-1]) < 1e-4 * np.ptp(x) and np.ptp(x) > 1e-4  # O(dt²) from the piecewise-linear path


def test_exact_run_and_tumble_moments_match_simulation():
    ns = reference(UNIT)
    n, dt, v, rate, b = 2000, 0.1, 1.0, 2.0, 0.6
    g = np.array([0.0, 0.6, 0.8])
    x = ns["run_and_tumble"](n, 6.0, dt, v, rate, np.random.default_rng(11), gradient=g, bias=b)
    steps = np.array([1, 10, 60])
    drift = judges.run_tumble_drift(
        steps, v * dt, 1 - math.exp(-rate * (1 - b) * dt), 1 - math.exp(-rate * dt)
    )
    along = x[:, steps] @ g
    assert np.all(np.abs(along.mean(axis=0) - drift) <= 5 * along.std(axis=0) / math.sqrt(n))
    y = ns["run_and_tumble"](n, 6.0, dt, v, rate, np.random.default_rng(12))
    r2 = (y[:, steps] ** 2).sum(axis=-1)
    want = judges.run_tumble_msd(steps, v * dt, math.exp(-rate * dt))
    assert np.all(np.abs(r2.mean(axis=0) - want) <= 5 * r2.std(axis=0) / math.sqrt(n))
    # with a small time step the drift approaches the steady-state value v b / (2 (2 − b))
    fine = 0.01
    p_up, p_down = 1 - math.exp(-rate * (1 - b) * fine), 1 - math.exp(-rate * fine)
    late = judges.run_tumble_drift(np.array([20_000, 40_000]), v * fine, p_up, p_down)
    assert abs((late[1] - late[0]) / (20_000 * fine) / (v * b / (2 * (2 - b))) - 1) < 0.02


def _deff_ratio(ns, seed, n_cells):
    X = ns["run_and_tumble"](n_cells, 60.0, 0.02, 30.0, 1.0, np.random.default_rng(seed))
    t = 0.02 * np.arange(X.shape[1])
    r2 = (X**2).sum(axis=2).mean(axis=0)
    late = t >= 10.0
    return np.polyfit(t[late], r2[late], 1)[0] / 6 / 300.0


@pytest.mark.full
@pytest.mark.parametrize("n_cells", [600, 300], ids=["full", "graded"])
def test_deff_reproduction_threshold_over_seeds(n_cells):
    """The visible check |D_fit / (v²τ/3) − 1| < 0.3 holds on 100 seeds in both sizes."""
    ns = reference(UNIT)
    failures = [s for s in range(100) if abs(_deff_ratio(ns, 9_000 + s, n_cells) - 1) >= 0.3]
    assert not failures, failures
