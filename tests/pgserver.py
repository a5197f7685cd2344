"""A throwaway PostgreSQL server for tests: Debian's ``postgresql``, on a private Unix socket (no TCP)."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@contextlib.contextmanager
def postgres_server(db: str = "gradebook") -> Iterator[str]:
    """Start a server run as the ``postgres`` user, yield its SQLAlchemy URL, stop and delete it afterwards.

    The socket folder is world-traversable so other unix users (a hub's instructor) can reach the server;
    authentication is ``trust``: only for tests on one machine.
    """
    # SQLAlchemy 2 reads postgresql:// URLs with psycopg (3): `pip install "psycopg[binary]"`
    pytest.importorskip("psycopg", reason="the PostgreSQL driver psycopg is not installed")
    pg = pg_bin()
    if pg is None:
        pytest.skip("Debian's postgresql is not installed (apt-get install postgresql)")
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("no postgres user")
    base = Path(tempfile.mkdtemp(prefix="jclub-pg-"))
    os.chmod(base, 0o755)
    os.chown(base, user.pw_uid, user.pw_gid)
    as_pg = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups", "--"]
    data, sock = base / "data", base / "sock"

    def run(*cmd: str) -> None:
        subprocess.run([*as_pg, *cmd], check=True, capture_output=True, timeout=120, cwd=base)

    try:
        run(str(pg / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
        run("mkdir", "-m", "0755", str(sock))
        opts = f"-k {sock} -c listen_addresses='' -c fsync=off -c max_connections=50"
        run(str(pg / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(base / "log"), "-w", "start")
        run(str(pg / "createdb"), "-h", str(sock), "-U", "postgres", db)
        yield f"postgresql://postgres@/{db}?host={sock}"
    finally:
        subprocess.run(
            [*as_pg, str(pg / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(base, ignore_errors=True)
