"""Graded checks of unit 06, Bees and games: probes (run in the student's kernel) and judges (run here).

Conventions as in ``standard_diffusion.py`` (see CONTRIBUTING.md). The tic-tac-toe rules the judges need are
written here again on purpose: judges never import ``jclub``, which students receive and could change.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from autograder.checks import K_SIGMA, Cases, Check, Findings, JudgeError, Verdict, as_array
from autograder.probes import (
    guarded_call,
    require_rng_discipline,
    require_unmodified,
    rng_trials,
    with_deps,
)

# Cases are written into the notebook as JSON inside Python code: no None, True or False in them.


def _softmax(values: np.ndarray, beta: float) -> np.ndarray:
    z = beta * np.asarray(values, dtype=float)
    w = np.exp(z - z.max(axis=-1, keepdims=True))
    return w / w.sum(axis=-1, keepdims=True)


def _int_list(value: Any, n: int, name: str) -> list[int]:
    """Probe data → a list of n Python ints (the probes map anything that is not an integer to −1)."""
    if not isinstance(value, list) or len(value) != n:
        raise JudgeError(f"{name} should hold {n} entries")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise JudgeError(f"{name} should hold integers")
    return value


def _counts_match(counts: np.ndarray, probs: np.ndarray) -> bool:
    """Every category's count within K_SIGMA binomial standard deviations of n·p."""
    n = counts.sum()
    sd = np.sqrt(n * probs * (1 - probs))
    return bool(np.all(np.abs(counts - n * probs) <= K_SIGMA * sd + 1e-9))


# ---------------------------------------------------------------------------------------------------------
# softmax_choice(values, beta, rng) -> index
# ---------------------------------------------------------------------------------------------------------
def probe_softmax_choice(softmax_choice, cases):
    import numpy as np

    def as_index(i):
        try:
            return int(i) if int(i) == i else -1
        except (TypeError, ValueError, OverflowError):
            return -1

    out = []
    for case in cases:
        rng = np.random.default_rng(case["seed"])
        values = np.asarray(case["values"], dtype=float)
        draws = [as_index(softmax_choice(values.copy(), case["beta"], rng)) for _ in range(case["n_draws"])]
        if not case.get("trials"):
            out.append(draws)
            continue
        trials = rng_trials(
            lambda g, c=case: [as_index(softmax_choice(list(c["values"]), c["beta"], g)) for _ in range(40)],
            case["seed"] + 3,
        )
        out.append({"draws": draws, "trials": trials})
    return out


def judge_softmax_choice(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        n_options = len(case["values"])
        if case.get("trials"):
            if not isinstance(got, dict):
                raise JudgeError("the probe returned no result")
            require_rng_discipline(f, got.get("trials"), "softmax_choice")
            got = got.get("draws")
        draws = _int_list(got, case["n_draws"], "the draws")
        if not f.require(
            all(0 <= d < n_options for d in draws), "softmax_choice must return an index 0 … len(values) − 1"
        ):
            continue
        counts = np.bincount(draws, minlength=n_options)
        f.require(
            _counts_match(counts, _softmax(np.array(case["values"]), case["beta"])),
            "the choice frequencies do not follow P(i) ∝ exp(β·values[i])"
            + (" (check large β·values: subtract the maximum first)" if case.get("large") else ""),
        )
    return f.verdict()


SOFTMAX_CASES = [
    {"values": [0.0, 1.0], "beta": 1.0, "n_draws": 3000, "seed": 60_611, "trials": 1},
    {"values": [2.0, 0.5, -1.0, 1.0], "beta": 2.5, "n_draws": 3000, "seed": 60_612},
    {"values": [0.3, 0.3, 0.3], "beta": 4.0, "n_draws": 2000, "seed": 60_613},
    {"values": [1.0, 3.0, 2.0], "beta": 0.0, "n_draws": 2000, "seed": 60_614},
    {"values": [-3.0, 0.0], "beta": 0.5, "n_draws": 2000, "seed": 60_615},
    {"values": [500.0, 501.0, 499.0], "beta": 2.0, "n_draws": 2000, "seed": 60_616, "large": 1},
    {"values": [0.7], "beta": 1.0, "n_draws": 50, "seed": 60_617},
    # β·values from −1600 to 1600: exp overflows unless the maximum is subtracted (not the mean or minimum)
    {"values": [-400.0, 0.0, 399.8, 400.0], "beta": 4.0, "n_draws": 2000, "seed": 60_618, "large": 1},
    # all β·values far below −745: exp underflows to 0 without the shift
    {"values": [-800.0, -800.5], "beta": 1.0, "n_draws": 2000, "seed": 60_619, "large": 1},
    {"values": [3, 1, 2], "beta": 1, "n_draws": 2000, "seed": 60_620},
]


# ---------------------------------------------------------------------------------------------------------
# bee_foraging(n_visits, epsilon, beta, rng, utility=None, swap_at=None) -> (choices, values)
# ---------------------------------------------------------------------------------------------------------
def bee_utility(name):
    """The utility function a case names (None for "identity", the default)."""
    import math

    if name == "sqrt":
        return lambda r: math.sqrt(r)
    if name == "saturating":
        return lambda r: 4.0 * (1.0 - math.exp(-r / 2.0))
    return None


def probe_bee_foraging(bee_foraging, cases):
    import numpy as np

    out = []
    for case in cases:
        choices, values = bee_foraging(
            case["n_visits"],
            case["epsilon"],
            case["beta"],
            np.random.default_rng(case["seed"]),
            utility=bee_utility(case["utility"]),
            swap_at=None if case["swap_at"] < 0 else case["swap_at"],
        )
        trials = rng_trials(
            lambda g, c=case: bee_foraging(
                60, c["epsilon"], 0.2, g, utility=bee_utility(c["utility"]), swap_at=None
            ),
            case["seed"] + 5,
        )
        choices = np.asarray(choices)
        values = np.asarray(values, dtype=float)
        integral = choices.size > 0 and bool(np.all(np.asarray(choices, dtype=float) == np.rint(choices)))
        out.append(
            {
                "choices_shape": list(choices.shape),
                "integral": integral,
                "choices": np.rint(np.asarray(choices, dtype=float)).astype(int).tolist() if integral else [],
                "values": values.tolist(),
                "trials": trials,
            }
        )
    return out


def judge_bee_foraging(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        n, eps, beta = case["n_visits"], case["epsilon"], case["beta"]
        require_rng_discipline(f, got.get("trials"), "bee_foraging")
        if not f.require(
            got["choices_shape"] == [n] and got["integral"], "choices must be n_visits integer indices"
        ):
            continue
        choices = np.asarray(_int_list(got["choices"], n, "choices"))
        m = as_array(got["values"], (n + 1, 2), "values")
        if not f.require(np.all((choices == 0) | (choices == 1)), "choices must be 0 (blue) or 1 (yellow)"):
            continue
        f.require(np.all(m[0] == 0), "both values must start at 0")
        u = bee_utility(case["utility"]) or (lambda r: r)
        swap = None if case["swap_at"] < 0 else case["swap_at"]
        t = np.arange(n)
        chosen = choices
        other = 1 - choices
        f.require(
            np.allclose(m[t + 1, other], m[t, other], rtol=0, atol=1e-12),
            "only the chosen colour's value may change on a visit",
        )
        # infer the utility received on each visit from m ← m + ε (u − m) and compare with what is possible
        received = m[t, chosen] + (m[t + 1, chosen] - m[t, chosen]) / eps
        swapped = np.zeros(n, dtype=bool) if swap is None else t >= swap
        risky = np.where(swapped, 0, 1)
        sure = np.array([u(2.0)])
        gamble = np.array([u(0.0), u(6.0)])
        on_risky = chosen == risky
        scale = max(1.0, abs(u(6.0)))
        ok_sure = (
            np.min(np.abs(received[~on_risky, None] - sure[None, :]), axis=1, initial=np.inf) <= 1e-7 * scale
        )
        ok_risky = (
            np.min(np.abs(received[on_risky, None] - gamble[None, :]), axis=1, initial=np.inf) <= 1e-7 * scale
        )
        f.require(
            np.all(ok_sure) and np.all(ok_risky),
            "the value updates do not match m ← m + ε·(u(r) − m) with the colours' nectar rules"
            + (" and the swap" if swap is not None else "")
            + ("" if case["utility"] == "identity" else " and the utility function"),
        )
        # the jackpot comes on 1/3 of the visits to the risky colour (a binomial count)
        k = int(np.sum(np.abs(received[on_risky] - gamble[1]) <= 1e-7 * scale))
        n_r = int(on_risky.sum())
        if n_r >= 20:
            f.require(
                abs(k - n_r / 3) <= K_SIGMA * math.sqrt(n_r * 2 / 9),
                "the variable colour does not pay 6 µl on one visit in three",
            )
        # choices follow the softmax of the current values: two martingale sums with known variance
        p_yellow = _softmax(m[:-1], beta)[:, 1]
        resid = (choices == 1) - p_yellow
        var = p_yellow * (1 - p_yellow)
        diff = m[:-1, 1] - m[:-1, 0]
        ok_choice = abs(resid.sum()) <= K_SIGMA * math.sqrt(var.sum()) + 1e-9
        ok_choice &= abs((resid * diff).sum()) <= K_SIGMA * math.sqrt((var * diff**2).sum()) + 1e-9
        f.require(
            ok_choice,
            "the choices do not follow a softmax (inverse temperature β) of the values before each visit",
        )
    return f.verdict()


BEE_CASES = [
    {"n_visits": 600, "epsilon": 0.1, "beta": 1.0, "utility": "identity", "swap_at": -1, "seed": 60_621},
    {"n_visits": 600, "epsilon": 0.6, "beta": 1.5, "utility": "sqrt", "swap_at": 300, "seed": 60_622},
    {"n_visits": 500, "epsilon": 0.3, "beta": 3.0, "utility": "saturating", "swap_at": 0, "seed": 60_623},
    {"n_visits": 400, "epsilon": 1.0, "beta": 0.5, "utility": "identity", "swap_at": 137, "seed": 60_624},
    # β = 0: a coin flip, so the gamble is sampled often enough to test its 1-in-3 jackpot rate
    {"n_visits": 6000, "epsilon": 0.2, "beta": 0.0, "utility": "identity", "swap_at": 3000, "seed": 60_625},
]


# ---------------------------------------------------------------------------------------------------------
# td_update(values, state, next_state, reward, alpha) -> new V(state)
# ---------------------------------------------------------------------------------------------------------
def make_td_transitions(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    pool = []
    while len(pool) < case["n_states"]:
        board = tuple(int(c) for c in rng.integers(0, 3, size=9))
        if board not in pool:
            pool.append(board)
    start = {s: float(rng.uniform(0.05, 0.95)) for s in pool[: case["n_known"]]}
    steps = []
    for _ in range(case["n_steps"]):
        i = int(rng.integers(len(pool)))
        if rng.random() < 0.3:
            steps.append((i, None, float(rng.choice([0.0, 0.5, 1.0]))))
        else:
            steps.append((i, int(rng.integers(len(pool))), 0.0))
    return pool, start, steps


def probe_td_update(td_update, cases):
    out = []
    for case in cases:
        pool, start, steps = make_td_transitions(case)
        values = dict(start)
        returned, stored, sizes = [], [], []
        for i, j, reward in steps:
            nxt = None if j is None else pool[j]
            returned.append(float(td_update(values, pool[i], nxt, reward, case["alpha"])))
            stored.append(float(values.get(pool[i], -1.0)))
            sizes.append(len(values))
        out.append(
            {
                "returned": returned,
                "stored": stored,
                "final": [float(values.get(s, 0.5)) for s in pool],
                "sizes": sizes,
            }
        )
    return out


def judge_td_update(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        pool, start, steps = make_td_transitions(case)
        n = len(steps)
        returned = as_array(got["returned"], (n,), "returned values")
        stored = as_array(got["stored"], (n,), "stored values")
        final = as_array(got["final"], (len(pool),), "final values")
        values = dict(start)
        want = np.empty(n)
        want_sizes = []
        for k, (i, j, reward) in enumerate(steps):
            v = values.get(pool[i], 0.5)
            target = reward if j is None else values.get(pool[j], 0.5)
            values[pool[i]] = v + case["alpha"] * (target - v)
            want[k] = values[pool[i]]
            want_sizes.append(len(values))
        f.require(
            np.allclose(stored, want, rtol=1e-9, atol=1e-12),
            "the values stored in the dict do not follow V ← V + α·(target − V) with target V(next_state) "
            "(missing = 0.5) or the reward at the end of a game",
        )
        f.require(
            np.allclose(returned, want, rtol=1e-9, atol=1e-12), "td_update must return the new V(state)"
        )
        f.require(
            np.allclose(final, [values.get(s, 0.5) for s in pool], rtol=1e-9, atol=1e-12),
            "after a sequence of updates the dict holds wrong values (only V(state) may change)",
        )
        f.require(
            got.get("sizes") == want_sizes,
            "td_update must add only `state` to the dict (a missing next_state is read as 0.5, not stored)",
        )
    return f.verdict()


TD_CASES = [
    {"n_states": 12, "n_known": 5, "n_steps": 150, "alpha": 0.1, "seed": 60_631},
    {"n_states": 6, "n_known": 0, "n_steps": 60, "alpha": 0.5, "seed": 60_632},
    {"n_states": 20, "n_known": 20, "n_steps": 80, "alpha": 1.0, "seed": 60_633},
]


# ---------------------------------------------------------------------------------------------------------
# epsilon_greedy_move(values, board, epsilon, rng) -> move
# ---------------------------------------------------------------------------------------------------------
def make_chooser_positions(case):
    import numpy as np

    lines = ((0, 1, 2), (3, 4, 5), (6, 7, 8), (0, 3, 6), (1, 4, 7), (2, 5, 8), (0, 4, 8), (2, 4, 6))
    rng = np.random.default_rng(case["seed"])
    positions = []
    while len(positions) < case["n_positions"]:
        cells = [0] * 9
        over = False
        for k in range(int(rng.integers(0, 8))):
            empty = [i for i in range(9) if cells[i] == 0]
            cells[empty[int(rng.integers(len(empty)))]] = 1 if k % 2 == 0 else 2
            if any(cells[a] != 0 and cells[a] == cells[b] == cells[c] for a, b, c in lines):
                over = True
                break
        if over:
            continue
        board = tuple(cells)
        player = 1 if board.count(1) == board.count(2) else 2
        style = len(positions) % 3
        values = {board: 0.99}  # the board before the move is not an after-state
        for m in (i for i in range(9) if board[i] == 0):
            after = board[:m] + (player,) + board[m + 1 :]
            wrong_mark = board[:m] + (3 - player,) + board[m + 1 :]
            values[wrong_mark] = float(rng.uniform(0.9, 1.0))  # the other player's mark: a decoy
            u = rng.random()
            if style == 0 and u < 0.7:
                values[after] = float(rng.random())
            elif style == 1:
                values[after] = float(rng.choice([0.2, 0.6, 0.8, 0.8]))
            elif style == 2 and u < 0.6:
                values[after] = float(rng.uniform(0.0, 0.45))
        positions.append((board, values))
    return positions


def probe_epsilon_greedy_move(epsilon_greedy_move, cases):
    import numpy as np

    def as_move(m):
        try:
            return int(m) if int(m) == m else -1
        except (TypeError, ValueError, OverflowError):
            return -1

    out = []
    for case in cases:
        rng = np.random.default_rng(case["seed"] + 7)
        if case["kind"] == "greedy":
            moves, modified = [], []
            for k, (board, values) in enumerate(make_chooser_positions(case)):
                eps = 0.0 if k % 2 == 0 else 0  # an int 0 is a valid ε too
                move, changed = guarded_call(epsilon_greedy_move, values, board, eps, rng)
                moves.append(as_move(move))
                modified.extend(changed)
            out.append({"moves": moves, "modified": sorted(set(modified), key=str)})
        elif case["kind"] == "trials":
            board = tuple(case["board"])
            trials = rng_trials(
                lambda g, b=board: [as_move(epsilon_greedy_move({}, b, 0.5, g)) for _ in range(30)],
                case["seed"],
            )
            out.append({"trials": trials})
        elif case["kind"] == "explore":
            board = tuple(case["board"])
            values = {tuple(s): v for s, v in case["values"]}
            out.append(
                [
                    as_move(epsilon_greedy_move(values, board, case["epsilon"], rng))
                    for _ in range(case["n_draws"])
                ]
            )
        else:
            raised = []
            for cells in case["boards"]:
                try:
                    epsilon_greedy_move({}, tuple(cells), 0.1, rng)
                    raised.append("nothing")
                except Exception as err:  # noqa: BLE001
                    raised.append(type(err).__name__)
            out.append(raised)
    return out


def _after(board: tuple[int, ...], move: int) -> tuple[int, ...]:
    player = 1 if board.count(1) == board.count(2) else 2
    return board[:move] + (player,) + board[move + 1 :]


def judge_epsilon_greedy_move(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        if case["kind"] == "trials":
            if not isinstance(got, dict):
                raise JudgeError("the probe returned no result")
            require_rng_discipline(f, got.get("trials"), "epsilon_greedy_move")
        elif case["kind"] == "greedy":
            positions = make_chooser_positions(case)
            if not isinstance(got, dict):
                raise JudgeError("the probe returned no result")
            require_unmodified(f, got.get("modified"), "epsilon_greedy_move (it only reads `values`)")
            moves = _int_list(got.get("moves"), len(positions), "the moves")
            legal_ok = best_ok = True
            for (board, values), m in zip(positions, moves, strict=True):
                legal = [i for i in range(9) if board[i] == 0]
                if m not in legal:
                    legal_ok = False
                    continue
                scores = {i: values.get(_after(board, i), 0.5) for i in legal}
                best_ok &= scores[m] == max(scores.values())
            f.require(legal_ok, "epsilon_greedy_move must return an empty cell (0–8) of the board")
            f.require(
                best_ok,
                "with ε = 0 the move must lead to an after-state of highest value for the player to move "
                "(after-states missing from the dict count as 0.5)",
            )
        elif case["kind"] == "explore":
            board = tuple(case["board"])
            values = {tuple(s): v for s, v in case["values"]}
            moves = _int_list(got, case["n_draws"], "the moves")
            legal = [i for i in range(9) if board[i] == 0]
            if not f.require(all(m in legal for m in moves), "epsilon_greedy_move must return an empty cell"):
                continue
            scores = [values.get(_after(board, i), 0.5) for i in legal]
            best = legal[int(np.argmax(scores))]
            eps = case["epsilon"]
            probs = np.array([eps / len(legal) + (1 - eps) * (i == best) for i in legal])
            counts = np.array([moves.count(i) for i in legal])
            f.require(
                _counts_match(counts, probs),
                "with probability ε the move must be uniform over all legal moves (the greedy one included), "
                "otherwise greedy",
            )
        else:
            raised = got if isinstance(got, list) else []
            f.require(
                len(raised) == len(case["boards"]) and all(r == "ValueError" for r in raised),
                "a board on which the game is over must raise ValueError",
            )
    return f.verdict()


EXPLORE_X = [1, 0, 0, 0, 2, 0, 0, 0, 0]  # X in a corner, O in the centre: X to move, 7 legal moves
EXPLORE_O = [1, 2, 0, 0, 1, 0, 0, 0, 0]  # O to move, 6 legal moves
CHOOSER_CASES = [
    {"kind": "greedy", "n_positions": 60, "seed": 60_641},
    {"kind": "greedy", "n_positions": 60, "seed": 60_642},
    {
        "kind": "explore",
        "board": EXPLORE_X,
        "values": [[[1, 1, 0, 0, 2, 0, 0, 0, 0], 0.3], [[1, 0, 0, 0, 2, 0, 0, 0, 1], 0.7]],
        "epsilon": 0.3,
        "n_draws": 3000,
        "seed": 60_643,
    },
    {
        "kind": "explore",
        "board": EXPLORE_O,
        "values": [[[1, 2, 0, 0, 1, 0, 0, 0, 2], 0.9], [[1, 2, 2, 0, 1, 0, 0, 0, 0], 0.1]],
        "epsilon": 1.0,
        "n_draws": 2400,
        "seed": 60_644,
    },
    {"kind": "error", "boards": [[1, 1, 1, 2, 2, 0, 0, 0, 0], [1, 2, 1, 1, 2, 2, 2, 1, 1]], "seed": 60_645},
    {"kind": "trials", "board": [0, 0, 0, 0, 0, 0, 0, 0, 0], "seed": 60_646},
]


# ---------------------------------------------------------------------------------------------------------
# train_self_play(n_games, alpha, epsilon, rng, values=None) -> dict
# ---------------------------------------------------------------------------------------------------------
def make_initial_values(case):
    import numpy as np

    lines = ((0, 1, 2), (3, 4, 5), (6, 7, 8), (0, 3, 6), (1, 4, 7), (2, 5, 8), (0, 4, 8), (2, 4, 6))
    seen = set()
    frontier = [(0,) * 9]
    while frontier:
        board = frontier.pop()
        if any(board[a] != 0 and board[a] == board[b] == board[c] for a, b, c in lines):
            continue
        player = 1 if board.count(1) == board.count(2) else 2
        for m in range(9):
            if board[m] == 0:
                after = board[:m] + (player,) + board[m + 1 :]
                if after not in seen:
                    seen.add(after)
                    frontier.append(after)
    rng = np.random.default_rng(case["seed"])
    ordered = sorted(seen)
    return dict(zip(ordered, rng.uniform(0.05, 0.95, size=len(ordered)).tolist(), strict=True))


def probe_train_self_play(train_self_play, cases):
    import numpy as np

    def code(board):
        c = 0
        for cell in board:
            c = 3 * c + int(cell)
        return c

    out = []
    for case in cases:
        rng = np.random.default_rng(case["seed"] + 11)
        if case["kind"] == "replay":
            start = make_initial_values(case)
            values = train_self_play(case["n_games"], case["alpha"], 0.0, rng, dict(start))
            changed = sorted((code(s), float(v)) for s, v in values.items() if start.get(s, 0.5) != v)
            out.append({"codes": [c for c, _ in changed], "values": [v for _, v in changed]})
        elif case["kind"] == "explore":
            # ε = 1: every move is exploratory; one game per call from a dict holding every after-state
            start = make_initial_values(case)
            games, same = [], True
            for k in range(case["n_calls"]):
                given = dict(start)
                values = train_self_play(
                    1, case["alpha"], 1.0, np.random.default_rng([case["seed"], k]), given
                )
                same = same and values is given
                changed = sorted((code(s), float(v)) for s, v in values.items() if start.get(s, 0.5) != v)
                games.append({"codes": [c for c, _ in changed], "values": [v for _, v in changed]})
            trials = rng_trials(lambda g, c=case: train_self_play(20, c["alpha"], 0.2, g), case["seed"] + 1)
            out.append({"games": games, "same_object": bool(same), "trials": trials})
        else:
            values = train_self_play(case["n_games"], case["alpha"], case["epsilon"], rng)
            items = sorted((code(s), float(v)) for s, v in values.items())
            out.append({"codes": [c for c, _ in items], "values": [round(v, 6) for _, v in items]})
    return out


_LINES = ((0, 1, 2), (3, 4, 5), (6, 7, 8), (0, 3, 6), (1, 4, 7), (2, 5, 8), (0, 4, 8), (2, 4, 6))


def _winner(board: tuple[int, ...]) -> int:
    for a, b, c in _LINES:
        if board[a] != 0 and board[a] == board[b] == board[c]:
            return board[a]
    return 0


def _decode(code: int) -> tuple[int, ...]:
    cells = []
    for _ in range(9):
        code, r = divmod(code, 3)
        cells.append(r)
    return tuple(reversed(cells))


def _greedy_move(values: Mapping, board: tuple[int, ...], rng: np.random.Generator | None) -> int:
    legal = [i for i in range(9) if board[i] == 0]
    scores = [values.get(_after(board, i), 0.5) for i in legal]
    best = max(scores)
    ties = [i for i, s in zip(legal, scores, strict=True) if s == best]
    if rng is None:
        if len(ties) > 1:
            raise JudgeError("tie in a deterministic replay")  # never happens with continuous values
        return ties[0]
    return ties[int(rng.integers(len(ties)))]


def _replay_self_play(values: dict, n_games: int, alpha: float) -> dict:
    """Grader-side self-play with ε = 0 from a dict holding every after-state (no ties: deterministic)."""
    for _ in range(n_games):
        board: tuple[int, ...] = (0,) * 9
        last: dict[int, tuple[int, ...] | None] = {1: None, 2: None}
        while _winner(board) == 0 and 0 in board:
            player = 1 if board.count(1) == board.count(2) else 2
            after = _after(board, _greedy_move(values, board, None))
            prev = last[player]
            if prev is not None:
                values[prev] += alpha * (values[after] - values[prev])
            last[player] = after
            board = after
        w = _winner(board)
        for player in (1, 2):
            reward = 0.5 if w == 0 else float(w == player)
            s = last[player]
            values[s] += alpha * (reward - values[s])
    return values


def _reachable() -> set[tuple[int, ...]]:
    return set(make_initial_values({"seed": 0}))


def _loss_rate_vs_random(values: Mapping, n_games: int, seed: int) -> float:
    """Greedy play from ``values`` (ties at random) against a uniformly random player, sides alternating."""
    rng = np.random.default_rng(seed)
    losses = 0
    for game in range(n_games):
        agent = 1 if game % 2 == 0 else 2
        board: tuple[int, ...] = (0,) * 9
        while _winner(board) == 0 and 0 in board:
            player = 1 if board.count(1) == board.count(2) else 2
            if player == agent:
                move = _greedy_move(values, board, rng)
            else:
                legal = [i for i in range(9) if board[i] == 0]
                move = legal[int(rng.integers(len(legal)))]
            board = _after(board, move)
        losses += _winner(board) == 3 - agent
    return losses / n_games


def _judge_explore(f: Findings, got: Any, case: Mapping[str, Any]) -> None:
    """ε = 1, one game per call: the changed after-states must be exactly one game's after-states (every move
    is exploratory, and the contract updates after every move), with the TD updates of the contract."""
    if not isinstance(got, Mapping) or not isinstance(got.get("games"), list):
        raise JudgeError("the probe returned no result")
    require_rng_discipline(f, got.get("trials"), "train_self_play")
    f.require(got.get("same_object") is True, "train_self_play must update and return the dict it is given")
    start = make_initial_values(case)
    games = got["games"]
    if len(games) != case["n_calls"]:
        raise JudgeError("the probe returned the wrong number of games")
    is_game = updates_ok = True
    first_moves = set()
    for game in games:
        codes = _int_list(game.get("codes"), len(game.get("codes") or []), "the states")
        vals = as_array(game.get("values"), (len(codes),), "the values")
        boards = sorted((_decode(c) for c in codes if 0 <= c < 3**9), key=lambda b: 9 - b.count(0))
        ok = len(boards) == len(codes) and len(boards) >= 5 and boards[0].count(0) == 8
        for a, b in zip([(0,) * 9, *boards], boards, strict=False):
            diff = [i for i in range(9) if a[i] != b[i]]
            ok = ok and len(diff) == 1 and a[diff[0]] == 0 and b == _after(a, diff[0]) and _winner(a) == 0
        ok = ok and (_winner(boards[-1]) != 0 or 0 not in boards[-1])
        if not ok:
            is_game = False
            continue
        first_moves.add(boards[0].index(1))
        want = dict(start)
        last: dict[int, tuple[int, ...]] = {}
        for b in boards:
            player = 1 if b.count(1) > b.count(2) else 2
            if player in last:
                prev = last[player]
                want[prev] += case["alpha"] * (want[b] - want[prev])
            last[player] = b
        w = _winner(boards[-1])
        for player, b in last.items():
            reward = 0.5 if w == 0 else float(w == player)
            want[b] += case["alpha"] * (reward - want[b])
        got_values = dict(zip(boards, vals.tolist(), strict=True))
        updates_ok &= all(abs(got_values[b] - want[b]) <= 1e-9 for b in boards)
    if not f.require(
        is_game,
        "with ε = 1 (every move exploratory) one game must update every after-state of that game: the "
        "contract updates after every move, exploratory or not",
    ):
        return
    f.require(
        updates_ok,
        "with ε = 1 the TD updates along the game are wrong (each player's previous after-state towards its "
        "next one; 1 / 0.5 / 0 at the end)",
    )
    f.require(len(first_moves) >= 3, "with ε = 1 the first move must be random")


def judge_train_self_play(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        if case["kind"] == "explore":
            _judge_explore(f, got, case)
            continue
        codes = got["codes"]
        n = len(codes) if isinstance(codes, list) else -1
        codes = _int_list(codes, n, "the states")
        vals = as_array(got["values"], (n,), "the values")
        if not f.require(
            all(0 <= c < 3**9 for c in codes), "the dict's keys must be boards (9 cells in 0, 1, 2)"
        ):
            continue
        boards = [_decode(c) for c in codes]
        if case["kind"] == "replay":
            start = make_initial_values(case)
            want = _replay_self_play(dict(start), case["n_games"], case["alpha"])
            got_values = dict(start)
            got_values.update(zip(boards, vals.tolist(), strict=True))
            keys = set(want) | set(boards)
            f.require(
                all(abs(got_values.get(s, 0.5) - want.get(s, 0.5)) <= 1e-9 for s in keys),
                "with ε = 0 and a given value dict, self-play does not make the TD updates of the contract "
                "(each player's previous after-state towards its next one; 1 / 0.5 / 0 at the end)",
            )
            continue
        reachable = _reachable()
        if not f.require(
            all(b in reachable for b in boards), "the dict's keys must be after-states that occur in games"
        ):
            continue
        f.require(np.all((vals >= 0) & (vals <= 1)), "values must stay between 0 and 1")
        learned = dict(zip(boards, vals.tolist(), strict=True))
        won = [v for b, v in learned.items() if _winner(b) != 0]
        drawn = [v for b, v in learned.items() if _winner(b) == 0 and 0 not in b]
        f.require(
            won
            and min(won) >= 0.5 - 1e-6
            and max(won) > 0.5 + 1e-6
            and all(abs(v - 0.5) <= 1e-6 for v in drawn),
            "final after-states must move towards the mover's reward (1 win, 0.5 draw)",
        )
        f.require(
            len(learned) >= case["min_states"],
            "training stores too few after-states: both players' after-states should be updated, "
            "and ε should make the players explore",
        )
        f.require(
            _loss_rate_vs_random(learned, case["eval_games"], case["seed"] + 99) <= case["max_loss_rate"],
            "after training, greedy play from the learned values loses too often against a random player",
        )
    return f.verdict()


TRAIN_CASES = [
    {"kind": "replay", "n_games": 40, "alpha": 0.25, "seed": 60_651},
    {"kind": "replay", "n_games": 15, "alpha": 0.6, "seed": 60_652},
    {"kind": "explore", "n_calls": 25, "alpha": 0.3, "seed": 60_654},
    {
        "kind": "learn",
        "n_games": 4000,
        "alpha": 0.2,
        "epsilon": 0.1,
        "min_states": 1500,
        "eval_games": 1000,
        "max_loss_rate": 0.2,
        "seed": 60_653,
    },
]


CHECKS = [
    Check(
        "softmax_choice",
        ("softmax_choice",),
        2,
        SOFTMAX_CASES,
        probe_softmax_choice,
        judge_softmax_choice,
        helpers=with_deps(rng_trials),
    ),
    Check(
        "bee_foraging",
        ("bee_foraging",),
        3,
        BEE_CASES,
        probe_bee_foraging,
        judge_bee_foraging,
        helpers=(bee_utility, *with_deps(rng_trials)),
    ),
    Check(
        "td_update",
        ("td_update",),
        2,
        TD_CASES,
        probe_td_update,
        judge_td_update,
        helpers=(make_td_transitions,),
    ),
    Check(
        "epsilon_greedy_move",
        ("epsilon_greedy_move",),
        2,
        CHOOSER_CASES,
        probe_epsilon_greedy_move,
        judge_epsilon_greedy_move,
        helpers=(make_chooser_positions, *with_deps(guarded_call, rng_trials)),
    ),
    Check(
        "train_self_play",
        ("train_self_play",),
        3,
        TRAIN_CASES,
        probe_train_self_play,
        judge_train_self_play,
        helpers=(make_initial_values, *with_deps(rng_trials)),
    ),
]
