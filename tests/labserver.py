"""Starting a Jupyter server for a browser or HTTP test: a free loopback port, waiting until it answers."""

from __future__ import annotations

import secrets
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, token: str, proc: subprocess.Popen, seconds: float = 90) -> None:
    """Poll ``url/api/status`` until the server answers; kill it and fail the test after ``seconds``."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the Jupyter server exited with status {proc.returncode} before answering")
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    proc.kill()
    pytest.fail(f"the Jupyter server did not answer within {seconds:.0f} s")


def start(
    jupyter: list[str], cwd: Path, env: dict[str, str], *options: str
) -> tuple[subprocess.Popen, str, str]:
    """``jupyter`` (e.g. ``[python, "-m", "jupyterlab"]``) on a free loopback port with a fresh token, started
    in ``cwd``; returns (process, base URL, token) once it answers. Stop it with :func:`stop`."""
    port, token = free_port(), secrets.token_hex(16)
    proc = subprocess.Popen(
        [
            *jupyter,
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--ServerApp.token={token}",
            *options,
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url, token, proc)
    return proc, url, token


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
