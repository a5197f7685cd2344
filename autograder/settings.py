"""One typed settings object for grading: every limit, timeout and ``JCLUB_*`` variable, with its source.

Each field has a default; a course file (``grading.toml`` in the course root, or the file named by
``$JCLUB_SETTINGS_FILE``, table ``[grading]``) may override it, and an environment variable overrides both.
``nbgrader_config.py``, the sandbox, the preprocessors and ``autograder grade`` read :func:`load` (at the
moment they need a value: a variable set after import counts). ``python -m autograder config`` prints the
table with the source of every value. The effective values are part of the grading ledger's fingerprint:
changing a limit regrades.

This module uses the standard library only (``nbgrader_config.py`` and the zygote import it early).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    """What one field means: its variable and a one-line description (with the unit)."""

    env: str
    help: str


# field name -> (variable, help); the order is the order of the printed table
SPEC: dict[str, Setting] = {
    "cell_timeout_s": Setting("JCLUB_CELL_TIMEOUT_S", "seconds one cell may run (nbgrader Execute.timeout)"),
    "notebook_timeout_s": Setting(
        "JCLUB_NOTEBOOK_TIMEOUT_S", "seconds autograding one notebook may take, then: review"
    ),
    "feedback_timeout_s": Setting(
        "JCLUB_FEEDBACK_TIMEOUT_S", "seconds generating one feedback page may take"
    ),
    "max_submission_bytes": Setting("JCLUB_MAX_SUBMISSION_BYTES", "bytes of one submission folder copied"),
    "max_submission_files": Setting("JCLUB_MAX_SUBMISSION_FILES", "files of one submission folder copied"),
    "max_notebook_bytes": Setting(
        "JCLUB_MAX_NOTEBOOK_BYTES", "a submitted notebook larger than this goes to review, unparsed"
    ),
    "max_notebook_size_factor": Setting(
        "JCLUB_MAX_NOTEBOOK_SIZE_FACTOR", "… or larger than this many times the released notebook"
    ),
    "max_cells": Setting("JCLUB_MAX_CELLS", "a submitted notebook with more cells than this goes to review"),
    "max_cells_factor": Setting(
        "JCLUB_MAX_CELLS_FACTOR", "… or with more than this many times the release's"
    ),
    "max_cell_output_bytes": Setting("JCLUB_MAX_CELL_OUTPUT_BYTES", "output bytes kept per cell"),
    "max_notebook_output_bytes": Setting("JCLUB_MAX_NOTEBOOK_OUTPUT_BYTES", "output bytes kept per notebook"),
    "max_kernel_restarts": Setting("JCLUB_MAX_KERNEL_RESTARTS", "kernel restarts before the rest is not run"),
    "unresponsive_wait_s": Setting(
        "JCLUB_UNRESPONSIVE_WAIT_S", "seconds a kernel has to answer after a timed-out cell"
    ),
    "sandbox_memory_mb": Setting("JCLUB_SANDBOX_MEMORY_MB", "RLIMIT_AS of every sandboxed process (MB)"),
    "sandbox_processes": Setting("JCLUB_SANDBOX_PROCESSES", "RLIMIT_NPROC of the sandbox user (tasks)"),
    "sandbox_file_mb": Setting("JCLUB_SANDBOX_FILE_MB", "RLIMIT_FSIZE: largest file written (MB)"),
    "sandbox_cpu_s": Setting("JCLUB_SANDBOX_CPU_S", "RLIMIT_CPU of one sandboxed process (s)"),
    "sandbox_open_files": Setting("JCLUB_SANDBOX_OPEN_FILES", "RLIMIT_NOFILE"),
    "sandbox_tmpfs_mb": Setting(
        "JCLUB_SANDBOX_TMPFS_MB", "size of each sandbox tmpfs: home, /tmp, /dev/shm (MB)"
    ),
    "sandbox_submission_mb": Setting(
        "JCLUB_SANDBOX_SUBMISSION_MB", "submission files copied into the sandbox home (MB)"
    ),
    "sandbox_tmp": Setting("JCLUB_SANDBOX_TMP", "folder for the sandboxes' scratch folders ('': system tmp)"),
    "grade_fork": Setting("JCLUB_GRADE_FORK", "fork each grader from a warm zygote (0: fresh interpreter)"),
    "gradebook_url": Setting(
        "JCLUB_GRADEBOOK_URL", "gradebook database ('': SQLite gradebook.db in the root)"
    ),
    "fraction_per_day": Setting("JCLUB_LATE_FRACTION_PER_DAY", "late policy: fraction of the score per day"),
    "max_days": Setting("JCLUB_LATE_MAX_DAYS", "late policy: days late after which the score is zero"),
}


@dataclass(frozen=True)
class Settings:
    """Every grading limit of the course (see :data:`SPEC` for the variables and units)."""

    cell_timeout_s: int = 120
    notebook_timeout_s: int = 900
    feedback_timeout_s: int = 300
    max_submission_bytes: int = 64 << 20
    max_submission_files: int = 500
    max_notebook_bytes: int = 32 << 20
    max_notebook_size_factor: int = 50
    max_cells: int = 5000
    max_cells_factor: int = 20
    max_cell_output_bytes: int = 100_000
    max_notebook_output_bytes: int = 2_000_000
    max_kernel_restarts: int = 6
    unresponsive_wait_s: int = 10
    sandbox_memory_mb: int = 4096
    sandbox_processes: int = 256
    sandbox_file_mb: int = 64
    sandbox_cpu_s: int = 900
    sandbox_open_files: int = 512
    sandbox_tmpfs_mb: int = 256
    sandbox_submission_mb: int = 64
    sandbox_tmp: str = ""
    grade_fork: bool = True
    gradebook_url: str = ""
    fraction_per_day: float = 0.10
    max_days: int = 7

    def sandbox_limits(self) -> dict[str, int]:
        """The sandbox's resource limits, keyed as :class:`autograder.sandbox.Limits` fields."""
        return {
            f.name.removeprefix("sandbox_"): getattr(self, f.name) for f in fields(self) if _is_limit(f.name)
        }

    def fingerprint_items(self) -> list[tuple[str, str]]:
        """What a grade depends on, as (name, value) pairs (the ledger hashes them)."""
        return [(f.name, repr(getattr(self, f.name))) for f in fields(self) if f.name != "sandbox_tmp"]


def _is_limit(name: str) -> bool:
    return name.startswith("sandbox_") and name != "sandbox_tmp"


def _convert(kind: type | str, raw: object, where: str) -> object:
    kind = (
        {"int": int, "float": float, "bool": bool, "str": str}.get(kind, kind)
        if isinstance(kind, str)
        else kind
    )
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if kind is int:
            if isinstance(raw, bool):
                raise ValueError(raw)
            return int(raw)
        if kind is float:
            return float(raw)
        return str(raw)
    except (TypeError, ValueError):
        raise SettingsError(f"{where}: {raw!r} is not a valid {kind.__name__}") from None


class SettingsError(ValueError):
    """A settings file or variable holds a value of the wrong kind or an unknown name."""


def settings_file(root: Path | None = None) -> Path:
    """The course's settings file (it need not exist)."""
    named = os.environ.get("JCLUB_SETTINGS_FILE")
    if named:
        return Path(named)
    if root is None:
        root = Path(os.environ.get("JCLUB_ROOT") or Path(__file__).resolve().parent.parent)
    return Path(root) / "grading.toml"


def load_with_sources(
    root: Path | None = None, environ: dict[str, str] | None = None
) -> tuple[Settings, dict[str, str]]:
    """The effective settings and, per field, where its value came from: default, file or environment."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    sources = {f.name: "default" for f in fields(Settings)}
    kinds = {f.name: f.type for f in fields(Settings)}
    path = settings_file(root)
    if path.is_file():
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("grading", {})
        for name, raw in table.items():
            if name not in kinds:
                raise SettingsError(f"{path}: unknown setting {name!r}")
            values[name] = _convert(kinds[name], raw, f"{path} [grading] {name}")
            sources[name] = "file"
    for name, spec in SPEC.items():
        raw = environ.get(spec.env)
        if raw is not None and raw != "":
            values[name] = _convert(kinds[name], raw, spec.env)
            sources[name] = "environment"
    return Settings(**values), sources


def load(root: Path | None = None) -> Settings:
    """The effective settings now (defaults, then the course file, then the environment)."""
    return load_with_sources(root)[0]


def table(root: Path | None = None) -> str:
    """The settings as a text table: name, value, source, variable, meaning."""
    s, sources = load_with_sources(root)
    rows = [("setting", "value", "source", "variable", "meaning")]
    for name, spec in SPEC.items():
        rows.append((name, repr(getattr(s, name)), sources[name], spec.env, spec.help))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4] for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.append(
        f"\nsettings file: {settings_file(root)}" + ("" if settings_file(root).is_file() else " (none)")
    )
    return "\n".join(lines)
