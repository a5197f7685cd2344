"""Unit 04, Conditioning: the Rescorla–Wagner results the notebook reproduces (reference solutions)."""

from __future__ import annotations

import math

import numpy as np
from conftest import reference

UNIT = "04-conditioning"


def test_paradigms_reproduce_the_rw_predictions():
    ns = reference(UNIT)
    final = {}
    for name in ("pavlovian", "extinction", "blocking", "inhibitory", "secondary"):
        stimuli, rewards = ns["make_paradigm"](name, 400, reward=2.0)
        final[name] = ns["rescorla_wagner"](stimuli, rewards, 0.1)[-1]
    assert math.isclose(final["pavlovian"][0], 2.0, rel_tol=1e-6)
    assert abs(final["extinction"][0]) < 1e-6
    assert abs(final["blocking"][1]) < 1e-6  # w1 is learned perfectly in stage 1: nothing left for s2
    assert math.isclose(final["inhibitory"][1], -2.0, rel_tol=1e-3)  # w2 → −r
    assert final["secondary"][1] < -0.9  # the wrong sign: w1 = −w2 = r/2
    assert math.isclose(final["secondary"][0], -final["secondary"][1], rel_tol=1e-6)


def test_overexpectation_halves_both_weights():
    ns = reference(UNIT)
    stimuli = np.vstack([np.tile([[1.0, 0.0], [0.0, 1.0]], (100, 1)), np.ones((200, 2))])
    w = ns["rescorla_wagner"](stimuli, np.ones(len(stimuli)), 0.1)
    assert np.allclose(w[200], [1.0, 1.0], atol=1e-3)
    assert np.allclose(w[-1], [0.5, 0.5], atol=1e-3)


def test_random_rewards_mean_and_spread_match_the_closed_forms():
    """Average weight → ⟨r u⟩ and stationary variance ε σ_r² / (2 − ε), over many seeds."""
    ns = reference(UNIT)
    p, n_trials, n_runs = 0.3, 200, 400
    rng = np.random.default_rng(2024)
    for eps in (0.1, 0.5):
        last = np.array(
            [
                ns["rescorla_wagner"](np.ones((n_trials, 1)), (rng.random(n_trials) < p).astype(float), eps)[
                    -1, 0
                ]
                for _ in range(n_runs)
            ]
        )
        var_w = eps * p * (1 - p) / (2 - eps)
        assert abs(last.mean() - p) < 5 * math.sqrt(var_w / n_runs)
        # the sample variance of n roughly normal draws has a relative spread of about sqrt(2 / n)
        assert abs(last.var(ddof=1) / var_w - 1) < 5 * math.sqrt(2 / n_runs)
    curve = ns["rw_mean_weight"](n_trials, 0.1, p)
    assert curve[0] == 0 and math.isclose(curve[-1], p, rel_tol=1e-6)


def test_contingency_weight_approaches_delta_p_on_several_seeds():
    """Rescorla (1968) under the RW rule: w_CS → P(US | CS) − P(US | no CS), w_context → P(US | no CS)."""
    ns = reference(UNIT)
    for seed in range(5):
        rng = np.random.default_rng(seed)
        stimuli, rewards = ns["contingency_trials"](20_000, 0.5, 0.6, 0.2, rng)
        late = ns["rescorla_wagner"](stimuli, rewards, 0.02)[10_000:].mean(axis=0)
        assert abs(late[1] - 0.4) < 0.03 and abs(late[0] - 0.2) < 0.03


def test_kalman_filter_shows_backward_blocking_and_rw_does_not():
    """Dayan & Kakade (2001): compound trials anti-correlate the weights; s1-alone trials then lower w2."""
    ns = reference(UNIT)
    stimuli = np.vstack([np.ones((20, 2)), np.tile([1.0, 0.0], (20, 1))])
    means, covs = ns["kalman_conditioning"](stimuli, np.ones(40), 1.0, 0.3, 0.01)
    assert covs[20, 0, 1] < 0
    assert means[20, 1] - means[-1, 1] > 0.1
    rw = ns["rescorla_wagner"](stimuli, np.ones(40), 0.2)
    assert rw[20, 1] == rw[-1, 1]
    # the covariances stay symmetric and positive definite
    assert np.allclose(covs, np.transpose(covs, (0, 2, 1)))
    assert np.all(np.linalg.eigvalsh(covs) > 0)
