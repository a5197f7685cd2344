"""The probe/judge machinery: payload parsing, verdict outputs as nbgrader scores them, generated cells."""

from __future__ import annotations

import ast

import nbformat
import pytest
from conftest import ALL_CHECKS
from nbformat.v4 import new_code_cell, new_output
from nbgrader.utils import determine_grade

from autograder.checks import (
    MAX_PAYLOAD_BYTES,
    PROBE_MIME,
    Findings,
    JudgeError,
    ProbeError,
    Verdict,
    as_array,
    as_float,
    outcome_from_outputs,
)
from autograder.judging import verdict_outputs

UNIT, CHECK = ALL_CHECKS[0]


def payload(data, name=CHECK.name):
    return new_output("display_data", data={PROBE_MIME: {"check": name, "data": data}})


def test_one_payload_is_read():
    assert outcome_from_outputs(CHECK, [payload([1, 2])]) == [1, 2]


@pytest.mark.parametrize(
    "outputs, reason",
    [
        ([], "no result"),
        ([payload(1), payload(2)], "more than one"),
        ([payload(1, name="another_check")], "malformed"),
        ([new_output("display_data", data={PROBE_MIME: "not a dict"})], "malformed"),
        ([payload("x" * (MAX_PAYLOAD_BYTES + 10))], "too large"),
        (
            [payload(1), new_output("error", ename="ValueError", evalue="boom", traceback=[])],
            "raised ValueError",
        ),
    ],
)
def test_bad_probe_outputs_fail(outputs, reason):
    outcome = outcome_from_outputs(CHECK, outputs)
    assert isinstance(outcome, ProbeError) and reason in outcome.reason
    assert not CHECK.decide(outcome).passed


def test_forged_output_printed_as_text_is_ignored():
    text = f'{{"{PROBE_MIME}": {{"check": "{CHECK.name}", "data": 1}}}}'
    outcome = outcome_from_outputs(CHECK, [new_output("stream", name="stdout", text=text)])
    assert isinstance(outcome, ProbeError)


def _score(outputs, points=3.0):
    cell = new_code_cell(
        "pass",
        metadata={
            "nbgrader": {"grade": True, "solution": False, "points": points, "grade_id": "x", "locked": True}
        },
    )
    cell.outputs = outputs
    return determine_grade(nbformat.from_dict(cell))[0]


def test_verdict_outputs_score_as_intended():
    assert _score(verdict_outputs(CHECK, Verdict.ok(), 3.0)) == 3.0
    assert _score(verdict_outputs(CHECK, Verdict.fail("wrong"), 3.0)) == 0.0
    assert _score(verdict_outputs(CHECK, Verdict(0.5, ("half",)), 3.0)) == pytest.approx(1.5)


def test_failed_verdict_output_names_the_check_and_message():
    (err,) = verdict_outputs(CHECK, Verdict.fail("the walk is biased"), 3.0)
    assert err["ename"] == "HiddenCheckFailed" and "the walk is biased" in err["evalue"]


def test_findings_collect_messages_once():
    f = Findings()
    f.require(True, "fine")
    f.require(False, "bad")
    f.require(False, "bad")
    v = f.verdict()
    assert not v.passed and v.messages == ("bad",)


def test_as_array_and_as_float_reject_garbage():
    with pytest.raises(JudgeError):
        as_array("nan")
    with pytest.raises(JudgeError):
        as_array([1.0, "inf"])
    with pytest.raises(JudgeError):
        as_array([[1, 2]], (2, 2))
    with pytest.raises(JudgeError):
        as_float(True)
    with pytest.raises(JudgeError):
        as_float(float("inf"))
    assert as_array([[1, 2]], (None, 2)).shape == (1, 2)


@pytest.mark.parametrize("item", ALL_CHECKS, ids=lambda it: f"{it[0].name}:{it[1].name}")
def test_generated_cell_is_valid_python_with_one_top_level_call(item):
    _, check = item
    src = check.cell_source()
    tree = ast.parse(src)
    top = [type(n).__name__ for n in tree.body]
    assert top == ["FunctionDef", "Expr"], top  # the probe lives inside one function; nothing leaks out
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert "autograder" not in imported and "jclub" not in imported, imported
