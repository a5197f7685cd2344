"""Unit 01 (standard diffusion): the judges' grader-side references against closed forms, and the
judge-soundness probes added for issue 13 (twin calls, exact boundaries) against wrong answers they catch."""

from __future__ import annotations

import math

import numpy as np
from conftest import reference

from autograder.judges import standard_diffusion as judges

UNIT = "01-standard-diffusion"


def _check(name):
    return next(c for c in judges.CHECKS if c.name == name)


def test_langevin_msd_has_the_ballistic_and_diffusive_limits():
    mass, gamma, kT = 2.0, 3.0, 0.5
    tau = mass / gamma
    short, long = 1e-4 * tau, 1e4 * tau
    assert math.isclose(judges.langevin_msd(short, mass, gamma, kT), kT / mass * short**2, rel_tol=1e-3)
    assert math.isclose(judges.langevin_msd(long, mass, gamma, kT), 2 * kT / gamma * long, rel_tol=1e-3)


def test_ftcs_reference_conserves_and_multiplies_the_checkerboard_by_one_minus_4r():
    r = 0.3
    board = (-1.0) ** np.arange(40) + 2.0  # positive, with the most jagged mode on top
    out = judges._ftcs_reference(board, D=r, dx=1.0, dt=1.0, n_steps=1)
    assert math.isclose(out.sum(), board.sum(), rel_tol=1e-12)
    assert np.allclose((out - 2.0)[1:-1], (1 - 4 * r) * (board - 2.0)[1:-1])


def test_a_walk_with_axes_from_a_fixed_seed_fails_only_through_the_twin_case():
    """Signs from rng but axes from a generator of its own: every single call looks right."""

    def fixed_axes(n_walkers, n_steps, dim, rng):
        axis = np.random.default_rng(0).integers(0, dim, size=(n_walkers, n_steps))
        sign = rng.choice(np.array([-1.0, 1.0]), size=(n_walkers, n_steps))
        steps = np.zeros((n_walkers, n_steps, dim))
        w, k = np.indices((n_walkers, n_steps))
        steps[w, k, axis] = sign
        out = np.zeros((n_walkers, n_steps + 1, dim))
        out[:, 1:] = np.cumsum(steps, axis=1)
        return out

    verdict = _check("random_walk").grade(fixed_axes)
    assert not verdict.passed
    assert any("share part of their walk" in m for m in verdict.messages), verdict.messages


def test_ftcs_boundary_is_r_one_half_plus_1e_12():
    ns = reference(UNIT)
    spike = np.zeros(9)
    spike[4] = 1.0
    ns["solve_diffusion_ftcs"](spike, 1.0, 1.0, 0.5 + 0.7e-12, 2)  # allowed
    try:
        ns["solve_diffusion_ftcs"](spike, 1.0, 1.0, 0.5 + 1.5e-12, 2)
    except ValueError:
        pass
    else:  # pragma: no cover - the reference must refuse it
        raise AssertionError("r = 0.5 + 1.5e-12 was accepted")


def test_visible_avogadro_construction_is_exactly_linear():
    """The visible check of Exercise 8 builds tracks whose MSD is a²k + c at lags ≥ 1: the reference recovers
    N_A to rounding, and a fit through the origin (a corpus wrong answer) misses by far more than its rtol."""
    ns = reference(UNIT)
    a2, c, dt = 4e-13, 1e-13, 0.5
    lag = np.arange(8)
    r = np.where(lag > 0, np.sqrt(a2 * lag + c), 0.0)
    tracks = np.stack([r * np.cos(0.7 * lag), r * np.sin(0.7 * lag)], axis=1)[None] + 3e-6
    want = judges.GAS_CONSTANT_J_PER_MOL_K * 293.0 / (6 * math.pi * 1.0e-3 * 0.5e-6 * a2 / (4 * dt))
    got = ns["avogadro_from_tracks"](tracks, dt, 293.0, 1.0e-3, 0.5e-6)
    assert math.isclose(got, want, rel_tol=1e-9)
    m = judges._msd_reference(tracks)[1:]
    t = dt * lag[1:]
    through_origin = np.dot(t, m) / (4 * np.dot(t, t))
    assert abs(through_origin / (a2 / (4 * dt)) - 1) > 0.01
