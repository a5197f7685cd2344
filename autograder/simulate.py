"""Simulated students: submissions made from the release, for round-trip tests and grading benchmarks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import nbformat

from autograder import course

SOLUTION_RE = re.compile(
    r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION[ \t]*\n?", re.M | re.S
)


def solution_text(source: str) -> str:
    """A source cell with its solution regions kept and the markers removed (what a model student types)."""
    return SOLUTION_RE.sub(lambda m: m.group(1), source)


def fill(
    unit: course.Unit, answered: Iterable[str] | None = None, written: bool = True
) -> nbformat.NotebookNode:
    """The released notebook with the reference answers typed into the answer cells of ``answered``.

    ``answered`` lists check names (``None``: all); ``written`` also fills the manually graded answers.
    """
    release_nb = nbformat.read(course.root() / "release" / unit.name / unit.notebook.name, as_version=4)
    source = {course.nbgrader_meta(c).get("grade_id"): c for c in unit.read().cells}
    chosen = None if answered is None else set(answered)
    for cell in release_nb.cells:
        gid = course.nbgrader_meta(cell).get("grade_id", "")
        if gid.startswith("answer_") and (chosen is None or gid.removeprefix("answer_") in chosen):
            cell.source = solution_text(source[gid].source)
        elif gid.startswith("written_") and written:
            cell.source = solution_text(source[gid].source).split("**Mark scheme")[0].strip()
    return release_nb


def submit(student: str, unit: course.Unit, nb: nbformat.NotebookNode, timestamp: str | None = None) -> Path:
    """Place a notebook in ``submitted/<student>/<unit>/`` as nbgrader's collect would."""
    dest = course.root() / "submitted" / student / unit.name
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / unit.notebook.name
    nbformat.write(nb, path)
    if timestamp:
        (dest / "timestamp.txt").write_text(timestamp)
    return path
