"""Grading at class scale: parallel workers, no lost or duplicated grade, resumable, PostgreSQL for real.

CI tier: 20 simulated students on the toy unit ``99-toy`` with 2 workers (SQLite, serialized writes); an
interrupted run resumed; the reference graded 20 times gives identical scores; the same batch on a real
PostgreSQL server (Debian's ``postgresql``, started here on a private Unix socket). Full tier
(``-m full``): 200 students × every unit.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pgserver import postgres_server

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


def test_a_fresh_interpreter_per_submission_grades_the_same(tmp_path, env_restored, monkeypatch):
    """``JCLUB_GRADE_FORK=0`` (no zygote: each submission in a new Python) gives the same grades."""
    from autograder.grade import grade

    root = make_course(tmp_path / "course")
    expected = submit_class(3, [course.unit(toy_unit.NAME)])
    monkeypatch.setenv("JCLUB_GRADE_FORK", "0")
    report = grade(workers=2, log=False)
    assert [o.status for o in report.outcomes] == ["graded"] * 3
    check_class(root, expected)
    assert not leftover_sandbox_processes()


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
@pytest.fixture
def postgres():
    """A throwaway PostgreSQL server on a Unix socket (no TCP), run as the ``postgres`` user."""
    with postgres_server() as url:
        yield url


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
FULL_STUDENTS = int(os.environ.get("JCLUB_SCALE_STUDENTS", "200"))
FULL_RESULTS = course.ROOT / "_build" / "grading-full-tier.json"
GRADED_SO_FAR: dict[tuple[str, str], float] = {}


@pytest.fixture(scope="module")
def big_class(tmp_path_factory):
    """One course copy and one gradebook for the whole class: every unit's 200 students land in it."""
    saved = {k: os.environ.get(k) for k in ENV_KEYS}
    root = tmp_path_factory.mktemp("class") / "course"
    root.mkdir()
    for name in ("units", "data", "jclub", "nbgrader_config.py", "pyproject.toml", "LICENSE"):
        src = course.ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    os.environ["JCLUB_ROOT"] = str(root)
    os.environ.pop("JCLUB_ONLY", None)
    from autograder.release import release

    release(log=False)
    yield root
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.mark.full
@pytest.mark.parametrize("unit_name", [u.name for u in course.units()])
def test_two_hundred_students_every_unit(big_class, unit_name):
    """200 students × every unit (one unit per test, all in one gradebook), 2 workers, sandboxed.

    A third submit the reference answers (graded ≈ 67 times: identical scores), a third blank notebooks, a
    third the first half of the exercises. Every grade is exactly as expected, none lost or duplicated —
    including the units graded before this one. Timings are appended to ``_build/grading-full-tier.json``.
    """
    from autograder.grade import grade

    os.environ["JCLUB_ROOT"] = str(big_class)
    u = course.unit(unit_name)
    expected = submit_class(FULL_STUDENTS, [u])
    t0 = time.monotonic()
    report = grade(units=[u.name], workers=2, log=False)
    seconds = time.monotonic() - t0
    assert [o.status for o in report.outcomes] == ["graded"] * FULL_STUDENTS, [
        (o.student, o.kind, o.reason) for o in report.outcomes if o.status != "graded"
    ]
    check_class(big_class, expected)
    full = sum(c.points for c in u.checks)
    assert len({o.score for o in report.outcomes if expected[(u.name, o.student)] == full}) == 1
    GRADED_SO_FAR.update(expected)
    check_class(big_class, GRADED_SO_FAR)  # the units graded earlier in this class are untouched
    con = sqlite3.connect(big_class / "gradebook.db")
    try:
        rows = con.execute(
            "SELECT a.student_id, a.assignment_id, COUNT(DISTINCT a.id), COUNT(DISTINCT n.id) "
            "FROM submitted_assignment a JOIN submitted_notebook n ON n.assignment_id = a.id "
            "GROUP BY a.student_id, a.assignment_id"
        ).fetchall()
    finally:
        con.close()
    assert len(rows) == len(GRADED_SO_FAR) and all(r[2:] == (1, 1) for r in rows), "a lost or duplicated row"
    done = sorted({r["assignment"] for r in grades(big_class)})
    results = json.loads(FULL_RESULTS.read_text()) if FULL_RESULTS.is_file() else {}
    results[u.name] = {
        "students": FULL_STUDENTS,
        "workers": 2,
        "seconds": round(seconds, 1),
        "per_submission_s": round(seconds / FULL_STUDENTS, 2),
        "cpu_count": os.cpu_count(),
        "load_after": round(os.getloadavg()[0], 1),
        "assignments_in_gradebook": done,
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    FULL_RESULTS.parent.mkdir(exist_ok=True)
    FULL_RESULTS.write_text(json.dumps(results, indent=2))
