"""The grading ledger: what a grade depends on, hashed, so that a rerun skips only what truly did not change.

A grade depends on the staged submission, the unit's source notebook, its judge module, **all the grading
code** (``autograder/*.py`` but the modules listed in :data:`NOT_GRADING`, ``autograder/grading/``), the
``jclub`` package students import, ``nbgrader_config.py`` and the effective :mod:`autograder.settings`
(limits and timeouts). Change any of them and every submission is graded again.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict
from pathlib import Path

from autograder import course, settings

LEDGER = ".jclub-ledger"
# autograder modules that take no part in grading a submission (a change to them does not regrade)
NOT_GRADING = frozenset(
    {
        "__main__.py",
        "analytics.py",
        "authoring.py",
        "book.py",
        "invariants.py",
        "mutants.py",
        "publish.py",
        "scaffold.py",
        "solutions.py",
    }
)
PACKAGE = Path(__file__).resolve().parent.parent  # autograder/


def grading_code(unit: course.Unit | None = None) -> list[Path]:
    """Every file of grading code a unit's grade depends on, in a stable order."""
    files = [p for p in sorted(PACKAGE.glob("*.py")) if p.name not in NOT_GRADING]
    files += sorted((PACKAGE / "grading").glob("*.py"))
    files += sorted(
        p for p in (course.root() / "jclub").rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    files.append(course.root() / "nbgrader_config.py")
    if unit is not None and unit.checks:
        judge = sys.modules.get(unit.checks[0].probe.__module__)
        path = getattr(judge, "__file__", None)
        if path:
            files.append(Path(path))
    return [p for p in files if p.is_file()]


def fingerprint(staged: Path, unit: course.Unit, effective: settings.Settings | None = None) -> str:
    """What a grade depends on: the staged submission, the unit's source, the grading code, the settings."""
    h = hashlib.sha256()
    for p in sorted(staged.rglob("*")):
        if p.is_file():
            h.update(b"S" + str(p.relative_to(staged)).encode() + b"\0" + p.read_bytes() + b"\0")
    h.update(b"U" + unit.notebook.read_bytes())
    for f in grading_code(unit):
        h.update(b"F" + f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    for name, value in (effective or settings.load()).fingerprint_items():
        h.update(f"V{name}={value}\0".encode())
    return h.hexdigest()


def path(root: Path, student: str, unit: course.Unit) -> Path:
    return root / "autograded" / LEDGER / student / f"{unit.name}.json"


def read(root: Path, student: str, unit: course.Unit) -> dict | None:
    p = path(root, student, unit)
    return json.loads(p.read_text()) if p.is_file() else None


def write(root: Path, student: str, unit: course.Unit, fp: str, outcome: object) -> None:
    p = path(root, student, unit)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(".tmp")
    tmp.write_text(json.dumps({"fingerprint": fp, "outcome": asdict(outcome)}))
    tmp.replace(p)
