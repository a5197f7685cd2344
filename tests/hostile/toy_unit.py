"""The toy unit ``99-toy``: written into a temporary course copy by the grading tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from autograder.authoring import NotebookWriter

JUDGES = Path(__file__).resolve().parent / "judges"
NAME = "99-toy"


def checks() -> dict:
    spec = importlib.util.spec_from_file_location("toy_judges_for_authoring", JUDGES / "toy.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return {c.name: c for c in mod.CHECKS}


def write(root: Path) -> Path:
    """Write ``units/99-toy/toy.ipynb`` under ``root``; return its path."""
    c = checks()
    w = NotebookWriter()
    w.md("# Toy unit\n\nA small assignment for the grading tests: two graded functions and a written answer.")
    w.code("import numpy as np")
    w.md("## 1. Squares\n\nWrite `square(x)`: `x` times `x`.")
    w.answer(
        "square",
        'def square(x):\n    """x times x."""\n    ### BEGIN SOLUTION\n    return x * x\n'
        "    ### END SOLUTION",
    )
    w.visible_check(
        "square", 'assert square(3) == 9, "square(3) should be 9"\nprint("square: visible check passed")'
    )
    w.probe("square", c["square"].points)
    w.md("## 2. Spread\n\nWrite `spread(values)`: the largest value minus the smallest (a float).")
    w.answer(
        "spread",
        'def spread(values):\n    """max(values) − min(values)."""\n    ### BEGIN SOLUTION\n'
        "    values = np.asarray(values, dtype=float)\n    return float(values.max() - values.min())\n"
        "    ### END SOLUTION",
    )
    w.visible_check(
        "spread",
        'assert spread([1.0, 4.0, 2.0]) == 3.0, "spread([1, 4, 2]) should be 3"\n'
        'print("spread: visible check passed")',
    )
    w.probe("spread", c["spread"].points)
    w.md("## Questions")
    w.manual("why", 1, "Why square numbers?", "Because.\n\n**Mark scheme (1 point).** Any reason.")
    for cell in w.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid.startswith("probe_"):
            cell.source = c[gid.removeprefix("probe_")].cell_source()
    path = root / "units" / NAME / "toy.ipynb"
    w.save(path)
    return path
