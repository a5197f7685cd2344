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


def mean_weight_continuous(n_trials, epsilon, mean_reward, w0=0.0):
    """Uses the continuous-time approximation exp(−ε n) instead of (1 − ε)^n."""
    n = np.arange(n_trials + 1)
    return mean_reward + (w0 - mean_reward) * np.exp(-epsilon * n)


def mean_weight_off_by_one(n_trials, epsilon, mean_reward, w0=0.0):
    """(1 − ε)^(n+1): entry 0 is already one trial in."""
    n = np.arange(n_trials + 1)
    return mean_reward + (w0 - mean_reward) * (1 - epsilon) ** (n + 1)


def mean_weight_ignores_w0(n_trials, epsilon, mean_reward, w0=0.0):
    """Always starts from 0."""
    n = np.arange(n_trials + 1)
    return mean_reward * (1 - (1 - epsilon) ** n)


def mean_weight_iterated(n_trials, epsilon, mean_reward, w0=0.0):
    """Alternative correct: iterate the averaged update."""
    out = [float(w0)]
    for _ in range(n_trials):
        out.append(out[-1] + epsilon * (mean_reward - out[-1]))
    return np.array(out)


WRONG = {
    "rescorla_wagner": [
        rw_error_per_stimulus,
        rw_no_initial_row,
        rw_updates_absent_stimuli,
        rw_no_validation,
        rw_modifies_w0,
        rw_ignores_w0,
    ],
    "make_paradigm": [
        paradigm_floor_split,
        paradigm_inhibitory_starts_compound,
        paradigm_secondary_s2_alone,
        paradigm_ignores_reward,
        paradigm_unknown_is_pavlovian,
    ],
    "rw_mean_weight": [mean_weight_continuous, mean_weight_off_by_one, mean_weight_ignores_w0],
}

CORRECT = {
    "rescorla_wagner": [rw_lstsq_style],
    "make_paradigm": [paradigm_table],
    "rw_mean_weight": [mean_weight_iterated],
}
