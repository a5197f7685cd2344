"""Plausible wrong answers (must fail) and alternative correct answers (must pass) for unit 05,
Temporal-difference learning. Each entry maps a check name to functions with the student's signature."""

from __future__ import annotations

import numpy as np

# --- tapped_delay_line -----------------------------------------------------------------------------------


def delay_line_transposed(T, stim_time):
    """Rows are delays and columns are times (u[k, t] instead of u[t, k])."""
    if not 0 <= stim_time < T:
        raise ValueError("stim_time")
    u = np.zeros((T, T))
    k = np.arange(T - stim_time)
    u[k, stim_time + k] = 1.0
    return u


def delay_line_off_by_one(T, stim_time):
    """Delay 0 starts one step after the stimulus: u[t, k] = 1 iff t = stim_time + k + 1."""
    if not 0 <= stim_time < T:
        raise ValueError("stim_time")
    u = np.zeros((T, T))
    k = np.arange(T - stim_time - 1)
    u[stim_time + 1 + k, k] = 1.0
    return u


def delay_line_no_validation(T, stim_time):
    """Right matrix for valid times, but no ValueError for a stimulus outside the trial."""
    u = np.zeros((T, T))
    for t in range(T):
        k = t - stim_time
        if 0 <= k < T:
            u[t, k] = 1.0
    return u


def delay_line_integer(T, stim_time):
    """The right pattern in an integer array (the contract asks for floats)."""
    if not 0 <= stim_time < T:
        raise ValueError("stim_time out of range")
    return np.eye(T, k=-stim_time, dtype=int)


def delay_line_negative_wraps(T, stim_time):
    """Checks only stim_time < T: a negative stim_time silently gives a shifted pattern."""
    if stim_time >= T:
        raise ValueError("stim_time out of range")
    return np.eye(T, k=-stim_time)


def delay_line_loop(T, stim_time):
    """Alternative correct: an explicit double loop."""
    if stim_time < 0 or stim_time >= T:
        raise ValueError("the stimulus must come inside the trial")
    u = np.zeros((T, T))
    for t in range(T):
        for k in range(T):
            if t == stim_time + k:
                u[t, k] = 1.0
    return u


# --- td_trials -------------------------------------------------------------------------------------------


def _td(n_trials, T, stim_time, reward_time, reward, epsilon, gamma, variant=""):
    u = np.zeros((T, T))
    k = np.arange(T - stim_time)
    u[stim_time + k, k] = 1.0
    r = np.zeros(T)
    r[reward_time] = reward
    w = np.zeros(T)
    values, errors = np.zeros((n_trials, T)), np.zeros((n_trials, T))
    for n in range(n_trials):
        v = u @ w
        if variant == "backward":  # δ(t) = r(t) + γ v(t) − v(t − 1)
            delta = r + gamma * v - np.concatenate([[0.0], v[:-1]])
        elif variant == "shifted_reward":  # the source post's δ(t) = r(t + 1) + γ v(t + 1) − v(t)
            delta = np.append(r[1:], 0.0) + gamma * np.append(v[1:], 0.0) - v
        elif variant == "no_terminal":  # v(T) taken as v(T − 1)
            delta = r + gamma * np.append(v[1:], v[-1]) - v
        else:
            delta = r + gamma * np.append(v[1:], 0.0) - v
        w += epsilon * u.T @ delta
        if variant == "after_update":
            v = u @ w
            delta = r + gamma * np.append(v[1:], 0.0) - v
        values[n], errors[n] = v, delta
    return values, errors


def td_backward_difference(n_trials, T, stim_time, reward_time, reward=1.0, epsilon=0.2, gamma=1.0):
    """Backward difference δ(t) = r(t) + γ·v(t) − v(t−1) (the naive extension of RW to time)."""
    return _td(n_trials, T, stim_time, reward_time, reward, epsilon, gamma, "backward")


def td_shifted_reward(n_trials, T, stim_time, reward_time, reward=1.0, epsilon=0.2, gamma=1.0):
    """The source post's indexing: δ(t) = r(t+1) + γ·v(t+1) − v(t)."""
    return _td(n_trials, T, stim_time, reward_time, reward, epsilon, gamma, "shifted_reward")


def td_no_terminal_zero(n_trials, T, stim_time, reward_time, reward=1.0, epsilon=0.2, gamma=1.0):
    """Takes v(T) = v(T−1) instead of 0 at the end of the trial."""
    return _td(n_trials, T, stim_time, reward_time, reward, epsilon, gamma, "no_terminal")


def td_rows_after_update(n_trials, T, stim_time, reward_time, reward=1.0, epsilon=0.2, gamma=1.0):
    """Row n holds values and errors computed with the weights after trial n's update."""
    return _td(n_trials, T, stim_time, reward_time, reward, epsilon, gamma, "after_update")


def td_ignores_gamma(n_trials, T, stim_time, reward_time, reward=1.0, epsilon=0.2, gamma=1.0):
    """Never discounts (γ = 1 whatever is passed)."""
    return _td(n_trials, T, stim_time, reward_time, reward, epsilon, 1.0)


def td_online_loop(n_trials, T, stim_time, reward_time, reward=1.0, epsilon=0.2, gamma=1.0):
    """Alternative correct: step through each trial in time, updating the one active weight immediately."""
    if not (0 <= stim_time < T and 0 <= reward_time < T):
        raise ValueError("stim_time and reward_time must lie in 0 … T − 1")
    w = np.zeros(T)
    values, errors = np.zeros((n_trials, T)), np.zeros((n_trials, T))
    for n in range(n_trials):
        for t in range(T):
            v_t = w[t - stim_time] if t >= stim_time else 0.0
            v_next = w[t + 1 - stim_time] if stim_time <= t + 1 < T else 0.0
            r_t = reward if t == reward_time else 0.0
            delta = r_t + gamma * v_next - v_t
            values[n, t], errors[n, t] = v_t, delta
            if t >= stim_time:
                w[t - stim_time] += epsilon * delta
    return values, errors


def td_reward_time_unchecked(n_trials, T, stim_time, reward_time, reward=1.0, epsilon=0.2, gamma=1.0):
    """Right learning, but checks only stim_time: a reward_time of −1 silently rewards the last step."""
    if not 0 <= stim_time < T:
        raise ValueError("stim_time must lie in 0 … T − 1")
    r_time = reward_time if reward_time < T else T - 1
    return td_online_loop(n_trials, T, stim_time, r_time % T, reward, epsilon, gamma)


# --- rms_error -------------------------------------------------------------------------------------------


def rms_no_root(history, true_values):
    """Mean squared error (no square root)."""
    return np.mean((np.asarray(history) - np.asarray(true_values)) ** 2, axis=-1)


def rms_wrong_axis(history, true_values):
    """Averages over episodes (rows) instead of states."""
    return np.sqrt(np.mean((np.asarray(history) - np.asarray(true_values)) ** 2, axis=0))


def rms_sum(history, true_values):
    """Square root of the sum over states, not the mean."""
    return np.sqrt(np.sum((np.asarray(history) - np.asarray(true_values)) ** 2, axis=-1))


def rms_mean_error(history, true_values):
    """Absolute value of the mean error (errors of opposite sign cancel)."""
    return np.abs(np.mean(np.asarray(history) - np.asarray(true_values), axis=-1))


def rms_in_place(history, true_values):
    """Subtracts the truth from the caller's history array in place to save memory."""
    h = history if isinstance(history, np.ndarray) and history.dtype.kind == "f" else np.array(history, float)
    h -= np.asarray(true_values, dtype=float)
    return np.sqrt(np.mean(h**2, axis=-1))


def rms_loop(history, true_values):
    """Alternative correct: a loop over rows with np.linalg.norm."""
    h = np.asarray(history, dtype=float)
    truth = np.asarray(true_values, dtype=float)
    return np.array([np.linalg.norm(row - truth) / np.sqrt(truth.size) for row in h])


# --- random_walk_td0 -------------------------------------------------------------------------------------


def _td0(n_states, alpha, n_episodes, rng, *, start=None, terminal=0.0, left=0.0, gamma=1.0, first_row=True):
    v = np.full(n_states, 0.5)
    out = [v.copy()] if first_row else []
    for _ in range(n_episodes):
        s = n_states // 2 if start is None else start
        while True:
            nxt = s + (1 if rng.random() < 0.5 else -1)
            if nxt < 0:
                v[s] += alpha * (left + gamma * terminal - v[s])
                break
            if nxt >= n_states:
                v[s] += alpha * (1.0 + gamma * terminal - v[s])
                break
            v[s] += alpha * (gamma * v[nxt] - v[s])
            s = nxt
        out.append(v.copy())
    return np.array(out)


def td0_terminal_value_half(n_states, alpha, n_episodes, rng):
    """Bootstraps from V(terminal) = 0.5 (the initial value) instead of 0."""
    return _td0(n_states, alpha, n_episodes, rng, terminal=0.5)


def td0_starts_left(n_states, alpha, n_episodes, rng):
    """Starts every episode in state 0 instead of the middle."""
    return _td0(n_states, alpha, n_episodes, rng, start=0)


def td0_left_reward_minus_one(n_states, alpha, n_episodes, rng):
    """Gives −1 on the left exit (the 19-state convention) instead of 0."""
    return _td0(n_states, alpha, n_episodes, rng, left=-1.0)


def td0_discounted(n_states, alpha, n_episodes, rng):
    """Discounts with γ = 0.9 instead of γ = 1."""
    return _td0(n_states, alpha, n_episodes, rng, gamma=0.9)


def td0_no_initial_row(n_states, alpha, n_episodes, rng):
    """Records only the values after each episode, shape (n_episodes, n_states)."""
    return _td0(n_states, alpha, n_episodes, rng, first_row=False)


def td0_choice_and_list(n_states, alpha, n_episodes, rng):
    """Alternative correct: values in a Python list, moves drawn with rng.choice."""
    v = [0.5] * n_states
    out = [list(v)]
    for _ in range(n_episodes):
        s = n_states // 2
        while True:
            nxt = s + int(rng.choice([-1, 1]))
            target = 0.0 if nxt < 0 else 1.0 if nxt >= n_states else v[nxt]
            v[s] += alpha * (target - v[s])
            if nxt < 0 or nxt >= n_states:
                break
            s = nxt
        out.append(list(v))
    return np.array(out)


def td0_presampled_steps(n_states, alpha, n_episodes, rng):
    """Alternative correct: draws the steps of an episode in blocks with rng.integers."""
    v = np.full(n_states, 0.5)
    out = np.empty((n_episodes + 1, n_states))
    out[0] = v
    for ep in range(n_episodes):
        s = n_states // 2
        finished = False
        while not finished:
            for step in 2 * rng.integers(0, 2, size=32) - 1:
                nxt = s + step
                if nxt < 0 or nxt >= n_states:
                    v[s] += alpha * (float(nxt >= n_states) - v[s])
                    finished = True
                    break
                v[s] += alpha * (v[nxt] - v[s])
                s = nxt
        out[ep + 1] = v
    return out


# --- random_walk_mc --------------------------------------------------------------------------------------


def _walk(n_states, rng, start):
    s, visited = start, [start]
    while True:
        s += 1 if rng.random() < 0.5 else -1
        if s < 0:
            return visited, False
        if s >= n_states:
            return visited, True
        visited.append(s)


def mc_first_visit(n_states, alpha, n_episodes, rng):
    """First-visit instead of every-visit Monte Carlo."""
    v = np.full(n_states, 0.5)
    out = [v.copy()]
    for _ in range(n_episodes):
        visited, right = _walk(n_states, rng, n_states // 2)
        for s in set(visited):
            v[s] += alpha * (float(right) - v[s])
        out.append(v.copy())
    return np.array(out)


def mc_sample_average(n_states, alpha, n_episodes, rng):
    """Averages all returns seen (step 1/N(s)) instead of a constant α."""
    v = np.full(n_states, 0.5)
    counts = np.zeros(n_states)
    out = [v.copy()]
    for _ in range(n_episodes):
        visited, right = _walk(n_states, rng, n_states // 2)
        for s in visited:
            counts[s] += 1
            v[s] += (float(right) - v[s]) / (counts[s] + 1)
        out.append(v.copy())
    return np.array(out)


def mc_starts_left(n_states, alpha, n_episodes, rng):
    """Starts every episode in state 0."""
    v = np.full(n_states, 0.5)
    out = [v.copy()]
    for _ in range(n_episodes):
        visited, right = _walk(n_states, rng, 0)
        for s in visited:
            v[s] += alpha * (float(right) - v[s])
        out.append(v.copy())
    return np.array(out)


def mc_discounted_return(n_states, alpha, n_episodes, rng):
    """Discounts the return with γ = 0.9 per step to the end."""
    v = np.full(n_states, 0.5)
    out = [v.copy()]
    for _ in range(n_episodes):
        visited, right = _walk(n_states, rng, n_states // 2)
        g = float(right)
        for s in reversed(visited):
            v[s] += alpha * (g - v[s])
            g *= 0.9
        out.append(v.copy())
    return np.array(out)


def mc_left_reward_minus_one(n_states, alpha, n_episodes, rng):
    """Return −1 for the left exit instead of 0."""
    v = np.full(n_states, 0.5)
    out = [v.copy()]
    for _ in range(n_episodes):
        visited, right = _walk(n_states, rng, n_states // 2)
        for s in visited:
            v[s] += alpha * ((1.0 if right else -1.0) - v[s])
        out.append(v.copy())
    return np.array(out)


def mc_backward_returns(n_states, alpha, n_episodes, rng):
    """Alternative correct: records rewards, computes returns backwards (γ = 1), moves with rng.integers."""
    v = np.full(n_states, 0.5)
    out = np.empty((n_episodes + 1, n_states))
    out[0] = v
    for ep in range(n_episodes):
        states, rewards = [], []
        s = n_states // 2
        while 0 <= s < n_states:
            states.append(s)
            s = s + 2 * int(rng.integers(2)) - 1
            rewards.append(1.0 if s == n_states else 0.0)
        g = 0.0
        for state, reward in zip(reversed(states), reversed(rewards), strict=True):
            g = reward + g
            v[state] += alpha * (g - v[state])
        out[ep + 1] = v
    return out


# --- td_lambda -------------------------------------------------------------------------------------------


def _td_lambda(n_states, lam, alpha, n_episodes, rng, *, variant=""):
    v = np.zeros(n_states)
    out = [v.copy()]
    e = np.zeros(n_states)
    for _ in range(n_episodes):
        if variant != "no_reset":
            e = np.zeros(n_states)
        pending = np.zeros(n_states)
        s = n_states // 2
        while True:
            nxt = s + (1 if rng.random() < 0.5 else -1)
            done = nxt < 0 or nxt >= n_states
            reward = (-1.0 if nxt < 0 else 1.0) if done else 0.0
            if variant == "zero_one_rewards":
                reward = max(reward, 0.0)
            delta = reward + (0.0 if done else v[nxt]) - v[s]
            e *= lam
            if variant == "replacing":
                e[s] = 1.0
            elif variant == "late_increment":
                v += alpha * delta * e
                e[s] += 1.0
            else:
                e[s] += 1.0
            if variant == "offline":
                pending += alpha * delta * e
            elif variant != "late_increment":
                v += alpha * delta * e
            if done:
                break
            s = nxt
        v += pending
        out.append(v.copy())
    return np.array(out)


def td_lambda_replacing(n_states, lam, alpha, n_episodes, rng):
    """Replacing traces (e(s) = 1) instead of accumulating ones."""
    return _td_lambda(n_states, lam, alpha, n_episodes, rng, variant="replacing")


def td_lambda_no_trace_reset(n_states, lam, alpha, n_episodes, rng):
    """Never clears the traces between episodes."""
    return _td_lambda(n_states, lam, alpha, n_episodes, rng, variant="no_reset")


def td_lambda_zero_one_rewards(n_states, lam, alpha, n_episodes, rng):
    """Uses the 5-state rewards (0 left, 1 right) instead of −1 / +1."""
    return _td_lambda(n_states, lam, alpha, n_episodes, rng, variant="zero_one_rewards")


def td_lambda_late_increment(n_states, lam, alpha, n_episodes, rng):
    """Updates the values before adding the current state to its trace."""
    return _td_lambda(n_states, lam, alpha, n_episodes, rng, variant="late_increment")


def td_lambda_offline(n_states, lam, alpha, n_episodes, rng):
    """Offline TD(λ): accumulates the increments and applies them at the end of each episode."""
    return _td_lambda(n_states, lam, alpha, n_episodes, rng, variant="offline")


def td_lambda_decay_after(n_states, lam, alpha, n_episodes, rng):
    """Alternative correct: increment, update, then decay the trace; moves drawn with rng.integers."""
    v = np.zeros(n_states)
    out = np.empty((n_episodes + 1, n_states))
    out[0] = v
    for ep in range(n_episodes):
        e = np.zeros(n_states)
        s = n_states // 2
        while True:
            nxt = s + (1 if rng.integers(0, 2) == 1 else -1)
            if nxt < 0:
                delta = -1.0 - v[s]
            elif nxt >= n_states:
                delta = 1.0 - v[s]
            else:
                delta = v[nxt] - v[s]
            e[s] += 1.0
            v = v + alpha * delta * e
            e = lam * e
            if not 0 <= nxt < n_states:
                break
            s = nxt
        out[ep + 1] = v
    return out


# --- rng discipline: the right algorithm with the wrong source of randomness ------------------------------


class _GlobalDraws:
    """Looks like a Generator, draws from NumPy's global (legacy) generator."""

    def random(self, size=None):
        return np.random.random(size)

    def integers(self, low, high=None, size=None):
        return np.random.randint(low, high, size)

    def choice(self, a, size=None):
        return np.random.choice(a, size)


def _global(fn):
    def wrong(*args):
        return fn(*args[:-1], _GlobalDraws())

    wrong.__name__ = fn.__name__ + "_global_rng"
    wrong.__doc__ = "Draws from NumPy's global generator (np.random.*) instead of the rng argument."
    return wrong


def _fixed(fn):
    def wrong(*args):
        return fn(*args[:-1], np.random.default_rng(2024))

    wrong.__name__ = fn.__name__ + "_fixed_seed"
    wrong.__doc__ = "Ignores the rng argument and draws from a generator with a fixed seed of its own."
    return wrong


WRONG = {
    "tapped_delay_line": [
        delay_line_transposed,
        delay_line_off_by_one,
        delay_line_no_validation,
        delay_line_integer,
        delay_line_negative_wraps,
    ],
    "td_trials": [
        td_backward_difference,
        td_shifted_reward,
        td_no_terminal_zero,
        td_rows_after_update,
        td_ignores_gamma,
        td_reward_time_unchecked,
    ],
    "rms_error": [rms_no_root, rms_wrong_axis, rms_sum, rms_mean_error, rms_in_place],
    "random_walk_td0": [
        td0_terminal_value_half,
        td0_starts_left,
        td0_left_reward_minus_one,
        td0_discounted,
        td0_no_initial_row,
        _global(td0_choice_and_list),
        _fixed(td0_presampled_steps),
    ],
    "random_walk_mc": [
        mc_first_visit,
        mc_sample_average,
        mc_starts_left,
        mc_discounted_return,
        mc_left_reward_minus_one,
        _global(mc_backward_returns),
        _fixed(mc_backward_returns),
    ],
    "td_lambda": [
        td_lambda_replacing,
        td_lambda_no_trace_reset,
        td_lambda_zero_one_rewards,
        td_lambda_late_increment,
        td_lambda_offline,
        _global(td_lambda_decay_after),
        _fixed(td_lambda_decay_after),
    ],
}

CORRECT = {
    "tapped_delay_line": [delay_line_loop],
    "td_trials": [td_online_loop],
    "rms_error": [rms_loop],
    "random_walk_td0": [td0_choice_and_list, td0_presampled_steps],
    "random_walk_mc": [mc_backward_returns],
    "td_lambda": [td_lambda_decay_after],
}
