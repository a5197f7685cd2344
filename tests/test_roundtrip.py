"""A full round trip on a copy of the course: release → simulated students → grade → grades.csv + feedback.

Students per unit: complete (reference answers typed into the release), blank (the release as is), partial
(the first half of the exercises answered); plus a malformed submission and a late one. Scores must be what
the judges' points say; feedback must name failed checks and hold no hidden material.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
from pathlib import Path

import nbformat
import pytest
from conftest import UNITS

from autograder import course, simulate
from autograder.checks import case_literal
from autograder.notebooks import HIDDEN_MARKERS, leaks

COPY = ("units", "data", "jclub", "nbgrader_config.py", "pyproject.toml", "LICENSE")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    src = course.root()
    for name in COPY:
        (shutil.copytree if (src / name).is_dir() else shutil.copy2)(src / name, root / name)
    old = os.environ.get("JCLUB_ROOT")
    os.environ["JCLUB_ROOT"] = str(root)
    try:
        from autograder import nbg
        from autograder.grade import grade
        from autograder.release import release

        release(log=False)
        expected = {}
        for u in course.units():
            half = [c.name for c in u.checks[: math.ceil(len(u.checks) / 2)]]
            simulate.submit("complete", u, simulate.fill(u))
            simulate.submit("blank", u, simulate.fill(u, answered=[], written=False))
            simulate.submit("partial", u, simulate.fill(u, answered=half, written=False))
            total = sum(c.points for c in u.checks)
            expected[u.name] = {
                "complete": total,
                "blank": 0.0,
                "partial": sum(c.points for c in u.checks if c.name in half),
            }
        first = course.units()[0]
        # malformed: truncated JSON
        bad = root / "submitted" / "malformed" / first.name / first.notebook.name
        bad.parent.mkdir(parents=True)
        bad.write_text('{"cells": [', encoding="utf-8")
        # late: two days after the deadline → 20 % off (10 % per started day)
        nbg.run("db", "assignment", "add", first.name, "--duedate=2030-01-01 12:00:00 UTC")
        simulate.submit("late", first, simulate.fill(first), timestamp="2030-01-03 11:00:00 UTC")
        expected[first.name]["late"] = expected[first.name]["complete"] * 0.8
        report = grade(log=False)
        yield root, report, expected
    finally:
        if old is None:
            os.environ.pop("JCLUB_ROOT", None)
        else:
            os.environ["JCLUB_ROOT"] = old


def _scores(root: Path) -> dict[tuple[str, str], float]:
    with open(root / "grades.csv", newline="") as fh:
        return {(r["assignment"], r["student_id"]): float(r["score"]) for r in csv.DictReader(fh)}


def test_scores_match_the_judges(graded):
    root, _, expected = graded
    scores = _scores(root)
    for unit, by_student in expected.items():
        for student, want in by_student.items():
            assert scores[(unit, student)] == pytest.approx(want), (unit, student)


def test_malformed_submission_is_reported_and_the_batch_goes_on(graded):
    root, report, _ = graded
    skipped = {(o.student, o.unit): o.reason for o in report.skipped}
    assert list(skipped) == [("malformed", UNITS[0].name)]
    assert "JSON" in skipped[("malformed", UNITS[0].name)]
    saved = json.loads((root / "autograded" / "grading-report.json").read_text())
    assert any(o["status"] == "skipped" for o in saved["outcomes"])
    graded_count = sum(o.status == "graded" for o in report.outcomes)
    assert graded_count == 3 * len(UNITS) + 1


def test_every_autograded_cell_fails_on_the_released_stub(graded):
    root, _, _ = graded
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="jclub") as gb:
        for u in UNITS:
            nb = gb.find_submission_notebook(u.notebook.stem, u.name, "blank")
            auto = [g for g in nb.grades if g.cell.cell_type == "code"]
            assert auto, u.name
            for g in auto:
                assert g.auto_score == 0, (u.name, g.name)
                if g.name.startswith("check_"):
                    continue
                assert g.max_score > 0


def test_feedback_names_failures_without_hidden_material(graded):
    root, _, _ = graded
    for u in UNITS:
        for student in ("complete", "blank", "partial"):
            html = (root / "feedback" / student / u.name / f"{u.notebook.stem}.html").read_text()
            assert not leaks(html, HIDDEN_MARKERS), (u.name, student)
            for check in u.checks:  # no hidden case literal reaches feedback
                assert case_literal(check) not in html
        partial = (root / "feedback" / "partial" / u.name / f"{u.notebook.stem}.html").read_text()
        assert "HiddenCheckFailed" in partial or "failed" in partial


def test_item_analysis_and_lms_export(graded, tmp_path):
    root, _, expected = graded
    from autograder.analytics import collect, export_lms, write_report

    stats = {s.unit: s for s in collect()}
    first = UNITS[0]
    probe = next(i for i in stats[first.name].items if i.grade_id == f"probe_{first.checks[-1].name}")
    assert probe.n == 4 and probe.fail_rate == pytest.approx(0.5)  # blank and partial fail the last check
    page = write_report(tmp_path / "report").read_text()
    assert first.name in page and (tmp_path / "report" / f"{first.name}.png").is_file()
    rows = list(csv.reader(open(export_lms(tmp_path / "canvas.csv", "canvas"), newline="")))
    assert rows[0][:4] == ["Student", "ID", "SIS User ID", "Section"]
    by_id = {r[2]: r for r in rows[1:]}
    col = rows[0].index(next(h for h in rows[0] if h.startswith(first.name)))
    assert float(by_id["complete"][col]) == pytest.approx(expected[first.name]["complete"])
    moodle = list(csv.reader(open(export_lms(tmp_path / "moodle.csv", "moodle"), newline="")))
    assert moodle[0][0] == "Username" and len(moodle) == len(rows)


def test_graded_notebook_outputs_hold_only_verdicts(graded):
    root, _, _ = graded
    u = UNITS[0]
    nb = nbformat.read(root / "autograded" / "complete" / u.name / u.notebook.name, as_version=4)
    probes = [c for c in nb.cells if course.nbgrader_meta(c).get("grade_id", "").startswith("probe_")]
    assert len(probes) == len(u.checks)
    for cell in probes:
        assert [o["output_type"] for o in cell.outputs] == ["stream"]
        assert cell.outputs[0]["text"].startswith("✓ Graded check")
