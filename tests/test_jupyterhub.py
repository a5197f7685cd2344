"""A class on one machine: JupyterHub (deploy/jupyterhub/), 1 instructor, 3 students, the nbgrader cycle.

The hub runs on loopback (free ports) from ``deploy/jupyterhub/setup.sh`` (hub environment, unix users with
private homes, the instructor's course folder, an nbgrader exchange, all in temporary places); every user's
server is started through the hub's REST API and runs as that user's unix account. Then, as each user:

release (instructor: ``python -m autograder release`` + ``nbgrader release_assignment``) → fetch (each
student's server: nbgrader's ``/assignments/fetch``) → edit (the server's contents API: complete, blank and
half-done answers from :mod:`autograder.simulate`) → submit (``/assignments/submit``) → collect (instructor:
``nbgrader collect``) → autograde (``setup.sh grade`` → ``python -m autograder grade``, sandboxed, as root) →
release feedback (instructor: ``nbgrader release_feedback``) → fetch feedback (each student's server:
``/assignments/fetch_feedback``).

Checks: grades are what the judges' points say; feedback reaches each student and holds no hidden material;
no student can list the exchange's inbox, read another student's files, or read the course folder (source
notebooks with hidden checks, judges, gradebook, collected submissions). Everything is removed afterwards.

Opt-in (``-m full``): it needs root (it creates unix users) and takes a few minutes.
"""

from __future__ import annotations

import csv
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from autograder import course, simulate
from autograder.notebooks import HIDDEN_MARKERS, leaks

REPO = Path(__file__).resolve().parent.parent
SETUP = REPO / "deploy" / "jupyterhub" / "setup.sh"
PREFIX = Path(os.environ.get("JCLUB_HUB_PREFIX", "/opt/jclub-hub"))
UNIT = "01-standard-diffusion"
COURSE_ID = "jclub"

pytestmark = [
    pytest.mark.full,
    pytest.mark.skipif(os.geteuid() != 0, reason="creates unix users and spawns servers as them: needs root"),
    pytest.mark.skipif(
        not shutil.which("npm") or not shutil.which("runuser"), reason="needs npm and runuser"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    """A running hub and the class's users; ``api``/``server`` call it with the automation token."""

    def __init__(self, base: Path, instructor: str, students: list[str]) -> None:
        self.base, self.instructor, self.students = base, instructor, students
        self.port, self.token = _free_port(), secrets.token_hex(24)
        self.exchange = base / "exchange"
        self.course_dir = Path(f"/home/{instructor}/jclub")
        self.env = {
            **os.environ,
            "JCLUB_HUB_PREFIX": str(PREFIX),
            "JCLUB_HUB_STATE": str(base / "state"),
            "JCLUB_EXCHANGE": str(self.exchange),
            "JCLUB_INSTRUCTOR": instructor,
            "JCLUB_STUDENTS": " ".join(students),
            "JCLUB_COURSE_DIR": str(self.course_dir),
            "JCLUB_HUB_IP": "127.0.0.1",
            "JCLUB_HUB_PORT": str(self.port),
            "JCLUB_HUB_API_PORT": str(_free_port()),
            "JCLUB_PROXY_API_PORT": str(_free_port()),
            "JCLUB_HUB_SERVICE_TOKEN": self.token,
        }
        self.env.pop("JCLUB_ROOT", None)
        self.proc: subprocess.Popen | None = None
        self.log = base / "hub.log"

    # -- processes ------------------------------------------------------------------------------------
    def setup(self, *args: str, timeout: float = 900) -> str:
        proc = subprocess.run(
            [str(SETUP), *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        assert proc.returncode == 0, (
            f"setup.sh {' '.join(args)} failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )
        return proc.stdout

    def as_user(
        self, user: str, *args: str, cwd: Path | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess:
        """``args`` as the unix user ``user`` (a clean environment with the hub's tools on PATH)."""
        home = pwd.getpwnam(user).pw_dir
        env = [
            f"HOME={home}",
            f"USER={user}",
            f"LOGNAME={user}",
            "LANG=C.UTF-8",
            f"PATH={PREFIX / 'venv' / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        ]
        return subprocess.run(
            ["runuser", "-u", user, "--", "env", "-i", *env, *args],
            cwd=cwd or home,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def as_instructor(self, *args: str, timeout: float = 300) -> str:
        proc = self.as_user(self.instructor, *args, cwd=self.course_dir, timeout=timeout)
        assert proc.returncode == 0, (
            f"{args} as the instructor failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )
        return proc.stdout + proc.stderr

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [str(SETUP), "up"],
            env=self.env,
            stdout=open(self.log, "wb"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"the hub exited:\n{self.log_tail()}"
            try:
                urllib.request.urlopen(f"{self.url}/hub/api/", timeout=5).read()
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(1)
        raise AssertionError(f"the hub did not answer in 120 s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)  # the hub stops every user's server and the proxy it started
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def log_tail(self, n: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:]) if self.log.is_file() else ""

    # -- HTTP ------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self, method: str, path: str, body: object = None, form: dict | None = None
    ) -> tuple[int, bytes]:
        headers = {"Authorization": f"token {self.token}"}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        where, _, query = path.partition("?")
        url = self.url + urllib.parse.quote(where) + (f"?{query}" if query else "")
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=300) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def ok(self, method: str, path: str, body: object = None, form: dict | None = None) -> object:
        status, raw = self.request(method, path, body, form)
        assert status < 300, f"{method} {path}: HTTP {status}: {raw[:2000]!r}\nhub log:\n{self.log_tail(30)}"
        return json.loads(raw) if raw.strip() else None

    def spawn(self, user: str) -> None:
        self.ok("POST", f"/hub/api/users/{user}/server")

    def wait_ready(self, user: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.ok("GET", f"/hub/api/users/{user}")
            server = (model or {}).get("servers", {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(1)
        raise AssertionError(f"{user}'s server did not start in {timeout} s:\n{self.log_tail()}")

    def assignment(self, user: str, action: str) -> list[dict]:
        """nbgrader's assignment-list action (fetch, submit, fetch_feedback) in ``user``'s own server.

        Returns the user's assignment list after the action; fails with nbgrader's message if it failed.
        """
        out = self.ok(
            "POST",
            f"/user/{user}/assignments/{action}",
            form={"course_id": COURSE_ID, "assignment_id": UNIT},
        )
        assert isinstance(out, dict) and out.get("success"), f"{action} as {user}: {out}"
        return out["value"]


@pytest.fixture(scope="module")
def hub() -> Iterator[Hub]:
    tag = secrets.token_hex(2)
    base = Path(tempfile.mkdtemp(prefix="jclub-hub-"))
    base.chmod(0o755)  # the exchange inside must be reachable by every user
    h = Hub(base, f"jc{tag}-instr", [f"jc{tag}-s{i}" for i in (1, 2, 3)])
    old_root = os.environ.get("JCLUB_ROOT")
    t0 = time.monotonic()
    try:
        h.setup("install")
        h.setup("class")
        h.start()
        h.setup_seconds = time.monotonic() - t0
        os.environ["JCLUB_ROOT"] = str(h.course_dir)  # simulate.fill reads the course folder's release
        yield h
    finally:
        if old_root is None:
            os.environ.pop("JCLUB_ROOT", None)
        else:
            os.environ["JCLUB_ROOT"] = old_root
        h.stop()
        subprocess.run([str(SETUP), "remove"], env=h.env, capture_output=True, timeout=120)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def cycle(hub: Hub) -> dict:
    """Run the whole term for one unit; return what the checks need."""
    t0 = time.monotonic()
    users = [hub.instructor, *hub.students]
    for u in users:
        hub.spawn(u)
    for u in users:
        hub.wait_ready(u)
        hub.ok("GET", f"/user/{u}/api/status")
    # release (instructor, in their course folder, with the hub environment's Python)
    hub.as_instructor("python", "-m", "autograder", "release", UNIT)
    hub.as_instructor("nbgrader", "release_assignment", UNIT)
    unit = course.unit(UNIT, hub.course_dir)
    nb_name = unit.notebook.name
    half = [c.name for c in unit.checks[: (len(unit.checks) + 1) // 2]]
    answers = {
        hub.students[0]: simulate.fill(unit),
        hub.students[1]: None,  # blank: submits the release as fetched
        hub.students[2]: simulate.fill(unit, answered=half, written=False),
    }
    fetched = {}
    for s in hub.students:
        listing = hub.assignment(s, "fetch")
        assert any(a.get("assignment_id") == UNIT and a.get("status") == "fetched" for a in listing), listing
        fetched[s] = hub.ok("GET", f"/user/{s}/api/contents/{UNIT}/{nb_name}?content=1")
        if answers[s] is not None:
            hub.ok(
                "PUT",
                f"/user/{s}/api/contents/{UNIT}/{nb_name}",
                body={"type": "notebook", "format": "json", "content": answers[s]},
            )
        listing = hub.assignment(s, "submit")
        assert any(a.get("status") == "submitted" for a in listing), listing
    inbound = sorted(p.name for p in (hub.exchange / COURSE_ID / "inbound").iterdir())
    # collect, autograde (the project's sandboxed grade, as root), release feedback
    hub.as_instructor("nbgrader", "collect", UNIT)
    t_grade = time.monotonic()
    graded = hub.setup("grade", UNIT, timeout=1800)
    grade_seconds = time.monotonic() - t_grade
    hub.as_instructor("nbgrader", "release_feedback", UNIT)
    feedback = {}
    for s in hub.students:
        hub.assignment(s, "fetch_feedback")
        tree = hub.ok("GET", f"/user/{s}/api/contents/{UNIT}/feedback")
        pages = []
        for d in tree["content"]:
            sub = hub.ok("GET", "/user/{}/api/contents/{}".format(s, d["path"]))
            pages += [f["path"] for f in sub["content"] if f["name"].endswith(".html")]
        feedback[s] = [
            hub.ok("GET", f"/user/{s}/api/contents/{p}?type=file&format=text")["content"] for p in pages
        ]
    with open(hub.course_dir / "grades.csv", newline="") as fh:
        scores = {r["student_id"]: float(r["score"]) for r in csv.DictReader(fh) if r["assignment"] == UNIT}
    total = sum(c.points for c in unit.checks)
    expected = {
        hub.students[0]: total,
        hub.students[1]: 0.0,
        hub.students[2]: sum(c.points for c in unit.checks if c.name in half),
    }
    seconds = {
        "setup+hub": round(hub.setup_seconds, 1),
        "cycle": round(time.monotonic() - t0, 1),
        "grade": round(grade_seconds, 1),
    }
    print(f"\njupyterhub cycle timings (s): {seconds}\n{graded}")
    return {
        "unit": unit,
        "fetched": fetched,
        "scores": scores,
        "expected": expected,
        "feedback": feedback,
        "inbound": inbound,
        "seconds": seconds,
    }


def test_every_server_runs_as_its_own_unix_user(hub: Hub, cycle: dict) -> None:
    for u in [hub.instructor, *hub.students]:
        pids = subprocess.run(
            ["pgrep", "-u", u, "-f", "jupyterhub-singleuser"], capture_output=True, text=True
        )
        assert pids.stdout.split(), f"no server process owned by {u}"
        model = hub.ok("GET", f"/hub/api/users/{u}")
        assert model["servers"][""]["ready"]


def test_scores_match_the_judges(cycle: dict) -> None:
    assert cycle["scores"] == pytest.approx(cycle["expected"])


def test_students_fetched_the_release_without_hidden_checks(hub: Hub, cycle: dict) -> None:
    for s, model in cycle["fetched"].items():
        text = json.dumps(model["content"])
        assert not leaks(text, HIDDEN_MARKERS), s
        assert "NotImplementedError" in text


def test_feedback_reaches_each_student_without_hidden_material(hub: Hub, cycle: dict) -> None:
    for s, pages in cycle["feedback"].items():
        assert pages, f"{s} received no feedback"
        for html in pages:
            assert not leaks(html, HIDDEN_MARKERS), s
    assert any("failed" in p or "HiddenCheckFailed" in p for p in cycle["feedback"][hub.students[2]])


def test_submissions_are_unguessable_and_the_inbox_unlistable(hub: Hub, cycle: dict) -> None:
    assert len(cycle["inbound"]) == 3
    for name in cycle["inbound"]:
        assert len(name.rsplit("+", 1)[-1]) == 12, name  # nbgrader's random suffix (72 bits)
    for s in hub.students:
        assert hub.as_user(s, "ls", str(hub.exchange / COURSE_ID / "inbound")).returncode != 0, s
        assert hub.as_user(s, "ls", str(hub.exchange / COURSE_ID / "feedback")).returncode != 0, s


def test_no_student_reads_another_students_files_or_the_course(hub: Hub, cycle: dict) -> None:
    unit: course.Unit = cycle["unit"]
    course_dir = hub.course_dir
    private = [
        course_dir / "units" / UNIT / unit.notebook.name,  # solutions and hidden checks
        course_dir / "autograder" / "judges" / f"{unit.slug.replace('-', '_')}.py",
        course_dir / "gradebook.db",
        course_dir / "grades.csv",
        course_dir / "submitted" / hub.students[0] / UNIT / unit.notebook.name,
        course_dir / "autograded" / hub.students[0] / UNIT / unit.notebook.name,
    ]
    for p in private:
        assert p.is_file(), p
    for s in hub.students:
        for p in private:
            assert hub.as_user(s, "cat", str(p)).returncode != 0, (s, p)
        assert hub.as_user(s, "ls", str(course_dir)).returncode != 0, s
        for other in hub.students:
            if other == s:
                continue
            theirs = Path(pwd.getpwnam(other).pw_dir) / UNIT / unit.notebook.name
            assert theirs.is_file()
            assert hub.as_user(s, "cat", str(theirs)).returncode != 0, (s, theirs)
            assert hub.as_user(s, "ls", str(theirs.parent.parent)).returncode != 0, (s, other)
        mine = Path(pwd.getpwnam(s).pw_dir) / UNIT / unit.notebook.name
        assert hub.as_user(s, "cat", str(mine)).returncode == 0, s  # the check itself works
    nb = nbformat.reads(
        hub.as_user(
            hub.students[0],
            "cat",
            str(Path(pwd.getpwnam(hub.students[0]).pw_dir) / UNIT / unit.notebook.name),
        ).stdout,
        as_version=4,
    )
    assert nb.cells
