"""Grading at class scale: parallel workers, no lost or duplicated grade, resumable, PostgreSQL for real.

CI tier: 20 simulated students on the toy unit ``99-toy`` with 2 workers (SQLite, serialized writes); an
interrupted run resumed; the reference graded 20 times gives identical scores; the same batch on a real
PostgreSQL server (Debian's ``postgresql``, started here on a private Unix socket). Full tier
(``-m full``): 200 students × every unit.
"""

from __future__ import annotations

import csv
import glob
import json
import math
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from autograder import course, sandbox, simulate

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "hostile"))

import toy_unit  # noqa: E402
from test_grading_hostile import leftover_sandbox_processes, make_course  # noqa: E402

pytestmark = pytest.mark.skipif(bool(sandbox.problem()), reason=f"no sandbox here: {sandbox.problem()}")
N_STUDENTS = 26  # 20 submit the reference answers (graded 20 times), 6 blank or partial
ENV_KEYS = ("JCLUB_ROOT", "JCLUB_EXTRA_JUDGES", "JCLUB_GRADEBOOK_URL", "JCLUB_ONLY")


@pytest.fixture
def env_restored():
    saved = {k: os.environ.get(k) for k in ENV_KEYS}
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def submit_class(n: int, units: list[course.Unit], reference: int = 0) -> dict[tuple[str, str], float]:
    """``n`` students per unit: the first ``reference`` submit the reference answers, the others cycle
    through complete / blank / first half answered."""
    expected = {}
    for u in units:
        half = [c.name for c in u.checks[: math.ceil(len(u.checks) / 2)]]
        kinds = {
            "complete": (simulate.fill(u, written=False), sum(c.points for c in u.checks)),
            "blank": (simulate.fill(u, answered=[], written=False), 0.0),
            "partial": (
                simulate.fill(u, answered=half, written=False),
                sum(c.points for c in u.checks if c.name in half),
            ),
        }
        for i in range(n):
            kind = "complete" if i < reference else ("complete", "blank", "partial")[i % 3]
            student = f"s{i:03d}"
            simulate.submit(student, u, kinds[kind][0])
            expected[(u.name, student)] = kinds[kind][1]
    return expected


def grades(root: Path) -> list[dict]:
    with open(root / "grades.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def check_class(root: Path, expected: dict[tuple[str, str], float]) -> None:
    rows = grades(root)
    got = {(r["assignment"], r["student_id"]): float(r["score"]) for r in rows}
    assert len(rows) == len(got), "a duplicated grade row"
    for key, want in expected.items():
        assert got.get(key) == pytest.approx(want), key


def sqlite_row_sets(root: Path) -> list[tuple]:
    con = sqlite3.connect(root / "gradebook.db")
    try:
        return con.execute(
            "SELECT a.student_id, COUNT(DISTINCT a.id), COUNT(DISTINCT n.id) FROM submitted_assignment a "
            "JOIN submitted_notebook n ON n.assignment_id = a.id GROUP BY a.student_id, a.assignment_id"
        ).fetchall()
    finally:
        con.close()


def test_a_class_graded_by_two_workers(tmp_path, env_restored):
    from autograder.grade import grade

    root = make_course(tmp_path / "course")
    u = course.unit(toy_unit.NAME)
    expected = submit_class(N_STUDENTS, [u], reference=20)
    report = grade(workers=2, log=False)
    assert [o.status for o in report.outcomes] == ["graded"] * N_STUDENTS
    check_class(root, expected)
    assert sorted(sqlite_row_sets(root)) == [(f"s{i:03d}", 1, 1) for i in range(N_STUDENTS)]
    # the reference, graded once per "complete" student: identical scores and identical graded outputs
    complete = [o for o in report.outcomes if expected[(u.name, o.student)] == 5]
    assert len(complete) >= 20 and {o.score for o in complete} == {5.0}
    verdicts = set()
    for o in complete:
        nb = json.loads((root / "autograded" / o.student / u.name / "toy.ipynb").read_text())
        verdicts.add(json.dumps([c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code"]))
    assert len(verdicts) == 1


def test_an_interrupted_run_resumes_without_losing_or_repeating(tmp_path, env_restored):
    from autograder.grade import LEDGER, grade

    root = make_course(tmp_path / "course")
    expected = submit_class(12, [course.unit(toy_unit.NAME)])
    env = {**os.environ, "JCLUB_ROOT": str(root)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "autograder", "grade", "--workers", "2"],
        cwd=course.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    ledger = root / "autograded" / LEDGER
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and len(list(ledger.rglob("*.json"))) < 4:
        time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)  # as a crash or Ctrl-C would, mid-batch
    proc.wait()
    done_before = {p.parent.name for p in ledger.rglob("*.json")}
    assert 4 <= len(done_before) < 12
    report = grade(workers=2, log=False)
    check_class(root, expected)
    assert sorted(sqlite_row_sets(root)) == [(f"s{i:03d}", 1, 1) for i in range(12)]
    resumed = {o.student for o in report.outcomes if any("not graded again" in n for n in o.notes)}
    assert resumed == done_before
    assert not leftover_sandbox_processes()  # nothing left running from the killed batch


def test_unsandboxed_grading_when_asked(tmp_path, env_restored):
    """``--unsandboxed`` (trusted code only) grades the same, with the plain python3 kernel."""
    from autograder.__main__ import main

    root = make_course(tmp_path / "course")
    expected = submit_class(3, [course.unit(toy_unit.NAME)])
    assert main(["grade", "--unsandboxed", "--workers", "2"]) == 0
    check_class(root, expected)
    report = json.loads((root / "autograded" / "grading-report.json").read_text())
    assert report["sandboxed"] is False and report["workers"] == 2


# -- PostgreSQL ----------------------------------------------------------------------------------------
def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@pytest.fixture
def postgres():
    """A throwaway PostgreSQL server on a Unix socket (no TCP), run as the ``postgres`` user."""
    # SQLAlchemy 2 reads postgresql:// URLs with psycopg (3): `pip install "psycopg[binary]"`
    pytest.importorskip("psycopg", reason="the PostgreSQL driver psycopg is not installed")
    pg = _pg_bin()
    if pg is None:
        pytest.skip("Debian's postgresql is not installed (apt-get install postgresql)")
    import pwd

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
        run("mkdir", str(sock))
        opts = f"-k {sock} -c listen_addresses='' -c fsync=off -c max_connections=50"
        run(str(pg / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(base / "log"), "-w", "start")
        run(str(pg / "createdb"), "-h", str(sock), "-U", "postgres", "gradebook")
        yield f"postgresql://postgres@/gradebook?host={sock}"
    finally:
        subprocess.run(
            [*as_pg, str(pg / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(base, ignore_errors=True)


def test_parallel_grading_into_postgresql(tmp_path, postgres, env_restored):
    from nbgrader.api import Gradebook

    from autograder.grade import grade

    os.environ["JCLUB_GRADEBOOK_URL"] = postgres
    root = make_course(tmp_path / "course")
    assert not (root / "gradebook.db").exists()
    expected = submit_class(10, [course.unit(toy_unit.NAME)])
    report = grade(workers=2, log=False)
    assert [o.status for o in report.outcomes] == ["graded"] * 10
    check_class(root, expected)
    with Gradebook(postgres, course.COURSE_ID) as gb:
        subs = gb.assignment_submissions(toy_unit.NAME)
        assert sorted(s.student.id for s in subs) == [f"s{i:03d}" for i in range(10)]
        assert all(len(s.notebooks) == 1 for s in subs)


# -- full tier -----------------------------------------------------------------------------------------
@pytest.mark.full
def test_two_hundred_students_every_unit(tmp_path, env_restored):
    """200 students × every unit, 2 workers; the reference of every unit graded 20 times identically."""
    from autograder.grade import grade

    root = tmp_path / "course"
    root.mkdir()
    for name in ("units", "data", "jclub", "nbgrader_config.py", "pyproject.toml", "LICENSE"):
        src = course.ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    os.environ["JCLUB_ROOT"] = str(root)
    from autograder.release import release

    release(log=False)
    units = course.units()
    expected = submit_class(200, units)
    t0 = time.monotonic()
    report = grade(workers=2, log=False)
    seconds = time.monotonic() - t0
    assert all(o.status == "graded" for o in report.outcomes)
    check_class(root, expected)
    for u in units:
        ref = {
            o.score
            for o in report.outcomes
            if o.unit == u.name and expected[(u.name, o.student)] == sum(c.points for c in u.checks)
        }
        assert len(ref) == 1, u.name
    result = {
        "students": 200,
        "units": [u.name for u in units],
        "submissions": len(report.outcomes),
        "seconds": round(seconds, 1),
        "per_submission_s": round(seconds / len(report.outcomes), 2),
    }
    out = course.ROOT / "_build" / "grading-full-tier.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
