"""The tic-tac-toe environment students receive (jclub.tictactoe): rules, reachable positions, players."""

from __future__ import annotations

import math

import numpy as np
import pytest

from jclub import tictactoe as ttt
from jclub.tictactoe import EMPTY, EMPTY_BOARD, O, X


def board_from(text: str) -> tuple[int, ...]:
    """'XO.X.....' → a board (row by row)."""
    return tuple({".": EMPTY, "X": X, "O": O}[c] for c in text)


def test_reachable_positions_count_and_validity():
    positions = ttt.reachable_positions()
    assert len(positions) == 5478
    assert EMPTY_BOARD in positions
    for b in positions:
        n_x, n_o = b.count(X), b.count(O)
        assert n_x - n_o in (0, 1)
        w = ttt.winner(b)
        if w == X:
            assert n_x == n_o + 1
        elif w == O:
            assert n_x == n_o
    # every after-state of a reachable position is reachable
    assert all(a in positions for b in positions for _, a in ttt.after_states(b))


@pytest.mark.parametrize("line", ttt.LINES)
@pytest.mark.parametrize("mark", [X, O])
def test_winner_on_every_line(line, mark):
    cells = [EMPTY] * 9
    for i in line:
        cells[i] = mark
    assert ttt.winner(tuple(cells)) == mark
    assert ttt.game_over(tuple(cells))
    assert ttt.legal_moves(tuple(cells)) == ()


def test_no_winner_and_full_board():
    assert ttt.winner(EMPTY_BOARD) == EMPTY
    draw = board_from("XOXXOOOXX")
    assert ttt.winner(draw) == EMPTY and ttt.is_full(draw) and ttt.game_over(draw)
    assert ttt.legal_moves(draw) == ()


def test_to_move_and_play():
    assert ttt.to_move(EMPTY_BOARD) == X
    b = ttt.play(EMPTY_BOARD, 4)
    assert b == board_from("....X....")
    assert ttt.to_move(b) == O
    assert ttt.play(b, 0) == board_from("O...X....")
    assert ttt.play(b, np.int64(8))[8] == O
    assert EMPTY_BOARD == (EMPTY,) * 9  # play never changes its input


@pytest.mark.parametrize("move", [4, -1, 9, 2.5, "a"])
def test_play_rejects_illegal_moves(move):
    b = ttt.play(EMPTY_BOARD, 4)
    with pytest.raises(ValueError):
        ttt.play(b, move)


def test_play_rejects_finished_games_and_bad_boards():
    with pytest.raises(ValueError):
        ttt.play(board_from("XXXOO...."), 5)
    with pytest.raises(ValueError):
        ttt.play((0,) * 8, 0)
    with pytest.raises(ValueError):
        ttt.play((0,) * 8 + (3,), 0)
    with pytest.raises(TypeError):  # boards are tuples: lists are not hashable
        ttt.play([0] * 9, 0)


def test_after_states_match_play():
    b = board_from("X...O....")
    options = ttt.after_states(b)
    assert [m for m, _ in options] == list(ttt.legal_moves(b)) == [1, 2, 3, 5, 6, 7, 8]
    assert all(a == ttt.play(b, m) for m, a in options)


def test_opponent():
    assert ttt.opponent(X) == O and ttt.opponent(O) == X
    with pytest.raises(ValueError):
        ttt.opponent(EMPTY)


def test_format_board():
    assert ttt.format_board(board_from("XO......X")) == "X O .\n. . .\n. . X"


def test_minimax_scores():
    assert set(ttt.minimax_scores(EMPTY_BOARD).values()) == {0}  # every opening is a draw
    win_now = board_from("XX.OO....")  # X to move wins at 2
    assert ttt.minimax_scores(win_now)[2] == 1
    must_block = board_from("XX..O....")  # O to move must block at 2
    scores = ttt.minimax_scores(must_block)
    assert scores[2] == 0 and all(s == -1 for m, s in scores.items() if m != 2)
    rng = np.random.default_rng(0)
    assert all(ttt.minimax_player(must_block, rng) == 2 for _ in range(20))


def test_minimax_against_itself_always_draws_and_varies():
    rng = np.random.default_rng(1)
    games = set()
    for _ in range(60):
        history: list = []
        assert ttt.play_game(ttt.minimax_player, ttt.minimax_player, rng, history) == EMPTY
        games.add(tuple(history))
    assert len(games) > 10, "random tie-breaking should give many different perfect games"


def test_minimax_never_loses_to_random():
    counts = ttt.play_match(ttt.minimax_player, ttt.random_player, 300, np.random.default_rng(2))
    assert counts["loss"] == 0 and sum(counts.values()) == 300
    assert counts["win"] > counts["draw"]


def test_random_vs_random_outcomes():
    # Uniformly random play: X wins 58.5 %, O 28.8 %, draws 12.7 % of games.
    rng = np.random.default_rng(3)
    n = 4000
    results = [ttt.play_game(ttt.random_player, ttt.random_player, rng) for _ in range(n)]
    for outcome, p in ((X, 0.585), (O, 0.288), (EMPTY, 0.127)):
        share = results.count(outcome) / n
        assert abs(share - p) < 5 * math.sqrt(p * (1 - p) / n)


def test_play_game_history_and_random_player():
    rng = np.random.default_rng(4)
    history: list = []
    result = ttt.play_game(ttt.random_player, ttt.random_player, rng, history)
    assert history[0] == EMPTY_BOARD and ttt.game_over(history[-1])
    assert ttt.winner(history[-1]) == result
    assert all(
        sum(a != b for a, b in zip(p, q, strict=True)) == 1
        for p, q in zip(history, history[1:], strict=False)
    )
    moves = {ttt.random_player(EMPTY_BOARD, rng) for _ in range(300)}
    assert moves == set(range(9))
    with pytest.raises(ValueError):
        ttt.random_player(board_from("XXXOO...."), rng)


def test_play_match_alternates_sides():
    def first_cell(board, rng):
        return ttt.legal_moves(board)[0]

    # first_cell against itself: X takes 0, 2, 4, then 6 and wins on the diagonal 2-4-6
    counts = ttt.play_match(first_cell, first_cell, 10, np.random.default_rng(5))
    assert counts == {"win": 5, "draw": 0, "loss": 5}
    with pytest.raises(ValueError):
        ttt.play_match(first_cell, first_cell, -1, np.random.default_rng(5))
