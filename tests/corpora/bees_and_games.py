"""Plausible wrong answers (must fail) and alternative correct answers (must pass) for unit 06.

Each entry maps a check name to functions with the student's signature (a tuple when a check calls several).
"""

from __future__ import annotations

import math

import numpy as np

from jclub.tictactoe import EMPTY, EMPTY_BOARD, O, X, after_states, game_over, play, to_move, winner

# --- softmax_choice --------------------------------------------------------------------------------------


def _softmax_probs(values, beta):
    z = beta * np.asarray(values, dtype=float)
    w = np.exp(z - z.max())
    return w / w.sum()


def sm_ignores_beta(values, beta, rng):
    """Uses exp(values): β is ignored."""
    return int(rng.choice(len(values), p=_softmax_probs(values, 1.0)))


def sm_beta_as_temperature(values, beta, rng):
    """Divides by β (a temperature) instead of multiplying (an inverse temperature)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.asarray(values, dtype=float) / beta
        w = np.exp(z - z.max())
        return int(rng.choice(len(w), p=w / w.sum()))


def sm_greedy(values, beta, rng):
    """Always the option with the largest value (no exploration)."""
    return int(np.argmax(values))


def sm_overflow(values, beta, rng):
    """Exponentiates β·values directly: overflows for large values."""
    with np.errstate(over="ignore", invalid="ignore"):
        w = np.exp(beta * np.asarray(values, dtype=float))
        return int(rng.choice(len(w), p=w / w.sum()))


def sm_uniform(values, beta, rng):
    """Ignores the values: a uniform choice."""
    return int(rng.integers(len(values)))


def sm_subtract_mean(values, beta, rng):
    """Stabilises by subtracting the mean of β·values: still overflows when the values are spread widely."""
    with np.errstate(over="ignore", invalid="ignore"):
        z = beta * np.asarray(values, dtype=float)
        w = np.exp(z - z.mean())
        c = np.cumsum(w)
        return min(int(np.searchsorted(c, rng.random() * c[-1], side="right")), len(c) - 1)


def sm_global_rng(values, beta, rng):
    """The right probabilities, drawn with NumPy's global generator instead of rng."""
    return int(np.random.choice(len(values), p=_softmax_probs(values, beta)))


def sm_fixed_seed(values, beta, rng):
    """The right probabilities, drawn from a new generator with a fixed seed on every call."""
    return int(np.random.default_rng(7).choice(len(values), p=_softmax_probs(values, beta)))


def sm_gumbel(values, beta, rng):
    """Alternative correct: the Gumbel-max trick, argmax of β·values plus Gumbel noise."""
    z = beta * np.asarray(values, dtype=float)
    return int(np.argmax(z + rng.gumbel(size=z.shape)))


def sm_rng_choice(values, beta, rng):
    """Alternative correct: numpy's weighted choice on the stabilised probabilities."""
    return int(rng.choice(len(values), p=_softmax_probs(values, beta)))


# --- bee_foraging ----------------------------------------------------------------------------------------


def _bee(n_visits, epsilon, beta, rng, utility, swap_at, *, choose=None, both=False, late=False, flip=False):
    u = utility or (lambda r: r)
    values = np.zeros((n_visits + 1, 2))
    choices = np.zeros(n_visits, dtype=int)
    for t in range(n_visits):
        c = choose(values[t]) if choose else int(rng.choice(2, p=_softmax_probs(values[t], beta)))
        swapped = swap_at is not None and (t > swap_at if late else t >= swap_at)
        risky = 0 if swapped != flip else 1
        values[t + 1] = values[t]
        for colour in (0, 1) if both else (c,):
            nectar = (6.0 if rng.random() < 1 / 3 else 0.0) if colour == risky else 2.0
            values[t + 1, colour] += epsilon * (u(nectar) - values[t, colour])
        choices[t] = c
    return choices, values


def bee_updates_both(n_visits, epsilon, beta, rng, utility=None, swap_at=None):
    """Updates both colours on every visit, as if the bee sampled the flower it did not visit."""
    return _bee(n_visits, epsilon, beta, rng, utility, swap_at, both=True)


def bee_swap_late(n_visits, epsilon, beta, rng, utility=None, swap_at=None):
    """Off by one: the colours exchange their rules from visit swap_at + 1."""
    return _bee(n_visits, epsilon, beta, rng, utility, swap_at, late=True)


def bee_ignores_utility(n_visits, epsilon, beta, rng, utility=None, swap_at=None):
    """Learns the raw nectar volume whatever the utility."""
    return _bee(n_visits, epsilon, beta, rng, None, swap_at)


def bee_greedy(n_visits, epsilon, beta, rng, utility=None, swap_at=None):
    """Always visits the colour with the higher value (ties: blue) instead of a softmax."""
    return _bee(n_visits, epsilon, beta, rng, utility, swap_at, choose=lambda m: int(m[1] > m[0]))


def bee_colours_reversed(n_visits, epsilon, beta, rng, utility=None, swap_at=None):
    """Blue is the gamble and yellow the sure thing (the colours mixed up)."""
    return _bee(n_visits, epsilon, beta, rng, utility, swap_at, flip=True)


def bee_no_initial_row(n_visits, epsilon, beta, rng, utility=None, swap_at=None):
    """Returns only the values after each visit: shape (n_visits, 2)."""
    choices, values = _bee(n_visits, epsilon, beta, rng, utility, swap_at)
    return choices, values[1:]


def bee_logistic(n_visits, epsilon, beta, rng, utility=None, swap_at=None):
    """Alternative correct: the two-option softmax as a logistic function, the nectar drawn before the
    choice, and the update written as a weighted average."""
    u = utility if utility is not None else float
    m = np.zeros((n_visits + 1, 2))
    choices = []
    for t in range(n_visits):
        jackpot = rng.random() < 1 / 3
        p_yellow = 1.0 / (1.0 + math.exp(-beta * (m[t, 1] - m[t, 0])))
        c = 1 if rng.random() < p_yellow else 0
        risky = 0 if (swap_at is not None and t >= swap_at) else 1
        nectar = (6.0 if jackpot else 0.0) if c == risky else 2.0
        m[t + 1] = m[t]
        m[t + 1, c] = (1 - epsilon) * m[t, c] + epsilon * u(nectar)
        choices.append(c)
    return np.array(choices), m


def bee_global_rng(n_visits, epsilon, beta, rng, utility=None, swap_at=None):
    """The right bee, drawing from NumPy's global generator instead of rng."""

    class Global:
        def random(self):
            return np.random.random()

    return bee_logistic(n_visits, epsilon, beta, Global(), utility, swap_at)


def bee_fixed_seed(n_visits, epsilon, beta, rng, utility=None, swap_at=None):
    """The right bee, drawing from a generator with a fixed seed of its own."""
    return bee_logistic(n_visits, epsilon, beta, np.random.default_rng(11), utility, swap_at)


# --- td_update -------------------------------------------------------------------------------------------


def td_default_zero(values, state, next_state, reward, alpha):
    """Missing after-states count as 0 instead of 0.5."""
    old = values.get(state, 0.0)
    target = reward if next_state is None else values.get(next_state, 0.0)
    values[state] = old + alpha * (target - old)
    return values[state]


def td_not_stored(values, state, next_state, reward, alpha):
    """Computes the new value but never writes it into the dict."""
    old = values.get(state, 0.5)
    target = reward if next_state is None else values.get(next_state, 0.5)
    return old + alpha * (target - old)


def td_updates_next(values, state, next_state, reward, alpha):
    """Moves V(next_state) towards V(state) — the update pointed the wrong way in time."""
    if next_state is None:
        old = values.get(state, 0.5)
        values[state] = old + alpha * (reward - old)
        return values[state]
    old = values.get(next_state, 0.5)
    values[next_state] = old + alpha * (values.get(state, 0.5) - old)
    return values.get(state, 0.5)


def td_returns_old(values, state, next_state, reward, alpha):
    """Stores the right value but returns the value before the update."""
    old = values.get(state, 0.5)
    target = reward if next_state is None else values.get(next_state, 0.5)
    values[state] = old + alpha * (target - old)
    return old


def td_sign_flipped(values, state, next_state, reward, alpha):
    """V ← V + α (V − target): moves away from the target."""
    old = values.get(state, 0.5)
    target = reward if next_state is None else values.get(next_state, 0.5)
    values[state] = old + alpha * (old - target)
    return values[state]


def td_always_reward(values, state, next_state, reward, alpha):
    """Uses the reward as the target even during the game (no bootstrapping)."""
    old = values.get(state, 0.5)
    values[state] = old + alpha * (reward - old)
    return values[state]


def td_weighted_average(values, state, next_state, reward, alpha):
    """Alternative correct: the update as a weighted average, with explicit membership tests."""
    old = values[state] if state in values else 0.5
    if next_state is None:
        target = reward
    else:
        target = values[next_state] if next_state in values else 0.5
    values[state] = (1 - alpha) * old + alpha * target
    return values[state]


def td_setdefault(values, state, next_state, reward, alpha):
    """setdefault stores 0.5 for an unseen next_state: an entry the contract says must not be added."""
    v = values.setdefault(state, 0.5)
    target = reward if next_state is None else values.setdefault(next_state, 0.5)
    values[state] = v + alpha * (target - v)
    return float(values[state])


# --- epsilon_greedy_move ---------------------------------------------------------------------------------


def _legal(board):
    return [m for m, _ in after_states(board)]


def _greedy_among(values, board, rng, *, sign=1.0, default=0.5, mark=None):
    options = after_states(board)
    if not options:
        raise ValueError("game over")
    if mark is not None:
        other = O if to_move(board) == X else X
        options = [(m, board[:m] + (other,) + board[m + 1 :]) for m, _ in options]
    scores = [sign * values.get(a, default) for _, a in options]
    best = max(scores)
    ties = [m for (m, _), s in zip(options, scores, strict=True) if s == best]
    return ties[int(rng.integers(len(ties)))]


def eg_o_minimises(values, board, epsilon, rng):
    """O picks the lowest value, as if all values were X's."""
    legal = _legal(board)
    if not legal:
        raise ValueError("game over")
    if rng.random() < epsilon:
        return legal[int(rng.integers(len(legal)))]
    return _greedy_among(values, board, rng, sign=1.0 if to_move(board) == X else -1.0)


def eg_default_zero(values, board, epsilon, rng):
    """Missing after-states count as 0."""
    legal = _legal(board)
    if not legal:
        raise ValueError("game over")
    if rng.random() < epsilon:
        return legal[int(rng.integers(len(legal)))]
    return _greedy_among(values, board, rng, default=0.0)


def eg_explores_others_only(values, board, epsilon, rng):
    """Exploration picks only among the non-greedy moves."""
    greedy = _greedy_among(values, board, rng)
    others = [m for m in _legal(board) if m != greedy]
    if others and rng.random() < epsilon:
        return others[int(rng.integers(len(others)))]
    return greedy


def eg_ignores_epsilon(values, board, epsilon, rng):
    """Always greedy: ε is never used."""
    return _greedy_among(values, board, rng)


def eg_opponent_mark(values, board, epsilon, rng):
    """Looks up the board with the opponent's mark in the chosen cell."""
    legal = _legal(board)
    if not legal:
        raise ValueError("game over")
    if rng.random() < epsilon:
        return legal[int(rng.integers(len(legal)))]
    return _greedy_among(values, board, rng, mark="other")


def eg_value_of_board(values, board, epsilon, rng):
    """Scores every move by the value of the current board, so the choice is arbitrary."""
    legal = _legal(board)
    if not legal:
        raise ValueError("game over")
    return legal[int(rng.integers(len(legal)))] if rng.random() < epsilon else legal[0]


def eg_first_best(values, board, epsilon, rng):
    """Alternative correct: its own move list, rng.choice for exploring, the first best move on ties."""
    player = 1 if board.count(1) == board.count(2) else 2
    lines = ((0, 1, 2), (3, 4, 5), (6, 7, 8), (0, 3, 6), (1, 4, 7), (2, 5, 8), (0, 4, 8), (2, 4, 6))
    if any(board[a] != 0 and board[a] == board[b] == board[c] for a, b, c in lines) or 0 not in board:
        raise ValueError("no legal move")
    legal = [i for i in range(9) if board[i] == 0]
    if rng.uniform() < epsilon:
        return int(rng.choice(legal))
    scores = [values.get(board[:i] + (player,) + board[i + 1 :], 0.5) for i in legal]
    return legal[int(np.argmax(scores))]


def eg_shuffled(values, board, epsilon, rng):
    """Alternative correct: shuffles the legal moves, then explores with the first or takes the best."""
    options = list(after_states(board))
    if not options:
        raise ValueError("no legal move")
    explore = rng.random() < epsilon
    order = rng.permutation(len(options))
    shuffled = [options[i] for i in order]
    if explore:
        return int(shuffled[0][0])
    return int(max(shuffled, key=lambda o: values.get(o[1], 0.5))[0])


def eg_setdefault(values, board, epsilon, rng):
    """Fills the dict with 0.5 for unseen after-states (setdefault) while choosing: it must only read."""
    options = after_states(board)
    if not options:
        raise ValueError("game over")
    if rng.random() < epsilon:
        return int(options[int(rng.integers(len(options)))][0])
    scores = [values.setdefault(a, 0.5) for _, a in options]
    best = max(scores)
    ties = [m for (m, _), sc in zip(options, scores, strict=True) if sc == best]
    return int(ties[int(rng.integers(len(ties)))])


def eg_global_rng(values, board, epsilon, rng):
    """The right rule, but the exploration draws come from NumPy's global generator."""
    options = after_states(board)
    if not options:
        raise ValueError("game over")
    if np.random.random() < epsilon:
        return int(options[np.random.randint(len(options))][0])
    scores = [values.get(a, 0.5) for _, a in options]
    best = max(scores)
    ties = [m for (m, _), sc in zip(options, scores, strict=True) if sc == best]
    return int(ties[np.random.randint(len(ties))])


# --- train_self_play -------------------------------------------------------------------------------------


def _choose(values, board, epsilon, rng):
    options = after_states(board)
    if rng.random() < epsilon:
        return options[int(rng.integers(len(options)))][0]
    scores = [values.get(a, 0.5) for _, a in options]
    best = max(scores)
    ties = [m for (m, _), s in zip(options, scores, strict=True) if s == best]
    return ties[int(rng.integers(len(ties)))]


def _td(values, s, target, alpha):
    v = values.get(s, 0.5)
    values[s] = v + alpha * (target - v)


def _train(
    n_games, alpha, epsilon, rng, values, *, shared=False, loser=True, x_only=False, swap=False, final=True
):
    values = {} if values is None else values
    for _ in range(n_games):
        board = EMPTY_BOARD
        last = {X: None, O: None}
        prev = None
        while not game_over(board):
            player = to_move(board)
            after = play(board, _choose(values, board, epsilon, rng))
            before = prev if shared else last[player]
            if before is not None and not (x_only and player == O):
                _td(values, before, values.get(after, 0.5), alpha)
            last[player] = prev = after
            board = after
        if not final:
            continue
        result = winner(board)
        for player in (X, O):
            if x_only and player == O:
                continue
            if result == EMPTY:
                reward = 0.5
            else:
                reward = float((result == player) != swap)
                if not loser and result != player:
                    continue
            _td(values, last[player], reward, alpha)
    return values


def tr_opponent_state(n_games, alpha, epsilon, rng, values=None):
    """Updates each after-state towards the *opponent's* next after-state (one shared 'previous')."""
    return _train(n_games, alpha, epsilon, rng, values, shared=True)


def tr_no_loser_update(n_games, alpha, epsilon, rng, values=None):
    """At the end only the winner's last after-state is updated; the loser never learns from losing."""
    return _train(n_games, alpha, epsilon, rng, values, loser=False)


def tr_x_only(n_games, alpha, epsilon, rng, values=None):
    """Only X's after-states are updated: O never learns."""
    return _train(n_games, alpha, epsilon, rng, values, x_only=True)


def tr_rewards_swapped(n_games, alpha, epsilon, rng, values=None):
    """Gives the winner 0 and the loser 1."""
    return _train(n_games, alpha, epsilon, rng, values, swap=True)


def tr_no_final_update(n_games, alpha, epsilon, rng, values=None):
    """Forgets the updates at the end of the game, so no reward ever enters the table."""
    return _train(n_games, alpha, epsilon, rng, values, final=False)


def tr_never_explores(n_games, alpha, epsilon, rng, values=None):
    """Plays greedily during training (ε is never used), so it keeps replaying a narrow set of games."""
    return _train(n_games, alpha, 0.0, rng, values)


def tr_skips_exploratory(n_games, alpha, epsilon, rng, values=None):
    """Sutton & Barto's chapter-1 rule: no TD update after an exploratory move (the contract updates after
    every move)."""
    values = {} if values is None else values
    for _ in range(n_games):
        board = EMPTY_BOARD
        last = {X: None, O: None}
        while not game_over(board):
            player = to_move(board)
            options = after_states(board)
            explored = rng.random() < epsilon
            if explored:
                move = options[int(rng.integers(len(options)))][0]
            else:
                scores = [values.get(a, 0.5) for _, a in options]
                ties = [m for (m, _), sc in zip(options, scores, strict=True) if sc == max(scores)]
                move = ties[int(rng.integers(len(ties)))]
            after = play(board, move)
            if last[player] is not None and not explored:
                _td(values, last[player], values.get(after, 0.5), alpha)
            last[player] = after
            board = after
        result = winner(board)
        for player in (X, O):
            reward = 0.5 if result == EMPTY else float(result == player)
            _td(values, last[player], reward, alpha)
    return values


def tr_global_rng(n_games, alpha, epsilon, rng, values=None):
    """The right training, with every draw from NumPy's global generator (a stand-in Generator)."""

    class Global:
        def random(self):
            return np.random.random()

        def integers(self, n):
            return np.random.randint(n)

    return _train(n_games, alpha, epsilon, Global(), values)


def tr_returns_copy(n_games, alpha, epsilon, rng, values=None):
    """Trains on a copy of the given dict and returns the copy: the caller's dict is left unchanged."""
    return _train(n_games, alpha, epsilon, rng, None if values is None else dict(values))


def tr_histories(n_games, alpha, epsilon, rng, values=None):
    """Alternative correct: per-player histories, its own ε-greedy step (first best move on ties) and TD
    arithmetic written inline."""
    table = {} if values is None else values
    for _ in range(n_games):
        board = EMPTY_BOARD
        history = {X: [], O: []}
        while not game_over(board):
            mover = to_move(board)
            options = after_states(board)
            if rng.random() < epsilon:
                after = options[int(rng.integers(len(options)))][1]
            else:
                after = max(options, key=lambda o: table.get(o[1], 0.5))[1]
            mine = history[mover]
            mine.append(after)
            if len(mine) >= 2:
                s = mine[-2]
                old = table.get(s, 0.5)
                table[s] = old + alpha * (table.get(after, 0.5) - old)
            board = after
        result = winner(board)
        for mover in (X, O):
            reward = 0.5 if result == EMPTY else (1.0 if result == mover else 0.0)
            s = history[mover][-1]
            old = table.get(s, 0.5)
            table[s] = old + alpha * (reward - old)
    return table


WRONG = {
    "softmax_choice": [
        sm_ignores_beta,
        sm_beta_as_temperature,
        sm_greedy,
        sm_overflow,
        sm_uniform,
        sm_subtract_mean,
        sm_global_rng,
        sm_fixed_seed,
    ],
    "bee_foraging": [
        bee_updates_both,
        bee_swap_late,
        bee_ignores_utility,
        bee_greedy,
        bee_colours_reversed,
        bee_no_initial_row,
        bee_global_rng,
        bee_fixed_seed,
    ],
    "td_update": [
        td_default_zero,
        td_not_stored,
        td_updates_next,
        td_returns_old,
        td_sign_flipped,
        td_always_reward,
        td_setdefault,
    ],
    "epsilon_greedy_move": [
        eg_o_minimises,
        eg_default_zero,
        eg_explores_others_only,
        eg_ignores_epsilon,
        eg_opponent_mark,
        eg_value_of_board,
        eg_setdefault,
        eg_global_rng,
    ],
    "train_self_play": [
        tr_opponent_state,
        tr_no_loser_update,
        tr_x_only,
        tr_rewards_swapped,
        tr_no_final_update,
        tr_never_explores,
        tr_skips_exploratory,
        tr_global_rng,
        tr_returns_copy,
    ],
}

CORRECT = {
    "softmax_choice": [sm_gumbel, sm_rng_choice],
    "bee_foraging": [bee_logistic],
    "td_update": [td_weighted_average],
    "epsilon_greedy_move": [eg_first_best, eg_shuffled],
    "train_self_play": [tr_histories],
}
