"""Wrong and alternative-correct answers for unit 09 (Energy-based networks), run against its judges."""

from __future__ import annotations

import itertools
import math

import numpy as np
from scipy.special import expit, logsumexp

# --- hebbian_weights -------------------------------------------------------------------------------------


def hebb_keeps_diagonal(patterns):
    """Keeps the self-couplings W_ii = P/N."""
    xi = np.asarray(patterns, dtype=float)
    return xi.T @ xi / xi.shape[1]


def hebb_divides_by_p(patterns):
    """Normalises by the number of patterns instead of the number of units."""
    xi = np.asarray(patterns, dtype=float)
    w = xi.T @ xi / xi.shape[0]
    np.fill_diagonal(w, 0.0)
    return w


def hebb_wrong_axis(patterns):
    """ξξᵀ/N: a (P, P) matrix of pattern overlaps instead of (N, N) couplings."""
    xi = np.asarray(patterns, dtype=float)
    w = xi @ xi.T / xi.shape[1]
    np.fill_diagonal(w, 0.0)
    return w


def hebb_integer_division(patterns):
    """Integer floor division on integer input: most couplings round to −1 or 0."""
    xi = np.asarray(patterns)
    w = (xi.T @ xi) // xi.shape[1]
    w = w.astype(float)
    np.fill_diagonal(w, 0.0)
    return w


def hebb_outer_loop(patterns):
    """Alternative correct: a sum of outer products, one pattern at a time."""
    xi = np.asarray(patterns, dtype=float)
    n = xi.shape[1]
    w = np.zeros((n, n))
    for p in xi:
        w += np.outer(p, p)
    w /= n
    w[np.arange(n), np.arange(n)] = 0.0
    return w


def hebb_scales_in_place(patterns):
    """Scales the caller's float patterns by 1/√N in place (np.asarray does not copy a float array)."""
    xi = np.asarray(patterns, dtype=float)
    xi /= np.sqrt(xi.shape[1])
    w = xi.T @ xi
    np.fill_diagonal(w, 0.0)
    return w


# --- energy ----------------------------------------------------------------------------------------------


def energy_no_half(W, s):
    """Forgets the ½ (counts every pair twice)."""
    s = np.asarray(s, dtype=float)
    return float(-s @ W @ s)


def energy_wrong_sign(W, s):
    """+½ sᵀWs: stored patterns become maxima."""
    s = np.asarray(s, dtype=float)
    return float(0.5 * s @ W @ s)


def energy_pairs(W, s):
    """Alternative correct: −Σ over pairs i < j (equal for symmetric W with zero diagonal)."""
    n = len(s)
    return -sum(W[i][j] * s[i] * s[j] for i in range(n) for j in range(i + 1, n))


def energy_returns_array(W, s):
    """Returns a (1, 1) array, not a Python float."""
    s = np.asarray(s, dtype=float)
    return -0.5 * s[None, :] @ W @ s[:, None]


def energy_half_pairs(W, s):
    """−½ Σ over pairs i < j: the ½ and the pair sum together count every pair half a time."""
    n = len(s)
    return -0.5 * sum(W[i][j] * s[i] * s[j] for i in range(n) for j in range(i + 1, n))


def energy_per_unit(W, s):
    """Divides by N: the energy per unit instead of the energy."""
    s = np.asarray(s, dtype=float)
    return float(-0.5 * s @ W @ s / len(s))


# --- recall ----------------------------------------------------------------------------------------------


def _energy(W, s):
    return float(-0.5 * s @ W @ s)


def _async(
    W,
    s0,
    rng,
    max_sweeps,
    *,
    order="random",
    zero="keep",
    first_energy=True,
    stop_after_one=False,
    in_place=False,
    replacement=False,
):
    W = np.asarray(W, dtype=float)
    s = s0 if in_place else np.array(s0, dtype=float)
    n = s.size
    energies = [_energy(W, s)] if first_energy else []
    for _ in range(max_sweeps):
        changed = False
        if order == "random":
            visit = rng.integers(0, n, size=n) if replacement else rng.permutation(n)
        else:
            visit = range(n)
        for i in visit:
            h = W[i] @ s
            if h > 0:
                new = 1.0
            elif h < 0:
                new = -1.0
            else:
                new = {"keep": s[i], "sign": 0.0, "up": 1.0}[zero]
            if new != s[i]:
                s[i] = new
                changed = True
        energies.append(_energy(W, s))
        if not changed or stop_after_one:
            break
    return s, np.array(energies)


def recall_synchronous(W, s0, rng, max_sweeps=100):
    """Updates all units at once from the old state: can oscillate and never settle."""
    W = np.asarray(W, dtype=float)
    s = np.array(s0, dtype=float)
    energies = [_energy(W, s)]
    for _ in range(max_sweeps):
        h = W @ s
        new = np.where(h > 0, 1.0, np.where(h < 0, -1.0, s))
        changed = not np.array_equal(new, s)
        s = new
        energies.append(_energy(W, s))
        if not changed:
            break
    return s, np.array(energies)


def recall_fixed_order(W, s0, rng, max_sweeps=100):
    """Visits the units in index order every sweep: ignores the rng."""
    return _async(W, s0, rng, max_sweeps, order="fixed")


def recall_np_sign(W, s0, rng, max_sweeps=100):
    """Uses np.sign, which sets a unit with zero field to 0."""
    return _async(W, s0, rng, max_sweeps, zero="sign")


def recall_zero_field_up(W, s0, rng, max_sweeps=100):
    """Sends a unit with zero field to +1 instead of leaving it alone."""
    return _async(W, s0, rng, max_sweeps, zero="up")


def recall_no_initial_energy(W, s0, rng, max_sweeps=100):
    """Records the energy only after each sweep (energies[0] is not the start energy)."""
    return _async(W, s0, rng, max_sweeps, first_energy=False)


def recall_one_sweep(W, s0, rng, max_sweeps=100):
    """Always stops after one sweep, fixed point or not."""
    return _async(W, s0, rng, max_sweeps, stop_after_one=True)


def recall_in_place(W, s0, rng, max_sweeps=100):
    """Right dynamics, but overwrites the caller's s0."""
    return _async(W, s0, rng, max_sweeps, in_place=True)


def recall_with_replacement(W, s0, rng, max_sweeps=100):
    """Picks N random units with replacement per sweep: a sweep may miss an unstable unit and stop early."""
    return _async(W, s0, rng, max_sweeps, replacement=True)


def _recall_variant(W, s0, rng, max_sweeps=100, *, draw="fresh"):
    W = np.asarray(W, dtype=float)
    s = np.array(s0, dtype=float)
    n = s.size
    h = W @ s
    energies = [-0.5 * float(s @ h)]
    gen = np.random.default_rng(0) if draw == "seed" else rng
    once = rng.permutation(n) if draw == "once" else None
    for _ in range(max_sweeps):
        if draw == "global":
            order = np.random.permutation(n)
        elif draw == "once":
            order = once
        else:
            order = gen.permutation(n)
        changed = False
        for i in order:
            if h[i] * s[i] < 0:
                s[i] = -s[i]
                h += 2.0 * s[i] * W[i]
                changed = True
        energies.append(-0.5 * float(s @ h))
        if not changed:
            break
    return s, np.array(energies)


def recall_global_rng(W, s0, rng, max_sweeps=100):
    """Draws the visiting order from NumPy's global generator (np.random.permutation)."""
    return _recall_variant(W, s0, rng, max_sweeps, draw="global")


def recall_fixed_seed(W, s0, rng, max_sweeps=100):
    """Makes its own generator with a fixed seed instead of using rng."""
    return _recall_variant(W, s0, rng, max_sweeps, draw="seed")


def recall_one_order(W, s0, rng, max_sweeps=100):
    """Draws one random order and reuses it for every sweep."""
    return _recall_variant(W, s0, rng, max_sweeps, draw="once")


def recall_naive(W, s0, rng, max_sweeps=100):
    """Alternative correct: recompute each visited unit's field from scratch."""
    return _async(W, s0, rng, max_sweeps)


def recall_skip_ahead(W, s0, rng, max_sweeps=100):
    """Alternative correct: in each random order, jump straight to the next unit whose field disagrees."""
    W = np.asarray(W, dtype=float)
    s = np.array(s0, dtype=float)
    n = s.size
    h = W @ s
    energies = [-0.5 * float(s @ h)]
    for _ in range(max_sweeps):
        order = rng.permutation(n)
        pos, changed = 0, False
        while pos < n:
            rest = order[pos:]
            unstable = h[rest] * s[rest] < 0
            k = int(np.argmax(unstable))
            if not unstable[k]:
                break
            i = rest[k]
            s[i] = -s[i]
            h += 2.0 * s[i] * W[:, i]
            changed = True
            pos += k + 1
        energies.append(-0.5 * float(s @ h))
        if not changed:
            break
    return s, np.array(energies)


# --- capacity_curve ----------------------------------------------------------------------------------------


def _hebb(xi, diagonal=False):
    w = xi.T @ xi / xi.shape[1]
    if not diagonal:
        np.fill_diagonal(w, 0.0)
    return w


def _fast_recall(W, s0, rng, max_sweeps=100):
    s = np.array(s0, dtype=float)
    h = W @ s
    for _ in range(max_sweeps):
        changed = False
        for i in rng.permutation(s.size):
            if h[i] * s[i] < 0:
                s[i] = -s[i]
                h += 2.0 * s[i] * W[i]
                changed = True
        if not changed:
            break
    return s


def _diag_recall(W, s0, rng, max_sweeps=100):
    # the field includes the self-coupling W_ii s_i
    s = np.array(s0, dtype=float)
    for _ in range(max_sweeps):
        changed = False
        for i in rng.permutation(s.size):
            h = W[i] @ s
            if h * s[i] < 0:
                s[i] = -s[i]
                changed = True
        if not changed:
            break
    return s


def _capacity(N, loads, n_trials, rng, *, criterion="overlap", diagonal=False, dynamics=True, sweeps=100):
    out = []
    for load in loads:
        p = int(round(load * N))
        good = 0
        for _ in range(n_trials):
            xi = rng.choice([-1.0, 1.0], size=(p, N))
            w = _hebb(xi, diagonal)
            for pattern in xi:
                start = pattern.copy()
                if not dynamics:
                    final = start
                elif diagonal:
                    final = _diag_recall(w, start, rng)
                else:
                    final = _fast_recall(w, start, rng, max_sweeps=sweeps)
                m = final @ pattern / N
                good += (m >= 0.95) if criterion == "overlap" else (m == 1.0)
        out.append(good / (p * n_trials))
    return np.array(out)


def cap_exact_fixed_points(N, loads, n_trials, rng):
    """Counts only patterns that are exact fixed points (overlap 1) instead of overlap ≥ 0.95."""
    return _capacity(N, loads, n_trials, rng, criterion="exact")


def cap_keeps_diagonal(N, loads, n_trials, rng):
    """Keeps the self-couplings W_ii = P/N, which pin units in place and inflate the capacity."""
    return _capacity(N, loads, n_trials, rng, diagonal=True)


def cap_no_dynamics(N, loads, n_trials, rng):
    """Measures the overlap of the start state (never runs recall): everything is 'recalled'."""
    return _capacity(N, loads, n_trials, rng, dynamics=False)


def cap_per_trial_count(N, loads, n_trials, rng):
    """Divides the number of recalled patterns by n_trials only (not by P · n_trials)."""
    return _capacity(N, loads, n_trials, rng) * np.array([int(round(a * N)) for a in loads])


def cap_one_sweep(N, loads, n_trials, rng):
    """Runs a single asynchronous sweep instead of iterating to a fixed point."""
    return _capacity(N, loads, n_trials, rng, sweeps=1)


def cap_batched(N, loads, n_trials, rng):
    """Recalls all patterns of a trial together, without calling recall (the contract says: call recall)."""
    out = []
    for load in loads:
        p = int(round(load * N))
        good = 0
        for _ in range(n_trials):
            xi = rng.choice([-1.0, 1.0], size=(p, N))
            w = _hebb(xi)
            s = xi.copy()
            h = s @ w
            for _ in range(100):
                changed = False
                for i in rng.permutation(N):
                    flip = np.nonzero(h[:, i] * s[:, i] < 0)[0]
                    if flip.size:
                        changed = True
                        s[flip, i] *= -1
                        h[flip] += 2.0 * s[flip, i][:, None] * w[i][None, :]
                if not changed:
                    break
            good += int(np.sum((s * xi).mean(axis=1) >= 0.95))
        out.append(good / (p * n_trials))
    return np.array(out)


# capacity_curve calls the notebook's hebbian_weights and recall by name (the judge watches those calls):
# these are the reference versions, as a student's notebook would hold them.
def hebbian_weights(patterns):
    xi = np.asarray(patterns, dtype=float)
    w = xi.T @ xi / xi.shape[1]
    np.fill_diagonal(w, 0.0)
    return w


def recall(W, s0, rng, max_sweeps=100):
    return _recall_variant(W, s0, rng, max_sweeps)


def _capacity_named(N, loads, n_trials, rng, *, rounding=round, patterns="fresh", gen=None, guard=True):
    counts = [rounding(a * N) for a in loads]
    if guard and min(counts) == 0:
        raise ValueError("no patterns")
    out = []
    for p in counts:
        p = max(int(p), 1)
        good = 0
        fixed = rng.choice([-1.0, 1.0], size=(p, N)) if patterns == "once" else None
        for _ in range(n_trials):
            if patterns == "once":
                xi = fixed
            elif gen == "global":
                xi = np.random.choice([-1.0, 1.0], size=(p, N))
            else:
                xi = rng.choice([-1.0, 1.0], size=(p, N))
            w = hebbian_weights(xi)
            for pattern in xi:
                final, _ = recall(w, pattern, rng)
                good += (final @ pattern) / N >= 0.95
        out.append(good / (p * n_trials))
    return np.array(out, dtype=float)


def cap_half_up(N, loads, n_trials, rng):
    """Rounds α·N half up with int(α·N + 0.5), where the contract says Python's round (half to even)."""
    return _capacity_named(N, loads, n_trials, rng, rounding=lambda x: int(x + 0.5))


def cap_floor(N, loads, n_trials, rng):
    """Truncates α·N with int(), so 1.4 patterns become 1 but 0.7 become 0."""
    return _capacity_named(N, loads, n_trials, rng, rounding=int)


def cap_reuses_patterns(N, loads, n_trials, rng):
    """Draws one set of patterns per load and reuses it in every trial."""
    return _capacity_named(N, loads, n_trials, rng, patterns="once")


def cap_global_rng(N, loads, n_trials, rng):
    """Draws the patterns from NumPy's global generator."""
    return _capacity_named(N, loads, n_trials, rng, gen="global")


def cap_no_raise(N, loads, n_trials, rng):
    """Stores at least one pattern instead of raising ValueError when round(α·N) is 0."""
    return _capacity_named(N, loads, n_trials, rng, guard=False)


def cap_integers(N, loads, n_trials, rng):
    """Alternative correct: patterns from rng.integers, a running list of overlaps, np.mean at the end."""
    if any(round(a * N) < 1 for a in loads):
        raise ValueError("every load must give at least one pattern")
    result = np.zeros(len(loads))
    for k, load in enumerate(loads):
        p = round(load * N)
        overlaps = []
        for _ in range(n_trials):
            xi = 2.0 * rng.integers(0, 2, size=(p, N)) - 1.0
            couplings = hebbian_weights(xi)
            overlaps += [float(recall(couplings, xi[mu].copy(), rng)[0] @ xi[mu]) / N for mu in range(p)]
        result[k] = np.mean(np.array(overlaps) >= 0.95)
    return result


# --- boltzmann_exact_stats -------------------------------------------------------------------------------


def _states(n, values=(0.0, 1.0)):
    return np.array(list(itertools.product(values, repeat=n)))


def _stats(W, b, *, sign=1.0, half=0.5, values=(0.0, 1.0), stable=True, zero_diag=False):
    W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    s = _states(len(b), values)
    log_w = sign * (half * np.einsum("ki,ij,kj->k", s, W, s) + s @ b)
    if stable:
        log_w = log_w - log_w.max()
    with np.errstate(over="ignore", invalid="ignore"):
        p = np.exp(log_w)
        p = p / p.sum()
    second = s.T @ (p[:, None] * s)
    if zero_diag:
        np.fill_diagonal(second, 0.0)
    return p @ s, second


def bm_sign_flip(W, b):
    """p(s) ∝ exp(+E): favours high-energy states."""
    return _stats(W, b, sign=-1.0)


def bm_no_half(W, b):
    """Energy −sᵀWs − b·s: every coupling counted twice."""
    return _stats(W, b, half=1.0)


def bm_spin_states(W, b):
    """Enumerates ±1 states instead of {0, 1}."""
    return _stats(W, b, values=(-1.0, 1.0))


def bm_overflow(W, b):
    """Exponentiates without subtracting the maximum: overflows for large weights."""
    return _stats(W, b, stable=False)


def bm_zero_diagonal(W, b):
    """Sets ⟨s_i s_i⟩ to 0 instead of ⟨s_i⟩."""
    return _stats(W, b, zero_diag=True)


def bm_loop_logsumexp(W, b):
    """Alternative correct: a loop over itertools.product with scipy's logsumexp."""
    n = len(b)
    states = [np.array(s, dtype=float) for s in itertools.product([0, 1], repeat=n)]
    log_w = np.array([0.5 * s @ W @ s + b @ s for s in states])
    p = np.exp(log_w - logsumexp(log_w))
    mean = sum(pi * s for pi, s in zip(p, states, strict=True))
    second = sum(pi * np.outer(s, s) for pi, s in zip(p, states, strict=True))
    return mean, second


# --- gibbs_sample ----------------------------------------------------------------------------------------


def _gibbs(
    W, b, n_sweeps, rng, s0=None, *, sign=1.0, scale=1.0, order="index", sync=False, use_s0=True, use_w=True
):
    W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    n = len(b)
    s = rng.integers(0, 2, size=n).astype(float) if (s0 is None or not use_s0) else np.array(s0, dtype=float)
    out = np.empty((n_sweeps, n))
    w = W if use_w else np.zeros_like(W)
    for t in range(n_sweeps):
        if sync:
            p = expit(sign * scale * (w @ s + b))
            s = (rng.random(n) < p).astype(float)
        else:
            visit = rng.permutation(n) if order == "random" else range(n)
            for i in visit:
                s[i] = float(rng.random() < expit(sign * scale * (w[i] @ s + b[i])))
        out[t] = s
    return out


def gibbs_sign_flip(W, b, n_sweeps, rng, s0=None):
    """Turns a unit on with probability σ(−field)."""
    return _gibbs(W, b, n_sweeps, rng, s0, sign=-1.0)


def gibbs_synchronous(W, b, n_sweeps, rng, s0=None):
    """Updates all units at once from the old state: the wrong stationary distribution."""
    return _gibbs(W, b, n_sweeps, rng, s0, sync=True)


def gibbs_half_field(W, b, n_sweeps, rng, s0=None):
    """Uses σ(field / 2), as if the energy's ½ belonged in the conditional."""
    return _gibbs(W, b, n_sweeps, rng, s0, scale=0.5)


def gibbs_ignores_s0(W, b, n_sweeps, rng, s0=None):
    """Always starts from random states, whatever s0 says."""
    return _gibbs(W, b, n_sweeps, rng, s0, use_s0=False)


def gibbs_ignores_weights(W, b, n_sweeps, rng, s0=None):
    """Samples each unit from its bias alone (independent units)."""
    return _gibbs(W, b, n_sweeps, rng, s0, use_w=False)


def _gibbs_draws(W, b, n_sweeps, rng, s0=None, *, draw="fresh", copy=True):
    W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    n = len(b)
    gen = np.random.default_rng(1234) if draw == "seed" else rng
    if s0 is None:
        s = (
            (np.random.random(n) < 0.5).astype(float)
            if draw == "global"
            else gen.integers(0, 2, size=n).astype(float)
        )
    else:
        s = np.array(s0, dtype=float) if copy else s0
    out = np.empty((n_sweeps, n))
    u_once = gen.random(n)
    for t in range(n_sweeps):
        u = u_once if draw == "once" else (np.random.random(n) if draw == "global" else gen.random(n))
        for i in range(n):
            s[i] = float(u[i] < expit(W[i] @ s + b[i]))
        out[t] = s
    return out


def gibbs_global_rng(W, b, n_sweeps, rng, s0=None):
    """Draws its uniforms from NumPy's global generator."""
    return _gibbs_draws(W, b, n_sweeps, rng, s0, draw="global")


def gibbs_fixed_seed(W, b, n_sweeps, rng, s0=None):
    """Makes its own generator with a fixed seed."""
    return _gibbs_draws(W, b, n_sweeps, rng, s0, draw="seed")


def gibbs_reuses_uniforms(W, b, n_sweeps, rng, s0=None):
    """Draws one uniform per unit once and reuses the same numbers in every sweep."""
    return _gibbs_draws(W, b, n_sweeps, rng, s0, draw="once")


def gibbs_updates_s0(W, b, n_sweeps, rng, s0=None):
    """Runs the chain in the caller's s0 array (no copy)."""
    return _gibbs_draws(W, b, n_sweeps, rng, s0, copy=False)


def gibbs_random_scan(W, b, n_sweeps, rng, s0=None):
    """Alternative correct: a fresh random order of the units in every sweep."""
    return _gibbs(W, b, n_sweeps, rng, s0, order="random")


def gibbs_binomial(W, b, n_sweeps, rng, s0=None):
    """Alternative correct: draws with rng.binomial and a plain-Python sigmoid."""
    n = len(b)
    s = list(rng.binomial(1, 0.5, size=n).astype(float)) if s0 is None else [float(x) for x in s0]
    out = []
    for _ in range(n_sweeps):
        for i in range(n):
            field = sum(W[i][j] * s[j] for j in range(n)) + b[i]
            p = 1.0 / (1.0 + math.exp(-field)) if field > -700 else 0.0
            s[i] = float(rng.binomial(1, p))
        out.append(list(s))
    return np.array(out)


# --- free_energy -----------------------------------------------------------------------------------------


def fe_naive_softplus(v, W, b_vis, b_hid):
    """log(1 + exp(x)) computed directly: overflows for large weights."""
    v = np.atleast_2d(v)
    with np.errstate(over="ignore"):
        return -v @ b_vis - np.log(1 + np.exp(v @ W + b_hid)).sum(axis=1)


def fe_wrong_sign(v, W, b_vis, b_hid):
    """+b·v + Σ softplus: the negative of the free energy."""
    v = np.atleast_2d(v)
    return v @ b_vis + np.logaddexp(0.0, v @ W + b_hid).sum(axis=1)


def fe_no_visible_bias(v, W, b_vis, b_hid):
    """Forgets the visible-bias term."""
    v = np.atleast_2d(v)
    return -np.logaddexp(0.0, v @ W + b_hid).sum(axis=1)


def fe_relu(v, W, b_vis, b_hid):
    """Replaces softplus by max(0, x) (its large-x limit)."""
    v = np.atleast_2d(v)
    return -v @ b_vis - np.maximum(0.0, v @ W + b_hid).sum(axis=1)


def fe_mean_over_hidden(v, W, b_vis, b_hid):
    """Averages the softplus terms over the hidden units instead of summing them."""
    v = np.atleast_2d(np.asarray(v, dtype=float))
    return -v @ b_vis - np.logaddexp(0.0, v @ W + b_hid).mean(axis=1)


def fe_stable_loop(v, W, b_vis, b_hid):
    """Alternative correct: softplus as max(x, 0) + log1p(exp(−|x|)), one sample at a time."""
    out = []
    for row in np.atleast_2d(v):
        x = row @ W + b_hid
        out.append(-row @ b_vis - np.sum(np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))))
    return np.array(out)


# --- rbm_cd_step -------------------------------------------------------------------------------------------


def _cd(
    W,
    b_vis,
    b_hid,
    v_batch,
    k,
    lr,
    rng,
    *,
    pos_sample=False,
    vis_sample=False,
    neg_h_sample=False,
    sign=1.0,
    mean=True,
    ignore_k=False,
    in_place=False,
    drive_with_probs=False,
):
    v0 = np.asarray(v_batch, dtype=float)
    p0 = expit(v0 @ W + b_hid)
    h = (rng.random(p0.shape) < p0).astype(float)
    pos_h = h if pos_sample else p0
    if drive_with_probs:
        h = p0
    for _ in range((1 if ignore_k else k) - 1):
        pv = expit(h @ W.T + b_vis)
        v = (rng.random(pv.shape) < pv).astype(float)
        ph = expit(v @ W + b_hid)
        h = ph if drive_with_probs else (rng.random(ph.shape) < ph).astype(float)
    vk = expit(h @ W.T + b_vis)
    if vis_sample:
        vk = (rng.random(vk.shape) < vk).astype(float)
    pk = expit(vk @ W + b_hid)
    if neg_h_sample:
        pk = (rng.random(pk.shape) < pk).astype(float)
    m = v0.shape[0] if mean else 1
    dw = sign * lr * (v0.T @ pos_h - vk.T @ pk) / m
    dbv = sign * lr * (v0 - vk).sum(axis=0) / m
    dbh = sign * lr * (pos_h - pk).sum(axis=0) / m
    if in_place:
        W += dw
        b_vis += dbv
        b_hid += dbh
        return W, b_vis, b_hid
    return W + dw, b_vis + dbv, b_hid + dbh


def cd_sampled_positive(W, b_vis, b_hid, v_batch, k, lr, rng):
    """Positive phase with sampled hidden states instead of probabilities."""
    return _cd(W, b_vis, b_hid, v_batch, k, lr, rng, pos_sample=True)


def cd_sampled_visible(W, b_vis, b_hid, v_batch, k, lr, rng):
    """Negative phase with a sampled binary reconstruction instead of visible probabilities."""
    return _cd(W, b_vis, b_hid, v_batch, k, lr, rng, vis_sample=True)


def cd_sampled_negative_hidden(W, b_vis, b_hid, v_batch, k, lr, rng):
    """Negative statistics with sampled hidden states at the last step."""
    return _cd(W, b_vis, b_hid, v_batch, k, lr, rng, neg_h_sample=True)


def cd_sign_flip(W, b_vis, b_hid, v_batch, k, lr, rng):
    """Model minus data: unlearns the data."""
    return _cd(W, b_vis, b_hid, v_batch, k, lr, rng, sign=-1.0)


def cd_sum_over_batch(W, b_vis, b_hid, v_batch, k, lr, rng):
    """Sums the statistics over the batch instead of averaging."""
    return _cd(W, b_vis, b_hid, v_batch, k, lr, rng, mean=False)


def cd_ignores_k(W, b_vis, b_hid, v_batch, k, lr, rng):
    """Always runs CD-1, whatever k is."""
    return _cd(W, b_vis, b_hid, v_batch, k, lr, rng, ignore_k=True)


def cd_in_place(W, b_vis, b_hid, v_batch, k, lr, rng):
    """Updates the caller's arrays in place (+=) and returns them."""
    return _cd(W, b_vis, b_hid, v_batch, k, lr, rng, in_place=True)


def cd_probabilities_drive_chain(W, b_vis, b_hid, v_batch, k, lr, rng):
    """Drives the chain with hidden probabilities instead of binary samples (a deterministic update)."""
    return _cd(W, b_vis, b_hid, v_batch, k, lr, rng, drive_with_probs=True)


_CACHE = {}


def _cd_draws(W, b_vis, b_hid, v_batch, k, lr, rng, *, draw):
    v0 = np.asarray(v_batch, dtype=float)
    p0 = expit(v0 @ W + b_hid)

    def uniform(shape):
        if draw == "global":
            return np.random.random(shape)
        if draw == "seed":
            return np.random.default_rng(7).random(shape)
        if draw == "cached":
            if shape not in _CACHE:
                _CACHE[shape] = rng.random(shape)
            return _CACHE[shape]
        return rng.random(shape)

    h = (uniform(p0.shape) < p0).astype(float)
    for _ in range(k - 1):
        pv = expit(h @ W.T + b_vis)
        v = (uniform(pv.shape) < pv).astype(float)
        ph = expit(v @ W + b_hid)
        h = (uniform(ph.shape) < ph).astype(float)
    vk = expit(h @ W.T + b_vis)
    pk = expit(vk @ W + b_hid)
    m = v0.shape[0]
    return (
        W + lr * (v0.T @ p0 - vk.T @ pk) / m,
        b_vis + lr * (v0 - vk).mean(axis=0),
        b_hid + lr * (p0 - pk).mean(axis=0),
    )


def cd_global_rng(W, b_vis, b_hid, v_batch, k, lr, rng):
    """Samples the hidden states with NumPy's global generator."""
    return _cd_draws(W, b_vis, b_hid, v_batch, k, lr, rng, draw="global")


def cd_fixed_seed(W, b_vis, b_hid, v_batch, k, lr, rng):
    """Makes a generator with a fixed seed on every call: the same 'random' states every step."""
    return _cd_draws(W, b_vis, b_hid, v_batch, k, lr, rng, draw="seed")


def cd_cached_uniforms(W, b_vis, b_hid, v_batch, k, lr, rng):
    """Draws the uniforms once per shape and reuses them on later calls (and steps of the chain)."""
    return _cd_draws(W, b_vis, b_hid, v_batch, k, lr, rng, draw="cached")


def cd_per_sample_loop(W, b_vis, b_hid, v_batch, k, lr, rng):
    """Alternative correct: one data vector at a time, with rng.binomial draws."""
    gw, gv, gh = np.zeros_like(W), np.zeros_like(b_vis), np.zeros_like(b_hid)
    batch = np.asarray(v_batch, dtype=float)
    for v0 in batch:
        p0 = expit(v0 @ W + b_hid)
        h = rng.binomial(1, p0).astype(float)
        for _ in range(k - 1):
            v = rng.binomial(1, expit(W @ h + b_vis)).astype(float)
            h = rng.binomial(1, expit(v @ W + b_hid)).astype(float)
        vk = expit(W @ h + b_vis)
        pk = expit(vk @ W + b_hid)
        gw += np.outer(v0, p0) - np.outer(vk, pk)
        gv += v0 - vk
        gh += p0 - pk
    m = len(batch)
    return W + lr * gw / m, b_vis + lr * gv / m, b_hid + lr * gh / m


# --- pseudo_likelihood -------------------------------------------------------------------------------------


def _fe(v, W, b_vis, b_hid):
    return -v @ b_vis - np.logaddexp(0.0, v @ W + b_hid).sum(axis=1)


def _pl(v, W, b_vis, b_hid, rng, *, sign=1.0, factor=True, unit="random", reduce="mean"):
    v = np.atleast_2d(np.asarray(v, dtype=float))
    rows, nv = v.shape
    flipped = v.copy()
    if unit == "all":
        flipped = 1.0 - flipped
    else:
        idx = rng.integers(0, nv, size=rows) if unit == "random" else np.zeros(rows, dtype=int)
        flipped[np.arange(rows), idx] = 1.0 - flipped[np.arange(rows), idx]
    delta = sign * (_fe(flipped, W, b_vis, b_hid) - _fe(v, W, b_vis, b_hid))
    terms = -(nv if factor else 1) * np.logaddexp(0.0, -delta)
    return float(terms.mean() if reduce == "mean" else terms.sum())


def pl_wrong_sign(v, W, b_vis, b_hid, rng):
    """log σ(F(v) − F(ṽ)): the probability of the flipped bit instead of the observed one."""
    return _pl(v, W, b_vis, b_hid, rng, sign=-1.0)


def pl_no_factor(v, W, b_vis, b_hid, rng):
    """Forgets to multiply the single term by n_visible."""
    return _pl(v, W, b_vis, b_hid, rng, factor=False)


def pl_first_unit(v, W, b_vis, b_hid, rng):
    """Always flips unit 0 instead of a random unit."""
    return _pl(v, W, b_vis, b_hid, rng, unit="first")


def pl_flip_all(v, W, b_vis, b_hid, rng):
    """Flips every bit instead of one."""
    return _pl(v, W, b_vis, b_hid, rng, unit="all")


def pl_sum_over_batch(v, W, b_vis, b_hid, rng):
    """Sums over the rows instead of averaging."""
    return _pl(v, W, b_vis, b_hid, rng, reduce="sum")


def pl_shared_unit(v, W, b_vis, b_hid, rng):
    """Draws one unit and flips it in every row (the contract says: independently for each row)."""
    v = np.atleast_2d(np.asarray(v, dtype=float))
    rows, nv = v.shape
    i = int(rng.integers(nv))
    flipped = v.copy()
    flipped[:, i] = 1.0 - flipped[:, i]
    delta = _fe(flipped, W, b_vis, b_hid) - _fe(v, W, b_vis, b_hid)
    return float(np.mean(-nv * np.logaddexp(0.0, -delta)))


def pl_global_rng(v, W, b_vis, b_hid, rng):
    """Draws the flipped units from NumPy's global generator."""
    v = np.atleast_2d(np.asarray(v, dtype=float))
    rows, nv = v.shape
    idx = np.random.randint(0, nv, size=rows)
    flipped = v.copy()
    flipped[np.arange(rows), idx] = 1.0 - flipped[np.arange(rows), idx]
    delta = _fe(flipped, W, b_vis, b_hid) - _fe(v, W, b_vis, b_hid)
    return float(np.mean(-nv * np.logaddexp(0.0, -delta)))


def pl_flips_in_place(v, W, b_vis, b_hid, rng):
    """Flips the chosen bits in the caller's float array (np.asarray does not copy) and leaves them."""
    v = np.asarray(v, dtype=float)
    rows, nv = v.shape
    idx = rng.integers(0, nv, size=rows)
    f_keep = _fe(v, W, b_vis, b_hid)
    v[np.arange(rows), idx] = 1.0 - v[np.arange(rows), idx]
    delta = _fe(v, W, b_vis, b_hid) - f_keep
    return float(np.mean(-nv * np.logaddexp(0.0, -delta)))


def pl_conditional_loop(v, W, b_vis, b_hid, rng):
    """Alternative correct: log p(v_i | rest) from the two free energies, one row at a time."""
    v = np.atleast_2d(np.asarray(v, dtype=float))
    nv = v.shape[1]
    total = 0.0
    for row in v:
        i = int(rng.integers(nv))
        other = row.copy()
        other[i] = 1.0 - other[i]
        f_keep = -row @ b_vis - np.logaddexp(0.0, row @ W + b_hid).sum()
        f_flip = -other @ b_vis - np.logaddexp(0.0, other @ W + b_hid).sum()
        # p(observed bit) = e^{−F(v)} / (e^{−F(v)} + e^{−F(ṽ)})
        total += nv * (-f_keep - np.logaddexp(-f_keep, -f_flip))
    return float(total / len(v))


WRONG = {
    "hebbian_weights": [
        hebb_keeps_diagonal,
        hebb_divides_by_p,
        hebb_wrong_axis,
        hebb_integer_division,
        hebb_scales_in_place,
    ],
    "energy": [energy_no_half, energy_wrong_sign, energy_returns_array, energy_half_pairs, energy_per_unit],
    "recall": [
        recall_synchronous,
        recall_fixed_order,
        recall_np_sign,
        recall_zero_field_up,
        recall_no_initial_energy,
        recall_one_sweep,
        recall_in_place,
        recall_with_replacement,
        recall_global_rng,
        recall_fixed_seed,
        recall_one_order,
    ],
    "capacity_curve": [
        cap_exact_fixed_points,
        cap_keeps_diagonal,
        cap_no_dynamics,
        cap_per_trial_count,
        cap_one_sweep,
        cap_half_up,
        cap_floor,
        cap_reuses_patterns,
        cap_global_rng,
        cap_no_raise,
        cap_batched,
    ],
    "boltzmann_exact_stats": [bm_sign_flip, bm_no_half, bm_spin_states, bm_overflow, bm_zero_diagonal],
    "gibbs_sample": [
        gibbs_sign_flip,
        gibbs_synchronous,
        gibbs_half_field,
        gibbs_ignores_s0,
        gibbs_ignores_weights,
        gibbs_global_rng,
        gibbs_fixed_seed,
        gibbs_reuses_uniforms,
        gibbs_updates_s0,
    ],
    "free_energy": [fe_naive_softplus, fe_wrong_sign, fe_no_visible_bias, fe_relu, fe_mean_over_hidden],
    "rbm_cd_step": [
        cd_sampled_positive,
        cd_sampled_visible,
        cd_sampled_negative_hidden,
        cd_sign_flip,
        cd_sum_over_batch,
        cd_ignores_k,
        cd_in_place,
        cd_probabilities_drive_chain,
        cd_global_rng,
        cd_fixed_seed,
        cd_cached_uniforms,
    ],
    "pseudo_likelihood": [
        pl_wrong_sign,
        pl_no_factor,
        pl_first_unit,
        pl_flip_all,
        pl_sum_over_batch,
        pl_shared_unit,
        pl_global_rng,
        pl_flips_in_place,
    ],
}

CORRECT = {
    "hebbian_weights": [hebb_outer_loop],
    "energy": [energy_pairs],
    "recall": [recall_naive, recall_skip_ahead],
    "capacity_curve": [cap_integers],
    "boltzmann_exact_stats": [bm_loop_logsumexp],
    "gibbs_sample": [gibbs_random_scan, gibbs_binomial],
    "free_energy": [fe_stable_loop],
    "rbm_cd_step": [cd_per_sample_loop],
    "pseudo_likelihood": [pl_conditional_loop],
}
