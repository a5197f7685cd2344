"""A small tic-tac-toe environment for the TD-learning notebooks.

A board is a tuple of 9 cells, read row by row (cell ``3 * row + column``), each ``EMPTY`` (0), ``X`` (1) or
``O`` (2). X always moves first, so the player to move follows from the board: X when both have played
equally often, O otherwise. Playing a move gives the *after-state*, the board the opponent faces.

The module provides the rules (legal moves, the winner, after-states), every position reachable from the
empty board, a random player, a perfect minimax player that breaks ties at random, and functions that play
games and matches between players. A *player* is any callable ``player(board, rng) -> move`` returning a
cell index in 0–8. Nothing here learns: learning values is the notebooks' job.

The rule functions remember their answers (there are only 5,478 reachable positions), so that a learner can
call them millions of times; this is also why boards must be tuples, which cannot be changed in place.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

__all__ = [
    "EMPTY",
    "X",
    "O",
    "EMPTY_BOARD",
    "LINES",
    "Board",
    "Player",
    "opponent",
    "to_move",
    "winner",
    "is_full",
    "game_over",
    "legal_moves",
    "play",
    "after_states",
    "reachable_positions",
    "format_board",
    "random_player",
    "minimax_scores",
    "minimax_player",
    "play_game",
    "play_match",
]

EMPTY, X, O = 0, 1, 2  # noqa: E741 - O is the player's name
Board = tuple[int, ...]
Player = Callable[[Board, np.random.Generator], int]

EMPTY_BOARD: Board = (EMPTY,) * 9

#: The eight winning lines: three rows, three columns, two diagonals.
LINES: tuple[tuple[int, int, int], ...] = (
    (0, 1, 2),
    (3, 4, 5),
    (6, 7, 8),
    (0, 3, 6),
    (1, 4, 7),
    (2, 5, 8),
    (0, 4, 8),
    (2, 4, 6),
)

_SYMBOLS = {EMPTY: ".", X: "X", O: "O"}


def _check_board(board: Board) -> None:
    if not isinstance(board, tuple) or len(board) != 9 or any(c not in (EMPTY, X, O) for c in board):
        raise ValueError(f"a board is a tuple of 9 cells in {{0, 1, 2}}, got {board!r}")


def opponent(player: int) -> int:
    """The other player: ``O`` for ``X`` and ``X`` for ``O``."""
    if player not in (X, O):
        raise ValueError(f"player must be X (1) or O (2), got {player!r}")
    return O if player == X else X


@functools.cache
def to_move(board: Board) -> int:
    """The player whose turn it is: ``X`` if both have made as many moves, else ``O``."""
    return X if board.count(X) == board.count(O) else O


@functools.cache
def winner(board: Board) -> int:
    """``X`` or ``O`` if that player has three in a line, else ``EMPTY`` (0)."""
    _check_board(board)
    for a, b, c in LINES:
        if board[a] != EMPTY and board[a] == board[b] == board[c]:
            return board[a]
    return EMPTY


@functools.cache
def is_full(board: Board) -> bool:
    """True when no cell is empty."""
    return EMPTY not in board


@functools.cache
def game_over(board: Board) -> bool:
    """True when somebody has won or the board is full."""
    return winner(board) != EMPTY or is_full(board)


@functools.cache
def legal_moves(board: Board) -> tuple[int, ...]:
    """The empty cells, in increasing order; an empty tuple once the game is over."""
    if game_over(board):
        return ()
    return tuple(i for i, c in enumerate(board) if c == EMPTY)


@functools.cache
def play(board: Board, move: int) -> Board:
    """The after-state: ``board`` with the player to move's mark in cell ``move``.

    Raises ``ValueError`` if the game is over or the cell is not an empty cell of the board.
    """
    _check_board(board)
    if game_over(board):
        raise ValueError("the game is over: no move is legal")
    if not (isinstance(move, (int, np.integer)) and 0 <= move < 9) or board[move] != EMPTY:
        raise ValueError(f"move {move!r} is not an empty cell (0–8) of the board")
    cells = list(board)
    cells[int(move)] = to_move(board)
    return tuple(cells)


@functools.cache
def after_states(board: Board) -> tuple[tuple[int, Board], ...]:
    """``(move, after-state)`` for every legal move of the player to move, in increasing move order."""
    return tuple((m, play(board, m)) for m in legal_moves(board))


@functools.cache
def reachable_positions() -> frozenset[Board]:
    """Every board that can occur in a game started from the empty board (the empty board included)."""
    seen = {EMPTY_BOARD}
    frontier = [EMPTY_BOARD]
    while frontier:
        board = frontier.pop()
        for _, nxt in after_states(board):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return frozenset(seen)


def format_board(board: Board) -> str:
    """Three lines of ``X``, ``O`` and ``.`` for printing a board."""
    return "\n".join(" ".join(_SYMBOLS[c] for c in board[r : r + 3]) for r in (0, 3, 6))


def random_player(board: Board, rng: np.random.Generator) -> int:
    """A legal move chosen uniformly at random with ``rng``."""
    moves = legal_moves(board)
    if not moves:
        raise ValueError("the game is over: no move is legal")
    return moves[int(rng.integers(len(moves)))]


@functools.cache
def _game_value(board: Board) -> int:
    """Value of the position under perfect play for the player who made the last move: +1, 0 or −1."""
    if winner(board) != EMPTY:
        return 1  # only the player who just moved can have completed a line
    if is_full(board):
        return 0
    return -max(_game_value(nxt) for _, nxt in after_states(board))


def minimax_scores(board: Board) -> dict[int, int]:
    """For each legal move, the game's outcome under perfect play by both sides afterwards, seen by the
    player to move: +1 (a forced win), 0 (a draw) or −1 (a loss)."""
    return {move: _game_value(nxt) for move, nxt in after_states(board)}


def minimax_player(board: Board, rng: np.random.Generator) -> int:
    """A perfect player: one of the moves with the best minimax score, chosen uniformly with ``rng``.

    Breaking ties at random matters: a perfect player that always takes the first best move plays only a
    handful of distinct games, and an opponent could learn those few games by heart.
    """
    scores = minimax_scores(board)
    if not scores:
        raise ValueError("the game is over: no move is legal")
    best = max(scores.values())
    moves = [m for m, s in scores.items() if s == best]
    return moves[int(rng.integers(len(moves)))]


def play_game(
    player_x: Player, player_o: Player, rng: np.random.Generator, history: list[Board] | None = None
) -> int:
    """Play one game from the empty board and return the winner: ``X``, ``O`` or ``EMPTY`` (0) for a draw.

    ``player_x`` and ``player_o`` are called as ``player(board, rng)`` and must return a legal move. If
    ``history`` is a list, every board of the game (the empty board first) is appended to it.
    """
    board = EMPTY_BOARD
    if history is not None:
        history.append(board)
    while not game_over(board):
        player = player_x if to_move(board) == X else player_o
        board = play(board, player(board, rng))
        if history is not None:
            history.append(board)
    return winner(board)


def play_match(
    agent: Player, opponent_player: Player, n_games: int, rng: np.random.Generator
) -> dict[str, int]:
    """Play ``n_games`` games of ``agent`` against ``opponent_player``.

    The agent takes X in the even-numbered games (0, 2, …) and O in the odd-numbered ones. Returns the
    agent's counts ``{"win": …, "draw": …, "loss": …}``.
    """
    if n_games < 0:
        raise ValueError(f"n_games must be non-negative, got {n_games}")
    counts = {"win": 0, "draw": 0, "loss": 0}
    for game in range(n_games):
        agent_mark = X if game % 2 == 0 else O
        if agent_mark == X:
            result = play_game(agent, opponent_player, rng)
        else:
            result = play_game(opponent_player, agent, rng)
        if result == EMPTY:
            counts["draw"] += 1
        elif result == agent_mark:
            counts["win"] += 1
        else:
            counts["loss"] += 1
    return counts
