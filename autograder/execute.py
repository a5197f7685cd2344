"""Executing source notebooks with their solutions, judging their probes, and caching the result.

The executed notebook is cached under ``_build/executed/`` keyed by a hash of the notebook, the unit's
judge module and ``jclub``; ``autograder book`` and the tests share one execution per notebook.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder import course
from autograder.judging import CellResult, judge_notebook

EXECUTE_TIMEOUT_S = 300


@dataclass
class Executed:
    unit: course.Unit
    notebook: nbformat.NotebookNode
    results: list[CellResult]
    seconds: float
    cached: bool

    @property
    def failed_checks(self) -> list[CellResult]:
        return [r for r in self.results if not r.verdict.passed]

    def errors(self) -> list[str]:
        """Error outputs of cells other than judged probe cells (a visible check or a demo that failed)."""
        found = []
        for cell in self.notebook.cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error" and out.get("ename") != "HiddenCheckFailed":
                    gid = course.nbgrader_meta(cell).get("grade_id", cell.get("id", "?"))
                    found.append(f"{self.unit.name}/{gid}: {out.get('ename')}: {out.get('evalue')}")
        return found


def _fingerprint(unit: course.Unit) -> str:
    h = hashlib.sha256()
    files = [unit.notebook, *sorted((course.root() / "jclub").glob("*.py"))]
    judge = course.root() / (unit.judge_module.replace(".", "/") + ".py")
    files.append(judge)
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    for extra in ("NBGRADER_EXECUTION",):
        h.update(os.environ.get(extra, "").encode())
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    return course.root() / "_build" / "executed"


def execute_unit(unit: course.Unit, use_cache: bool = True, timeout: int = EXECUTE_TIMEOUT_S) -> Executed:
    """Execute a unit's source notebook (solutions in) in its own folder, then judge its probe cells."""
    key = _fingerprint(unit)
    cache = cache_dir() / f"{unit.name}.ipynb"
    meta_path = cache.with_suffix(".json")
    if use_cache and cache.is_file() and meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if meta.get("key") == key:
            nb = nbformat.read(cache, as_version=4)
            return Executed(unit, nb, judge_notebook(nb, unit.name), meta["seconds"], cached=True)
    nb = unit.read()
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(unit.path)}},
    )
    t0 = time.perf_counter()
    backend = os.environ.pop(
        "MPLBACKEND", None
    )  # the kernel must use the inline backend: figures are outputs
    static = os.environ.get("JCLUB_STATIC")
    os.environ["JCLUB_STATIC"] = "1"  # jclub.explore draws static panels: no widget state in the book
    try:
        client.execute()
    finally:
        if backend is not None:
            os.environ["MPLBACKEND"] = backend
        if static is None:
            os.environ.pop("JCLUB_STATIC", None)
        else:
            os.environ["JCLUB_STATIC"] = static
    seconds = time.perf_counter() - t0
    cache.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, cache)  # probe payloads kept: judging is repeatable from the cache
    meta_path.write_text(json.dumps({"key": key, "seconds": seconds}))
    judged = nbformat.read(cache, as_version=4)
    return Executed(unit, judged, judge_notebook(judged, unit.name), seconds, cached=False)
