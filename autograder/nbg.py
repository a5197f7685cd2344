"""Running nbgrader's own commands (we wrap nbgrader, never re-implement it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from autograder import course


class NbgraderError(RuntimeError):
    """An nbgrader command failed; the message holds the end of its log."""


def env() -> dict[str, str]:
    """nbgrader's environment: this interpreter's bin/ first on PATH (nbgrader runs ``alembic`` by name)."""
    e = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    e["PATH"] = bindir + os.pathsep + e.get("PATH", "")
    e.setdefault("PYTHONHASHSEED", "0")
    return e


def run(
    *args: str,
    cwd: Path | None = None,
    check: bool = True,
    timeout: float | None = None,
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``nbgrader <args>`` in the course root; raises :class:`NbgraderError` on failure when ``check``."""
    e = env()
    if extra_env:
        e.update(extra_env)
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=cwd or course.root(),
        env=e,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-25:])
        raise NbgraderError(f"nbgrader {' '.join(args)} failed (exit {proc.returncode}):\n{tail}")
    return proc
