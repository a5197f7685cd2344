"""Where things are: the course root, its units (nbgrader assignments) and their judge modules."""

from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import ModuleType

import nbformat

from autograder.checks import Check

ROOT = Path(__file__).resolve().parent.parent
UNIT_RE = re.compile(r"^(\d\d)-([a-z0-9-]+)$")
COURSE_ID = "jclub"


def root() -> Path:
    """The course repository root (``$JCLUB_ROOT`` overrides, for tests working on a copy)."""
    return Path(os.environ.get("JCLUB_ROOT", ROOT)).resolve()


@dataclass(frozen=True)
class Unit:
    """One nbgrader assignment: ``units/NN-slug/`` holding one source notebook and its assets."""

    name: str
    path: Path

    @property
    def slug(self) -> str:
        m = UNIT_RE.match(self.name)
        assert m, self.name
        return m.group(2)

    @property
    def judge_module(self) -> str:
        return "autograder.judges." + self.slug.replace("-", "_")

    @property
    def notebooks(self) -> list[Path]:
        return sorted(p for p in self.path.glob("*.ipynb") if not p.name.startswith("."))

    @property
    def notebook(self) -> Path:
        nbs = self.notebooks
        if len(nbs) != 1:
            raise ValueError(f"{self.path} should hold exactly one notebook, found {len(nbs)}")
        return nbs[0]

    @cached_property
    def checks(self) -> list[Check]:
        return load_checks(self.name)

    def read(self) -> nbformat.NotebookNode:
        return nbformat.read(self.notebook, as_version=4)

    @property
    def title(self) -> str:
        nb = self.read()
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                for line in cell.source.splitlines():
                    if line.startswith("# "):
                        return line[2:].strip()
        return self.name


def units(course_root: Path | None = None) -> list[Unit]:
    """All units under ``units/``, in order (``$JCLUB_ONLY=name,name`` restricts them, for quick runs)."""
    base = (course_root or root()) / "units"
    found = [Unit(p.name, p) for p in sorted(base.iterdir()) if p.is_dir() and UNIT_RE.match(p.name)]
    only = [n for n in os.environ.get("JCLUB_ONLY", "").split(",") if n]
    return [u for u in found if u.name in only] if only else found


def unit(name: str, course_root: Path | None = None) -> Unit:
    for u in units(course_root):
        if u.name == name:
            return u
    raise KeyError(f"no unit named {name!r}; units are {[u.name for u in units(course_root)]}")


def load_checks(assignment: str) -> list[Check]:
    """The checks of an assignment, from ``autograder/judges/<slug>.py`` (its ``CHECKS`` list)."""
    m = UNIT_RE.match(assignment)
    if not m:
        raise KeyError(f"{assignment!r} is not a unit name (NN-slug)")
    slug = m.group(2).replace("-", "_")
    try:
        module = importlib.import_module("autograder.judges." + slug)
    except ModuleNotFoundError as err:
        if err.name != "autograder.judges." + slug or not (module := _extra_judges(slug)):
            raise
    checks = list(module.CHECKS)
    names = [c.name for c in checks]
    if len(set(names)) != len(names):
        raise ValueError(f"{module.__name__}: duplicate check names {names}")
    return checks


def _extra_judges(slug: str) -> ModuleType | None:
    """A judge module ``<slug>.py`` from a folder in ``$JCLUB_EXTRA_JUDGES`` (tests' own small units only)."""
    import importlib.util
    import sys

    for folder in filter(None, os.environ.get("JCLUB_EXTRA_JUDGES", "").split(os.pathsep)):
        path = Path(folder) / f"{slug}.py"
        if path.is_file():
            name = f"jclub_extra_judges.{slug}"
            if name not in sys.modules:
                spec = importlib.util.spec_from_file_location(name, path)
                assert spec and spec.loader
                module = importlib.util.module_from_spec(spec)
                sys.modules[name] = module
                spec.loader.exec_module(module)
            return sys.modules[name]
    return None


def nbgrader_meta(cell: nbformat.NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def points_of(nb: nbformat.NotebookNode) -> tuple[float, float]:
    """(autograded points, manually graded points) of a source notebook."""
    auto = manual = 0.0
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if not meta.get("grade"):
            continue
        pts = float(meta.get("points", 0))
        if meta.get("solution") or meta.get("task"):
            manual += pts
        else:
            auto += pts
    return auto, manual
