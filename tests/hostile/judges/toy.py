"""Judges of the tests' toy unit ``99-toy`` (a small assignment for the grading corpus; never released).

Two graded checks: ``square`` (deterministic, 2 points) and ``spread`` (numpy, 3 points); the notebook adds
a manually graded written answer (1 point). Loaded through ``$JCLUB_EXTRA_JUDGES`` by the grading tests.
"""

from __future__ import annotations

from autograder.checks import Check, Findings, Verdict, as_float

SQUARE_CASES = [{"x": 7}, {"x": -13}, {"x": 2.5}]
SPREAD_CASES = [{"n": 50, "seed": 90_101}, {"n": 7, "seed": 90_102}]


def probe_square(square, cases):
    return [square(case["x"]) for case in cases]


def judge_square(data, cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        f.require(as_float(got, "square(x)") == float(case["x"]) ** 2, "square(x) is not x times x")
    return f.verdict()


def make_values(case):
    import numpy as np

    return np.random.default_rng(case["seed"]).normal(size=case["n"])


def probe_spread(spread, cases):
    return [spread(make_values(case)) for case in cases]


def judge_spread(data, cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        x = make_values(case)
        f.require(abs(as_float(got, "spread") - (x.max() - x.min())) <= 1e-9, "spread is not max − min")
    return f.verdict()


CHECKS = [
    Check("square", ("square",), 2, SQUARE_CASES, probe_square, judge_square),
    Check("spread", ("spread",), 3, SPREAD_CASES, probe_spread, judge_spread, helpers=(make_values,)),
]
