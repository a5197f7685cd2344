"""Bad and hostile submissions through the real ``grade`` command, sandboxed (tests/hostile/corpus.py).

A temporary course copy holds only the toy unit ``99-toy`` (tests/hostile/toy_unit.py; its judges come from
tests/hostile/judges through ``$JCLUB_EXTRA_JUDGES``). An honest student is graded first; then every corpus
submission is graded in one batch with two workers. Each must get its expected score and reason, and
nothing outside the submissions may change: the course files, the honest student's files and gradebook
rows, a canary file outside the course, the network (a local listener), the gradebook's other rows.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import sys
import threading
from pathlib import Path

import nbformat
import pytest

from autograder import course, sandbox

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "hostile"))

import corpus  # noqa: E402
import toy_unit  # noqa: E402

COPY = ("data", "jclub", "nbgrader_config.py", "pyproject.toml", "LICENSE")
SECRET = "JCLUB_TEST_SECRET_TOKEN"
needs_sandbox = pytest.mark.skipif(bool(sandbox.problem()), reason=f"no sandbox here: {sandbox.problem()}")


def make_course(root: Path) -> Path:
    """A course copy with only the toy unit, released; the environment points at it."""
    src = course.ROOT
    for name in COPY:
        (shutil.copytree if (src / name).is_dir() else shutil.copy2)(src / name, root / name)
    toy_unit.write(root)
    os.environ["JCLUB_ROOT"] = str(root)
    os.environ["JCLUB_EXTRA_JUDGES"] = str(toy_unit.JUDGES)
    from autograder.release import release

    release([toy_unit.NAME], log=False)
    return root


def tree_hashes(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if any(rel == s or rel.startswith(s + "/") for s in skip):
            continue
        if p.is_symlink():
            out[rel] = "link:" + os.readlink(p)
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def leftover_sandbox_processes(users: int = 8) -> dict[str, list[str]]:
    """Processes of sandbox users that no grading process holds now (there must be none)."""
    import fcntl
    import pwd
    import tempfile

    found = {}
    for n in range(users):
        name = sandbox.user_name(n)
        try:
            uid = pwd.getpwnam(name).pw_uid
        except KeyError:
            continue
        lock = Path(tempfile.gettempdir()) / "jclub-sandbox-users" / f"{name}.lock"
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # in use by a grading process right now
        finally:
            os.close(fd)
        pids = []
        for entry in filter(str.isdigit, os.listdir("/proc")):
            try:
                status = Path(f"/proc/{entry}/status").read_text()
            except OSError:
                continue
            uids = next(ln for ln in status.splitlines() if ln.startswith("Uid:")).split()[1:]
            if str(uid) in uids:
                fields = dict(ln.split(":\t", 1) for ln in status.splitlines() if ":\t" in ln)
                pids.append(f"{entry} {fields.get('Name')} {fields.get('State')} ppid {fields.get('PPid')}")
        if pids:
            found[name] = pids
    return found


def scores(root: Path) -> dict[str, dict]:
    with open(root / "grades.csv", newline="") as fh:
        return {r["student_id"]: r for r in csv.DictReader(fh) if r["assignment"] == toy_unit.NAME}


def gradebook_rows(root: Path, student: str) -> list[tuple]:
    con = sqlite3.connect(root / "gradebook.db")
    try:
        return con.execute(
            "SELECT g.id, g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade FROM grade g "
            "JOIN submitted_notebook n ON g.notebook_id = n.id JOIN submitted_assignment a ON "
            "n.assignment_id = a.id WHERE a.student_id = ? ORDER BY g.id",
            (student,),
        ).fetchall()
    finally:
        con.close()


class Listener:
    """A local TCP listener that counts connections (the sandbox must not reach it)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue

    def close(self) -> None:
        self.stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    if sandbox.problem():
        pytest.skip(f"no sandbox here: {sandbox.problem()}")
    saved = {
        k: os.environ.get(k) for k in ("JCLUB_ROOT", "JCLUB_EXTRA_JUDGES", "JCLUB_CELL_TIMEOUT_S", SECRET)
    }
    root = make_course(tmp_path_factory.mktemp("hostile-course"))
    outside = tmp_path_factory.mktemp("outside")
    canary = outside / "canary.txt"
    canary.write_text("canary")
    os.environ["JCLUB_CELL_TIMEOUT_S"] = "10"
    os.environ[SECRET] = "s3cr3t-value-that-must-not-leak"
    from autograder import grade as grading
    from autograder import simulate

    listener = Listener()
    old_limit = grading.AUTOGRADE_TIMEOUT_S
    try:
        u = course.unit(toy_unit.NAME)
        honest = simulate.fill(u)
        honest.cells.append(nbformat.v4.new_markdown_cell(corpus.HONEST_MARKER))
        simulate.submit("honest", u, honest)
        grading.grade(students=["honest"], log=False)
        honest_rows = gradebook_rows(root, "honest")
        ctx = corpus.Ctx(root, canary, listener.port)
        released = nbformat.read(root / "release" / u.name / u.notebook.name, as_version=4)
        for case in corpus.CASES:
            corpus.make(case, released, root / "submitted" / case.name / u.name, ctx)
        names = [c.name for c in corpus.CASES]
        keep_out = tuple(f"{step}/{n}" for step in ("autograded", "feedback") for n in names)
        volatile = ("gradebook.db", "gradebook.db.lock", "grades.csv", "autograded/grading-report.json")
        volatile += tuple(f"autograded/.jclub-ledger/{n}" for n in names)
        before = tree_hashes(root, keep_out + volatile)
        grading.AUTOGRADE_TIMEOUT_S = 60
        report = grading.grade(students=names, workers=2, log=False)
        after = tree_hashes(root, keep_out + volatile)
        yield {
            "root": root,
            "report": report,
            "before": before,
            "after": after,
            "canary": canary,
            "listener": listener,
            "honest_rows": honest_rows,
            "grading": grading,
        }
    finally:
        grading.AUTOGRADE_TIMEOUT_S = old_limit
        listener.close()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_the_corpus_has_at_least_30_kinds():
    names = [c.name for c in corpus.CASES]
    assert len(set(names)) == len(names) >= 30


@needs_sandbox
@pytest.mark.parametrize("case", corpus.CASES, ids=lambda c: c.name)
def test_each_submission_gets_its_score_and_reason(hostile, case):
    root, report = hostile["root"], hostile["report"]
    o = report.outcome(case.name, toy_unit.NAME)
    said = " | ".join([o.reason, *o.notes])
    assert o.kind == case.kind, said
    assert float(scores(root)[case.name]["score"]) == pytest.approx(case.score), said
    assert o.score == pytest.approx(case.score), said
    assert o.max_score == pytest.approx(6.0), said
    if case.says:
        assert case.says.lower() in said.lower(), said


@needs_sandbox
def test_nothing_outside_the_submissions_changed(hostile):
    root = hostile["root"]
    assert hostile["after"] == hostile["before"]
    assert hostile["canary"].read_text() == "canary"
    assert hostile["listener"].connections == 0
    assert gradebook_rows(root, "honest") == hostile["honest_rows"]
    con = sqlite3.connect(root / "gradebook.db")
    try:
        assert con.execute("SELECT COUNT(*) FROM grade WHERE extra_credit > 0").fetchone()[0] == 0
        # the course's cells are as released: nobody rewrote hidden tests or points
        sql = "SELECT b.name, g.max_score FROM grade_cells g JOIN base_cell b ON g.id = b.id"
        points = dict(con.execute(sql).fetchall())
    finally:
        con.close()
    assert points == {
        "check_square": 0,
        "probe_square": 2,
        "check_spread": 0,
        "probe_spread": 3,
        "written_why": 1,
    }
    for name in ("thread.txt",):
        assert not (Path("/tmp") / name).exists()
    assert not leftover_sandbox_processes(), "a sandboxed process outlived grading"


@needs_sandbox
def test_one_row_set_per_student_and_notebook(hostile):
    root = hostile["root"]
    con = sqlite3.connect(root / "gradebook.db")
    try:
        rows = con.execute(
            "SELECT a.student_id, COUNT(DISTINCT a.id), COUNT(DISTINCT n.id), COUNT(g.id) "
            "FROM submitted_assignment a JOIN submitted_notebook n ON n.assignment_id = a.id "
            "JOIN grade g ON g.notebook_id = n.id "
            "GROUP BY a.student_id"
        ).fetchall()
    finally:
        con.close()
    students = {r[0]: r[1:] for r in rows}
    # a rejected file is no gradeable submission: no row set (the export gives it 0); the rest: one each
    assert set(students) == {"honest", *(c.name for c in corpus.CASES if c.kind != "rejected")}
    assert all(v == (1, 1, 5) for v in students.values()), students
    assert len(scores(root)) == len(corpus.CASES) + 1


def _autograded(root: Path, student: str) -> nbformat.NotebookNode:
    return nbformat.read(root / "autograded" / student / toy_unit.NAME / "toy.ipynb", as_version=4)


def _text(nb: nbformat.NotebookNode) -> str:
    return json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)


@needs_sandbox
def test_the_sandbox_held(hostile):
    root = hostile["root"]
    out = {c.name: _text(_autograded(root, c.name)) for c in corpus.CASES if c.kind == "graded"}
    assert "GRADEBOOK []" in out["sqlite_gradebook"]
    assert "TAMPER" in out["tamper_course_files"] and "tampered" not in hostile["canary"].read_text()
    assert "SEEN 0 nothing" in out["read_other_submissions"]
    assert "Resource temporarily unavailable" in out["fork_bomb"]
    assert "File too large" in out["disk_fill"] and "No space left" in out["disk_fill"]
    assert "ConnectionRefusedError" in out["network"] and "connected" not in out["network"]
    assert "MemoryError" in out["memory_bomb"]
    env = out["read_environment"]
    assert "ENV" in env and SECRET not in env and "JCLUB_ROOT" not in env and str(root) not in env
    for name in ("output_flood_stream", "output_flood_display"):
        size = (root / "autograded" / name / toy_unit.NAME / "toy.ipynb").stat().st_size
        assert size < 3_000_000, (name, size)
    assert "HONEST-STUDENT" not in json.dumps(out)


@needs_sandbox
def test_feedback_and_graded_notebooks_reveal_no_secret(hostile):
    from autograder.checks import case_literal
    from autograder.judging import hidden_material
    from autograder.notebooks import HIDDEN_MARKERS, leaks

    root = hostile["root"]
    u = course.unit(toy_unit.NAME)
    for case in corpus.CASES:
        if case.kind != "graded":
            continue
        nb = _autograded(root, case.name)
        secrets = hidden_material(nb)
        assert secrets
        page = root / "feedback" / case.name / u.name / "toy.html"
        html = page.read_text(encoding="utf-8")
        own = (root / "submitted" / case.name / u.name / "toy.ipynb").read_text()
        assert not leaks(html, tuple(m for m in HIDDEN_MARKERS if m not in own)), case.name
        for check in u.checks:
            assert case_literal(check, 20) not in html, case.name
        outputs = _text(nb)
        for cell in nb.cells:
            if cell.cell_type == "code" and not course.nbgrader_meta(cell).get("grade_id", "").startswith(
                "probe"
            ):
                text = json.dumps(cell.get("outputs", []), ensure_ascii=False)
                assert not any(s in text for s in secrets), case.name
        assert "<script>alert" not in html and not re.search(r"<[^>]*onerror", html), case.name
        assert "application/javascript" not in outputs and "image/svg+xml" not in outputs, case.name
    leak = (root / "feedback" / "probe_source_in_error_message" / u.name / "toy.html").read_text()
    assert "message is withheld" in leak


@needs_sandbox
def test_regrading_is_idempotent(hostile):
    root, grading = hostile["root"], hostile["grading"]
    names = ["complete", "stderr_warnings_correct", "malformed_json", "os_exit_in_answer"]
    skip = ("gradebook.db.lock", "grades.csv", "autograded/grading-report.json")
    before, rows = tree_hashes(root, skip), {n: gradebook_rows(root, n) for n in names}
    report = grading.grade(students=names, workers=1, log=False)
    assert tree_hashes(root, skip) == before
    assert {n: gradebook_rows(root, n) for n in names} == rows
    assert all(any("not graded again" in n for n in o.notes) for o in report.outcomes)


def test_grade_refuses_without_the_sandbox_tool(monkeypatch, tmp_path, capsys):
    from autograder import grade as grading
    from autograder.__main__ import main

    real = shutil.which
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None if name == "bwrap" else real(name))
    monkeypatch.setenv("JCLUB_ROOT", str(tmp_path))
    with pytest.raises(grading.SandboxUnavailable, match="bubblewrap"):
        grading.grade(log=False)
    assert main(["grade"]) == 2
    assert "--unsandboxed" in capsys.readouterr().err
