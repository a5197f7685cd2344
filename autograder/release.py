"""``autograder release``: the student version of every unit, by ``nbgrader generate_assignment``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from autograder import course, nbg
from autograder.grading.probesync import require_in_sync
from autograder.notebooks import leaks


def release(
    names: list[str] | None = None, log: bool = True, run: Callable[..., object] = nbg.run
) -> list[Path]:
    """Generate ``release/<unit>/`` for the given units (all by default) and scan it for leaks.

    ``run(*nbgrader_args)`` runs one nbgrader command (``autograder grade`` passes its warm launcher's).
    Raises :class:`~autograder.grading.probesync.ProbesOutOfSync` (naming the cells) before releasing
    anything when a unit's hidden probe cells do not match its judge module.
    """
    chosen = [course.unit(n) for n in names] if names else course.units()
    require_in_sync(chosen)
    out = []
    for u in chosen:
        run("generate_assignment", u.name, "--force")
        dest = course.root() / "release" / u.name
        problems = scan_release(dest)
        if problems:
            raise RuntimeError("the release leaks secrets:\n" + "\n".join(problems))
        if log:
            print(f"released {u.name} -> {dest.relative_to(course.root())}")
        out.append(dest)
    return out


def scan_release(folder: Path) -> list[str]:
    """Secret markers or judge files in a released folder."""
    problems = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        if p.suffix == ".py" and "judge" in p.name:
            problems.append(f"{p}: a judge file in the release")
        try:
            text = p.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        found = leaks(text)
        if found:
            problems.append(f"{p}: contains {found}")
    return problems
