"""The course's nbgrader preprocessors, unit-tested on small notebooks (no nbgrader run, no root)."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output

from autograder import course
from autograder.preprocessors import JudgeProbes, NormalizeSubmission, SanitizeOutputs

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "hostile"))

import toy_unit  # noqa: E402


@pytest.fixture
def released(tmp_path, monkeypatch):
    monkeypatch.setenv("JCLUB_ROOT", str(tmp_path))
    monkeypatch.setenv("JCLUB_EXTRA_JUDGES", str(toy_unit.JUDGES))
    monkeypatch.delenv("JCLUB_GRADING_NOTES", raising=False)
    src = toy_unit.write(tmp_path)
    dest = tmp_path / "release" / toy_unit.NAME / src.name
    dest.parent.mkdir(parents=True)
    dest.write_bytes(src.read_bytes())
    return nbformat.read(dest, as_version=4)


def _resources() -> dict:
    return {"nbgrader": {"assignment": toy_unit.NAME, "notebook": "toy"}}


def _ids(nb) -> list[str]:
    return [course.nbgrader_meta(c).get("grade_id") for c in nb.cells]


def test_normalize_leaves_an_honest_notebook_alone(released):
    nb, res = NormalizeSubmission().preprocess(copy.deepcopy(released), _resources())
    assert _ids(nb) == _ids(released)
    assert res.get("jclub", {}).get("notes", []) == []


def test_normalize_copies_unknown_ids_tampered_metadata_and_deleted_cells(released):
    nb = copy.deepcopy(released)
    i = _ids(nb).index("probe_square")
    nb.cells.insert(i, copy.deepcopy(nb.cells[i]))  # a copy of the probe
    nb.cells[i].id = "copy-1"
    fake = new_code_cell(
        "x = 1", metadata={"nbgrader": {"grade_id": "extra_points", "grade": True, "points": 9}}
    )
    nb.cells.append(fake)
    nb.cells[_ids(nb).index("probe_spread")].metadata["nbgrader"]["points"] = 100
    del nb.cells[_ids(nb).index("written_why")]
    nb, res = NormalizeSubmission().preprocess(nb, _resources())
    notes = " | ".join(res["jclub"]["notes"])
    assert "copied cell" in notes and "extra_points" in notes and "metadata" in notes and "deleted" in notes
    assert _ids(nb).count("probe_square") == 1 and "extra_points" not in _ids(nb)
    assert course.nbgrader_meta(nb.cells[_ids(nb).index("probe_spread")])["points"] == 3
    assert "written_why" in _ids(nb)


def _executed(released, extra_output=None):
    """The released toy notebook as if run: probe cells emitted nothing (so the checks fail)."""
    nb = copy.deepcopy(released)
    nb.cells.append(new_code_cell("print(1)", outputs=[extra_output] if extra_output else []))
    return nb


def test_judge_probes_withdraws_nothing_and_says_nothing_for_honest_outputs(released):
    out = new_output("stream", name="stdout", text="import numpy as np\nsquare: visible check passed\n")
    nb, res = JudgeProbes().preprocess(_executed(released, out), _resources())
    assert res["jclub"]["judged"] == ["square", "spread"]
    assert not any("withdrawn" in n for n in res["jclub"].get("notes", []))
    assert "withdrawn" not in nb.cells[-1].outputs[0]["text"]


def test_judge_probes_withdraws_an_output_quoting_the_probe(released):
    probe = next(c for c in released.cells if course.nbgrader_meta(c).get("grade_id") == "probe_spread")
    quoted = next(line for line in probe.source.splitlines() if "def probe_spread" in line)
    out = new_output("stream", name="stdout", text=f"stolen: {quoted}\n")
    nb, res = JudgeProbes().preprocess(_executed(released, out), _resources())
    assert "1 output(s) quoting hidden grading material were withdrawn" in res["jclub"]["notes"]
    assert "withdrawn" in nb.cells[-1].outputs[0]["text"] and quoted not in nb.cells[-1].outputs[0]["text"]


def test_sanitize_outputs_strips_scripts_and_leaves_plain_markdown(released):
    nb = nbformat.v4.new_notebook()
    html = new_output("display_data", data={"text/html": "<b>ok</b><script>alert(1)</script>"})
    nb.cells = [new_markdown_cell("Plain *markdown*: 2 > 1 and a ≤ b."), new_code_cell("x", outputs=[html])]
    nb, _ = SanitizeOutputs().preprocess(nb, {})
    assert nb.cells[0].source == "Plain *markdown*: 2 > 1 and a ≤ b."
    assert "<script>" not in nb.cells[1].outputs[0]["data"]["text/html"]
