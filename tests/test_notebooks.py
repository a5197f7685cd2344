"""Every source notebook executes top to bottom with its solutions; every visible and graded check passes.

The execution is cached in _build/executed and shared with the book build (one execution per notebook).
"""

from __future__ import annotations

import pytest
from conftest import UNITS


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_source_runs_clean(executed, unit):
    ex = executed[unit.name]
    assert ex.errors() == []


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_reference_passes_every_graded_check_in_the_notebook(executed, unit):
    ex = executed[unit.name]
    failed = {r.check: r.verdict.messages for r in ex.failed_checks}
    assert not failed
    assert {r.check for r in ex.results} == {c.name for c in unit.checks}


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_every_exercise_has_a_figure_or_printed_result(executed, unit):
    """Demos show something: at least one figure per notebook."""
    outs = [o for c in executed[unit.name].notebook.cells for o in c.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outs)
