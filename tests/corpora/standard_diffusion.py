"""Plausible wrong answers (must fail) and alternative correct answers (must pass) for unit 01.

Each entry maps a check name to functions with the student's signature (a tuple when a check calls several).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

# --- random_walk -----------------------------------------------------------------------------------------


def rw_diagonal(n_walkers, n_steps, dim, rng):
    """Moves ±1 on every axis at once (diagonal steps)."""
    steps = rng.choice([-1.0, 1.0], size=(n_walkers, n_steps, dim))
    return np.concatenate([np.zeros((n_walkers, 1, dim)), np.cumsum(steps, axis=1)], axis=1)


def rw_no_origin_row(n_walkers, n_steps, dim, rng):
    """Forgets the starting row: shape (n_walkers, n_steps, dim)."""
    axis = rng.integers(0, dim, size=(n_walkers, n_steps))
    sign = rng.choice([-1.0, 1.0], size=(n_walkers, n_steps))
    steps = np.zeros((n_walkers, n_steps, dim))
    w, s = np.indices((n_walkers, n_steps))
    steps[w, s, axis] = sign
    return np.cumsum(steps, axis=1)


def rw_first_row_is_a_step(n_walkers, n_steps, dim, rng):
    """Off by one: n_steps + 1 steps summed, so row 0 is already a step away from the origin."""
    axis = rng.integers(0, dim, size=(n_walkers, n_steps + 1))
    sign = rng.choice([-1.0, 1.0], size=(n_walkers, n_steps + 1))
    steps = np.zeros((n_walkers, n_steps + 1, dim))
    w, s = np.indices((n_walkers, n_steps + 1))
    steps[w, s, axis] = sign
    return np.cumsum(steps, axis=1)


def rw_same_path_for_all(n_walkers, n_steps, dim, rng):
    """Draws one path and copies it to every walker."""
    axis = rng.integers(0, dim, size=n_steps)
    sign = rng.choice([-1.0, 1.0], size=n_steps)
    steps = np.zeros((n_steps, dim))
    steps[np.arange(n_steps), axis] = sign
    path = np.vstack([np.zeros((1, dim)), np.cumsum(steps, axis=0)])
    return np.broadcast_to(path, (n_walkers, n_steps + 1, dim)).copy()


def rw_biased(n_walkers, n_steps, dim, rng):
    """Positive steps with probability 0.6 (a drift)."""
    axis = rng.integers(0, dim, size=(n_walkers, n_steps))
    sign = np.where(rng.random((n_walkers, n_steps)) < 0.6, 1.0, -1.0)
    steps = np.zeros((n_walkers, n_steps, dim))
    w, s = np.indices((n_walkers, n_steps))
    steps[w, s, axis] = sign
    return np.concatenate([np.zeros((n_walkers, 1, dim)), np.cumsum(steps, axis=1)], axis=1)


def rw_first_axis_only(n_walkers, n_steps, dim, rng):
    """Always moves along axis 0."""
    out = np.zeros((n_walkers, n_steps + 1, dim))
    out[:, 1:, 0] = np.cumsum(rng.choice([-1.0, 1.0], size=(n_walkers, n_steps)), axis=1)
    return out


def rw_integer_dtype(n_walkers, n_steps, dim, rng):
    """Right walk, but an integer array (the contract asks for float)."""
    return rw_loop(n_walkers, n_steps, dim, rng).astype(int)


def rw_loop(n_walkers, n_steps, dim, rng):
    """Alternative correct: a plain loop choosing one of the 2·dim moves."""
    moves = np.vstack([np.eye(dim), -np.eye(dim)])
    out = np.zeros((n_walkers, n_steps + 1, dim))
    for k in range(n_steps):
        out[:, k + 1] = out[:, k] + moves[rng.integers(0, 2 * dim, size=n_walkers)]
    return out


# --- msd -------------------------------------------------------------------------------------------------


def msd_from_origin(positions):
    """Measures from the origin, not from each walker's start."""
    x = np.asarray(positions, dtype=float)
    sq = x**2 if x.ndim == 2 else (x**2).sum(axis=2)
    return sq.mean(axis=0)


def msd_per_axis_mean(positions):
    """Averages over axes instead of summing them."""
    x = np.asarray(positions, dtype=float)
    d = x - x[:, :1]
    sq = d**2 if d.ndim == 2 else (d**2).mean(axis=2)
    return sq.mean(axis=0)


def msd_rms(positions):
    """Returns the root mean square displacement."""
    x = np.asarray(positions, dtype=float)
    d = x - x[:, :1]
    sq = d**2 if d.ndim == 2 else (d**2).sum(axis=2)
    return np.sqrt(sq.mean(axis=0))


def msd_wrong_axis(positions):
    """Averages over time instead of walkers (wrong axis)."""
    x = np.asarray(positions, dtype=float)
    d = x - x[:, :1]
    sq = d**2 if d.ndim == 2 else (d**2).sum(axis=2)
    return sq.mean(axis=1)


def msd_loop(positions):
    """Alternative correct: explicit loops."""
    x = np.asarray(positions, dtype=float)
    if x.ndim == 2:
        x = x[:, :, None]
    out = np.zeros(x.shape[1])
    for w in range(x.shape[0]):
        for k in range(x.shape[1]):
            out[k] += float(np.sum((x[w, k] - x[w, 0]) ** 2))
    return out / x.shape[0]


# --- fit_diffusion_coefficient ---------------------------------------------------------------------------


def fit_with_intercept(t, msd, dim):
    """Fits slope and intercept instead of a line through the origin."""
    slope, _ = np.polyfit(t, msd, 1)
    return slope / (2 * dim)


def fit_forgets_dim(t, msd, dim):
    """Uses ⟨r²⟩ = 2Dt whatever the dimension."""
    return float(np.dot(t, msd) / (2 * np.dot(t, t)))


def fit_mean_ratio(t, msd, dim):
    """Averages msd/t point by point (not least squares; breaks at t = 0)."""
    t = np.asarray(t, dtype=float)
    keep = t > 0
    return float(np.mean(np.asarray(msd)[keep] / t[keep]) / (2 * dim))


def fit_lstsq(t, msd, dim):
    """Alternative correct: numpy's least-squares solver on the one-column design matrix."""
    a = 2 * dim * np.asarray(t, dtype=float)[:, None]
    sol, *_ = np.linalg.lstsq(a, np.asarray(msd, dtype=float), rcond=None)
    return float(sol[0])


# --- solve_diffusion_ftcs --------------------------------------------------------------------------------


def _validate(n0, D, dx, dt, n_steps):
    n = np.array(n0, dtype=float)
    if dx <= 0 or not np.isfinite(dx):
        raise ValueError("dx")
    if not (np.all(np.isfinite(n)) and np.all(n >= 0)) or D < 0 or dt < 0 or n_steps < 0:
        raise ValueError("input")
    if not np.all(np.isfinite([D, dt, n_steps])):
        raise ValueError("not finite")
    r = D * dt / dx**2
    if r > 0.5 + 1e-12:
        raise ValueError("unstable")
    return n, r


def ftcs_periodic(n0, D, dx, dt, n_steps):
    """Periodic boundaries (np.roll) instead of closed walls: conserves Σn but is wrong near the walls."""
    n, r = _validate(n0, D, dx, dt, n_steps)
    for _ in range(n_steps):
        n = n + r * (np.roll(n, 1) - 2 * n + np.roll(n, -1))
    return n


def ftcs_absorbing(n0, D, dx, dt, n_steps):
    """Zero concentration outside (absorbing walls): loses particles."""
    n, r = _validate(n0, D, dx, dt, n_steps)
    for _ in range(n_steps):
        padded = np.concatenate([[0.0], n, [0.0]])
        n = n + r * (padded[2:] - 2 * n + padded[:-2])
    return n


def ftcs_r_wrong_power(n0, D, dx, dt, n_steps):
    """r = D·dt/dx (dx not squared)."""
    n = np.array(n0, dtype=float)
    if dx <= 0 or not np.all(np.isfinite(n)) or np.any(n < 0):
        raise ValueError("bad input")
    r = D * dt / dx
    if r > 0.5:
        raise ValueError("unstable")
    for _ in range(n_steps):
        flux = r * np.diff(n)
        n[:-1] += flux
        n[1:] -= flux
    return n


def ftcs_no_validation(n0, D, dx, dt, n_steps):
    """Right scheme, but never raises (accepts unstable steps and bad inputs)."""
    n = np.array(n0, dtype=float)
    r = D * dt / dx**2
    for _ in range(n_steps):
        flux = r * np.diff(n)
        n[:-1] += flux
        n[1:] -= flux
    return n


def ftcs_one_step_short(n0, D, dx, dt, n_steps):
    """Off by one: n_steps − 1 updates."""
    n, r = _validate(n0, D, dx, dt, n_steps)
    for _ in range(max(n_steps - 1, 0)):
        flux = r * np.diff(n)
        n[:-1] += flux
        n[1:] -= flux
    return n


def ftcs_in_place(n0, D, dx, dt, n_steps):
    """Right numbers, but overwrites the caller's array."""
    _validate(n0, D, dx, dt, n_steps)
    n = n0
    r = D * dt / dx**2
    for _ in range(n_steps):
        flux = r * np.diff(n)
        n[:-1] += flux
        n[1:] -= flux
    return n


def ftcs_matrix(n0, D, dx, dt, n_steps):
    """Alternative correct: the update as a tridiagonal matrix raised to the n_steps-th power."""
    n, r = _validate(n0, D, dx, dt, n_steps)
    size = n.size
    a = np.eye(size)
    if size > 1:
        lap = np.diag(np.full(size - 1, 1.0), 1) + np.diag(np.full(size - 1, 1.0), -1) - 2 * np.eye(size)
        lap[0, 0] = lap[-1, -1] = -1.0
        a = a + r * lap
    return np.linalg.matrix_power(a, int(n_steps)) @ n


# --- gaussian_profile ------------------------------------------------------------------------------------


def gauss_2dt(x, t, D, n_total):
    """exp(−x²/2Dt): the variance taken as Dt."""
    x = np.asarray(x, dtype=float)
    return n_total * np.exp(-(x**2) / (2 * D * t)) / np.sqrt(2 * np.pi * D * t)


def gauss_unnormalised(x, t, D, n_total):
    """Forgets the 1/√(4πDt) normalisation."""
    x = np.asarray(x, dtype=float)
    return n_total * np.exp(-(x**2) / (4 * D * t))


def gauss_scipy(x, t, D, n_total):
    """Alternative correct: a normal density with variance 2Dt."""
    return n_total * stats.norm.pdf(np.asarray(x, dtype=float), scale=math.sqrt(2 * D * t))


# --- simulate_langevin -----------------------------------------------------------------------------------


def _langevin(
    n_particles,
    n_steps,
    dt,
    mass,
    gamma,
    kT,
    rng,
    *,
    v0_scale=1.0,
    noise_scale=1.0,
    sqrt_dt=True,
    after=False,
):
    x = np.zeros((n_particles, n_steps + 1))
    v = v0_scale * rng.normal(0.0, math.sqrt(kT / mass), size=n_particles)
    kick = noise_scale * math.sqrt(2 * gamma * kT * (dt if sqrt_dt else dt * dt)) / mass
    for k in range(n_steps):
        v_new = v - gamma / mass * v * dt + kick * rng.standard_normal(n_particles)
        x[:, k + 1] = x[:, k] + (v_new if after else v) * dt
        v = v_new
    return x


def langevin_at_rest(n_particles, n_steps, dt, mass, gamma, kT, rng):
    """Starts every particle at rest (v = 0) instead of Maxwell–Boltzmann."""
    return _langevin(n_particles, n_steps, dt, mass, gamma, kT, rng, v0_scale=0.0)


def langevin_half_noise(n_particles, n_steps, dt, mass, gamma, kT, rng):
    """Noise strength √(γ kT) instead of √(2γ kT)."""
    return _langevin(n_particles, n_steps, dt, mass, gamma, kT, rng, noise_scale=1 / math.sqrt(2))


def langevin_noise_times_dt(n_particles, n_steps, dt, mass, gamma, kT, rng):
    """Noise scaled by dt instead of √dt."""
    return _langevin(n_particles, n_steps, dt, mass, gamma, kT, rng, sqrt_dt=False)


def langevin_brownian_only(n_particles, n_steps, dt, mass, gamma, kT, rng):
    """Overdamped Brownian motion (no inertia): no ballistic regime."""
    steps = rng.normal(0.0, math.sqrt(2 * kT / gamma * dt), size=(n_particles, n_steps))
    return np.concatenate([np.zeros((n_particles, 1)), np.cumsum(steps, axis=1)], axis=1)


def langevin_semi_implicit(n_particles, n_steps, dt, mass, gamma, kT, rng):
    """Alternative correct: the position update uses the velocity after the step."""
    return _langevin(n_particles, n_steps, dt, mass, gamma, kT, rng, after=True)


def langevin_exact_ou(n_particles, n_steps, dt, mass, gamma, kT, rng):
    """Alternative correct (a different scheme): exact OU velocity update, trapezoidal positions."""
    tau = mass / gamma
    decay = math.exp(-dt / tau)
    sd = math.sqrt(kT / mass * (1 - decay**2))
    x = np.zeros((n_particles, n_steps + 1))
    v = rng.normal(0.0, math.sqrt(kT / mass), size=n_particles)
    for k in range(n_steps):
        v_new = decay * v + sd * rng.standard_normal(n_particles)
        x[:, k + 1] = x[:, k] + 0.5 * (v + v_new) * dt
        v = v_new
    return x


# --- stokes_einstein -------------------------------------------------------------------------------------
K_B = 1.380649e-23


def se_diameter(temperature_k, viscosity_pa_s, radius_m):
    """Uses the diameter in place of the radius."""
    return K_B * temperature_k / (6 * math.pi * viscosity_pa_s * 2 * radius_m)


def se_4pi(temperature_k, viscosity_pa_s, radius_m):
    """4π (slip boundary) instead of Stokes' 6π."""
    return K_B * temperature_k / (4 * math.pi * viscosity_pa_s * radius_m)


def se_gas_constant(temperature_k, viscosity_pa_s, radius_m):
    """Uses R instead of k_B."""
    return 8.314462618 * temperature_k / (6 * math.pi * viscosity_pa_s * radius_m)


def se_from_r_and_na(temperature_k, viscosity_pa_s, radius_m):
    """Alternative correct: k_B written as R / N_A."""
    return (8.314462618 / 6.02214076e23) * temperature_k / (6 * math.pi * viscosity_pa_s * radius_m)


# --- avogadro_from_tracks --------------------------------------------------------------------------------
R_GAS = 8.314462618


def _ensemble_msd(tracks):
    d = tracks - tracks[:, :1]
    return (d**2).sum(axis=2).mean(axis=0)


def na_through_origin(tracks_m, dt_s, temperature_k, viscosity_pa_s, radius_m):
    """Fits through the origin, so localization noise biases D."""
    m = _ensemble_msd(tracks_m)[1:]
    t = dt_s * np.arange(1, len(m) + 1)
    d = np.dot(t, m) / (4 * np.dot(t, t))
    return R_GAS * temperature_k / (6 * math.pi * viscosity_pa_s * radius_m * d)


def na_includes_lag_zero(tracks_m, dt_s, temperature_k, viscosity_pa_s, radius_m):
    """Keeps lag 0 in the fit."""
    m = _ensemble_msd(tracks_m)
    t = dt_s * np.arange(len(m))
    slope, _ = np.polyfit(t, m, 1)
    return R_GAS * temperature_k / (6 * math.pi * viscosity_pa_s * radius_m * slope / 4)


def na_one_dimensional(tracks_m, dt_s, temperature_k, viscosity_pa_s, radius_m):
    """Uses ⟨r²⟩ = 2Dt for 2D tracks."""
    m = _ensemble_msd(tracks_m)[1:]
    t = dt_s * np.arange(1, len(m) + 1)
    slope, _ = np.polyfit(t, m, 1)
    return R_GAS * temperature_k / (6 * math.pi * viscosity_pa_s * radius_m * slope / 2)


def na_from_origin_positions(tracks_m, dt_s, temperature_k, viscosity_pa_s, radius_m):
    """Measures displacement from the coordinate origin rather than each bead's first frame."""
    m = (tracks_m**2).sum(axis=2).mean(axis=0)[1:]
    t = dt_s * np.arange(1, len(m) + 1)
    slope, _ = np.polyfit(t, m, 1)
    return R_GAS * temperature_k / (6 * math.pi * viscosity_pa_s * radius_m * slope / 4)


def na_linregress(tracks_m, dt_s, temperature_k, viscosity_pa_s, radius_m):
    """Alternative correct: scipy's linregress on an explicitly looped MSD."""
    n_beads, n_frames, _ = tracks_m.shape
    m = [np.mean(np.sum((tracks_m[:, k] - tracks_m[:, 0]) ** 2, axis=1)) for k in range(1, n_frames)]
    fit = stats.linregress(dt_s * np.arange(1, n_frames), m)
    return R_GAS * temperature_k / (6 * math.pi * viscosity_pa_s * radius_m * fit.slope / 4)


# --- issue 13 hole classes: randomness not from rng, inputs modified, contract edges -----------------------
def _rw_from(gen, n_walkers, n_steps, dim):
    axis = gen.integers(0, dim, size=(n_walkers, n_steps))
    sign = gen.choice(np.array([-1.0, 1.0]), size=(n_walkers, n_steps))
    steps = np.zeros((n_walkers, n_steps, dim))
    w, k = np.indices((n_walkers, n_steps))
    steps[w, k, axis] = sign
    out = np.zeros((n_walkers, n_steps + 1, dim))
    out[:, 1:] = np.cumsum(steps, axis=1)
    return out


def rw_global_rng(n_walkers, n_steps, dim, rng):
    """Right walk, but drawn from NumPy's global generator (np.random.*), not from rng."""
    axis = np.random.randint(0, dim, size=(n_walkers, n_steps))
    sign = np.random.choice([-1.0, 1.0], size=(n_walkers, n_steps))
    steps = np.zeros((n_walkers, n_steps, dim))
    w, k = np.indices((n_walkers, n_steps))
    steps[w, k, axis] = sign
    out = np.zeros((n_walkers, n_steps + 1, dim))
    out[:, 1:] = np.cumsum(steps, axis=1)
    return out


def rw_fixed_seed(n_walkers, n_steps, dim, rng):
    """Right walk, but from a generator seeded with a constant of its own (same walk whatever rng)."""
    return _rw_from(np.random.default_rng(12345), n_walkers, n_steps, dim)


_RW_CACHE: dict = {}


def rw_reused_draw(n_walkers, n_steps, dim, rng):
    """Draws once per shape and returns the cached walk on later calls (the second seed is ignored)."""
    key = (n_walkers, n_steps, dim)
    if key not in _RW_CACHE:
        _RW_CACHE[key] = _rw_from(rng, n_walkers, n_steps, dim)
    return _RW_CACHE[key].copy()


def msd_in_place(positions):
    """Right numbers, but subtracts each walker's start from the caller's array in place."""
    x = np.asarray(positions)
    x -= x[:, :1].copy()
    sq = x**2 if x.ndim == 2 else (x**2).sum(axis=2)
    return sq.mean(axis=0)


def msd_drops_lag_zero(positions):
    """Off by one: leaves out time index 0 (shape n_times − 1)."""
    x = np.asarray(positions, dtype=float)
    d = x[:, 1:] - x[:, :1]
    sq = d**2 if d.ndim == 2 else (d**2).sum(axis=2)
    return sq.mean(axis=0)


def fit_in_place(t, msd, dim):
    """Right D, but scales the caller's msd array in place (msd /= 2·dim)."""
    m = np.asarray(msd)
    m /= 2 * dim
    t = np.asarray(t, dtype=float)
    return float(np.dot(t, m) / np.dot(t, t))


def fit_drops_last_point(t, msd, dim):
    """Off by one: leaves out the last point of the series."""
    t = np.asarray(t, dtype=float)[:-1]
    m = np.asarray(msd, dtype=float)[:-1]
    return float(np.dot(t, m) / (2 * dim * np.dot(t, t)))


def ftcs_no_parameter_checks(n0, D, dx, dt, n_steps):
    """Checks n0, dx and stability, but not negative or non-finite D, dt, n_steps."""
    n = np.array(n0, dtype=float)
    if dx <= 0 or not np.all(np.isfinite(n)) or np.any(n < 0):
        raise ValueError("bad input")
    r = D * dt / dx**2
    if r > 0.5 + 1e-12:
        raise ValueError("unstable")
    for _ in range(int(n_steps)):
        flux = r * np.diff(n)
        n[:-1] += flux
        n[1:] -= flux
    return n


def ftcs_refuses_the_limit(n0, D, dx, dt, n_steps):
    """Wrong boundary: refuses r = 1/2 exactly (r >= 0.5), which the contract allows."""
    n, r = _validate(n0, D, dx, dt, n_steps)
    if r >= 0.5:
        raise ValueError("unstable")
    for _ in range(n_steps):
        flux = r * np.diff(n)
        n[:-1] += flux
        n[1:] -= flux
    return n


def ftcs_keeps_input_dtype(n0, D, dx, dt, n_steps):
    """Copies n0 without converting to float: integer counts break (in-place float update of an int array)."""
    _validate(n0, D, dx, dt, n_steps)
    n = np.array(n0)
    r = D * dt / dx**2
    for _ in range(n_steps):
        flux = r * np.diff(n)
        n[:-1] += flux
        n[1:] -= flux
    return n


def gauss_in_place(x, t, D, n_total):
    """Right values, but squares the caller's position array in place."""
    x = np.asarray(x)
    x **= 2
    return n_total * np.exp(-x / (4 * D * t)) / np.sqrt(4 * np.pi * D * t)


def gauss_sqrt_2pi(x, t, D, n_total):
    """Normalises with √(2πDt) instead of √(4πDt)."""
    x = np.asarray(x, dtype=float)
    return n_total * np.exp(-(x**2) / (4 * D * t)) / np.sqrt(2 * np.pi * D * t)


def gauss_missing_total(x, t, D, n_total):
    """Forgets to multiply by n_total (a probability density)."""
    x = np.asarray(x, dtype=float)
    return np.exp(-(x**2) / (4 * D * t)) / np.sqrt(4 * np.pi * D * t)


def langevin_global_rng(n_particles, n_steps, dt, mass, gamma, kT, rng):
    """Right scheme, but drawn from NumPy's global generator."""
    return _langevin(n_particles, n_steps, dt, mass, gamma, kT, np.random.mtrand._rand)


def langevin_fixed_seed(n_particles, n_steps, dt, mass, gamma, kT, rng):
    """Right scheme, but from a generator of its own with a fixed seed."""
    return _langevin(n_particles, n_steps, dt, mass, gamma, kT, np.random.default_rng(7))


def langevin_uniform_velocities(n_particles, n_steps, dt, mass, gamma, kT, rng):
    """Initial velocities uniform with the right variance kT/m (not Maxwell–Boltzmann)."""
    x = np.zeros((n_particles, n_steps + 1))
    half = math.sqrt(3 * kT / mass)
    v = rng.uniform(-half, half, size=n_particles)
    kick = math.sqrt(2 * gamma * kT * dt) / mass
    for k in range(n_steps):
        x[:, k + 1] = x[:, k] + v * dt
        v = v - gamma / mass * v * dt + kick * rng.standard_normal(n_particles)
    return x


def se_celsius(temperature_k, viscosity_pa_s, radius_m):
    """Converts the (already Kelvin) temperature to Celsius."""
    return K_B * (temperature_k - 273.15) / (6 * math.pi * viscosity_pa_s * radius_m)


def se_centipoise(temperature_k, viscosity_pa_s, radius_m):
    """Treats the viscosity as if given in centipoise (×1000)."""
    return K_B * temperature_k / (6 * math.pi * viscosity_pa_s * 1e3 * radius_m)


def na_in_place(tracks_m, dt_s, temperature_k, viscosity_pa_s, radius_m):
    """Right estimate, but subtracts each bead's first frame from the caller's tracks in place."""
    tracks_m -= tracks_m[:, :1].copy()
    m = (tracks_m**2).sum(axis=2).mean(axis=0)[1:]
    t = dt_s * np.arange(1, len(m) + 1)
    slope, _ = np.polyfit(t, m, 1)
    return R_GAS * temperature_k / (6 * math.pi * viscosity_pa_s * radius_m * slope / 4)


def na_boltzmann(tracks_m, dt_s, temperature_k, viscosity_pa_s, radius_m):
    """Uses k_B instead of R (returns about 1, not N_A)."""
    m = _ensemble_msd(tracks_m)[1:]
    t = dt_s * np.arange(1, len(m) + 1)
    slope, _ = np.polyfit(t, m, 1)
    return K_B * temperature_k / (6 * math.pi * viscosity_pa_s * radius_m * slope / 4)


WRONG = {
    "random_walk": [
        rw_diagonal,
        rw_no_origin_row,
        rw_first_row_is_a_step,
        rw_same_path_for_all,
        rw_biased,
        rw_first_axis_only,
        rw_integer_dtype,
        rw_global_rng,
        rw_fixed_seed,
        rw_reused_draw,
    ],
    "msd": [msd_from_origin, msd_per_axis_mean, msd_rms, msd_wrong_axis, msd_in_place, msd_drops_lag_zero],
    "fit_diffusion_coefficient": [
        fit_with_intercept,
        fit_forgets_dim,
        fit_mean_ratio,
        fit_in_place,
        fit_drops_last_point,
    ],
    "solve_diffusion_ftcs": [
        ftcs_periodic,
        ftcs_absorbing,
        ftcs_r_wrong_power,
        ftcs_no_validation,
        ftcs_one_step_short,
        ftcs_in_place,
        ftcs_no_parameter_checks,
        ftcs_refuses_the_limit,
        ftcs_keeps_input_dtype,
    ],
    "gaussian_profile": [gauss_2dt, gauss_unnormalised, gauss_in_place, gauss_sqrt_2pi, gauss_missing_total],
    "simulate_langevin": [
        langevin_at_rest,
        langevin_half_noise,
        langevin_noise_times_dt,
        langevin_brownian_only,
        langevin_global_rng,
        langevin_fixed_seed,
        langevin_uniform_velocities,
    ],
    "stokes_einstein": [se_diameter, se_4pi, se_gas_constant, se_celsius, se_centipoise],
    "avogadro_from_tracks": [
        na_through_origin,
        na_includes_lag_zero,
        na_one_dimensional,
        na_from_origin_positions,
        na_in_place,
        na_boltzmann,
    ],
}

CORRECT = {
    "random_walk": [rw_loop],
    "msd": [msd_loop],
    "fit_diffusion_coefficient": [fit_lstsq],
    "solve_diffusion_ftcs": [ftcs_matrix],
    "gaussian_profile": [gauss_scipy],
    "simulate_langevin": [langevin_semi_implicit, langevin_exact_ou],
    "stokes_einstein": [se_from_r_and_na],
    "avogadro_from_tracks": [na_linregress],
}
