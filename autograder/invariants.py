"""``autograder check``: course invariants to verify before a release (the tests assert them too).

Each check returns a list of problems; an empty list means it holds.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter

import nbformat

from autograder import course
from autograder.notebooks import leaks, sync_unit

MARK_SCHEME = "Mark scheme"


def outputs_cleared() -> list[str]:
    out = []
    for u in course.units():
        for p in u.notebooks:
            nb = nbformat.read(p, as_version=4)
            for cell in nb.cells:
                if cell.cell_type == "code" and (cell.outputs or cell.execution_count):
                    out.append(f"{p.relative_to(course.root())}: cell {cell.get('id')} has outputs")
                    break
    return out


def ids_unique() -> list[str]:
    """Grade ids and cell ids unique within each notebook; every nbgrader cell has a grade id."""
    out = []
    for u in course.units():
        nb = u.read()
        gids = [course.nbgrader_meta(c).get("grade_id") for c in nb.cells if course.nbgrader_meta(c)]
        if None in gids:
            out.append(f"{u.name}: an nbgrader cell has no grade_id")
        dup = [g for g, n in Counter(g for g in gids if g).items() if n > 1]
        if dup:
            out.append(f"{u.name}: duplicate grade ids {dup}")
        cids = [c.get("id") for c in nb.cells]
        if None in cids or len(set(cids)) != len(cids):
            out.append(f"{u.name}: cell ids missing or duplicated")
    return out


def probes_in_sync() -> list[str]:
    out = []
    for u in course.units():
        out += sync_unit(u, write=False)
    return out


def skeleton() -> list[str]:
    """Every unit follows the skeleton: title, goals, exercises with visible checks, questions, summary."""
    out = []
    for u in course.units():
        nb = u.read()
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        for needed in ("# ", "Learning goals", "Estimated time", "Summary", "Further reading"):
            if needed not in text:
                out.append(f"{u.name}: missing '{needed.strip()}' section")
        metas = [course.nbgrader_meta(c) for c in nb.cells]
        for check in u.checks:
            if not any(m.get("grade_id") == f"check_{check.name}" for m in metas):
                out.append(
                    f"{u.name}: exercise {check.name} has no visible check cell (grade id check_{check.name})"
                )
            answer = [m for m in metas if m.get("grade_id") == f"answer_{check.name}"]
            if not answer or not answer[0].get("solution"):
                out.append(
                    f"{u.name}: exercise {check.name} has no answer cell (grade id answer_{check.name})"
                )
        for m, c in zip(metas, nb.cells, strict=True):
            if m.get("grade_id", "").startswith("check_") and float(m.get("points", 0)) != 0:
                out.append(
                    f"{u.name}: visible check {m['grade_id']} carries points (grades come from judges)"
                )
            if (
                m.get("solution")
                and m.get("grade")
                and c.cell_type == "markdown"
                and MARK_SCHEME not in c.source
            ):
                out.append(f"{u.name}: manually graded cell {m.get('grade_id')} has no mark scheme")
    return out


QUESTION_SECTIONS = ("## Fundamental questions", "## Advanced questions")


def question_sections() -> list[str]:
    """Both journal-club sections, headed as in QUESTION_SECTIONS, each with ≥ 1 graded written answer.

    A section runs from its heading to the next ``## `` heading; it must hold at least one manually graded
    ``written_*`` cell with points (its mark scheme is checked by :func:`skeleton`).
    """
    out = []
    for u in course.units():
        counts = {h: None for h in QUESTION_SECTIONS}  # None: heading missing
        current = None
        for cell in u.read().cells:
            if cell.cell_type == "markdown":
                for line in cell.source.splitlines():
                    if line.startswith("## "):
                        current = line.strip() if line.strip() in counts else None
                        if current is not None:
                            counts[current] = counts[current] or 0
            meta = course.nbgrader_meta(cell)
            if (
                current is not None
                and meta.get("grade_id", "").startswith("written_")
                and float(meta.get("points", 0)) > 0
            ):
                counts[current] += 1
        for heading, n in counts.items():
            if n is None:
                out.append(f"{u.name}: no '{heading}' section")
            elif n == 0:
                out.append(
                    f"{u.name}: '{heading}' holds no graded written answer (written_* cell with points)"
                )
    return out


def syllabus_table() -> dict[str, tuple[float, float]]:
    """Points per unit as stated in the syllabus: rows ``| NN-slug | title | auto | manual | total |``."""
    text = (course.root() / "book" / "syllabus.md").read_text(encoding="utf-8")
    rows = {}
    for m in re.finditer(
        r"^\|\s*`?(\d\d-[a-z0-9-]+)`?\s*\|[^|]*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|", text, re.M
    ):
        rows[m.group(1)] = (float(m.group(2)), float(m.group(3)))
    return rows


def points_match_syllabus() -> list[str]:
    table = syllabus_table()
    out = []
    for u in course.units():
        auto, manual = course.points_of(u.read())
        if u.name not in table:
            out.append(f"{u.name}: not in the syllabus points table")
        elif table[u.name] != (auto, manual):
            out.append(
                f"{u.name}: syllabus says {table[u.name]}, notebook has {(auto, manual)} (auto, manual)"
            )
        if auto != sum(c.points for c in u.checks):
            out.append(f"{u.name}: autograded points differ from the judge module's checks")
    for name in table:
        if name not in {u.name for u in course.units()}:
            out.append(f"syllabus lists {name}, which is not a unit")
    return out


def corpora_complete() -> list[str]:
    """Each check has ≥ 2 wrong and ≥ 1 alternative correct implementations (tests/corpora/<slug>.py)."""
    out = []
    for u in course.units():
        path = course.root() / "tests" / "corpora" / (u.slug.replace("-", "_") + ".py")
        if not path.is_file():
            out.append(f"{u.name}: no corpus file {path.relative_to(course.root())}")
            continue
        spec = importlib.util.spec_from_file_location(f"_corpus_{u.slug}", path)
        assert spec and spec.loader
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for check in u.checks:
            if len(mod.WRONG.get(check.name, [])) < 2:
                out.append(f"{u.name}: fewer than 2 wrong implementations of {check.name}")
            if len(mod.CORRECT.get(check.name, [])) < 1:
                out.append(f"{u.name}: no alternative correct implementation of {check.name}")
    return out


def student_facing_clean() -> list[str]:
    """No solution/hidden-test markers in what reaches students and readers: jclub/ and book/."""
    out = []
    root = course.root()
    for folder in ("jclub", "book"):
        for p in sorted((root / folder).rglob("*")):
            if p.is_file() and p.suffix in {".py", ".md", ".ipynb", ".yml", ".bib"}:
                if leaks(p.read_text(encoding="utf-8")):
                    out.append(f"{p.relative_to(root)} contains solution or hidden-test markers")
    return out


def late_policy_matches_docs() -> list[str]:
    """The syllabus, README and instructor guide state the late policy declared in autograder/settings.py."""
    from autograder.late import policy_problems

    return policy_problems()


ALL = {
    "outputs cleared": outputs_cleared,
    "ids unique": ids_unique,
    "hidden probes in sync with judges": probes_in_sync,
    "unit skeleton": skeleton,
    "fundamental and advanced questions": question_sections,
    "points match the syllabus": points_match_syllabus,
    "wrong/alternative corpora": corpora_complete,
    "jclub and book free of secrets": student_facing_clean,
    "late policy matches the docs": late_policy_matches_docs,
}


def run_all() -> dict[str, list[str]]:
    return {name: fn() for name, fn in ALL.items()}


def format_report(results: dict[str, list[str]]) -> str:
    lines = []
    for name, problems in results.items():
        lines.append(("✓ " if not problems else "✗ ") + name)
        lines += [f"    {p}" for p in problems]
    return "\n".join(lines)
