"""Sandboxed grading kernels: every submission's kernel runs in bubblewrap as an unprivileged user.

How a kernel is started (``autograder grade`` sets this up; nbgrader and jupyter_client do the rest):

* nbgrader's ``Execute`` asks for the kernelspec ``jclub-sandbox`` (``--Execute.kernel_name``) over the
  ``ipc`` transport with an absolute socket path (``--KernelManager.transport=ipc``, ``--KernelManager.ip``),
  since the sandbox has no network at all. The kernelspec's ``argv`` is this file run as a script (stdlib
  only, ``python -I``); its ``interrupt_mode`` is ``message`` (a signal would hit bubblewrap, not the cell).
* The wrapper (``kernel`` mode below, running as the grader) copies the working directory nbgrader gives the
  kernel — minus notebooks, which hold the hidden tests at that point, and minus anything but regular files —
  into a fresh private folder, then runs, in a private mount namespace (``unshare --mount``) so that nothing
  changes on the host::

      mount --bind <python, venv, jclub, data, ...> <staging dirs the sandbox user can reach>
      setpriv --reuid <jclubsbxN> ... bwrap --unshare-all --unshare-user --disable-userns ...

  with resource limits set before the switch: address space (memory), processes (per user id, so every
  parallel worker has its own user ``jclubsbx<N>``), file size, CPU seconds, open files, no core dumps.
* Inside: read-only ``/usr``, the Python installation and virtual environment, the ``jclub`` package and the
  course ``data/`` at ``/course/data``; size-capped tmpfs for ``/tmp``, ``/dev/shm`` and the home, into which
  the submission's files are copied (the private working copy); the ipc socket folder; a clean environment
  (no grader variables, BLAS/OpenMP/torch threads pinned to 1); no network, own PID namespace (every process
  dies with the kernel), no further user namespaces. The gradebook, ``units/``, ``autograder/``, other
  submissions and the rest of the host are simply not there.

``SIGXFSZ`` is ignored so that an oversized write fails with ``EFBIG`` instead of killing the kernel.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

KERNEL_NAME = "jclub-sandbox"
USER_PREFIX = "jclubsbx"
SANDBOX_HOME = "/home/student"
DATA_MOUNT = "/course/data"
RUN_MOUNT = "/run/jclub"
MPL_MOUNT = "/course/mplcache"
TOOLS = ("bwrap", "setpriv", "unshare", "mount")


@dataclass
class Limits:
    """Resource limits of one sandboxed kernel (override with ``JCLUB_SANDBOX_<FIELD>`` variables)."""

    memory_mb: int = 4096  # RLIMIT_AS of every process in the sandbox
    processes: int = 256  # RLIMIT_NPROC: tasks (threads included) of the sandbox user
    file_mb: int = 64  # RLIMIT_FSIZE: largest file a process may write
    cpu_s: int = 900  # RLIMIT_CPU: CPU seconds of one process (the kernel runs the whole notebook)
    open_files: int = 512  # RLIMIT_NOFILE
    tmpfs_mb: int = 256  # size of each tmpfs: the home (working copy), /tmp, /dev/shm
    submission_mb: int = 64  # the submission's files copied into the working copy, at most

    @classmethod
    def from_env(cls) -> Limits:
        """The limits of :func:`autograder.settings.load` (defaults, course file, ``JCLUB_SANDBOX_*``)."""
        from autograder import settings

        return cls(**settings.load().sandbox_limits())


@dataclass
class KernelConfig:
    """Everything the wrapper needs (written to ``sandbox.json`` in the worker's scratch folder)."""

    user: str
    uid: int
    gid: int
    scratch: str
    ipc_dir: str
    python: str
    binds: list[tuple[str, str]]  # (host path, path inside the sandbox), read-only
    env: dict[str, str]
    limits: dict[str, int] = field(default_factory=dict)


def problem() -> str:
    """Why sandboxed grading cannot run here ('' when it can)."""
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        return (
            f"{', '.join(missing)} not found: install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; "
            "setpriv, unshare and mount come with util-linux), or grade with --unsandboxed on a machine "
            "you do not mind students' code running on"
        )
    if os.geteuid() != 0:
        return "sandboxed grading must run as root (it switches to unprivileged sandbox users)"
    probe = subprocess.run(
        ["bwrap", "--unshare-all", "--unshare-user", "--ro-bind", "/", "/", "true"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        return f"bubblewrap cannot create namespaces here: {probe.stderr.strip()[:200]}"
    return ""


def user_name(worker: int) -> str:
    return f"{USER_PREFIX}{worker}"


def ensure_user(name: str) -> tuple[int, int]:
    """(uid, gid) of a sandbox user, created as a system user with no home and no login shell if missing."""
    import pwd

    try:
        pw = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--user-group",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                name,
            ],
            check=True,
            capture_output=True,
        )
        pw = pwd.getpwnam(name)
    if pw.pw_uid == 0:
        raise RuntimeError(f"sandbox user {name} has uid 0")
    return pw.pw_uid, pw.pw_gid


def user_processes(uid: int, zombies: bool = True) -> list[int]:
    """Process ids of user ``uid`` (real, effective, saved or filesystem uid), zombies optionally."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:
            continue
        if str(uid) in fields.get("Uid", "").split() and (
            zombies or not fields["State"].strip().startswith("Z")
        ):
            pids.append(int(entry))
    return pids


def kill_user_processes(uid: int, wait_s: float = 2.0) -> int:
    """SIGKILL every process of the sandbox user ``uid`` (belt and braces: the PID namespace should have);
    wait up to ``wait_s`` for them to be gone (reaped by their parent)."""
    killed = 0
    for pid in user_processes(uid, zombies=False):
        try:
            os.kill(pid, signal.SIGKILL)
            killed += 1
        except OSError:
            pass
    deadline = time.monotonic() + wait_s
    while killed and user_processes(uid) and time.monotonic() < deadline:
        time.sleep(0.02)
    return killed


def _module_dir(name: str) -> str | None:
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return str(Path(list(spec.submodule_search_locations)[0]).resolve())


_MPL_CACHE: dict[str, str] = {}


class Sandbox:
    """One grading worker's sandbox: its user, scratch folder, kernelspec and ipc socket folder."""

    def __init__(self, worker: int, data_dir: Path | None, limits: Limits | None = None) -> None:
        self.worker, self._lock = _claim(worker)  # a sandbox user no other grading process is using
        self.limits = limits or Limits.from_env()
        self.user = user_name(self.worker)
        self.uid, self.gid = ensure_user(self.user)
        from autograder import settings

        base = settings.load().sandbox_tmp or tempfile.gettempdir()
        kill_user_processes(self.uid)  # the user is ours now: anything of a killed earlier run goes
        for stale in Path(base).glob(f"jclub-sbx{self.worker}-*"):
            shutil.rmtree(stale, ignore_errors=True)
        self.scratch = Path(tempfile.mkdtemp(prefix=f"jclub-sbx{self.worker}-", dir=base))
        os.chmod(self.scratch, 0o711)
        self.ipc_dir = self.scratch / "ipc"
        self.ipc_dir.mkdir()
        os.chown(self.ipc_dir, self.uid, self.gid)
        os.chmod(self.ipc_dir, 0o700)
        (self.scratch / "kernels").mkdir(mode=0o711)
        self.jupyter_dir = self.scratch / "jupyter"
        spec_dir = self.jupyter_dir / "kernels" / KERNEL_NAME
        spec_dir.mkdir(parents=True)
        config = self._config(data_dir)
        config_path = self.scratch / "sandbox.json"
        config_path.write_text(json.dumps(asdict(config), indent=1))
        os.chmod(config_path, 0o600)
        spec = {
            "argv": [sys.executable, "-I", str(Path(__file__).resolve()), "kernel", "{connection_file}"],
            "display_name": "Python 3 (jclub grading sandbox)",
            "language": "python",
            "interrupt_mode": "message",
            "env": {"JCLUB_SANDBOX_CONFIG": str(config_path)},
            "metadata": {"debugger": False},
        }
        (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))

    def _config(self, data_dir: Path | None) -> KernelConfig:
        prefixes = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()}
        binds = [(str(p), str(p)) for p in sorted(prefixes)]
        jclub = _module_dir("jclub")
        if jclub and not any(Path(jclub).is_relative_to(p) for p in prefixes):
            binds.append((jclub, jclub))
        env = {"JCLUB_DATA_DIR": DATA_MOUNT} if data_dir else {}
        if data_dir:
            binds.append((str(Path(data_dir).resolve()), DATA_MOUNT))
        mpl = self._matplotlib_cache()
        if mpl:
            binds.append((mpl, MPL_MOUNT))
        return KernelConfig(
            user=self.user,
            uid=self.uid,
            gid=self.gid,
            scratch=str(self.scratch),
            ipc_dir=str(self.ipc_dir),
            python=sys.executable,
            binds=binds,
            env=env,
            limits=asdict(self.limits),
        )

    def _matplotlib_cache(self) -> str | None:
        """A matplotlib font cache built once per grading process (each kernel gets a copy in its tmpfs)."""
        if "dir" not in _MPL_CACHE:
            import atexit

            cache = Path(tempfile.mkdtemp(prefix="jclub-mplcache-"))
            os.chmod(cache, 0o755)
            proc = subprocess.run(
                [sys.executable, "-c", "import matplotlib.font_manager"],
                env={**os.environ, "MPLCONFIGDIR": str(cache), "MPLBACKEND": "Agg"},
                capture_output=True,
            )
            for p in cache.rglob("*"):
                os.chmod(p, 0o755 if p.is_dir() else 0o644)
            atexit.register(shutil.rmtree, cache, True)
            _MPL_CACHE["dir"] = str(cache) if proc.returncode == 0 else ""
        return _MPL_CACHE["dir"] or None

    def nbgrader_config(self) -> dict[str, str]:
        """nbgrader settings that make ``Execute`` start this worker's sandboxed kernel over ipc."""
        return {
            "Execute.kernel_name": KERNEL_NAME,
            "KernelManager.transport": "ipc",
            "KernelManager.ip": str(self.ipc_dir / "k"),
        }

    def nbgrader_args(self) -> list[str]:
        """The same as ``nbgrader`` command-line options."""
        return [f"--{k}={v}" for k, v in self.nbgrader_config().items()]

    def env(self) -> dict[str, str]:
        return {"JUPYTER_PATH": str(self.jupyter_dir)}

    def reset(self) -> None:
        """After a submission: kill anything left running as the sandbox user, drop its kernels' files."""
        kill_user_processes(self.uid)
        for p in (self.scratch / "kernels").iterdir():
            shutil.rmtree(p, ignore_errors=True)
        for p in self.ipc_dir.iterdir():
            try:
                p.unlink()
            except OSError:
                pass

    def close(self) -> None:
        kill_user_processes(self.uid)
        shutil.rmtree(self.scratch, ignore_errors=True)
        os.close(self._lock)  # releases the user for other grading processes


def _claim(first: int) -> tuple[int, int]:
    """The first sandbox user number from ``first`` on that no other process holds (an flock per user)."""
    import fcntl

    locks = Path(tempfile.gettempdir()) / "jclub-sandbox-users"
    locks.mkdir(mode=0o700, exist_ok=True)
    for n in range(first, first + 256):
        fd = os.open(locks / f"{user_name(n)}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        return n, fd
    raise RuntimeError("no free sandbox user (256 grading workers busy?)")


# -- the kernel wrapper (runs as the grader; stdlib only: ``python -I sandbox.py kernel CONNECTION``) ----
def _copy_submission(src: Path, dest: Path, budget: int, files: int = 1000) -> None:
    """Regular files of ``src`` (no notebooks, no symlinks) into ``dest``: ``budget`` bytes at most."""
    dest.mkdir(mode=0o755)
    src = src.resolve()
    if src == Path("/") or dest.resolve().is_relative_to(src):
        return  # not a submission folder (the kernel was started somewhere odd): an empty working copy
    for dirpath, dirnames, filenames in os.walk(src, followlinks=False):
        rel = Path(dirpath).relative_to(src)
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
        for d in dirnames:
            (dest / rel / d).mkdir(mode=0o755, exist_ok=True)
        for name in filenames:
            path = Path(dirpath) / name
            if name.endswith(".ipynb") or path.is_symlink() or not path.is_file():
                continue
            size = path.stat().st_size
            if size > budget or files <= 0:
                continue
            budget -= size
            files -= 1
            shutil.copyfile(path, dest / rel / name, follow_symlinks=False)
            os.chmod(dest / rel / name, 0o644)


def _set_limits(limits: dict[str, int]) -> None:
    import resource

    mb = 1 << 20
    for res, value in (
        (resource.RLIMIT_AS, limits["memory_mb"] * mb),
        (resource.RLIMIT_NPROC, limits["processes"]),
        (resource.RLIMIT_FSIZE, limits["file_mb"] * mb),
        (resource.RLIMIT_CPU, limits["cpu_s"]),
        (resource.RLIMIT_NOFILE, limits["open_files"]),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(res, (value, value))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write fails with EFBIG


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent() -> None:
    """This process gets SIGKILL when its parent ends (Linux ``prctl(PR_SET_PDEATHSIG)``)."""
    _die_with_parent()


def _die_with_parent() -> None:
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def kernel_command(cfg: KernelConfig, kdir: Path, extra: list[str]) -> list[str]:
    """The full command line: unshare → mounts → setpriv → bwrap → the kernel."""
    limits = cfg.limits
    tmpfs = str(limits["tmpfs_mb"] << 20)
    mounts, bw_binds = [], []
    for i, (src, dest) in enumerate(cfg.binds):
        stage = kdir / "mnt" / str(i)
        stage.mkdir(parents=True)
        mounts.append(f"mount --bind {shlex.quote(src)} {shlex.quote(str(stage))}")
        bw_binds += ["--ro-bind", str(stage), dest]
    os.chmod(kdir / "mnt", 0o711)
    env = {
        "HOME": SANDBOX_HOME,
        "USER": "student",
        "LOGNAME": "student",
        "PATH": f"{Path(cfg.python).parent}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TMPDIR": "/tmp",
        "MPLCONFIGDIR": f"{SANDBOX_HOME}/.config/matplotlib",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        "VECLIB_MAXIMUM_THREADS": "1",
        **cfg.env,
    }
    for name in ("NBGRADER_EXECUTION", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    bwrap = [
        "bwrap",
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        "--hostname",
        "sandbox",
        "--ro-bind",
        "/usr",
        "/usr",
        "--symlink",
        "usr/bin",
        "/bin",
        "--symlink",
        "usr/sbin",
        "/sbin",
        "--symlink",
        "usr/lib",
        "/lib",
        "--symlink",
        "usr/lib64",
        "/lib64",
    ]
    for path in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/fonts"):
        bwrap += ["--ro-bind-try", path, path]
    bwrap += [
        "--ro-bind",
        str(kdir / "passwd"),
        "/etc/passwd",
        "--ro-bind",
        str(kdir / "group"),
        "/etc/group",
    ]
    bwrap += ["--proc", "/proc", "--dev", "/dev"]
    for path in ("/tmp", "/dev/shm"):
        bwrap += ["--perms", "1777", "--size", tmpfs, "--tmpfs", path]
    bwrap += ["--perms", "0700", "--size", tmpfs, "--tmpfs", SANDBOX_HOME]
    bwrap += bw_binds
    bwrap += ["--ro-bind", str(kdir / "run"), RUN_MOUNT, "--bind", cfg.ipc_dir, cfg.ipc_dir]
    bwrap += ["--remount-ro", "/"]  # the sandbox's own root: nothing writable but the tmpfs mounts
    for k, v in env.items():
        bwrap += ["--setenv", k, v]
    prelude = (
        f'cp -R {RUN_MOUNT}/submission/. "$HOME"/ 2>/dev/null; '
        f'if [ -d {MPL_MOUNT} ]; then mkdir -p "$MPLCONFIGDIR"; '
        f'cp -R {MPL_MOUNT}/. "$MPLCONFIGDIR"/ 2>/dev/null; fi; '
        'cd "$HOME" && exec "$@"'
    )
    kernel = [cfg.python, "-m", "ipykernel_launcher", "-f", f"{RUN_MOUNT}/connection.json", *extra]
    bwrap += ["--", "/bin/sh", "-c", prelude, "sh", *kernel]
    setpriv = ["setpriv", f"--reuid={cfg.uid}", f"--regid={cfg.gid}", "--clear-groups", "--"]
    script = " && ".join([*mounts, "exec " + shlex.join(setpriv + bwrap)])
    return ["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script]


def kernel_main(argv: list[str]) -> int:
    """Kernelspec entry point: prepare the private working copy, then exec the sandboxed kernel."""
    if not argv:
        print("usage: sandbox.py kernel CONNECTION_FILE [kernel args]", file=sys.stderr)
        return 2
    _die_with_parent()
    cfg = KernelConfig(**json.loads(Path(os.environ["JCLUB_SANDBOX_CONFIG"]).read_text()))
    cfg.binds = [tuple(b) for b in cfg.binds]
    conn = json.loads(Path(argv[0]).read_text())
    ip = str(conn.get("ip", ""))
    if conn.get("transport") != "ipc" or not os.path.isabs(ip) or os.path.dirname(ip) != cfg.ipc_dir:
        print(f"jclub sandbox: needs ipc transport with ip under {cfg.ipc_dir}, got {conn}", file=sys.stderr)
        return 2
    kdir = Path(tempfile.mkdtemp(prefix="k-", dir=Path(cfg.scratch) / "kernels"))
    os.chmod(kdir, 0o711)
    run = kdir / "run"
    run.mkdir(mode=0o755)
    shutil.copyfile(argv[0], run / "connection.json")
    os.chmod(run / "connection.json", 0o644)
    _copy_submission(Path.cwd(), run / "submission", cfg.limits["submission_mb"] << 20)
    (kdir / "passwd").write_text(
        f"root:x:0:0::/nonexistent:/usr/sbin/nologin\nstudent:x:{cfg.uid}:{cfg.gid}::{SANDBOX_HOME}:/bin/sh\n"
    )
    (kdir / "group").write_text(f"root:x:0:\nstudent:x:{cfg.gid}:\n")
    for p in ("passwd", "group"):
        os.chmod(kdir / p, 0o644)
    cmd = kernel_command(cfg, kdir, argv[1:])
    log = os.open(kdir / "kernel.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    _set_limits(cfg.limits)
    os.chdir(kdir)
    os.execvp(cmd[0], cmd)
    return 127  # pragma: no cover


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "kernel":
        raise SystemExit(kernel_main(sys.argv[2:]))
    print("usage: python -I sandbox.py kernel CONNECTION_FILE", file=sys.stderr)
    raise SystemExit(2)
