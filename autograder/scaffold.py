"""``python -m autograder new-unit NN-slug "Title"``: a unit as one scaffolded bundle.

Writes, and refuses to overwrite, everything a new unit needs so that ``python -m autograder check`` can
hold it to the course's rules from the first commit:

* ``units/NN-slug/slug.ipynb`` — the notebook skeleton (title, learning goals, estimated time, how it is
  graded, a setup cell, one exercise with answer / visible check / hidden probe, a written question,
  Summary, Further reading), its probe cells generated from the judge;
* ``autograder/judges/<slug>.py`` — one example check (replace it with the unit's own);
* ``tests/corpora/<slug>.py`` — the corpus of wrong and alternative answers (WRONG / CORRECT);
* ``tests/test_unit_NN_<slug>.py`` — the unit's test file;
* the unit's row in the points table of ``book/syllabus.md`` and its chapter in ``_toc.yml``.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

from autograder import course
from autograder.authoring import NotebookWriter

JUDGE = '''"""Judges of unit {name} ({title}): one graded check per exercise (see CONTRIBUTING.md)."""

from __future__ import annotations

from autograder.checks import Check, Findings, Verdict, as_float

TWICE_CASES = [{{"x": 7.0}}, {{"x": -13.0}}, {{"x": 2.5}}]


def probe_twice(twice, cases):
    return [twice(case["x"]) for case in cases]


def judge_twice(data, cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        f.require(as_float(got, "twice(x)") == 2 * case["x"], "twice(x) is not 2·x")
    return f.verdict()


CHECKS = [
    Check("twice", ("twice",), 1, TWICE_CASES, probe_twice, judge_twice),
]
'''

CORPUS = '''"""Wrong answers (must fail) and alternative correct answers (must pass) for unit {name}.

Each entry maps a check name to functions with the student's signature. Give every exercise at least five
wrong answers of the kinds in CONTRIBUTING.md and at least one alternative correct answer.
"""

from __future__ import annotations


def twice_squares(x):
    """Squares instead of doubling."""
    return x * x


def twice_adds_one(x):
    """Off by one."""
    return 2 * x + 1


def twice_sum(x):
    """The same, written as a sum."""
    return x + x


WRONG = {{"twice": [twice_squares, twice_adds_one]}}
CORRECT = {{"twice": [twice_sum]}}
'''

TEST = '''"""Unit {name} ({title}): the judges' own tests (add grader-side references against theory here)."""

from __future__ import annotations

from autograder import course

UNIT = "{name}"


def test_every_check_of_the_unit_has_a_probe_cell():
    u = course.unit(UNIT)
    cells = {{course.nbgrader_meta(c).get("grade_id") for c in u.read().cells}}
    assert u.checks and all(c.grade_id in cells for c in u.checks)
'''


class ScaffoldError(ValueError):
    """The unit name is not NN-slug, or the unit (or one of its files) exists already."""


def paths(name: str, root: Path | None = None) -> dict[str, Path]:
    """Where the bundle of unit ``name`` lives."""
    m = course.UNIT_RE.match(name)
    if not m:
        raise ScaffoldError(
            f"{name!r} is not a unit name: NN-slug (two digits, lower-case words and hyphens)"
        )
    root = root or course.root()
    slug, mod = m.group(2), m.group(2).replace("-", "_")
    return {
        "notebook": root / "units" / name / f"{slug}.ipynb",
        "judge": root / "autograder" / "judges" / f"{mod}.py",
        "corpus": root / "tests" / "corpora" / f"{mod}.py",
        "test": root / "tests" / f"test_unit_{m.group(1)}_{mod}.py",
    }


def _checks(judge: Path) -> list:
    """The new judge module's checks, loaded under the name the course will import it by."""
    name = f"autograder.judges.{judge.stem}"
    spec = importlib.util.spec_from_file_location(name, judge)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    saved = sys.modules.get(name)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        if saved is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = saved
    return list(module.CHECKS)


def notebook(name: str, title: str, checks: list) -> NotebookWriter:
    """The skeleton of a unit's notebook, with one exercise per check and one written question."""
    w = NotebookWriter()
    w.md(
        f"# {title}\n\nUnit {name[:2]}. *Why this topic matters, in two sentences.*\n\n"
        "**Learning goals.**\n\n* …\n\n**Estimated time.** 3 hours.\n\n"
        "**Papers.** *Cite them with {cite}`key` (book/references.bib).*"
        "\n\n**How it is graded.** Each exercise has a visible check you can run (0 points) and a hidden "
        "check that carries its points; written answers are graded by a person."
    )
    w.code("import numpy as np\n\nimport jclub\n\nrng = jclub.setup(seed=0)")
    for i, check in enumerate(checks, 1):
        w.md(f"## {i}. Exercise: `{check.name}`\n\nThe precise contract: signature, shapes, units, errors.")
        args = ", ".join(check.functions)
        w.answer(
            check.name,
            f'def {check.functions[0]}(x):\n    """Twice ``x``."""\n'
            "    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
        )
        w.visible_check(
            check.name,
            f'assert {check.functions[0]}(1.5) == 3.0, "{args}(1.5) should be 3"\n'
            "from jclub.checks import passed\n\n"
            f'passed("{check.name}")',
        )
        w.probe(check.name, check.points)
    w.md("## Fundamental questions")
    w.manual("why", 1, "**Question.** Why …?", "A model answer.\n\n**Mark scheme (1 point).** …")
    w.md("## Advanced questions")
    w.manual("how", 1, "**Question.** How …?", "A model answer.\n\n**Mark scheme (1 point).** …")
    w.md("## Summary\n\n* …")
    w.md("## Further reading\n\n* …")
    by_id = {c.grade_id: c for c in checks}
    for cell in w.cells:
        gid = course.nbgrader_meta(cell).get("grade_id", "")
        if gid in by_id:
            cell.source = by_id[gid].cell_source()
    return w


def _syllabus_row(root: Path, name: str, title: str, auto: float, manual: float) -> None:
    path = root / "book" / "syllabus.md"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    rows = [i for i, line in enumerate(lines) if re.match(r"^\| `\d\d-[a-z0-9-]+` \|", line)]
    if not rows:
        raise ScaffoldError(f"{path}: no points table found")
    row = f"| `{name}` | {title} | {auto:g} | {manual:g} | {auto + manual:g} | (papers) |\n"
    lines.insert(rows[-1] + 1, row)
    path.write_text("".join(lines), encoding="utf-8")


def _toc_entry(root: Path, file: str) -> None:
    path = root / "_toc.yml"
    text = path.read_text(encoding="utf-8")
    entry = f"      - file: {file}\n"
    marker = "  - caption: Back matter\n"
    text = text.replace(marker, entry + marker, 1) if marker in text else text + entry
    path.write_text(text, encoding="utf-8")


def new_unit(name: str, title: str, root: Path | None = None) -> list[Path]:
    """Write the bundle of a new unit; return the files written. Raises :class:`ScaffoldError`."""
    root = root or course.root()
    where = paths(name, root)
    taken = [p for p in [*where.values(), where["notebook"].parent] if p.exists()]
    if taken:
        raise ScaffoldError(f"unit {name} exists already: {', '.join(str(p) for p in taken)}")
    title = " ".join(title.split()) or name
    where["judge"].parent.mkdir(parents=True, exist_ok=True)
    where["judge"].write_text(JUDGE.format(name=name, title=title), encoding="utf-8")
    checks = _checks(where["judge"])
    notebook(name, title, checks).save(where["notebook"])
    where["corpus"].parent.mkdir(parents=True, exist_ok=True)
    where["corpus"].write_text(CORPUS.format(name=name), encoding="utf-8")
    where["test"].write_text(TEST.format(name=name, title=title), encoding="utf-8")
    _syllabus_row(root, name, title, sum(c.points for c in checks), 2)
    rel = where["notebook"].relative_to(root).with_suffix("")
    _toc_entry(root, str(rel))
    return [*where.values(), root / "book" / "syllabus.md", root / "_toc.yml"]
