"""Running nbgrader's own commands (we wrap nbgrader, never re-implement it)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
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


def gradebook_url(course_root: Path | None = None) -> str:
    """The gradebook nbgrader uses: ``$JCLUB_GRADEBOOK_URL``, else SQLite in the course root."""
    from autograder import settings

    return (
        settings.load(course_root).gradebook_url
        or f"sqlite:///{(course_root or course.root()) / 'gradebook.db'}"
    )


_LOCK = threading.RLock()
_held = 0
_lock_fd: int | None = None


def _in_jupyter_server() -> bool:
    """True in a running Jupyter server (JupyterLab, jupyterhub-singleuser: where the formgrader runs)."""
    app = sys.modules.get("jupyter_server.serverapp")
    return bool(app is not None and app.ServerApp.initialized())


def serialize_sqlite_gradebook(db_url: str) -> None:
    """Make every nbgrader ``Gradebook`` of this process hold an exclusive lock on an SQLite gradebook.

    SQLite takes one writer at a time and fails others after a short busy timeout; parallel grading workers
    (separate ``nbgrader autograde`` processes) therefore queue on ``<gradebook>.lock`` (``flock``) for as
    long as each of them has the gradebook open — short moments before and after a notebook runs, never
    while it runs. Called from ``nbgrader_config.py`` (every nbgrader process) and by ``autograder grade``.
    A PostgreSQL gradebook takes concurrent writers itself and is left alone.

    Not in a Jupyter server (the instructor's formgrader also loads ``nbgrader_config.py``): the formgrader
    keeps one ``Gradebook`` open for the server's whole life, so it would hold the lock for hours and every
    ``grade`` would wait on it (tests/test_hub_browser.py found this). Its few small writes rely on SQLite's
    own busy timeout instead.
    """
    if not db_url.startswith("sqlite:///") or _in_jupyter_server():
        return
    from nbgrader import api

    if getattr(api.Gradebook, "_jclub_serialized", False):
        return
    path = db_url.removeprefix("sqlite:///").split("?")[0] + ".lock"
    init, close = api.Gradebook.__init__, api.Gradebook.close

    def acquire() -> None:
        global _held, _lock_fd
        _LOCK.acquire()
        if _held == 0:
            _lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(_lock_fd, fcntl.LOCK_EX)
        _held += 1

    def release() -> None:
        global _held, _lock_fd
        _held -= 1
        if _held == 0 and _lock_fd is not None:
            fcntl.flock(_lock_fd, fcntl.LOCK_UN)
            os.close(_lock_fd)
            _lock_fd = None
        _LOCK.release()

    def locked_init(self, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        acquire()
        self._jclub_locked = True
        try:
            init(self, *args, **kwargs)
        except BaseException:
            self._jclub_locked = False
            release()
            raise

    def locked_close(self) -> None:  # noqa: ANN001
        try:
            close(self)
        finally:
            if getattr(self, "_jclub_locked", False):
                self._jclub_locked = False
                release()

    api.Gradebook.__init__ = locked_init
    api.Gradebook.close = locked_close
    api.Gradebook._jclub_serialized = True
