"""Plausible wrong answers (must fail) and alternative correct answers (must pass) for unit 02.

Each entry maps a check name to functions with the student's signature (a tuple when a check calls several).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

# --- ctrw ------------------------------------------------------------------------------------------------


def _n_times(t_max, dt):
    return int(math.floor(t_max / dt + 1e-9)) + 1


def _ctrw(n_walkers, t_max, alpha, rng, dt, *, wait, jump=None, check=True, jump_first=False, n_extra=1):
    """A loop CTRW with pluggable waiting times and jumps (n_extra=0 drops the t = t_max sample)."""
    if check and not 0 < alpha < 1:
        raise ValueError("alpha")
    n_times = int(math.floor(t_max / dt + 1e-9)) + n_extra
    t = dt * np.arange(n_times)
    x = np.zeros((n_walkers, n_times))
    for w in range(n_walkers):
        clock, times, sizes = 0.0, [], []
        while True:
            tau = wait(rng)
            if jump_first:
                times.append(clock)
                clock += tau
            else:
                clock += tau
                times.append(clock)
            sizes.append(jump(rng) if jump else rng.standard_normal())
            if clock > t[-1]:
                break
        pos = np.concatenate([[0.0], np.cumsum(sizes)])
        x[w] = pos[np.searchsorted(np.array(times), t, side="right")]
    return x


def ctrw_lomax(n_walkers, t_max, alpha, rng, dt=1.0):
    """Waiting times rng.pareto(alpha) without the + 1: P(τ > s) = (1 + s)^(−alpha), not s^(−alpha)."""
    return _ctrw(n_walkers, t_max, alpha, rng, dt, wait=lambda r: r.pareto(alpha))


def ctrw_exponential(n_walkers, t_max, alpha, rng, dt=1.0):
    """Exponential waiting times of mean 1/alpha: an ordinary random walk in continuous time."""
    return _ctrw(n_walkers, t_max, alpha, rng, dt, wait=lambda r: r.exponential(1 / alpha))


def ctrw_density_exponent(n_walkers, t_max, alpha, rng, dt=1.0):
    """Tail exponent 1 + alpha (the exponent of the density ψ(τ) ∝ τ^(−1−alpha) used for the survival)."""
    return _ctrw(n_walkers, t_max, alpha, rng, dt, wait=lambda r: 1 + r.pareto(1 + alpha))


def ctrw_unit_jumps(n_walkers, t_max, alpha, rng, dt=1.0):
    """Jumps of ±1 instead of standard normal ones."""
    return _ctrw(
        n_walkers, t_max, alpha, rng, dt, wait=lambda r: 1 + r.pareto(alpha), jump=lambda r: r.choice([-1, 1])
    )


def ctrw_jump_then_wait(n_walkers, t_max, alpha, rng, dt=1.0):
    """Jumps at the start of each waiting time, so every walker has moved just after t = 0."""
    return _ctrw(n_walkers, t_max, alpha, rng, dt, wait=lambda r: 1 + r.pareto(alpha), jump_first=True)


def ctrw_no_last_time(n_walkers, t_max, alpha, rng, dt=1.0):
    """Off by one: floor(t_max/dt) sample times, missing t_max."""
    return _ctrw(n_walkers, t_max, alpha, rng, dt, wait=lambda r: 1 + r.pareto(alpha), n_extra=0)


def ctrw_no_validation(n_walkers, t_max, alpha, rng, dt=1.0):
    """Right walk, but accepts alpha outside (0, 1)."""
    return _ctrw(n_walkers, t_max, alpha, rng, dt, wait=lambda r: 1 + r.pareto(alpha), check=False)


def ctrw_ignores_dt(n_walkers, t_max, alpha, rng, dt=1.0):
    """Samples at integer times 0, 1, 2, … whatever dt is (right number of samples)."""
    if not 0 < alpha < 1:
        raise ValueError("alpha")
    n = _n_times(t_max, dt)
    return _ctrw(n_walkers, n - 1, alpha, rng, 1.0, wait=lambda r: 1 + r.pareto(alpha))


def ctrw_global_rng(n_walkers, t_max, alpha, rng, dt=1.0):
    """Ignores rng and draws from numpy's global generator."""
    return _ctrw(n_walkers, t_max, alpha, np.random.mtrand._rand, dt, wait=lambda r: 1 + r.pareto(alpha))


def ctrw_loop(n_walkers, t_max, alpha, rng, dt=1.0):
    """Alternative correct: a loop over walkers with numpy's Pareto sampler."""
    return _ctrw(n_walkers, t_max, alpha, rng, dt, wait=lambda r: 1 + r.pareto(alpha))


def ctrw_inverse_transform(n_walkers, t_max, alpha, rng, dt=1.0):
    """Alternative correct: τ = U^(−1/alpha) by inverse transform, all walkers at once, jumps drawn first."""
    if not 0 < alpha < 1:
        raise ValueError("alpha")
    n = _n_times(t_max, dt)
    t = dt * np.arange(n)
    max_jumps = int(t[-1]) + 1
    tau = (1.0 - rng.random((n_walkers, max_jumps))) ** (-1.0 / alpha)
    sizes = rng.standard_normal((n_walkers, max_jumps))
    when = np.cumsum(tau, axis=1)
    pos = np.concatenate([np.zeros((n_walkers, 1)), np.cumsum(sizes, axis=1)], axis=1)
    out = np.empty((n_walkers, n))
    for w in range(n_walkers):
        out[w] = pos[w, np.searchsorted(when[w], t, side="right")]
    return out


# --- fbm -------------------------------------------------------------------------------------------------


def _cov(n_steps, hurst):
    t = np.arange(1, n_steps + 1, dtype=float)
    h2 = 2 * hurst
    return 0.5 * (t[:, None] ** h2 + t[None, :] ** h2 - np.abs(t[:, None] - t[None, :]) ** h2)


def _with_origin(paths):
    return np.concatenate([np.zeros((paths.shape[0], 1)), paths], axis=1)


def fbm_brownian(n_walkers, n_steps, hurst, rng):
    """Ordinary Brownian motion whatever hurst is."""
    return _with_origin(np.cumsum(rng.standard_normal((n_walkers, n_steps)), axis=1))


def fbm_hurst_as_exponent(n_walkers, n_steps, hurst, rng):
    """Uses t^H in the covariance instead of t^(2H), so Var x(t) = t^H."""
    lower = np.linalg.cholesky(_cov(n_steps, hurst / 2))
    return _with_origin(rng.standard_normal((n_walkers, n_steps)) @ lower.T)


def fbm_scaled_brownian(n_walkers, n_steps, hurst, rng):
    """Independent increments with Var x(t) = t^(2H): scaled Brownian motion, not fBM."""
    t = np.arange(n_steps + 1, dtype=float)
    sd = np.sqrt(np.diff(t ** (2 * hurst)))
    return _with_origin(np.cumsum(rng.standard_normal((n_walkers, n_steps)) * sd, axis=1))


def fbm_transposed_factor(n_walkers, n_steps, hurst, rng):
    """Multiplies by the Cholesky factor the wrong way round (z @ L), giving covariance Lᵀ L."""
    lower = np.linalg.cholesky(_cov(n_steps, hurst))
    return _with_origin(rng.standard_normal((n_walkers, n_steps)) @ lower)


def fbm_increments_only(n_walkers, n_steps, hurst, rng):
    """Returns fractional Gaussian noise (the increments) preceded by 0, forgetting to sum them."""
    x = _with_origin(rng.standard_normal((n_walkers, n_steps)) @ np.linalg.cholesky(_cov(n_steps, hurst)).T)
    out = np.diff(x, axis=1)
    return _with_origin(out)


def fbm_cholesky_increments(n_walkers, n_steps, hurst, rng):
    """Alternative correct: Cholesky of the Toeplitz covariance of the increments, then a cumulative sum."""
    k = np.arange(n_steps, dtype=float)
    h2 = 2 * hurst
    gamma = 0.5 * (np.abs(k + 1) ** h2 - 2 * np.abs(k) ** h2 + np.abs(k - 1) ** h2)
    cov = gamma[np.abs(np.subtract.outer(np.arange(n_steps), np.arange(n_steps)))]
    noise = rng.standard_normal((n_walkers, n_steps)) @ np.linalg.cholesky(cov).T
    return _with_origin(np.cumsum(noise, axis=1))


def fbm_davies_harte(n_walkers, n_steps, hurst, rng):
    """Alternative correct: Davies–Harte circulant embedding of the increments (FFT)."""
    n = n_steps
    k = np.arange(n + 1, dtype=float)
    h2 = 2 * hurst
    gamma = 0.5 * (np.abs(k + 1) ** h2 - 2 * np.abs(k) ** h2 + np.abs(k - 1) ** h2)
    row = np.concatenate([gamma, gamma[-2:0:-1]])  # length 2n
    lam = np.fft.fft(row).real
    lam = np.clip(lam, 0, None)
    m = row.size
    w = rng.standard_normal((n_walkers, m)) + 1j * rng.standard_normal((n_walkers, m))
    noise = np.fft.fft(np.sqrt(lam / m) * w, axis=1).real[:, :n]
    return _with_origin(np.cumsum(noise, axis=1))


# --- levy_walk -------------------------------------------------------------------------------------------


def _levy(n_walkers, n_steps, rng, speed, *, duration, direction=None):
    x = np.zeros((n_walkers, n_steps + 1))
    for w in range(n_walkers):
        t, p, k = 0.0, 0.0, 1
        d = None
        while k <= n_steps:
            tau = duration(rng)
            d = direction(rng, d) if direction else rng.choice([-1.0, 1.0])
            while k <= n_steps and k <= t + tau:
                x[w, k] = p + d * speed * (k - t)
                k += 1
            t += tau
            p += d * speed * tau
    return x


def levy_flight_jumps(n_walkers, n_steps, mu, rng, speed=1.0):
    """A Lévy flight: waits for the flight duration, then jumps the whole length instantly."""
    x = np.zeros((n_walkers, n_steps + 1))
    grid = np.arange(n_steps + 1)
    for w in range(n_walkers):
        t, p, ends, pos = 0.0, 0.0, [], []
        while t <= n_steps:
            tau = 1 + rng.pareto(mu)
            t += tau
            p += speed * tau * rng.choice([-1.0, 1.0])
            ends.append(t)
            pos.append(p)
        x[w] = np.concatenate([[0.0], pos])[np.searchsorted(ends, grid, side="right")]
    return x


def levy_lomax(n_walkers, n_steps, mu, rng, speed=1.0):
    """Flight durations rng.pareto(mu) without the + 1 (many flights shorter than one time unit)."""
    return _levy(n_walkers, n_steps, rng, speed, duration=lambda r: r.pareto(mu) + 1e-12)


def levy_density_exponent(n_walkers, n_steps, mu, rng, speed=1.0):
    """Treats mu as the density exponent: P(τ > s) = s^(1 − mu), far heavier flights."""
    return _levy(n_walkers, n_steps, rng, speed, duration=lambda r: 1 + r.pareto(mu - 1))


def levy_exponential(n_walkers, n_steps, mu, rng, speed=1.0):
    """Exponential flight durations with mean mu/(mu − 1): a persistent random walk, not a Lévy walk."""
    return _levy(n_walkers, n_steps, rng, speed, duration=lambda r: 1 + r.exponential(1 / (mu - 1)))


def levy_persistent_direction(n_walkers, n_steps, mu, rng, speed=1.0):
    """Keeps its first direction for ever (only the first direction is random)."""
    return _levy(
        n_walkers,
        n_steps,
        rng,
        speed,
        duration=lambda r: 1 + r.pareto(mu),
        direction=lambda r, d: r.choice([-1.0, 1.0]) if d is None else d,
    )


def levy_alternating(n_walkers, n_steps, mu, rng, speed=1.0):
    """Reverses direction at every new flight instead of choosing it at random."""
    return _levy(
        n_walkers,
        n_steps,
        rng,
        speed,
        duration=lambda r: 1 + r.pareto(mu),
        direction=lambda r, d: r.choice([-1.0, 1.0]) if d is None else -d,
    )


def levy_ignores_speed(n_walkers, n_steps, mu, rng, speed=1.0):
    """Always moves at unit speed."""
    return _levy(n_walkers, n_steps, rng, 1.0, duration=lambda r: 1 + r.pareto(mu))


def levy_loop(n_walkers, n_steps, mu, rng, speed=1.0):
    """Alternative correct: a plain loop over walkers and flights."""
    return _levy(n_walkers, n_steps, rng, speed, duration=lambda r: 1 + r.pareto(mu))


def levy_velocity_integral(n_walkers, n_steps, mu, rng, speed=1.0):
    """Alternative correct: inverse-transform durations; x(k) = x(k−1) + ∫ of the velocity over (k−1, k]."""
    x = np.zeros((n_walkers, n_steps + 1))
    for w in range(n_walkers):
        ends, vel = [0.0], []
        while ends[-1] < n_steps:
            ends.append(ends[-1] + (1.0 - rng.random()) ** (-1.0 / mu))
            vel.append(speed if rng.random() < 0.5 else -speed)
        ends_a, vel_a = np.array(ends), np.array(vel)
        for k in range(1, n_steps + 1):
            overlap = np.clip(np.minimum(ends_a[1:], k) - np.maximum(ends_a[:-1], k - 1), 0, None)
            x[w, k] = x[w, k - 1] + np.dot(overlap, vel_a)
    return x


# --- time_averaged_msd -----------------------------------------------------------------------------------


def _lags_ok(x, lags):
    lags = np.atleast_1d(np.asarray(lags))
    if np.any(lags < 1) or np.any(lags >= len(x)):
        raise ValueError("lag")
    return np.asarray(x, dtype=float), lags.astype(int)


def tamsd_divides_by_n(x, lags):
    """Sums (x[i+lag] − x[i])² and divides by len(x) instead of the number of pairs."""
    x, lags = _lags_ok(x, lags)
    return np.array([np.sum((x[lag:] - x[:-lag]) ** 2) / len(x) for lag in lags])


def tamsd_no_validation(x, lags):
    """Right for valid lags, but lag 0 or lag ≥ len(x) return nan instead of raising."""
    x = np.asarray(x, dtype=float)
    out = []
    for lag in lags:
        d = x[lag:] - x[: len(x) - lag]
        out.append(np.mean(d**2) if d.size else float("nan"))
    return np.array(out)


def tamsd_from_start(x, lags):
    """Squared displacement from the first point, (x[lag] − x[0])², not a time average."""
    x, lags = _lags_ok(x, lags)
    return (x[lags] - x[0]) ** 2


def tamsd_sorted_lags(x, lags):
    """Returns the values for the lags sorted in increasing order, not in the order given."""
    x, lags = _lags_ok(x, lags)
    return np.array([np.mean((x[lag:] - x[:-lag]) ** 2) for lag in np.sort(lags)])


def tamsd_squared_mean(x, lags):
    """Squares the mean displacement instead of averaging the squared displacement."""
    x, lags = _lags_ok(x, lags)
    return np.array([np.mean(x[lag:] - x[:-lag]) ** 2 for lag in lags])


def tamsd_double_loop(x, lags):
    """Alternative correct: explicit loops over lags and start times."""
    x, lags = _lags_ok(x, lags)
    out = []
    for lag in lags:
        total = 0.0
        for i in range(len(x) - lag):
            total += (x[i + lag] - x[i]) ** 2
        out.append(total / (len(x) - lag))
    return np.array(out)


def tamsd_cumsum(x, lags):
    """Alternative correct: expands the square and uses cumulative sums."""
    x, lags = _lags_ok(x, lags)
    n = len(x)
    c2 = np.concatenate([[0.0], np.cumsum(x**2)])
    out = []
    for lag in lags:
        m = n - lag
        cross = np.dot(x[lag:], x[:m])
        out.append(((c2[n] - c2[lag]) + c2[m] - 2 * cross) / m)
    return np.array(out)


# --- ensemble_msd ----------------------------------------------------------------------------------------


def eamsd_from_origin(X):
    """Measures from the coordinate origin instead of each walker's first position."""
    return (np.asarray(X, dtype=float) ** 2).mean(axis=0)


def eamsd_time_axis(X):
    """Averages over time instead of over walkers."""
    X = np.asarray(X, dtype=float)
    return ((X - X[:, :1]) ** 2).mean(axis=1)


def eamsd_variance(X):
    """Variance across walkers at each time (subtracts the ensemble mean, not the start)."""
    return np.asarray(X, dtype=float).var(axis=0)


def eamsd_loop(X):
    """Alternative correct: loops over times."""
    X = np.asarray(X, dtype=float)
    return np.array([np.mean((X[:, k] - X[:, 0]) ** 2) for k in range(X.shape[1])])


# --- anomalous_exponent ----------------------------------------------------------------------------------


def _keep(t, msd, t_range, strict=False):
    t = np.asarray(t, dtype=float)
    m = np.asarray(msd, dtype=float)
    keep = (t > 0) & (m > 0)
    if t_range is not None:
        if strict:
            keep &= (t > t_range[0]) & (t < t_range[1])
        else:
            keep &= (t >= t_range[0]) & (t <= t_range[1])
    if keep.sum() < 2:
        raise ValueError("fewer than two usable points")
    return t[keep], m[keep]


def exponent_linear_slope(t, msd, t_range=None):
    """Fits msd against t on linear axes (returns the slope of the line, not the exponent)."""
    tk, mk = _keep(t, msd, t_range)
    return float(np.polyfit(tk, mk, 1)[0])


def exponent_mixed_logs(t, msd, t_range=None):
    """log10 of t but natural log of msd: the slope is off by a factor ln 10."""
    tk, mk = _keep(t, msd, t_range)
    return float(np.polyfit(np.log10(tk), np.log(mk), 1)[0])


def exponent_exclusive_range(t, msd, t_range=None):
    """Treats t_range as an open interval, dropping its end points."""
    tk, mk = _keep(t, msd, t_range, strict=True)
    return float(np.polyfit(np.log(tk), np.log(mk), 1)[0])


def exponent_ignores_range(t, msd, t_range=None):
    """Ignores t_range."""
    tk, mk = _keep(t, msd, None)
    return float(np.polyfit(np.log(tk), np.log(mk), 1)[0])


def exponent_end_points(t, msd, t_range=None):
    """Slope between the first and last kept points only (not least squares)."""
    tk, mk = _keep(t, msd, t_range)
    return float(np.log(mk[-1] / mk[0]) / np.log(tk[-1] / tk[0]))


def exponent_nonlinear_fit(t, msd, t_range=None):
    """Fits A·t^alpha by nonlinear least squares on linear axes (weights large msd values most)."""
    tk, mk = _keep(t, msd, t_range)
    from scipy.optimize import curve_fit

    p, _ = curve_fit(lambda s, a, b: a * s**b, tk, mk, p0=(mk[0] / tk[0], 1.0), maxfev=20000)
    return float(p[1])


def exponent_linregress(t, msd, t_range=None):
    """Alternative correct: scipy.stats.linregress on log10 of both."""
    tk, mk = _keep(t, msd, t_range)
    return float(stats.linregress(np.log10(tk), np.log10(mk)).slope)


def exponent_lstsq(t, msd, t_range=None):
    """Alternative correct: numpy's least-squares solver with an intercept column."""
    tk, mk = _keep(t, msd, t_range)
    a = np.column_stack([np.log(tk), np.ones_like(tk)])
    return float(np.linalg.lstsq(a, np.log(mk), rcond=None)[0][0])


# --- classify --------------------------------------------------------------------------------------------


def classify_strict(alpha, tol=0.1):
    """Strict inequalities at the boundaries (|alpha − 1| < tol)."""
    if abs(alpha - 1) < tol:
        return "brownian"
    if abs(alpha - 2) < tol:
        return "ballistic"
    return "subdiffusive" if alpha < 1 else "superdiffusive"


def classify_fixed_tol(alpha, tol=0.1):
    """Ignores the tol argument (always 0.1)."""
    if abs(alpha - 1) <= 0.1:
        return "brownian"
    if abs(alpha - 2) <= 0.1:
        return "ballistic"
    return "subdiffusive" if alpha < 0.9 else "superdiffusive"


def classify_ballistic_above_two(alpha, tol=0.1):
    """Calls everything above 2 − tol ballistic (the contract says superdiffusive beyond 2 + tol)."""
    if abs(alpha - 1) <= tol:
        return "brownian"
    if alpha >= 2 - tol:
        return "ballistic"
    return "subdiffusive" if alpha < 1 - tol else "superdiffusive"


def classify_ballistic_first(alpha, tol=0.1):
    """Tests ballistic before brownian, which matters when the two windows overlap (tol ≥ 0.5)."""
    if abs(alpha - 2) <= tol:
        return "ballistic"
    if abs(alpha - 1) <= tol:
        return "brownian"
    return "subdiffusive" if alpha < 1 - tol else "superdiffusive"


def classify_capitalised(alpha, tol=0.1):
    """Right logic, but capitalised labels ('Brownian', ...)."""
    if abs(alpha - 1) <= tol:
        return "Brownian"
    if abs(alpha - 2) <= tol:
        return "Ballistic"
    return "Subdiffusive" if alpha < 1 - tol else "Superdiffusive"


def classify_table(alpha, tol=0.1):
    """Alternative correct: a table of (test, label) pairs checked in order."""
    rules = [
        (lambda a: abs(a - 1) <= tol, "brownian"),
        (lambda a: abs(a - 2) <= tol, "ballistic"),
        (lambda a: a < 1 - tol, "subdiffusive"),
        (lambda a: True, "superdiffusive"),
    ]
    return next(label for test, label in rules if test(alpha))


# --- msd_exponents ---------------------------------------------------------------------------------------


def _slope(t, m):
    return float(np.polyfit(np.log(t), np.log(m), 1)[0])


def _ta(X, lags):
    return np.mean([[np.mean((x[lag:] - x[:-lag]) ** 2) for lag in lags] for x in X], axis=0)


def exps_mean_of_slopes(X, lags):
    """Averages the exponents of the single-trajectory TA-MSDs instead of fitting their average."""
    X = np.asarray(X, dtype=float)
    lags = np.asarray(lags)
    ea = ((X[:, lags] - X[:, :1]) ** 2).mean(axis=0)
    per = [_slope(lags, [np.mean((x[lag:] - x[:-lag]) ** 2) for lag in lags]) for x in X]
    return _slope(lags, ea), float(np.mean(per))


def exps_swapped(X, lags):
    """Returns (alpha_time, alpha_ensemble): the pair in the wrong order."""
    X = np.asarray(X, dtype=float)
    lags = np.asarray(lags)
    ea = ((X[:, lags] - X[:, :1]) ** 2).mean(axis=0)
    return _slope(lags, _ta(X, lags)), _slope(lags, ea)


def exps_from_origin(X, lags):
    """Ensemble MSD measured from the coordinate origin rather than each walker's start."""
    X = np.asarray(X, dtype=float)
    lags = np.asarray(lags)
    return _slope(lags, (X[:, lags] ** 2).mean(axis=0)), _slope(lags, _ta(X, lags))


def exps_all_times(X, lags):
    """Fits the ensemble MSD over all times 1 … n − 1 instead of t = lags."""
    X = np.asarray(X, dtype=float)
    lags = np.asarray(lags)
    t = np.arange(1, X.shape[1])
    ea = ((X[:, 1:] - X[:, :1]) ** 2).mean(axis=0)
    return _slope(t, ea), _slope(lags, _ta(X, lags))


def exps_loops(X, lags):
    """Alternative correct: loops, with log10 fits."""
    X = np.asarray(X, dtype=float)
    ea, ta = [], []
    for lag in lags:
        ea.append(np.mean([(x[lag] - x[0]) ** 2 for x in X]))
        ta.append(np.mean([np.mean([(x[i + lag] - x[i]) ** 2 for i in range(len(x) - lag)]) for x in X]))
    lt = np.log10(np.asarray(lags, dtype=float))
    return (
        float(stats.linregress(lt, np.log10(ea)).slope),
        float(stats.linregress(lt, np.log10(ta)).slope),
    )


# --- issue 13 hole classes: randomness not from rng, inputs modified, contract edges -----------------------
def ctrw_fixed_seed(n_walkers, t_max, alpha, rng, dt=1.0):
    """Right process, but from a generator of its own with a fixed seed."""
    g = np.random.default_rng(99)
    return _ctrw(n_walkers, t_max, alpha, g, dt, wait=lambda r: 1 + r.pareto(alpha))


def ctrw_plain_floor(n_walkers, t_max, alpha, rng, dt=1.0):
    """n_times = floor(t_max/dt) + 1 without the 1e-9 guard: loses a sample when t_max/dt rounds down."""
    x = ctrw_loop(n_walkers, t_max, alpha, rng, dt)
    n = int(math.floor(t_max / dt)) + 1
    return x[:, :n]


def ctrw_rounded_grid(n_walkers, t_max, alpha, rng, dt=1.0):
    """n_times = round(t_max/dt) + 1: one sample too many when t_max/dt is not an integer."""
    n = int(round(t_max / dt)) + 1
    x = _ctrw(n_walkers, (n - 1) * dt, alpha, rng, dt, wait=lambda r: 1 + r.pareto(alpha))
    return x[:, :n]


def fbm_global_rng(n_walkers, n_steps, hurst, rng):
    """Exact fBM, but drawn from NumPy's global generator."""
    lower = np.linalg.cholesky(_cov(n_steps, hurst))
    return _with_origin(np.random.standard_normal((n_walkers, n_steps)) @ lower.T)


def fbm_fixed_seed(n_walkers, n_steps, hurst, rng):
    """Exact fBM, but from a generator of its own with a fixed seed."""
    lower = np.linalg.cholesky(_cov(n_steps, hurst))
    return _with_origin(np.random.default_rng(3).standard_normal((n_walkers, n_steps)) @ lower.T)


_FBM_NOISE: dict = {}


def fbm_reused_draw(n_walkers, n_steps, hurst, rng):
    """Draws the normals once per shape and reuses them on later calls."""
    key = (n_walkers, n_steps)
    if key not in _FBM_NOISE:
        _FBM_NOISE[key] = rng.standard_normal((n_walkers, n_steps))
    return _with_origin(_FBM_NOISE[key] @ np.linalg.cholesky(_cov(n_steps, hurst)).T)


def levy_global_rng(n_walkers, n_steps, mu, rng, speed=1.0):
    """Right walk, but drawn from NumPy's global generator."""
    return levy_loop(n_walkers, n_steps, mu, np.random.mtrand._rand, speed=speed)


def levy_fixed_seed(n_walkers, n_steps, mu, rng, speed=1.0):
    """Right walk, but from a generator of its own with a fixed seed."""
    return levy_loop(n_walkers, n_steps, mu, np.random.default_rng(5), speed=speed)


def tamsd_in_place(x, lags):
    """Right values, but centres the caller's trajectory in place first (x -= x[0])."""
    lags = np.atleast_1d(np.asarray(lags))
    if np.any(lags < 1) or np.any(lags >= len(x)):
        raise ValueError("lag")
    x -= x[0]
    return np.array([np.mean((x[lag:] - x[:-lag]) ** 2.0) for lag in lags.astype(int)])


def tamsd_keeps_input_dtype(x, lags):
    """Stores the results in an array of x's dtype: integer trajectories give truncated MSDs."""
    x = np.asarray(x)
    lags = np.atleast_1d(np.asarray(lags))
    if np.any(lags < 1) or np.any(lags >= len(x)):
        raise ValueError("lag")
    out = np.zeros(len(lags), dtype=x.dtype)
    for i, lag in enumerate(lags.astype(int)):
        out[i] = np.mean((x[lag:] - x[:-lag]) ** 2)
    return out


def eamsd_in_place(X):
    """Right values, but subtracts each walker's start from the caller's array in place."""
    X -= X[:, :1].copy()
    return (X**2).mean(axis=0)


def eamsd_drops_time_zero(X):
    """Off by one: leaves out t = 0 (shape n_times − 1)."""
    X = np.asarray(X, dtype=float)
    return ((X[:, 1:] - X[:, :1]) ** 2).mean(axis=0)


def exponent_no_raise(t, msd, t_range=None):
    """Right fit, but returns NaN instead of raising when fewer than two points are usable."""
    t = np.asarray(t, dtype=float)
    m = np.asarray(msd, dtype=float)
    keep = (t > 0) & (m > 0)
    if t_range is not None:
        keep &= (t >= t_range[0]) & (t <= t_range[1])
    if keep.sum() < 2:
        return float("nan")
    return float(np.polyfit(np.log(t[keep]), np.log(m[keep]), 1)[0])


def exponent_in_place(t, msd, t_range=None):
    """Right fit, but marks unusable points in the caller's msd array (msd[msd <= 0] = nan)."""
    msd[msd <= 0] = np.nan
    t = np.asarray(t, dtype=float)
    keep = (t > 0) & np.isfinite(msd)
    if t_range is not None:
        keep &= (t >= t_range[0]) & (t <= t_range[1])
    if keep.sum() < 2:
        raise ValueError("fewer than two usable points")
    return float(np.polyfit(np.log(t[keep]), np.log(msd[keep]), 1)[0])


def exps_in_place(X, lags):
    """Right exponents, but subtracts each walker's start from the caller's array in place."""
    X -= X[:, :1].copy()
    lags = np.asarray(lags)
    ea = (X[:, lags] ** 2).mean(axis=0)
    return _slope(lags, ea), _slope(lags, _ta(X, lags))


WRONG = {
    "ctrw": [
        ctrw_lomax,
        ctrw_exponential,
        ctrw_density_exponent,
        ctrw_unit_jumps,
        ctrw_jump_then_wait,
        ctrw_no_last_time,
        ctrw_no_validation,
        ctrw_ignores_dt,
        ctrw_global_rng,
        ctrw_fixed_seed,
        ctrw_plain_floor,
        ctrw_rounded_grid,
    ],
    "fbm": [
        fbm_brownian,
        fbm_hurst_as_exponent,
        fbm_scaled_brownian,
        fbm_transposed_factor,
        fbm_increments_only,
        fbm_global_rng,
        fbm_fixed_seed,
        fbm_reused_draw,
    ],
    "levy_walk": [
        levy_flight_jumps,
        levy_lomax,
        levy_density_exponent,
        levy_exponential,
        levy_persistent_direction,
        levy_alternating,
        levy_ignores_speed,
        levy_global_rng,
        levy_fixed_seed,
    ],
    "time_averaged_msd": [
        tamsd_divides_by_n,
        tamsd_no_validation,
        tamsd_from_start,
        tamsd_sorted_lags,
        tamsd_squared_mean,
        tamsd_in_place,
        tamsd_keeps_input_dtype,
    ],
    "ensemble_msd": [
        eamsd_from_origin,
        eamsd_time_axis,
        eamsd_variance,
        eamsd_in_place,
        eamsd_drops_time_zero,
    ],
    "anomalous_exponent": [
        exponent_linear_slope,
        exponent_mixed_logs,
        exponent_exclusive_range,
        exponent_ignores_range,
        exponent_end_points,
        exponent_nonlinear_fit,
        exponent_no_raise,
        exponent_in_place,
    ],
    "classify": [
        classify_strict,
        classify_fixed_tol,
        classify_ballistic_above_two,
        classify_ballistic_first,
        classify_capitalised,
    ],
    "msd_exponents": [exps_mean_of_slopes, exps_swapped, exps_from_origin, exps_all_times, exps_in_place],
}

CORRECT = {
    "ctrw": [ctrw_loop, ctrw_inverse_transform],
    "fbm": [fbm_cholesky_increments, fbm_davies_harte],
    "levy_walk": [levy_loop, levy_velocity_integral],
    "time_averaged_msd": [tamsd_double_loop, tamsd_cumsum],
    "ensemble_msd": [eamsd_loop],
    "anomalous_exponent": [exponent_linregress, exponent_lstsq],
    "classify": [classify_table],
    "msd_exponents": [exps_loops],
}
