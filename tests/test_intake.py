"""Intake refuses the absurd fast (issue 18, item 9), before nbgrader parses anything."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder import course, settings
from autograder.grading import intake

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "hostile"))

import toy_unit  # noqa: E402


@pytest.fixture
def toy(tmp_path, monkeypatch):
    """The toy unit with a 'released' notebook (the source with its cells; no nbgrader run needed)."""
    monkeypatch.setenv("JCLUB_ROOT", str(tmp_path))
    monkeypatch.setenv("JCLUB_EXTRA_JUDGES", str(toy_unit.JUDGES))
    src = toy_unit.write(tmp_path)
    released = tmp_path / "release" / toy_unit.NAME / src.name
    released.parent.mkdir(parents=True)
    released.write_bytes(src.read_bytes())
    return course.unit(toy_unit.NAME), released


def test_an_honest_notebook_goes_to_nbgrader(toy, tmp_path):
    unit, released = toy
    nb = nbformat.read(released, as_version=4)
    nb.cells += [nbformat.v4.new_code_cell(f"x{i} = {i}") for i in range(30)]  # extra cells are fine
    path = tmp_path / "sub.ipynb"
    nbformat.write(nb, path)
    assert intake.classify(path, unit) == ("", "")


def test_two_hundred_thousand_empty_cells_go_to_review_in_seconds(toy, tmp_path):
    unit, released = toy
    nb = nbformat.read(released, as_version=4)
    cell = {"cell_type": "code", "metadata": {}, "source": "", "outputs": [], "execution_count": None}
    data = json.loads(nbformat.writes(nb))
    data["cells"] += [dict(cell, id=f"c{i}") for i in range(200_000)]
    path = tmp_path / "huge.ipynb"
    path.write_text(json.dumps(data))
    assert path.stat().st_size > 10_000_000
    t0 = time.monotonic()
    kind, reason = intake.classify(path, unit)
    assert time.monotonic() - t0 < 5
    assert kind == "review" and "MB" in reason and "released" in reason


def test_too_many_cells_by_count_alone(toy, tmp_path):
    unit, released = toy
    data = json.loads(released.read_text())
    n = len(data["cells"])
    data["cells"] += [{"cell_type": "raw", "metadata": {}, "source": "", "id": f"r{i}"} for i in range(2000)]
    path = tmp_path / "many.ipynb"
    path.write_text(json.dumps(data))
    kind, reason = intake.classify(path, unit)
    assert kind == "review" and f"{n + 2000} cells" in reason
    loose = settings.Settings(max_cells=100_000, max_cells_factor=1000)
    assert intake.classify(path, unit, loose) == ("", "")


def test_deeply_nested_json_says_what_it_is(toy, tmp_path):
    unit, _ = toy
    path = tmp_path / "deep.ipynb"
    path.write_text('{"cells": ' + "[" * 50_000 + "]" * 50_000 + "}")
    kind, reason = intake.classify(path, unit)
    assert kind == "rejected" and "nested" in reason and "line ?" not in reason


def test_truncated_json_names_its_line(toy, tmp_path):
    unit, _ = toy
    path = tmp_path / "bad.ipynb"
    path.write_text('{\n"cells": [')
    kind, reason = intake.classify(path, unit)
    assert kind == "rejected" and reason.startswith("not valid JSON (line 2)")


def test_stage_honours_the_settings(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(5):
        (src / f"f{i}.txt").write_text("x" * 10)
    notes = intake.stage(src, tmp_path / "dest", settings.Settings(max_submission_files=3))
    assert len(list((tmp_path / "dest").iterdir())) == 3
    assert sum("ignored" in n for n in notes) == 2
