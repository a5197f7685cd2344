"""Source-notebook operations: generating hidden probe cells, clearing outputs, stripping for students.

``strip_for_students`` is the one definition of "what a student may see" used by the book. The release goes
through nbgrader's own ``generate_assignment``, which applies the same nbgrader preprocessors (ClearSolutions,
ClearHiddenTests, ClearMarkScheme); the leak scan in the tests checks both products.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearSolutions

from autograder.checks import BEGIN_HIDDEN, END_HIDDEN
from autograder.course import Unit, nbgrader_meta

# Markers of hidden checks: never in anything a student or reader receives, feedback included.
HIDDEN_MARKERS = (
    BEGIN_HIDDEN.lstrip("# "),
    END_HIDDEN.lstrip("# "),
    "BEGIN MARK SCHEME",
    "END MARK SCHEME",
    "Mark scheme (",
    "_jclub_emit",
    "_jclub_probe_cell",
    "autograder.judges",
)
# Plus solution markers: never in the release or the book (a student's own submission may contain them).
SECRET_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", *HIDDEN_MARKERS)


def sync_unit(unit: Unit, write: bool = True) -> list[str]:
    """Regenerate the unit's hidden probe cells from its judge module. Returns the problems/changes found.

    With ``write=False`` nothing is written, and every out-of-date cell is reported (``autograder check``).
    """
    nb = unit.read()
    checks = {c.grade_id: c for c in unit.checks}
    problems: list[str] = []
    seen = set()
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id", "")
        if not gid.startswith("probe_"):
            continue
        check = checks.get(gid)
        if check is None:
            problems.append(f"{unit.name}: cell {gid} has no check in {unit.judge_module}")
            continue
        seen.add(gid)
        want = check.cell_source()
        if cell.source != want or float(meta.get("points", -1)) != float(check.points):
            problems.append(f"{unit.name}: hidden cell {gid} is out of date with {unit.judge_module}")
            cell.source = want
            meta.update(points=check.points, grade=True, solution=False, locked=True)
    for gid in checks:
        if gid not in seen:
            problems.append(f"{unit.name}: no hidden cell {gid} (add a test cell with that grade id)")
    if write and problems:
        write_clean(nb, unit.notebook)
    return problems


def clear_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.get("metadata", {}).pop("execution", None)
    return nb


def write_clean(nb: nbformat.NotebookNode, path: Path) -> None:
    """Write a source notebook with outputs cleared (as it must be committed)."""
    nbformat.write(clear_outputs(nb), path)


def _apply(pp_cls: type, nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    pp = pp_cls()
    nb, _ = pp.preprocess(nb, {})
    return nb


def strip_for_students(nb: nbformat.NotebookNode, keep_outputs: bool = True) -> nbformat.NotebookNode:
    """What a reader may see of an (executed) source notebook.

    Solutions become stubs, hidden tests and mark schemes go, hidden probe cells are dropped whole (their
    outputs too), and nbgrader metadata (checksums, ids) is removed. Outputs of the remaining cells — the
    reference figures — are kept unless ``keep_outputs`` is false.
    """
    nb = copy.deepcopy(nb)
    nb = _apply(ClearSolutions, nb)
    nb = _apply(ClearHiddenTests, nb)
    nb = _apply(ClearMarkScheme, nb)
    cells = []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade_id", "").startswith("probe_"):
            continue
        if meta.get("solution") and cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("nbgrader", None)
        if not keep_outputs and cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    nb.cells = cells
    return nb


def leaks(text: str, markers: tuple[str, ...] = SECRET_MARKERS) -> list[str]:
    """Secret markers found in a text (release files, book pages; feedback with ``HIDDEN_MARKERS``)."""
    return [m for m in markers if m in text]
