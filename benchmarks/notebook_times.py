"""Measure how long each unit notebook takes to execute (full, and as graded) and to autograde.

    python benchmarks/notebook_times.py [--units NAME ...] [--repeats 2] [--no-grade] [--write]

* execute: the source notebook with solutions, top to bottom, in a fresh kernel (nbclient), no cache;
* graded: the same with NBGRADER_EXECUTION=autograde (demos shrink, as when a class is graded);
* autograde: `nbgrader autograde` of one complete simulated student in a temporary copy of the course,
  plus `generate_feedback` (kernel start-up and nbgrader's own work included).

With --write the table replaces the block between the markers in benchmarks/README.md, with the machine.
Speed targets are read from this table, never asserted by timed tests.
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
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder import course  # noqa: E402
from autograder.execute import execute_unit  # noqa: E402

BEGIN, END = "<!-- notebook-times:begin -->", "<!-- notebook-times:end -->"


def time_execution(unit: course.Unit, graded: bool, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        if graded:
            os.environ["NBGRADER_EXECUTION"] = "autograde"
        try:
            ex = execute_unit(unit, use_cache=False)
        finally:
            os.environ.pop("NBGRADER_EXECUTION", None)
        if ex.failed_checks or ex.errors():
            raise SystemExit(f"{unit.name} does not run clean: {ex.errors()} {ex.failed_checks}")
        times.append(ex.seconds)
    return statistics.median(times)


def time_autograde(units: list[course.Unit], repeats: int) -> dict[str, float]:
    from autograder import nbg, simulate
    from autograder.release import release

    tmp = Path(tempfile.mkdtemp(prefix="jclub-bench-"))
    for name in ("units", "data", "jclub", "nbgrader_config.py"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, tmp / name)
    os.environ["JCLUB_ROOT"] = str(tmp)
    out = {}
    try:
        release([u.name for u in units], log=False)
        for u in units:
            cu = course.unit(u.name)
            times = []
            for k in range(repeats):
                student = f"bench{k}"
                simulate.submit(student, cu, simulate.fill(cu))
                t0 = time.perf_counter()
                nbg.run("autograde", u.name, "--student", student, "--force")
                nbg.run("generate_feedback", u.name, "--student", student, "--force")
                times.append(time.perf_counter() - t0)
            out[u.name] = statistics.median(times)
    finally:
        os.environ.pop("JCLUB_ROOT", None)
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def machine() -> str:
    from jclub.cnn import cpu_name

    cpu = cpu_name()
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", nargs="*")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--no-grade", action="store_true")
    ap.add_argument("--write", action="store_true", help="update benchmarks/README.md")
    args = ap.parse_args()
    units = [course.unit(n) for n in args.units] if args.units else course.units()
    rows = []
    grade_times = {} if args.no_grade else time_autograde(units, args.repeats)
    for u in units:
        full = time_execution(u, graded=False, repeats=args.repeats)
        small = time_execution(u, graded=True, repeats=args.repeats)
        g = grade_times.get(u.name)
        rows.append((u.name, full, small, g))
        print(
            f"{u.name:32s} execute {full:6.1f} s   graded config {small:6.1f} s   "
            f"autograde+feedback {'-' if g is None else f'{g:.1f} s'}",
            flush=True,
        )
    lines = [
        f"Measured {date.today().isoformat()} on {machine()}; median of {args.repeats} runs.",
        "",
        "| unit | execute (s) | execute while graded (s) | autograde + feedback per submission (s) |",
        "|---|---|---|---|",
    ]
    lines += [f"| {n} | {f:.1f} | {s:.1f} | {'—' if g is None else f'{g:.1f}'} |" for n, f, s, g in rows]
    total = sum(r[1] for r in rows)
    lines += ["", f"Whole course executed top to bottom: {total:.0f} s."]
    table = "\n".join(lines)
    print(table)
    if args.write:
        readme = ROOT / "benchmarks" / "README.md"
        text = readme.read_text()
        start, stop = text.index(BEGIN) + len(BEGIN), text.index(END)
        readme.write_text(text[:start] + "\n" + table + "\n" + text[stop:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
