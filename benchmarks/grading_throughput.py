"""Grading throughput for 1 and 2 workers, and the sandbox's overhead (results: grading_results.md).

    python benchmarks/grading_throughput.py [--students 12] [--unit 99-toy|01-standard-diffusion] [--repeat 1]

Builds a throwaway course copy (the tests' toy unit ``99-toy``, or a real unit), submits the reference
answers for N students and times ``autograder grade`` end to end (release, staging, nbgrader autograde +
feedback per submission, export) in these configurations: sandboxed with 1 and 2 workers, unsandboxed with
1 worker. BLAS/OpenMP/torch threads are pinned to 1 per worker by ``grade`` itself. It also times starting
one kernel and running a trivial cell, sandboxed and not, to isolate what the sandbox adds per kernel.
Needs root and bubblewrap (as sandboxed grading does). Other load on the machine distorts the numbers: the
script prints the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "hostile"))

from autograder import course, sandbox, simulate  # noqa: E402


def make_course(base: Path, unit: str) -> Path:
    import toy_unit

    root = base / "course"
    root.mkdir()
    names = ["data", "jclub", "nbgrader_config.py", "pyproject.toml", "LICENSE"]
    for name in names:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    if unit == toy_unit.NAME:
        toy_unit.write(root)
        os.environ["JCLUB_EXTRA_JUDGES"] = str(toy_unit.JUDGES)
    else:
        shutil.copytree(ROOT / "units" / unit, root / "units" / unit)
    os.environ["JCLUB_ROOT"] = str(root)
    return root


def kernel_start(sandboxed: bool, n: int) -> list[float]:
    """Seconds to start a kernel, run ``1 + 1`` and shut it down."""
    from jupyter_client import KernelManager

    times = []
    box = sandbox.Sandbox(0, None) if sandboxed else None
    try:
        if box:
            os.environ.update(box.env())
        for _ in range(n):
            t0 = time.perf_counter()
            if box:
                cfg = box.nbgrader_config()
                km = KernelManager(
                    kernel_name=cfg["Execute.kernel_name"], transport="ipc", ip=cfg["KernelManager.ip"]
                )
            else:
                km = KernelManager(kernel_name="python3")
            km.start_kernel(cwd=tempfile.gettempdir())
            kc = km.client()
            kc.start_channels()
            kc.wait_for_ready(timeout=120)
            kc.execute_interactive("1 + 1", timeout=60)
            kc.stop_channels()
            km.shutdown_kernel(now=True)
            times.append(time.perf_counter() - t0)
            if box:
                box.reset()
    finally:
        if box:
            box.close()
            os.environ.pop("JUPYTER_PATH", None)
    return times


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy (not idle, not waiting for I/O) since boot.

    Graded submissions run in processes forked by a zygote that reaps them itself, so ``getrusage`` of
    this process's children misses them; on an otherwise idle machine the machine-wide count is the cost.
    """
    with open("/proc/stat") as fh:
        ticks = [int(x) for x in fh.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def grade_run(root: Path, workers: int, sandboxed: bool) -> tuple[float, float, float, float]:
    """(wall s, busy CPU s of the machine, mean s per submission's own step, wall s of a no-op re-run).

    The re-run finds every submission unchanged (the ledger) and grades none: it is the fixed cost of one
    ``grade`` command (release, gradebook, sandboxes, export), which does not depend on the class size.
    """
    from autograder.grade import grade

    shutil.rmtree(root / "autograded", ignore_errors=True)
    shutil.rmtree(root / "feedback", ignore_errors=True)
    (root / "gradebook.db").unlink(missing_ok=True)
    before = busy_cpu_seconds()
    t0 = time.perf_counter()
    report = grade(workers=workers, sandboxed=sandboxed, log=False)
    seconds = time.perf_counter() - t0
    cpu = busy_cpu_seconds() - before
    assert all(o.status == "graded" for o in report.outcomes), [o for o in report.outcomes]
    t1 = time.perf_counter()
    again = grade(workers=workers, sandboxed=sandboxed, log=False)
    fixed = time.perf_counter() - t1
    assert all("not graded again" in " ".join(o.notes) for o in again.outcomes)
    return seconds, cpu, statistics.mean(o.seconds for o in report.outcomes), fixed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=12)
    ap.add_argument("--unit", default="99-toy")
    ap.add_argument("--repeat", type=int, default=1, help="runs per configuration (the best is reported)")
    ap.add_argument(
        "--fork", choices=("1", "0"), default="1", help="0: a fresh interpreter per submission (no zygote)"
    )
    ap.add_argument("--kernels", type=int, default=5, help="kernel starts timed per mode")
    args = ap.parse_args()
    os.environ["JCLUB_GRADE_FORK"] = args.fork
    if sandbox.problem():
        raise SystemExit(f"sandbox unavailable: {sandbox.problem()}")
    cpu = platform.processor() or platform.machine()
    print(f"machine: {cpu}, {os.cpu_count()} cores; load {os.getloadavg()}; zygote: {args.fork == '1'}")
    print(
        "| configuration | wall s | submissions/s | fixed s per command | submissions/s after the fixed part "
        "| busy CPU s per submission | s per submission (own) | load |"
    )
    base = Path(tempfile.mkdtemp(prefix="jclub-bench-"))
    try:
        root = make_course(base, args.unit)
        from autograder.release import release

        release(log=False)
        u = course.unit(args.unit)
        nb = simulate.fill(u, written=False)
        for i in range(args.students):
            simulate.submit(f"s{i:03d}", u, nb)
        rows = []
        for label, workers, sandboxed in (
            ("sandboxed, 1 worker", 1, True),
            ("sandboxed, 2 workers", 2, True),
            ("unsandboxed, 1 worker", 1, False),
            ("unsandboxed, 2 workers", 2, False),
        ):
            load = os.getloadavg()[0]
            wall, cpu, each, fixed = min(grade_run(root, workers, sandboxed) for _ in range(args.repeat))
            steady = args.students / (wall - fixed)
            rows.append((label, wall, cpu, steady))
            print(
                f"| {label} | {wall:.1f} | {args.students / wall:.3f} | {fixed:.1f} | {steady:.3f} "
                f"| {cpu / args.students:.2f} | {each:.2f} | {load:.1f} |",
                flush=True,
            )
        print(
            f"speed-up, 2 vs 1 worker, whole command: sandboxed {rows[0][1] / rows[1][1]:.2f}x, "
            f"unsandboxed {rows[2][1] / rows[3][1]:.2f}x; after the fixed part: sandboxed "
            f"{rows[1][3] / rows[0][3]:.2f}x, unsandboxed {rows[3][3] / rows[2][3]:.2f}x"
        )
        print(
            f"sandbox overhead per submission: wall {(rows[0][1] - rows[2][1]) / args.students:+.2f} s, "
            f"CPU {(rows[0][2] - rows[2][2]) / args.students:+.2f} s"
        )
        ks = kernel_start(True, args.kernels)
        ku = kernel_start(False, args.kernels)
        print(
            f"kernel start + 1 cell: sandboxed {statistics.median(ks):.2f} s, "
            f"plain {statistics.median(ku):.2f} s (median of {args.kernels})"
        )
        print(f"load after: {os.getloadavg()}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
