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

from autograder.checks import BEGIN_HIDDEN, END_HIDDEN, Check, ProbeError, Verdict, outcome_from_outputs
from autograder.course import load_checks, nbgrader_meta

# Always secret in anything a student receives (a subset of autograder.notebooks.HIDDEN_MARKERS, kept here to
# avoid an import cycle): the probe cell's own wrapper names and the hidden-test markers.
_MARKERS = (
    "_jclub_emit",
    "_jclub_probe_cell",
    "autograder.judges",
    BEGIN_HIDDEN.lstrip("# "),
    END_HIDDEN.lstrip("# "),
)
_MIN_LINE = 16  # a hidden line this long or longer, quoted anywhere, counts as a leak


def hidden_material(nb: nbformat.NotebookNode) -> frozenset[str]:
    """Distinctive lines of the notebook's hidden probe code (what must not reach feedback).

    A line that also appears in a cell the student can read (``import numpy as np``, a helper's ``for case
    in cases:``) is no secret: an output quoting it is not withdrawn.
    """
    visible = set()
    for cell in nb.cells:
        if not nbgrader_meta(cell).get("grade_id", "").startswith("probe_"):
            visible.update(line.strip() for line in cell.source.splitlines())
    lines = set()
    for cell in nb.cells:
        if cell.cell_type != "code" or not nbgrader_meta(cell).get("grade_id", "").startswith("probe_"):
            continue
        source = cell.source
        if BEGIN_HIDDEN in source:
            source = source.split(BEGIN_HIDDEN, 1)[1].split(END_HIDDEN, 1)[0]
        for line in source.splitlines():
            line = line.strip()
            if len(line) >= _MIN_LINE:
                lines.add(line)
            if "cases=" in line:  # the hidden cases literal alone, as the student's code would print it
                literal = line.split("cases=", 1)[1].rstrip(")")
                if len(literal) >= _MIN_LINE:
                    lines.add(literal)
    return frozenset(lines - visible)


def reveals(text: str, material: frozenset[str]) -> bool:
    """Does ``text`` quote hidden grading material (a marker or a distinctive hidden line)?"""
    if any(m in text for m in _MARKERS):
        return True
    if material and len(text) >= _MIN_LINE:
        flat = text.replace("\\n", "\n").replace('\\"', '"')
        return any(line in text or line in flat for line in material)
    return False


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
    secrets = hidden_material(nb)
    results: dict[str, CellResult] = {}
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        check = checks.get(grade_id)
        if check is None or cell.cell_type != "code" or grade_id in results:
            continue
        max_points = float(nbgrader_meta(cell).get("points", check.points))
        outcome = outcome_from_outputs(check, cell.get("outputs", []))
        if isinstance(outcome, ProbeError) and reveals(outcome.reason, secrets):
            # the student's error message quotes the probe (e.g. it raised with In[-1]): withhold it
            outcome = ProbeError(
                "your code raised an error (its message is withheld: it quoted the hidden check)"
            )
        verdict = check.decide(outcome)
        cell.outputs = verdict_outputs(check, verdict, max_points)
        results[grade_id] = CellResult(check.name, round(verdict.score * max_points, 4), max_points, verdict)
    for grade_id, check in checks.items():
        if grade_id not in results:
            results[grade_id] = CellResult(
                check.name, 0.0, check.points, Verdict.fail("the graded check's cell is missing")
            )
    return list(results.values())
