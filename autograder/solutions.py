"""``autograder solutions UNIT``: solution notebooks to hand out after the deadline.

A solution notebook is the unit's source notebook executed with its reference answers (so every figure and
every visible check shows the reference's output), with everything that would compromise the next offering
taken out:

* the hidden probe cells (their source holds the hidden inputs; their outputs the probe payloads) are dropped;
* the mark schemes of written answers are cut (the model answers stay: that is the point of a solution);
* nbgrader's solution markers and metadata go, so the notebook is a plain notebook, not an assignment;
* the result is leak-scanned like the release: no hidden-test, mark-scheme or judge marker, no case literal of
  any hidden check, no probe function name.

The judge modules and the gradebook are never part of it.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

from autograder import course
from autograder.checks import case_literal
from autograder.execute import execute_unit
from autograder.notebooks import HIDDEN_MARKERS, SECRET_MARKERS, leaks

_MARKER_LINE = re.compile(r"^[ \t]*(#+|<!--)?[ \t]*(BEGIN|END) SOLUTION[ \t]*(-->)?[ \t]*\n?", re.MULTILINE)
_MARK_SCHEME = re.compile(r"\n*\*\*Mark scheme[^\n]*(\n(?!### END SOLUTION)[^\n]*)*", re.MULTILINE)
_MARK_SCHEME_REGION = re.compile(r"#+ BEGIN MARK SCHEME.*?#+ END MARK SCHEME\n?", re.DOTALL)


class SolutionLeak(RuntimeError):
    """The solution notebook would reveal hidden grading material (nothing is written)."""


def _cut_mark_scheme(source: str) -> str:
    source = _MARK_SCHEME_REGION.sub("", source)
    return _MARK_SCHEME.sub("", source)


def solution_notebook(unit: course.Unit, use_cache: bool = True) -> nbformat.NotebookNode:
    """The unit's executed source notebook without probe cells, mark schemes, markers or nbgrader metadata."""
    executed = execute_unit(unit, use_cache=use_cache)
    bad = [f"{r.check}: {r.verdict.messages}" for r in executed.failed_checks] + executed.errors()
    if bad:
        raise RuntimeError(f"{unit.name}: the reference does not run clean:\n" + "\n".join(bad))
    nb = copy.deepcopy(executed.notebook)
    cells = []
    for cell in nb.cells:
        meta = course.nbgrader_meta(cell)
        if meta.get("grade_id", "").startswith("probe_"):
            continue
        if cell.cell_type == "markdown":
            cell.source = _cut_mark_scheme(cell.source)
        cell.source = _MARKER_LINE.sub("", cell.source).rstrip("\n")
        cell.metadata.pop("nbgrader", None)
        cells.append(cell)
    nb.cells = cells
    nb.metadata.pop("nbgrader", None)
    return nb


def scan(nb: nbformat.NotebookNode, unit: course.Unit) -> list[str]:
    """Hidden grading material in a solution notebook (empty when it is safe to hand out)."""
    text = nbformat.writes(nb)
    found = [f"marker {m!r}" for m in leaks(text, SECRET_MARKERS + HIDDEN_MARKERS)]
    found += [f"mark scheme of {unit.name}" for _ in [0] if re.search(r"Mark scheme", text, re.IGNORECASE)]
    for check in unit.checks:
        literal = case_literal(check)
        if len(literal) >= 20 and literal in text:
            found.append(f"hidden cases of {check.name}")
        if check.probe.__name__ in text:
            found.append(f"probe {check.probe.__name__}")
    return found


def write_solutions(names: list[str], out: Path | None = None, use_cache: bool = True) -> list[Path]:
    """Write ``<out>/<unit>/<notebook>`` per unit (default ``_build/solutions``); refuse on a leak."""
    out = out or course.root() / "_build" / "solutions"
    written = []
    for name in names:
        unit = course.unit(name)
        nb = solution_notebook(unit, use_cache=use_cache)
        problems = scan(nb, unit)
        if problems:
            raise SolutionLeak(f"{name}: not written, it would reveal " + "; ".join(problems))
        dest = out / unit.name / unit.notebook.name.replace(".ipynb", "-solutions.ipynb")
        dest.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, dest)
        for asset in unit.path.iterdir():  # images the notebook shows
            if asset.is_file() and asset.suffix.lower() in {".png", ".svg", ".jpg", ".gif"}:
                (dest.parent / asset.name).write_bytes(asset.read_bytes())
        written.append(dest)
    return written


# -- the graders' sheet ------------------------------------------------------------------------------------
def mark_scheme_sheet(unit: course.Unit) -> str:
    """An HTML page for graders: each written question with its model answer and mark scheme, in order.

    nbgrader's formgrader shows the student's answer and a score box, not the mark scheme (it lives in the
    source notebook's solution region). Open this page beside the formgrader. It is for instructors and TAs
    only: it holds the mark schemes, so it is written under ``_build/`` (never released or published).
    """
    import html

    from nbconvert.filters import markdown2html_mistune

    nb = unit.read()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Mark schemes: {html.escape(unit.title)}</title>",
        "<style>body{font-family:sans-serif;max-width:52em;margin:2em auto;line-height:1.45}"
        "section{border-top:1px solid #ccc;padding-top:.5em}.points{color:#555}</style></head><body>",
        f"<h1>Mark schemes: {html.escape(unit.title)} <small>({html.escape(unit.name)})</small></h1>",
        "<p>For graders only. Score each written answer in the formgrader against its mark scheme.</p>",
    ]
    questions = {}
    for cell in nb.cells:
        gid = course.nbgrader_meta(cell).get("grade_id", "")
        if gid.startswith("question_"):
            questions[gid.removeprefix("question_")] = cell.source
    for cell in nb.cells:
        meta = course.nbgrader_meta(cell)
        gid = meta.get("grade_id", "")
        if not gid.startswith("written_"):
            continue
        name = gid.removeprefix("written_")
        body = _MARKER_LINE.sub("", cell.source).strip()
        parts += [
            f'<section id="{html.escape(gid)}"><h2>{html.escape(gid)} '
            f'<span class="points">({float(meta.get("points", 0)):g} points)</span></h2>',
            markdown2html_mistune(questions.get(name, "")),
            markdown2html_mistune(body),
            "</section>",
        ]
    parts.append("</body></html>")
    return "\n".join(parts)


def write_mark_schemes(names: list[str], out: Path | None = None) -> list[Path]:
    """Write ``<out>/<unit>.html`` (default ``_build/mark-schemes``) for graders."""
    out = out or course.root() / "_build" / "mark-schemes"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        unit = course.unit(name)
        path = out / f"{unit.name}.html"
        path.write_text(mark_scheme_sheet(unit), encoding="utf-8")
        written.append(path)
    return written
