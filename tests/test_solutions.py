"""``autograder solutions``: answers and outputs to hand out, never hidden inputs or mark schemes."""

from __future__ import annotations

import nbformat
import pytest
from conftest import UNITS

from autograder import course
from autograder.__main__ import main
from autograder.checks import case_literal
from autograder.notebooks import HIDDEN_MARKERS, SECRET_MARKERS
from autograder.simulate import SOLUTION_RE
from autograder.solutions import SolutionLeak, scan, solution_notebook, write_solutions


@pytest.fixture(scope="module")
def solutions():
    return {u.name: solution_notebook(u) for u in UNITS}


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_solution_notebook_holds_answers_and_no_grading_material(solutions, unit):
    nb = solutions[unit.name]
    text = nbformat.writes(nb)
    assert not [m for m in SECRET_MARKERS + HIDDEN_MARKERS if m in text]
    assert "mark scheme" not in text.lower()
    for check in unit.checks:
        assert case_literal(check) not in text, f"hidden cases of {check.name}"
        assert check.probe.__name__ not in text
    assert not any("nbgrader" in c.metadata for c in nb.cells)
    # the reference answers are there: every solution region's longest line appears
    sources = "\n".join(c.source for c in nb.cells)
    source = unit.read()
    for cell in source.cells:
        if cell.cell_type != "code":  # written answers: the model answer stays, its mark scheme goes
            continue
        for m in SOLUTION_RE.finditer(cell.source):
            lines = [s.strip() for s in m.group(1).splitlines() if s.strip()]
            if lines:
                longest = max(lines, key=len)
                assert longest in sources, f"{cell.get('id')}: the reference answer is missing"
    model = [c for c in nb.cells if c.cell_type == "markdown" and "Model answer" in c.source]
    assert model or not any(
        course.nbgrader_meta(c).get("grade_id", "").startswith("written_") for c in source.cells
    )
    # executed: figures and visible checks' outputs are kept
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert not any(o.get("output_type") == "error" for o in outputs)
    assert scan(nb, unit) == []


def test_a_leak_is_refused(solutions, monkeypatch, tmp_path):
    unit = UNITS[0]
    nb = solutions[unit.name]
    planted = nbformat.v4.new_markdown_cell("**Mark scheme (2 points).** one point each")
    leaked = nbformat.from_dict({**nb, "cells": [*nb.cells, planted]})
    assert scan(leaked, unit)
    monkeypatch.setattr("autograder.solutions.solution_notebook", lambda u, use_cache=True: leaked)
    with pytest.raises(SolutionLeak):
        write_solutions([unit.name], tmp_path)
    assert not list(tmp_path.rglob("*.ipynb"))


def test_command_writes_the_notebook(tmp_path, capsys):
    unit = UNITS[0]
    assert main(["solutions", unit.name, "--out", str(tmp_path)]) == 0
    written = tmp_path / unit.name / unit.notebook.name.replace(".ipynb", "-solutions.ipynb")
    assert written.is_file() and str(written) in capsys.readouterr().out
    assert main(["solutions", "99-no-such-unit", "--out", str(tmp_path)]) == 1
    assert course.root() not in written.parents


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_graders_sheet_has_every_written_question_and_its_mark_scheme(unit, tmp_path):
    from autograder.solutions import write_mark_schemes

    (path,) = write_mark_schemes([unit.name], tmp_path)
    page = path.read_text(encoding="utf-8")
    written = [
        c for c in unit.read().cells if course.nbgrader_meta(c).get("grade_id", "").startswith("written_")
    ]
    assert written
    for cell in written:
        gid = course.nbgrader_meta(cell)["grade_id"]
        assert f'id="{gid}"' in page
    assert page.count("Mark scheme (") == len(written)
    assert "BEGIN SOLUTION" not in page and "END SOLUTION" not in page
