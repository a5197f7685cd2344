"""``autograder book``: the web book, from the source notebooks executed then stripped as the release is.

Staging folder ``_build/stage/``: the book pages (``book/``), ``_config.yml``, ``_toc.yml``, MathJax from the
``jupyter-server-mathjax`` package (so math renders with no network), and each unit notebook executed with
its solutions (reference figures) and stripped for students. Jupyter Book 1.x builds ``_build/html`` from it
with ``only_build_toc_files``, so nothing outside the table of contents is published.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat

from autograder import course
from autograder.execute import execute_unit
from autograder.notebooks import leaks, strip_for_students


class BuildError(RuntimeError):
    pass


def mathjax_dir() -> Path:
    import jupyter_server_mathjax

    return Path(jupyter_server_mathjax.__file__).parent / "static"


def stage(use_cache: bool = True, log: bool = True) -> Path:
    """Execute, judge and strip every unit; assemble the book's sources in ``_build/stage``."""
    root = course.root()
    stage_dir = root / "_build" / "stage"
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    (stage_dir / "units").mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(root / name, stage_dir / name)
    shutil.copytree(root / "book", stage_dir / "book", ignore=shutil.ignore_patterns("_static"))
    if (root / "book" / "_static").is_dir():  # the theme's small fixes (CSS) and the favicon
        shutil.copytree(root / "book" / "_static", stage_dir / "_static")
    shutil.copytree(mathjax_dir(), stage_dir / "_extra" / "mathjax")
    problems = []
    for u in course.units():
        ex = execute_unit(u, use_cache=use_cache)
        if log:
            state = "cached" if ex.cached else f"{ex.seconds:.1f} s"
            print(
                f"executed {u.name} ({state}); checks passed: "
                f"{sum(r.verdict.passed for r in ex.results)}/{len(ex.results)}"
            )
        problems += [f"{u.name}: reference fails {r.check}: {r.verdict.messages}" for r in ex.failed_checks]
        problems += ex.errors()
        page = strip_for_students(ex.notebook)
        problems += add_alt_text(page, u.name)
        dest = stage_dir / "units" / u.name / u.notebook.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(page, dest)
        for asset in u.path.iterdir():  # images etc. the page links to
            if asset.is_file() and asset.suffix.lower() in {".png", ".svg", ".jpg", ".gif"}:
                shutil.copy2(asset, dest.parent / asset.name)
    if problems:
        raise BuildError("source notebooks do not run clean:\n" + "\n".join(problems))
    return stage_dir


IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg")


def add_alt_text(nb: nbformat.NotebookNode, name: str) -> list[str]:
    """Give every figure alt text: the italic caption in the markdown cell that follows it (myst-nb metadata).

    Returns the figures that have no caption (the build fails on them: every figure needs one).
    """
    missing = []
    cells = nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        if not any(m in out.get("data", {}) for out in cell.get("outputs", []) for m in IMAGE_MIMES):
            continue
        nxt = next((c for c in cells[i + 1 :] if c.cell_type == "markdown"), None)
        first = nxt.source.strip().split("\n\n")[0] if nxt else ""
        if not (first.startswith("*") and first.rstrip().endswith("*")):
            missing.append(f"{name}: figure in cell {cell.get('id')} has no italic caption after it")
            continue
        alt = " ".join(first.strip("*").split())
        cell.metadata.setdefault("mystnb", {})["image"] = {"alt": alt}
    return missing


def build(use_cache: bool = True, log: bool = True) -> Path:
    """Stage and build the book into ``_build/html``; fail on a leak or a Sphinx warning about the TOC."""
    root = course.root()
    stage_dir = stage(use_cache=use_cache, log=log)
    out = root / "_build"
    html = out / "html"
    if html.exists():
        shutil.rmtree(html)
    cmd = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(stage_dir),
        "--path-output",
        str(root),
        "--builder",
        "html",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=root)
    if proc.returncode != 0 or not (html / "index.html").is_file():
        raise BuildError(
            "jupyter-book build failed:\n" + "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
        )
    polish(html)
    problems = scan_site(html)
    if problems:
        raise BuildError("the book leaks secrets:\n" + "\n".join(problems))
    if log:
        print(f"book built -> {html.relative_to(root)}/index.html")
    return html


_INLINE_SCRIPT = re.compile(r"<script>[^<]*</script>\n?")
_CITATION_LIST = '<div role="list" class="citation-list">'


def polish(html: Path) -> None:
    """Two defects of the generated pages, mended in place (tests/test_book.py finds them in a browser).

    * The theme stack writes some inline ``<script>`` twice (sphinx-thebe's ``const THEBE_JS_URL``): the
      second is a JavaScript error ("already declared"). Repeats of an identical inline script are dropped.
    * The bibliography's ``<div role="list">`` holds no ``listitem`` children, which screen readers (and
      axe-core) report as a broken list: the role is removed.
    """
    for page in html.rglob("*.html"):
        if page.parts[len(html.parts)] == "mathjax":
            continue
        text = page.read_text(encoding="utf-8")
        new = _INLINE_SCRIPT.sub(_once(set()), text).replace(_CITATION_LIST, '<div class="citation-list">')
        if new != text:
            page.write_text(new, encoding="utf-8")


def _once(seen: set[str]) -> Callable[[re.Match[str]], str]:
    """A substitution that keeps the first occurrence of each match and drops its repeats."""

    def keep_first(m: re.Match[str]) -> str:
        if m.group(0) in seen:
            return ""
        seen.add(m.group(0))
        return m.group(0)

    return keep_first


def scan_site(html: Path) -> list[str]:
    """Secret markers anywhere in the built site: pages, _sources, downloadable notebooks, search index."""
    problems = []
    for p in sorted(html.rglob("*")):
        if not p.is_file() or p.parts[len(html.parts)] == "mathjax":
            continue
        try:
            text = p.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        found = leaks(text)
        if found:
            problems.append(f"{p.relative_to(html)}: {found}")
    return problems
