"""Unit 06, Bees and games: the published results, reproduced with the notebook's reference solutions.

The tic-tac-toe result (100,000 self-play games; < 1 % losses to a random player and ≥ 95 % draws against a
randomized minimax player, on 20 of 20 seeds) costs about two minutes: full tier only.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import reference

from jclub.tictactoe import minimax_player, play_match, random_player

UNIT = "06-bees-and-games"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bees_are_risk_averse_and_switch(seed):
    """Real (1991) / Montague et al. (1995): concave utility or fast learning → prefer the sure colour."""
    bee = reference(UNIT)["bee_foraging"]
    rng = np.random.default_rng(seed)
    kinds = {
        "concave": dict(epsilon=0.1, beta=3.0, utility=np.sqrt),
        "fast": dict(epsilon=0.8, beta=1.0, utility=None),
    }
    for name, params in kinds.items():
        runs = np.array([bee(200, rng=rng, swap_at=100, **params)[0] for _ in range(30)])
        blue = (runs == 0).mean(axis=0)
        assert blue[50:100].mean() > 0.65, f"{name} bees should prefer the sure blue flowers"
        assert blue[150:].mean() < 0.35, f"{name} bees should switch to yellow once it is the sure colour"


@pytest.mark.full
def test_self_play_reaches_the_published_level_on_20_seeds():
    ns = reference(UNIT)
    train, choose = ns["train_self_play"], ns["epsilon_greedy_move"]
    failures = []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        values = train(100_000, 0.2, 0.1, rng)

        def greedy(board, r, values=values):
            return choose(values, board, 0.0, r)

        vs_random = play_match(greedy, random_player, 1000, rng)
        vs_minimax = play_match(greedy, minimax_player, 1000, rng)
        if vs_random["loss"] >= 10 or vs_minimax["draw"] < 950:
            failures.append((seed, vs_random, vs_minimax))
    assert not failures, failures
