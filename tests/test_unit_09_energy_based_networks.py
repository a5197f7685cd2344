"""Unit 09 (energy-based networks): the judges' assumptions checked exactly (Gibbs burn-in, the power of the
CD test), the one-step error rate against theory, and the Hopfield capacity tables re-measured (full tier)."""

from __future__ import annotations

import ast
import itertools
import math

import numpy as np
import pytest
from conftest import reference
from scipy.special import expit

from autograder import course
from autograder.judges import energy_based_networks as judges

UNIT = "09-energy-based-networks"


def _sweep_matrix(w: np.ndarray, b: np.ndarray, order) -> tuple[np.ndarray, np.ndarray]:
    """Transition matrix of one Gibbs sweep over all 2^n states, visiting the units in `order`."""
    n = len(b)
    states = np.array(list(itertools.product((0.0, 1.0), repeat=n)))
    index = {tuple(s): k for k, s in enumerate(states)}
    total = np.eye(len(states))
    for i in order:
        step = np.zeros((len(states), len(states)))
        for k, s in enumerate(states):
            p = expit(w[i] @ s + b[i])
            on, off = s.copy(), s.copy()
            on[i], off[i] = 1.0, 0.0
            step[k, index[tuple(on)]] += p
            step[k, index[tuple(off)]] += 1 - p
        total = total @ step
    return states, total


@pytest.mark.parametrize("case", [c for c in judges.GIBBS_CASES if c["kind"] == "stats"], ids=str)
def test_gibbs_probe_burn_in_leaves_negligible_bias(case):
    """After the probe's sweeps from a uniform start, both scan orders are within 0.5σ of equilibrium
    (checked exactly with the transition matrix of a sweep, on 21 of the seeds the tests use)."""
    for shift in range(0, 21_000, 1000):
        c = {**case, "seed": case["seed"] + shift}
        w, b = judges.make_gibbs_inputs(c)
        n = len(b)
        mean, _ = judges._boltzmann_reference(w, b)
        sigma = np.sqrt(mean * (1 - mean) / c["chains"])
        states, index_scan = _sweep_matrix(w, b, range(n))
        orders = list(itertools.permutations(range(n)))
        random_scan = sum(_sweep_matrix(w, b, o)[1] for o in orders) / len(orders)
        start = np.full(len(states), 1.0 / len(states))
        for sweep in (index_scan, random_scan):
            q = start @ np.linalg.matrix_power(sweep, c["n_sweeps"])
            assert np.all(np.abs(q @ states - mean) <= 0.5 * sigma), shift


def test_cd_judge_separates_cd1_from_cd2():
    """The k = 2 case: exact CD-1 and CD-2 expectations differ by many standard deviations of the probe."""
    case = next(c for c in judges.CD_CASES if c.get("k") == 2)
    w, b_vis, b_hid, v = judges.make_rbm(case)
    means, var = {}, 0.0
    for k in (1, 2):
        per = [judges._cd_outcomes(w, b_vis, b_hid, v[i], k) for i in range(len(v))]
        means[k] = sum(q @ u for u, q in per) / len(v)
        if k == 2:
            var = sum(q @ (u - q @ u) ** 2 for u, q in per) / len(v) ** 2
    z = np.abs(means[1] - means[2]) / np.sqrt(var / case["draws"])
    assert z.max() > 3 * judges.K_SIGMA


def test_cd_outcomes_are_a_distribution_and_match_brute_force_for_k1():
    case = judges.CD_CASES[0]
    w, b_vis, b_hid, v = judges.make_rbm(case)
    u, q = judges._cd_outcomes(w, b_vis, b_hid, v[0], 1)
    assert math.isclose(q.sum(), 1.0)
    ph0 = expit(v[0] @ w + b_hid)
    expected = 0.0
    for h in itertools.product((0.0, 1.0), repeat=w.shape[1]):
        h = np.array(h)
        p = np.prod(np.where(h == 1, ph0, 1 - ph0))
        pv = expit(w @ h + b_vis)
        ph = expit(pv @ w + b_hid)
        expected = expected + p * np.concatenate(
            [(np.outer(v[0], ph0) - np.outer(pv, ph)).ravel(), v[0] - pv, ph0 - ph]
        )
    assert np.allclose(q @ u, expected)


def test_one_step_error_rate_follows_erfc():
    """Hopfield's signal-to-noise estimate ½ erfc(√(N/2P)) for hebbian_weights (N = 1000, α = 0.2)."""
    ns = reference(UNIT)
    rng = np.random.default_rng(0)
    n, p = 1000, 200
    xi = rng.choice([-1.0, 1.0], size=(p, n))
    rate = float(np.mean((xi @ ns["hebbian_weights"](xi)) * xi < 0))
    predicted = 0.5 * math.erfc(math.sqrt(n / (2 * p)))
    assert abs(rate - predicted) < 5 * math.sqrt(predicted / (n * p)) + 0.05 * predicted


def _notebook_tables() -> dict:
    """The REFERENCE_CAPACITY literal of the notebook's capacity demo."""
    for cell in course.unit(UNIT).read().cells:
        if cell.cell_type == "code" and "REFERENCE_CAPACITY = {" in cell.source:
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign) and node.targets[0].id == "REFERENCE_CAPACITY":
                    return ast.literal_eval(node.value)
    raise AssertionError("no REFERENCE_CAPACITY in the notebook")


def test_capacity_tables_are_monotone_and_consistent():
    tables = {**{n: t for n, t in _notebook_tables().items()}}
    for n, table in [*tables.items(), *judges.CAPACITY_REFERENCE.items()]:
        loads = sorted(table)
        means = [table[a][0] for a in loads]
        assert all(0 <= m <= 1 for m in means) and np.all(np.diff(means) <= 0.01), n
    shared = set(judges.CAPACITY_REFERENCE[200]) & {0.05, 0.1, 0.2}
    assert shared  # the judge's table covers loads on both sides of the transition
    # larger networks have a sharper transition: N = 500 recalls less than N = 100 above α_c
    assert tables[500][0.18][0] < tables[100][0.18][0]


@pytest.mark.full
def test_judge_capacity_table_remeasured():
    """The judge's N = 200 table, re-measured with the reference solution over 300 fresh trials."""
    ns = reference(UNIT)
    table = judges.CAPACITY_REFERENCE[200]
    loads = sorted(table)
    n_trials = 300
    got = ns["capacity_curve"](200, loads, n_trials, np.random.default_rng(2024))
    for load, value in zip(loads, got, strict=True):
        mean, sd = table[load]
        assert abs(value - mean) <= 5 * sd / math.sqrt(n_trials) + 0.01, load


@pytest.mark.full
@pytest.mark.parametrize("config", [(500, 2), (100, 1)], ids=["full", "graded"])
def test_notebook_capacity_reproduction_over_seeds(config):
    """The notebook's visible capacity check holds for 30 seeds in both sizes."""
    ns = reference(UNIT)
    n, n_trials = config
    table = _notebook_tables()[n]
    loads = [0.05, 0.08, 0.10, 0.12, 0.138, 0.15, 0.18, 0.20]
    mean = np.array([table[a][0] for a in loads])
    sd = np.array([table[a][1] for a in loads]) / math.sqrt(n_trials)
    failures = []
    for seed in range(30):
        got = ns["capacity_curve"](n, loads, n_trials, np.random.default_rng(5000 + seed))
        ok = np.all(np.abs(got - mean) <= 5 * sd + 0.03)
        if n >= 500:
            ok = ok and got[2] >= 0.95 and got[-1] <= 0.5
        if not ok:
            failures.append(seed)
    assert not failures, failures
