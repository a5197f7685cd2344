"""Judging an executed notebook: turn each hidden probe cell's output into the judge's verdict.

Used by the nbgrader preprocessor :class:`JudgeProbes` (grading) and by ``autograder book`` / the tests
(reference notebooks). After judging, a probe cell's outputs hold only the verdict — never what the probe or
the student's code printed — in the form nbgrader's ``determine_grade`` scores:

* passed: one stdout stream "✓ ..." → full points;
* partly passed: an ``execute_result`` whose text is the points earned → partial credit;
* failed: one ``error`` output named ``HiddenCheckFailed`` with the judge's messages → 0 points.
"""

from __future__ import annotations

from dataclasses import dataclass

import nbformat
from nbformat.v4 import new_output

from autograder.checks import Check, Verdict, outcome_from_outputs
from autograder.course import load_checks, nbgrader_meta


@dataclass(frozen=True)
class CellResult:
    check: str
    points: float
    max_points: float
    verdict: Verdict


def verdict_outputs(check: Check, verdict: Verdict, max_points: float) -> list[nbformat.NotebookNode]:
    """The outputs that replace a probe cell's own after judging."""
    if verdict.passed:
        text = f"✓ Graded check `{check.name}` passed: " + "; ".join(verdict.messages) + "\n"
        return [new_output("stream", name="stdout", text=text)]
    lines = [f"✗ Graded check `{check.name}` failed:"] + [f"  - {m}" for m in verdict.messages]
    if verdict.score > 0:
        earned = round(verdict.score * max_points, 4)
        text = "\n".join(lines) + f"\nPartial credit: {earned:g} of {max_points:g} points.\n"
        return [
            new_output("stream", name="stdout", text=text),
            new_output("execute_result", data={"text/plain": f"{earned:g}"}, execution_count=None),
        ]
    return [
        new_output("error", ename="HiddenCheckFailed", evalue="; ".join(verdict.messages), traceback=lines)
    ]


def judge_notebook(nb: nbformat.NotebookNode, assignment: str) -> list[CellResult]:
    """Judge every probe cell of an executed notebook in place; return one result per check.

    A check whose cell is missing (deleted, or its grade id changed) fails; nbgrader's OverwriteCells
    normally restores locked cells before execution, so this only guards against a broken pipeline.
    """
    checks = {c.grade_id: c for c in load_checks(assignment)}
    results: dict[str, CellResult] = {}
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        check = checks.get(grade_id)
        if check is None or cell.cell_type != "code" or grade_id in results:
            continue
        max_points = float(nbgrader_meta(cell).get("points", check.points))
        verdict = check.decide(outcome_from_outputs(check, cell.get("outputs", [])))
        cell.outputs = verdict_outputs(check, verdict, max_points)
        results[grade_id] = CellResult(check.name, round(verdict.score * max_points, 4), max_points, verdict)
    for grade_id, check in checks.items():
        if grade_id not in results:
            results[grade_id] = CellResult(
                check.name, 0.0, check.points, Verdict.fail("the graded check's cell is missing")
            )
    return list(results.values())
