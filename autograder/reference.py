"""The reference solutions of a unit as plain Python functions, from its source notebook.

Runs the notebook's first code cell (the setup) and its answer cells, in order, in a fresh namespace — the
functions exactly as the notebook defines them, without executing demos or checks. Used by the tests to run
probes and judges in-process.
"""

from __future__ import annotations

import os
from typing import Any

from autograder import course


def reference_namespace(unit: course.Unit) -> dict[str, Any]:
    os.environ.setdefault("MPLBACKEND", "Agg")
    nb = unit.read()
    code = [c for c in nb.cells if c.cell_type == "code"]
    chosen = [code[0]] + [
        c for c in code[1:] if course.nbgrader_meta(c).get("grade_id", "").startswith("answer_")
    ]
    ns: dict[str, Any] = {"__name__": f"reference_{unit.slug.replace('-', '_')}"}
    cwd = os.getcwd()
    try:
        os.chdir(unit.path)
        for cell in chosen:
            exec(compile(cell.source, f"<{unit.name}:{cell.get('id')}>", "exec"), ns)  # noqa: S102
    finally:
        os.chdir(cwd)
    return ns


def reference_functions(unit: course.Unit, check_name: str) -> tuple[Any, ...]:
    ns = reference_namespace(unit)
    check = next(c for c in unit.checks if c.name == check_name)
    return tuple(ns[f] for f in check.functions)
