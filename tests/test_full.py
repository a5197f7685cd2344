"""Full tier (opt-in: ./course test-full): the false-failure rate of every stochastic judge over 200 seeds."""

from __future__ import annotations

import pytest
from conftest import ALL_CHECKS, check_id, reference
from test_judges import reseeded

STOCHASTIC = [(u, c) for u, c in ALL_CHECKS if any("seed" in case for case in c.cases)]
N_SEEDS_FULL = 200


@pytest.mark.full
@pytest.mark.parametrize("item", STOCHASTIC, ids=check_id)
def test_reference_passes_on_200_seeds(item):
    unit, check = item
    fns = tuple(reference(unit.name)[f] for f in check.functions)
    failures = [k for k in range(1, N_SEEDS_FULL + 1) if not reseeded(check, k).grade(*fns).passed]
    # with K_SIGMA = 5 tolerances the expected number of false failures in 200 runs is ≪ 1
    assert not failures, f"false failures on seed shifts {failures[:10]} ({len(failures)}/{N_SEEDS_FULL})"
