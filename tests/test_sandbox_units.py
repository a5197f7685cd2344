"""The sandbox without root: its kernel side uses the standard library only, its limits and command line."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from autograder import sandbox

KERNEL_SIDE = ("_copy_submission", "_set_limits", "_die_with_parent", "kernel_command", "kernel_main")


def _imports(node: ast.AST) -> set[str]:
    found = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Import):
            found |= {a.name.split(".")[0] for a in n.names}
        elif isinstance(n, ast.ImportFrom) and n.level == 0 and n.module:
            found.add(n.module.split(".")[0])
    return found


def test_the_kernel_side_uses_the_standard_library_only():
    """``python -I sandbox.py kernel`` runs without the venv's packages: module level and kernel side."""
    tree = ast.parse(Path(sandbox.__file__).read_text())
    top = set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            top |= _imports(node)
    kernel = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in KERNEL_SIDE:
            kernel |= _imports(node)
    allowed = set(sys.stdlib_module_names) | {"__future__"}
    assert top - allowed == set(), top - allowed
    assert kernel - allowed == set(), kernel - allowed
    assert {n.name for n in tree.body if isinstance(n, ast.FunctionDef)} >= set(KERNEL_SIDE)


def test_the_kernel_wrapper_starts_in_isolated_mode():
    """The script itself loads under ``python -I`` (no site-packages): usage message, exit 2."""
    proc = subprocess.run([sys.executable, "-I", "-S", sandbox.__file__], capture_output=True, text=True)
    assert proc.returncode == 2 and "usage" in proc.stderr


def test_limits_are_set_in_the_process(tmp_path):
    limits = {"memory_mb": 2048, "processes": 77, "file_mb": 3, "cpu_s": 50, "open_files": 64}
    code = (
        "import json, resource, sys; sys.path.insert(0, sys.argv[1]); import sandbox; "
        "sandbox._set_limits(json.loads(sys.argv[2])); "
        "print(json.dumps([resource.getrlimit(r)[0] for r in (resource.RLIMIT_AS, resource.RLIMIT_NPROC, "
        "resource.RLIMIT_FSIZE, resource.RLIMIT_CPU, resource.RLIMIT_NOFILE, resource.RLIMIT_CORE)]))"
    )
    here = str(Path(sandbox.__file__).parent)
    out = subprocess.run(
        [sys.executable, "-I", "-c", code, here, json.dumps(limits)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == [2048 << 20, 77, 3 << 20, 50, 64, 0]


def test_the_kernel_command(tmp_path):
    limits = asdict(sandbox.Limits(tmpfs_mb=8))
    cfg = sandbox.KernelConfig(
        user="jclubsbx9",
        uid=12345,
        gid=12346,
        scratch=str(tmp_path),
        ipc_dir=str(tmp_path / "ipc"),
        python=sys.executable,
        binds=[("/opt/venv", "/opt/venv"), ("/srv/data", sandbox.DATA_MOUNT)],
        env={"JCLUB_DATA_DIR": sandbox.DATA_MOUNT},
        limits=limits,
    )
    kdir = tmp_path / "k"
    kdir.mkdir()
    cmd = sandbox.kernel_command(cfg, kdir, ["--extra"])
    assert cmd[:4] == ["unshare", "--mount", "--propagation", "private"]
    script = cmd[-1]
    assert "mount --bind /opt/venv" in script and "mount --bind /srv/data" in script
    assert "setpriv --reuid=12345 --regid=12346 --clear-groups" in script
    for flag in ("--unshare-all", "--unshare-user", "--disable-userns", "--clearenv", "--die-with-parent"):
        assert flag in script
    assert f"--size {8 << 20} --tmpfs /tmp" in script and f"--tmpfs {sandbox.SANDBOX_HOME}" in script
    assert f"--ro-bind {kdir}/mnt/1 {sandbox.DATA_MOUNT}" in script
    assert "--setenv JCLUB_DATA_DIR /course/data" in script and "--setenv OMP_NUM_THREADS 1" in script
    assert "ipykernel_launcher -f /run/jclub/connection.json --extra" in script
    assert "JCLUB_SANDBOX_CONFIG" not in script and "JCLUB_ROOT" not in script


def test_the_limits_come_from_the_settings(monkeypatch):
    monkeypatch.setenv("JCLUB_SANDBOX_PROCESSES", "33")
    monkeypatch.setenv("JCLUB_SANDBOX_TMPFS_MB", "12")
    limits = sandbox.Limits.from_env()
    assert (limits.processes, limits.tmpfs_mb, limits.memory_mb) == (33, 12, 4096)
    assert os.environ["JCLUB_SANDBOX_PROCESSES"] == "33"
