"""Plausible wrong answers (must fail) and alternative correct answers (must pass) for unit 04, Conditioning.

Each entry maps a check name to functions with the student's signature.
"""

from __future__ import annotations

import math

import numpy as np

# --- rescorla_wagner -------------------------------------------------------------------------------------


def _validated(stimuli, rewards, epsilon, w0):
    u = np.asarray(stimuli, dtype=float)
    r = np.asarray(rewards, dtype=float)
    if u.ndim != 2 or r.shape != (u.shape[0],) or not 0 <= epsilon <= 1:
        raise ValueError("bad input")
    w = np.zeros(u.shape[1]) if w0 is None else np.array(w0, dtype=float)
    if w.shape != (u.shape[1],):
        raise ValueError("bad w0")
    return u, r, w


def rw_error_per_stimulus(stimuli, rewards, epsilon, w0=None):
    """Each stimulus learns from its own error r − w_i (no shared prediction): no blocking."""
    u, r, w = _validated(stimuli, rewards, epsilon, w0)
    out = [w.copy()]
    for n in range(len(r)):
        w = w + epsilon * (r[n] - w) * u[n]
        out.append(w.copy())
    return np.array(out)


def rw_no_initial_row(stimuli, rewards, epsilon, w0=None):
    """Returns only the weights after each trial, shape (n_trials, n_stimuli)."""
    u, r, w = _validated(stimuli, rewards, epsilon, w0)
    out = []
    for n in range(len(r)):
        w = w + epsilon * (r[n] - w @ u[n]) * u[n]
        out.append(w.copy())
    return np.array(out)


def rw_updates_absent_stimuli(stimuli, rewards, epsilon, w0=None):
    """Forgets the factor u: every weight moves by ε·δ, present or not."""
    u, r, w = _validated(stimuli, rewards, epsilon, w0)
    out = [w.copy()]
    for n in range(len(r)):
        w = w + epsilon * (r[n] - w @ u[n])
        out.append(w.copy())
    return np.array(out)


def rw_no_validation(stimuli, rewards, epsilon, w0=None):
    """Right updates, but accepts any ε and mismatched shapes (raises nothing itself)."""
    u = np.atleast_2d(np.asarray(stimuli, dtype=float))
    r = np.asarray(rewards, dtype=float)
    w = np.zeros(u.shape[1]) if w0 is None else np.array(w0, dtype=float)
    out = [w.copy()]
    for n in range(min(len(r), len(u))):
        w = w + epsilon * (r[n] - w[: u.shape[1]] @ u[n]) * np.resize(u[n], w.shape)
        out.append(w.copy())
    return np.array(out)


def rw_modifies_w0(stimuli, rewards, epsilon, w0=None):
    """Right numbers, but updates the caller's w0 array in place."""
    u, r, _ = _validated(stimuli, rewards, epsilon, w0)
    w = np.zeros(u.shape[1]) if w0 is None else w0
    out = [w.copy()]
    for n in range(len(r)):
        w += epsilon * (r[n] - w @ u[n]) * u[n]
        out.append(w.copy())
    return np.array(out)


def rw_ignores_w0(stimuli, rewards, epsilon, w0=None):
    """Always starts from zero weights."""
    u, r, w = _validated(stimuli, rewards, epsilon, w0)
    w = np.zeros_like(w)
    out = [w.copy()]
    for n in range(len(r)):
        w = w + epsilon * (r[n] - w @ u[n]) * u[n]
        out.append(w.copy())
    return np.array(out)


def rw_lstsq_style(stimuli, rewards, epsilon, w0=None):
    """Alternative correct: the same rule with a preallocated array and np.dot."""
    u, r, w = _validated(stimuli, rewards, epsilon, w0)
    out = np.zeros((len(r) + 1, u.shape[1]))
    out[0] = w
    for n in range(len(r)):
        v = float(np.dot(out[n], u[n]))
        out[n + 1] = out[n] + epsilon * (r[n] - v) * u[n]
    return out


def rw_exclusive_bounds(stimuli, rewards, epsilon, w0=None):
    """Refuses the valid boundaries ε = 0 and ε = 1 (checks 0 < ε < 1)."""
    if not 0 < epsilon < 1:
        raise ValueError("epsilon must lie in (0, 1)")
    u, r, w = _validated(stimuli, rewards, epsilon, w0)
    out = [w.copy()]
    for n in range(len(r)):
        w = w + epsilon * (r[n] - w @ u[n]) * u[n]
        out.append(w.copy())
    return np.array(out)


def rw_integer_weights(stimuli, rewards, epsilon, w0=None):
    """Keeps the dtype of the stimuli: integer inputs give truncated integer weights."""
    _validated(stimuli, rewards, epsilon, w0)
    u = np.asarray(stimuli)
    r = np.asarray(rewards)
    w = np.zeros(u.shape[1], dtype=u.dtype) if w0 is None else np.array(w0, dtype=u.dtype)
    out = np.zeros((len(r) + 1, u.shape[1]), dtype=u.dtype)
    out[0] = w
    for n in range(len(r)):
        out[n + 1] = out[n] + epsilon * (r[n] - out[n] @ u[n]) * u[n]
    return out


def rw_lagged_prediction(stimuli, rewards, epsilon, w0=None):
    """Computes the prediction of trial n with the weights of two trials back (an off-by-one in the loop)."""
    u, r, w = _validated(stimuli, rewards, epsilon, w0)
    out = [w.copy(), w.copy()]
    for n in range(len(r)):
        v = out[n] @ u[n]
        out.append(out[-1] + epsilon * (r[n] - v) * u[n])
    return np.array(out[1:])


# --- make_paradigm ---------------------------------------------------------------------------------------


def _paradigm(name, n_trials, reward, *, split, inhibitory_first_compound=False, secondary_s2_alone=False):
    first = split(n_trials)
    u = np.zeros((n_trials, 2))
    u[:, 0] = 1.0
    r = np.zeros(n_trials)
    if name == "pavlovian":
        r[:] = reward
    elif name == "extinction":
        r[:first] = reward
    elif name == "blocking":
        r[:] = reward
        u[first:, 1] = 1.0
    elif name == "inhibitory":
        compound = slice(0, None, 2) if inhibitory_first_compound else slice(1, None, 2)
        single = slice(1, None, 2) if inhibitory_first_compound else slice(0, None, 2)
        r[single] = reward
        u[compound, 1] = 1.0
    elif name == "secondary":
        r[:first] = reward
        u[first:, 1] = 1.0
        if secondary_s2_alone:
            u[first:, 0] = 0.0
    else:
        raise ValueError(name)
    return u, r


def paradigm_floor_split(name, n_trials, reward=1.0):
    """Stage 1 takes floor(n_trials/2) trials instead of ceil."""
    return _paradigm(name, n_trials, reward, split=lambda n: n // 2)


def paradigm_inhibitory_starts_compound(name, n_trials, reward=1.0):
    """The inhibitory alternation starts with the unrewarded compound."""
    return _paradigm(name, n_trials, reward, split=lambda n: math.ceil(n / 2), inhibitory_first_compound=True)


def paradigm_secondary_s2_alone(name, n_trials, reward=1.0):
    """Secondary stage 2 presents s2 alone (u = (0, 1)) instead of the s1 + s2 compound."""
    return _paradigm(name, n_trials, reward, split=lambda n: math.ceil(n / 2), secondary_s2_alone=True)


def paradigm_ignores_reward(name, n_trials, reward=1.0):
    """Always uses a reward of 1, whatever `reward` says."""
    return _paradigm(name, n_trials, 1.0, split=lambda n: math.ceil(n / 2))


def paradigm_unknown_is_pavlovian(name, n_trials, reward=1.0):
    """Falls back to Pavlovian trials for an unknown name instead of raising."""
    known = ("pavlovian", "extinction", "blocking", "inhibitory", "secondary")
    return _paradigm(
        name if name in known else "pavlovian", n_trials, reward, split=lambda n: math.ceil(n / 2)
    )


def paradigm_integer_arrays(name, n_trials, reward=1.0):
    """Builds the arrays with the dtype of `reward`: integer rewards give integer arrays."""
    u, r = _paradigm(name, n_trials, reward, split=lambda n: math.ceil(n / 2))
    kind = type(reward)
    return u.astype(kind), r.astype(kind)


def paradigm_case_insensitive(name, n_trials, reward=1.0):
    """Accepts names in any case ("Blocking"), which the contract says must raise."""
    return _paradigm(name.lower(), n_trials, reward, split=lambda n: math.ceil(n / 2))


def paradigm_table(name, n_trials, reward=1.0):
    """Alternative correct: each paradigm as a list of (stage length, u, r) blocks or an alternation rule."""
    if name not in {"pavlovian", "extinction", "blocking", "inhibitory", "secondary"}:
        raise ValueError(f"unknown paradigm {name}")
    first = -(-n_trials // 2)
    rows = []
    for t in range(n_trials):
        stage_2 = t >= first
        if name == "pavlovian":
            rows.append((1, 0, reward))
        elif name == "extinction":
            rows.append((1, 0, 0.0 if stage_2 else reward))
        elif name == "blocking":
            rows.append((1, int(stage_2), reward))
        elif name == "inhibitory":
            rows.append((1, 0, reward) if t % 2 == 0 else (1, 1, 0.0))
        else:
            rows.append((1, 1, 0.0) if stage_2 else (1, 0, reward))
    table = np.array(rows, dtype=float).reshape(n_trials, 3)
    return table[:, :2], table[:, 2]


# --- rw_mean_weight --------------------------------------------------------------------------------------


def _mw_validated(n_trials, epsilon):
    if not 0 <= epsilon <= 1 or n_trials < 0:
        raise ValueError("bad input")


def mean_weight_continuous(n_trials, epsilon, mean_reward, w0=0.0):
    """Uses the continuous-time approximation exp(−ε n) instead of (1 − ε)^n."""
    _mw_validated(n_trials, epsilon)
    n = np.arange(n_trials + 1)
    return mean_reward + (w0 - mean_reward) * np.exp(-epsilon * n)


def mean_weight_off_by_one(n_trials, epsilon, mean_reward, w0=0.0):
    """(1 − ε)^(n+1): entry 0 is already one trial in."""
    _mw_validated(n_trials, epsilon)
    n = np.arange(n_trials + 1)
    return mean_reward + (w0 - mean_reward) * (1 - epsilon) ** (n + 1)


def mean_weight_ignores_w0(n_trials, epsilon, mean_reward, w0=0.0):
    """Always starts from 0."""
    _mw_validated(n_trials, epsilon)
    n = np.arange(n_trials + 1)
    return mean_reward * (1 - (1 - epsilon) ** n)


def mean_weight_no_validation(n_trials, epsilon, mean_reward, w0=0.0):
    """The right curve, but accepts ε outside [0, 1] and a negative number of trials."""
    n = np.arange(max(n_trials, 0) + 1)
    return mean_reward + (w0 - mean_reward) * (1.0 - epsilon) ** n


def mean_weight_epsilon_zero_shortcut(n_trials, epsilon, mean_reward, w0=0.0):
    """Treats ε = 0 as "learns at once" (a shortcut): wrong at the boundary."""
    _mw_validated(n_trials, epsilon)
    if epsilon == 0:
        return np.full(n_trials + 1, float(mean_reward))
    n = np.arange(n_trials + 1)
    return mean_reward + (w0 - mean_reward) * (1.0 - epsilon) ** n


def mean_weight_iterated(n_trials, epsilon, mean_reward, w0=0.0):
    """Alternative correct: iterate the averaged update."""
    if not 0 <= epsilon <= 1:
        raise ValueError("epsilon must lie in [0, 1]")
    if n_trials < 0:
        raise ValueError("n_trials must be >= 0")
    out = [float(w0)]
    for _ in range(n_trials):
        out.append(out[-1] + epsilon * (mean_reward - out[-1]))
    return np.array(out)


# --- contingency_trials ----------------------------------------------------------------------------------


def _ct_validate(n_trials, *ps):
    if n_trials < 0 or not all(0 <= p <= 1 for p in ps):
        raise ValueError("bad input")


def _ct(n_trials, p_cs, p_us_cs, p_us_no_cs, rng):
    cs = rng.random(n_trials) < p_cs
    r = (rng.random(n_trials) < np.where(cs, p_us_cs, p_us_no_cs)).astype(float)
    return np.column_stack([np.ones(n_trials), cs.astype(float)]), r


def ct_global_rng(n_trials, p_cs, p_us_cs, p_us_no_cs, rng):
    """Draws from NumPy's global generator instead of rng."""
    _ct_validate(n_trials, p_cs, p_us_cs, p_us_no_cs)
    cs = np.random.random(n_trials) < p_cs
    r = (np.random.random(n_trials) < np.where(cs, p_us_cs, p_us_no_cs)).astype(float)
    return np.column_stack([np.ones(n_trials), cs.astype(float)]), r


def ct_fixed_seed(n_trials, p_cs, p_us_cs, p_us_no_cs, rng):
    """Ignores rng and uses a generator with a fixed seed."""
    _ct_validate(n_trials, p_cs, p_us_cs, p_us_no_cs)
    return _ct(n_trials, p_cs, p_us_cs, p_us_no_cs, np.random.default_rng(1968))


def ct_one_draw(n_trials, p_cs, p_us_cs, p_us_no_cs, rng):
    """Reuses one uniform number per trial for both the CS and the reward: they become correlated."""
    _ct_validate(n_trials, p_cs, p_us_cs, p_us_no_cs)
    x = rng.random(n_trials)
    cs = x < p_cs
    r = (x < np.where(cs, p_us_cs, p_us_no_cs)).astype(float)
    return np.column_stack([np.ones(n_trials), cs.astype(float)]), r


def ct_alternating(n_trials, p_cs, p_us_cs, p_us_no_cs, rng):
    """Places the CS trials in a block at the start (the right count, but not independent trials)."""
    _ct_validate(n_trials, p_cs, p_us_cs, p_us_no_cs)
    cs = np.arange(n_trials) < round(p_cs * n_trials)
    r = (rng.random(n_trials) < np.where(cs, p_us_cs, p_us_no_cs)).astype(float)
    return np.column_stack([np.ones(n_trials), cs.astype(float)]), r


def ct_no_context(n_trials, p_cs, p_us_cs, p_us_no_cs, rng):
    """Puts the CS in column 0 and the context in column 1 (columns swapped)."""
    _ct_validate(n_trials, p_cs, p_us_cs, p_us_no_cs)
    u, r = _ct(n_trials, p_cs, p_us_cs, p_us_no_cs, rng)
    return u[:, ::-1].copy(), r


def ct_no_validation(n_trials, p_cs, p_us_cs, p_us_no_cs, rng):
    """Accepts probabilities outside [0, 1] and a negative number of trials."""
    return _ct(max(n_trials, 0), p_cs, p_us_cs, p_us_no_cs, rng)


def ct_joint_probability(n_trials, p_cs, p_us_cs, p_us_no_cs, rng):
    """Reads p_us_cs as P(CS and US) instead of P(US | CS)."""
    _ct_validate(n_trials, p_cs, p_us_cs, p_us_no_cs)
    cs = rng.random(n_trials) < p_cs
    p = np.where(cs, min(1.0, p_us_cs / p_cs) if p_cs > 0 else 0.0, p_us_no_cs)
    r = (rng.random(n_trials) < p).astype(float)
    return np.column_stack([np.ones(n_trials), cs.astype(float)]), r


def ct_binomial(n_trials, p_cs, p_us_cs, p_us_no_cs, rng):
    """Alternative correct: Bernoulli draws with rng.binomial, the reward drawn trial by trial."""
    for p in (p_cs, p_us_cs, p_us_no_cs):
        if not 0 <= p <= 1:
            raise ValueError("probabilities must lie in [0, 1]")
    if n_trials < 0:
        raise ValueError("n_trials must be >= 0")
    stimuli = np.ones((n_trials, 2))
    rewards = np.zeros(n_trials)
    for t in range(n_trials):
        stimuli[t, 1] = float(rng.binomial(1, p_cs))
        rewards[t] = float(rng.binomial(1, p_us_cs if stimuli[t, 1] else p_us_no_cs))
    return stimuli, rewards


# --- kalman_conditioning ---------------------------------------------------------------------------------


def _kf(stimuli, rewards, prior_var, noise_var, drift_var, *, variant=""):
    u = np.asarray(stimuli, dtype=float)
    r = np.asarray(rewards, dtype=float)
    if u.ndim != 2 or r.shape != (u.shape[0],) or prior_var <= 0 or noise_var <= 0 or drift_var < 0:
        raise ValueError("bad input")
    n, m = u.shape
    mu, cov = np.zeros(m), prior_var * np.eye(m)
    means, covs = [mu.copy()], [cov.copy()]
    for k in range(n):
        if variant != "drift_after":
            cov = cov + drift_var * np.eye(m)
        su = cov @ u[k]
        denom = u[k] @ su + (0.0 if variant == "no_noise" else noise_var)
        gain = su / denom
        mu = mu + gain * (r[k] - mu @ u[k])
        if variant == "diag":
            cov = cov - np.diag(gain * su)
        elif variant == "no_cov_update":
            pass
        else:
            cov = cov - np.outer(gain, su)
        if variant == "drift_after":
            cov = cov + drift_var * np.eye(m)
        means.append(mu.copy())
        covs.append(cov.copy())
    return np.array(means), np.array(covs)


def kf_diagonal(stimuli, rewards, prior_var, noise_var, drift_var=0.0):
    """Keeps only the diagonal of the covariance update: no anti-correlation, no backward blocking."""
    return _kf(stimuli, rewards, prior_var, noise_var, drift_var, variant="diag")


def kf_drift_after(stimuli, rewards, prior_var, noise_var, drift_var=0.0):
    """Adds the drift after the observation update instead of before it."""
    return _kf(stimuli, rewards, prior_var, noise_var, drift_var, variant="drift_after")


def kf_no_noise(stimuli, rewards, prior_var, noise_var, drift_var=0.0):
    """Forgets the observation noise in the gain's denominator."""
    return _kf(stimuli, rewards, prior_var, noise_var, drift_var, variant="no_noise")


def kf_frozen_covariance(stimuli, rewards, prior_var, noise_var, drift_var=0.0):
    """Never shrinks the covariance (only the drift is added)."""
    return _kf(stimuli, rewards, prior_var, noise_var, drift_var, variant="no_cov_update")


def kf_in_place(stimuli, rewards, prior_var, noise_var, drift_var=0.0):
    """Right filter, but normalises the caller's stimuli array in place first (a no-op on 0/1 data only)."""
    if isinstance(stimuli, np.ndarray) and stimuli.dtype.kind == "f":
        stimuli *= 1.0 / max(1.0, float(np.abs(stimuli).max()))
    return _kf(stimuli, rewards, prior_var, noise_var, drift_var)


def kf_no_validation(stimuli, rewards, prior_var, noise_var, drift_var=0.0):
    """Right filter for valid input, no ValueError for bad variances."""
    return _kf(stimuli, rewards, abs(prior_var) or 1.0, abs(noise_var) or 1e-9, abs(drift_var))


def kf_information_form(stimuli, rewards, prior_var, noise_var, drift_var=0.0):
    """Alternative correct: the covariance update in Joseph form, (I − k uᵀ) Σ (I − k uᵀ)ᵀ + σ² k kᵀ."""
    u = np.asarray(stimuli, dtype=float)
    r = np.asarray(rewards, dtype=float)
    if u.ndim != 2 or r.shape != (u.shape[0],):
        raise ValueError("bad shapes")
    if prior_var <= 0 or noise_var <= 0 or drift_var < 0:
        raise ValueError("bad variances")
    n, m = u.shape
    eye = np.eye(m)
    mu, cov = np.zeros(m), prior_var * eye
    means, covs = np.zeros((n + 1, m)), np.zeros((n + 1, m, m))
    covs[0] = cov
    for k in range(n):
        cov = cov + drift_var * eye
        gain = cov @ u[k] / (u[k] @ cov @ u[k] + noise_var)
        mu = mu + gain * (r[k] - u[k] @ mu)
        a = eye - np.outer(gain, u[k])
        cov = a @ cov @ a.T + noise_var * np.outer(gain, gain)
        means[k + 1], covs[k + 1] = mu, cov
    return means, covs


WRONG = {
    "rescorla_wagner": [
        rw_error_per_stimulus,
        rw_no_initial_row,
        rw_updates_absent_stimuli,
        rw_no_validation,
        rw_modifies_w0,
        rw_ignores_w0,
        rw_exclusive_bounds,
        rw_integer_weights,
        rw_lagged_prediction,
    ],
    "make_paradigm": [
        paradigm_floor_split,
        paradigm_inhibitory_starts_compound,
        paradigm_secondary_s2_alone,
        paradigm_ignores_reward,
        paradigm_unknown_is_pavlovian,
        paradigm_integer_arrays,
        paradigm_case_insensitive,
    ],
    "rw_mean_weight": [
        mean_weight_continuous,
        mean_weight_off_by_one,
        mean_weight_ignores_w0,
        mean_weight_no_validation,
        mean_weight_epsilon_zero_shortcut,
    ],
    "contingency_trials": [
        ct_global_rng,
        ct_fixed_seed,
        ct_one_draw,
        ct_alternating,
        ct_no_context,
        ct_no_validation,
        ct_joint_probability,
    ],
    "kalman_conditioning": [
        kf_diagonal,
        kf_drift_after,
        kf_no_noise,
        kf_frozen_covariance,
        kf_in_place,
        kf_no_validation,
    ],
}

CORRECT = {
    "rescorla_wagner": [rw_lstsq_style],
    "make_paradigm": [paradigm_table],
    "rw_mean_weight": [mean_weight_iterated],
    "contingency_trials": [ct_binomial],
    "kalman_conditioning": [kf_information_form],
}
