"""Unit 05, Temporal-difference learning: the published results the notebook reproduces (Dayan & Abbott
Fig. 9.2, Sutton & Barto Example 6.2 and the 19-state TD(λ) map) with its reference solutions, and the
judge module's exact-structure helpers and reference statistics.

The full-size reproductions (100 runs per point, repeated) are in the opt-in ``full`` tier."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from conftest import reference

from autograder.judges import td_learning as J

UNIT = "05-td-learning"
TD_ALPHA_005_EPISODE_100 = 0.0354  # mean RMS error, TD(0) α = 0.05, 20 000 runs (Sutton & Barto: ≈ 0.034)


def test_dayan_abbott_figure_9_2():
    ns = reference(UNIT)
    T, stim, rew = 250, 100, 200
    v, delta = ns["td_trials"](400, T, stim, rew, reward=1.0, epsilon=0.5, gamma=1.0)
    assert np.argmax(delta[0]) == rew and delta[0, rew] == 1.0
    peaks = np.argmax(delta, axis=1)
    assert peaks[-1] == stim - 1 and math.isclose(delta[-1, stim - 1], 1.0, abs_tol=1e-6)
    assert np.all(np.diff(peaks) <= 0)  # the error only ever moves back towards the stimulus
    assert np.allclose(v[-1, stim : rew + 1], 1.0, atol=1e-6)
    omitted = np.append(v[-1, 1:], 0.0) - v[-1]
    assert math.isclose(omitted[rew], -1.0, abs_tol=1e-6)
    # with discounting, v(t) = γ^(reward_time − t) between stimulus and reward
    v, _ = ns["td_trials"](400, 60, 10, 40, reward=2.0, epsilon=0.5, gamma=0.95)
    assert np.allclose(v[-1, 10:41], 2.0 * 0.95 ** np.arange(30, -1, -1), rtol=1e-6)


def test_example_6_2_one_set_of_100_runs():
    ns = reference(UNIT)
    truth = np.arange(1, 6) / 6
    rng = np.random.default_rng(62)
    td = np.array([ns["rms_error"](ns["random_walk_td0"](5, 0.05, 100, rng), truth)[100] for _ in range(100)])
    mc = np.array([ns["rms_error"](ns["random_walk_mc"](5, 0.02, 100, rng), truth)[100] for _ in range(100)])
    assert abs(td.mean() - TD_ALPHA_005_EPISODE_100) < 5 * td.std(ddof=1) / 10
    assert mc.mean() > td.mean() + 0.02


@pytest.mark.parametrize(
    ("counts", "start", "right", "ok"),
    [
        ([0, 0, 1, 1, 1], 2, True, True),  # straight to the right
        ([1, 1, 1, 0, 0], 2, False, True),  # straight to the left
        ([0, 1, 2, 1, 1], 2, True, True),  # C B C D E → exit
        ([1, 2, 3, 2, 1], 2, True, True),  # C B A B C D C D E → exit
        ([0, 0, 1, 1, 1], 2, False, False),  # cannot exit left from there
        ([1, 1, 1, 1, 1], 2, True, False),  # the first-visit pattern of a walk that went left first
        ([1, 0, 1, 1, 1], 2, True, False),  # a visited state cut off from the start
        ([0, 0, 0, 1, 1], 2, True, False),  # never in the start state
    ],
)
def test_walk_consistent(counts, start, right, ok):
    assert J.walk_consistent(np.array(counts), start, right) is ok


def test_walk_consistent_accepts_simulated_walks():
    rng = np.random.default_rng(5)
    for n in (5, 7, 19):
        for _ in range(200):
            s, counts = n // 2, np.zeros(n, dtype=int)
            while 0 <= s < n:
                counts[s] += 1
                s += 1 if rng.random() < 0.5 else -1
            assert J.walk_consistent(counts, n // 2, s >= n)


def test_mc_visit_counts_recovers_counts():
    old = np.array([0.3, 0.45, 0.5, 0.62, 0.7])
    counts = np.array([0, 2, 3, 1, 1])
    new = 1.0 + (old - 1.0) * 0.9**counts
    right, found = J.mc_visit_counts(old, new, 0.1)
    assert right and np.array_equal(found, counts)
    assert J.mc_visit_counts(old, old + 0.01, 0.1) is None  # not a power of (1 − α) towards 1


def test_every_statistical_case_has_reference_statistics():
    for method, cases in (("td0", J.TD0_CASES), ("mc", J.MC_CASES), ("td_lambda", J.TD_LAMBDA_CASES)):
        for case in cases:
            if not case.get("diverges"):
                ref = J.REFERENCE[J.reference_key(method, case)]
                assert set(ref["rms"]) == {r for r in case["rows"] if r >= 1}
                assert len(ref["state_mean"]) == case["n_states"]


# --------------------------------------------------------------------------------------------------------
# Full tier: the reproductions at full size
# --------------------------------------------------------------------------------------------------------
@pytest.mark.full
def test_example_6_2_full():
    """Example 6.2: 20 independent sets of 100 runs; the set means scatter by the run-to-run spread / 10."""
    ns = reference(UNIT)
    truth = np.arange(1, 6) / 6
    rng = np.random.default_rng(6_200)
    set_means = []
    for _ in range(20):
        runs = [ns["rms_error"](ns["random_walk_td0"](5, 0.05, 100, rng), truth)[100] for _ in range(100)]
        set_means.append(np.mean(runs))
    set_means = np.array(set_means)
    assert abs(set_means.mean() - TD_ALPHA_005_EPISODE_100) < 0.0015
    assert 0.0008 < set_means.std(ddof=1) < 0.003  # ≈ 0.0165 / √100
    for alpha in (0.01, 0.02, 0.03):
        mc = [ns["rms_error"](ns["random_walk_mc"](5, alpha, 100, rng), truth)[100] for _ in range(300)]
        assert 0.07 < np.mean(mc) < 0.11
    for alpha, expected, sd in ((0.1, 0.0555, 0.0231), (0.15, 0.0703, 0.0278)):  # 10 000 runs each
        td = [ns["rms_error"](ns["random_walk_td0"](5, alpha, 100, rng), truth)[100] for _ in range(300)]
        assert abs(np.mean(td) - expected) < 5 * sd / math.sqrt(300)


@pytest.mark.full
def test_td_lambda_map_full():
    """The 19-state walk with 100 runs per point: best ≈ 0.26–0.29 at intermediate λ, λ = 0 worse,
    λ = 1 with α ≥ 0.3 diverges. Where the minimum sits is not asserted."""
    ns = reference(UNIT)
    truth = np.arange(-9, 10) / 10
    rng = np.random.default_rng(1_219)
    alphas = (0.05, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0)
    best = {}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for lam in (0.0, 0.4, 0.8, 0.9, 1.0):
            means = []
            for alpha in alphas:
                runs = [
                    ns["rms_error"](ns["td_lambda"](19, lam, alpha, 10, rng), truth)[1:].mean()
                    for _ in range(100)
                ]
                means.append(np.mean(runs))
            best[lam] = np.nanmin(np.where(np.isfinite(means), means, np.nan))
            if lam == 1.0:
                assert all(
                    not np.isfinite(m) or m > 1.0 for a, m in zip(alphas, means, strict=True) if a >= 0.3
                )
    intermediate = min(best[0.4], best[0.8], best[0.9])
    assert 0.245 < intermediate < 0.29
    assert 0.32 < best[0.0] < 0.39
    assert best[0.0] > intermediate + 0.04


@pytest.mark.full
def test_reference_statistics_regenerate():
    """The judge's REFERENCE constants, re-simulated with a new seed (4000 runs per case)."""
    n_runs = 4_000
    for method, cases in (("td0", J.TD0_CASES), ("mc", J.MC_CASES), ("td_lambda", J.TD_LAMBDA_CASES)):
        for i, case in enumerate(cases):
            if case.get("diverges"):
                continue
            ref = J.REFERENCE[J.reference_key(method, case)]
            new = J.reference_statistics(case, method, n_runs, seed=31_337 + i)
            for row, (mean, sd) in ref["rms"].items():
                got_mean, got_sd = new["rms"][row]
                tol = 5 * sd * (1 / math.sqrt(n_runs) + 1 / math.sqrt(J.REFERENCE_RUNS)) + 1e-9
                assert abs(got_mean - mean) <= tol, (method, case, row)
                assert abs(got_sd - sd) <= 0.1 * sd + 1e-9, (method, case, row)
            sd = np.asarray(ref["state_sd"])
            tol = 5 * sd * (1 / math.sqrt(n_runs) + 1 / math.sqrt(J.REFERENCE_RUNS))
            assert np.all(np.abs(np.asarray(new["state_mean"]) - ref["state_mean"]) <= tol), (method, case)
