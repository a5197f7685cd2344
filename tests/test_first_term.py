"""A first-time instructor's term, run from the README's own lines (so the guide and the tool cannot drift).

The block between ``<!-- first-term:begin -->`` and ``<!-- first-term:end -->`` in README.md is read and each
command line is run as written, with bash, as root, from the repository root. Only what a test must isolate is
set by the test instead of the guide: the ``export`` line's values (a throw-away instructor and a generated
roster of three students with names and e-mails), ``HOME`` (where ``~/roster.csv`` and ``~/passwords.txt``
are written), the hub's state folder, exchange and loopback ports, and — once the README's example deadline
has passed — a deadline a year ahead. A line ending in ``&`` (the hub) runs in the background. At the comment
line for students: the instructor and a student log in through the hub's login form with the passwords
``chpasswd`` set (a wrong password is refused), then three students fetch, answer (complete, half, blank) and
submit through their own servers (the hub's API with an automation token, as tests/test_jupyterhub.py does).

Checks: the roster's students exist as unix users and in the gradebook with their names and e-mails; the
deadline is set; grades.csv and the Canvas export hold the judges' scores with the roster's names; every
student fetches feedback without hidden material. Then a roster with ids that cannot be unix user names is
refused by ``setup.sh class`` before any user is created. Full tier (root, npm).

CI tier (no root): the guide names every step, and ``setup.sh roster`` accepts a good roster and refuses bad
ones with a message that says why.
"""

from __future__ import annotations

import csv
import datetime as dt
import http.cookiejar
import os
import re
import secrets
import shlex
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from test_jupyterhub import SETUP, UNIT, Hub

from autograder import course, simulate
from autograder.notebooks import HIDDEN_MARKERS, leaks

REPO = Path(__file__).resolve().parent.parent
DUE_FORMAT = "%Y-%m-%d %H:%M:%S"


def guide_lines() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- first-term:begin -->\s*```bash\n(.*?)```\s*<!-- first-term:end -->", text, re.S)
    assert m, "README.md has no first-term block"
    return [line.rstrip() for line in m.group(1).splitlines() if line.strip()]


def test_the_guide_names_every_step():
    lines = "\n".join(guide_lines())
    for step in (
        "./course setup",
        "setup.sh install",
        "setup.sh roster",
        "setup.sh class",
        "chpasswd",
        "setup.sh up &",
        "db assignment add",
        "--duedate=",
        "release_assignment",
        "# students:",
        "collect",
        "setup.sh grade",
        "generate_feedback",
        "release_feedback",
        "export-lms",
    ):
        assert step in lines, f"the first-term guide misses {step!r}"
    assert any(
        line.startswith("export JCLUB_INSTRUCTOR=") and "JCLUB_ROSTER=" in line for line in guide_lines()
    )


# -- the roster check (no root: `setup.sh roster` runs before the root check) -----------------------------
def _roster(tmp_path: Path, text: str) -> subprocess.CompletedProcess:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JCLUB_")}
    env["JCLUB_INSTRUCTOR"] = "jc-lee"
    return subprocess.run(
        ["bash", str(SETUP), "roster", str(path)], env=env, capture_output=True, text=True, timeout=60
    )


def test_setup_accepts_a_good_roster(tmp_path):
    done = _roster(
        tmp_path,
        "\ufeffid,first_name,last_name,email\njc-ada,Ada,Lovelace,ada@example.org\n"
        "s2023001,Alan,Turing,\n_rf,Rosalind,Franklin,rf@example.org\n",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["jc-ada", "s2023001", "_rf"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("id,first_name\nAda,Ada\n", "'Ada'"),  # upper case
        ("id,first_name\n2023001,Alan\n", "'2023001'"),  # a bare student number
        ("id,first_name\nada.lovelace,Ada\n", "'ada.lovelace'"),
        ("id,first_name\nada@example.org,Ada\n", "'ada@example.org'"),
        ("id,first_name\nada lovelace,Ada\n", "'ada lovelace'"),
        ("id,first_name\n jc-ada,Ada\n", "' jc-ada'"),  # nbgrader's import keeps the space: refused
        ("id,first_name\n,Ada\n", "''"),
        ("id,first_name\n" + "a" * 33 + ",Ada\n", "a" * 33),
        ("id,first_name\njc-ada,Ada\njc-bob,Bob\njc-ada,Ada\n", "duplicate ids: jc-ada"),
        ("id,first_name\nroot,Ada\n", "system accounts"),
        ("id,first_name\njc-lee,Lee\n", "the instructor"),
        ("first_name,last_name\nAda,Lovelace\n", "'id' column"),
        ("id,first_name\n", "'id' column"),
        ("", "'id' column"),
    ],
)
def test_setup_refuses_a_bad_roster(tmp_path, text, says):
    done = _roster(tmp_path, text)
    assert done.returncode != 0, done.stdout
    assert says in done.stderr, done.stderr
    assert done.stdout == ""
    if "user names" in done.stderr:
        assert "lower case" in done.stderr and "login name" in done.stderr  # says what an id must be


def test_setup_refuses_a_roster_that_is_not_utf8(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("id,first_name\nada,Zo\u00eb\n".encode("latin-1"))
    done = subprocess.run(["bash", str(SETUP), "roster", str(path)], capture_output=True, text=True)
    assert done.returncode != 0 and "UTF-8" in done.stderr, done.stderr


# -- the term (root) ----------------------------------------------------------------------------------------
@pytest.mark.full
@pytest.mark.skipif(os.geteuid() != 0, reason="creates unix users: needs root")
@pytest.mark.skipif(not shutil.which("npm"), reason="needs npm")
def test_a_first_term_from_the_readme(tmp_path_factory):
    t_start = time.monotonic()
    tag = secrets.token_hex(2)
    base = Path(tempfile.mkdtemp(prefix="jclub-term-"))
    base.chmod(0o755)
    home = tmp_path_factory.mktemp("instructor-home")
    students = [f"jc{tag}-s{i}" for i in (1, 2, 3)]
    hub = Hub(base, f"jc{tag}-lee", students)
    roster = [("Ada", "Lovelace"), ("Alan", "Turing"), ("Rosalind", "Franklin")]
    with open(home / "roster.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "first_name", "last_name", "email"])
        for sid, (first, last) in zip(students, roster, strict=True):
            w.writerow([sid, first, last, f"{sid}@example.org"])
    passwords = {u: secrets.token_urlsafe(12) for u in [hub.instructor, *students]}
    (home / "passwords.txt").write_text("".join(f"{u}:{p}\n" for u, p in passwords.items()))
    env = {**hub.env, "HOME": str(home), "JCLUB_ROSTER": str(home / "roster.csv")}
    env.pop("JCLUB_STUDENTS", None)  # the roster decides
    env.pop("JCLUB_COURSE_DIR", None)  # the default, ~INSTRUCTOR/jclub, as the guide says
    background: list[subprocess.Popen] = []
    log = base / "term.log"
    due = None
    seconds: dict[str, float] = {}
    try:
        for line in guide_lines():
            if line.lstrip().startswith("#"):
                if line.lstrip().startswith("# students:"):
                    t0 = time.monotonic()
                    _logins(hub, passwords)
                    _students_work(hub, students)
                    seconds["students"] = time.monotonic() - t0
                continue
            command = line.split("  #")[0].strip()
            if command.startswith("export "):
                names = [a.split("=", 1)[0] for a in shlex.split(command)[1:]]
                assert set(names) == {"JCLUB_INSTRUCTOR", "JCLUB_ROSTER"}, names
                continue  # the test's own instructor and roster (set in env above)
            if "--duedate=" in command:
                command, due = _deadline(command)
            if command.endswith("&"):
                t0 = time.monotonic()
                proc = subprocess.Popen(
                    ["bash", "-c", command[:-1]],
                    cwd=REPO,
                    env=env,
                    stdout=open(log, "ab"),
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
                background.append(proc)
                hub.proc = proc
                _wait_for_hub(hub, proc, log)
                seconds[command] = time.monotonic() - t0
                continue
            t0 = time.monotonic()
            done = subprocess.run(
                ["bash", "-c", command], cwd=REPO, env=env, capture_output=True, text=True, timeout=1800
            )
            assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
            seconds[command] = time.monotonic() - t0
        course_dir = hub.course_dir
        assert (course_dir / "units").is_dir()
        for sid in students:
            assert subprocess.run(["id", sid], capture_output=True).returncode == 0, sid
        gb = subprocess.run(
            [
                str(SETUP),
                "instructor",
                "python",
                "-c",
                "from nbgrader.api import Gradebook\n"
                "with Gradebook('sqlite:///gradebook.db', course_id='jclub') as gb:\n"
                "    print(sorted((s.id, s.first_name, s.last_name, s.email) for s in gb.students))\n"
                f"    print(gb.find_assignment('{UNIT}').duedate)",
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        assert gb.returncode == 0, gb.stderr
        expected_students = sorted(
            (sid, first, last, f"{sid}@example.org")
            for sid, (first, last) in zip(students, roster, strict=True)
        )
        assert gb.stdout.splitlines()[0] == repr(expected_students)
        assert due is not None and gb.stdout.splitlines()[1] == due
        unit = course.unit(UNIT, course_dir)
        total = sum(c.points for c in unit.checks)
        half = sum(c.points for c in unit.checks[: (len(unit.checks) + 1) // 2])
        expected = {students[0]: total, students[1]: half, students[2]: 0.0}
        with open(course_dir / "grades.csv", newline="") as fh:
            scores = {
                r["student_id"]: float(r["score"]) for r in csv.DictReader(fh) if r["assignment"] == UNIT
            }
        assert scores == pytest.approx(expected)
        with open(course_dir / "grades-canvas.csv", newline="") as fh:
            rows = list(csv.DictReader(fh))
        column = next(k for k in rows[0] if k.startswith(f"{UNIT} ("))
        canvas = {r["SIS User ID"]: (r["Student"], float(r[column])) for r in rows}
        assert canvas == {
            sid: (f"{last}, {first}", pytest.approx(expected[sid]))
            for sid, (first, last) in zip(students, roster, strict=True)
        }
        _feedback_reaches_everyone(hub, students, unit)
        _a_bad_roster_changes_nothing(hub, env, base, tag)
        total_s = time.monotonic() - t_start
        print("\nfirst term from the README (s):")
        for what, s in seconds.items():
            print(f"{s:7.1f}  {what[:100]}")
        print(f"{total_s:7.1f}  in all")
    finally:
        for proc in background:
            hub.proc = proc
            hub.stop()
        cleanup = {**env, "JCLUB_STUDENTS": " ".join(students)}  # if class.json was never written
        subprocess.run([str(SETUP), "remove"], env=cleanup, capture_output=True, timeout=120)
        shutil.rmtree(base, ignore_errors=True)


def _deadline(command: str) -> tuple[str, str]:
    """The guide's deadline, or one a year ahead once the guide's example date has passed."""
    m = re.search(r'--duedate="([^"]+) UTC"', command)
    assert m, f"the deadline is not in the form the guide promises: {command}"
    when = dt.datetime.strptime(m.group(1), DUE_FORMAT).replace(tzinfo=dt.UTC)
    now = dt.datetime.now(dt.UTC)
    if when < now + dt.timedelta(days=1):
        later = (now + dt.timedelta(days=365)).replace(microsecond=0).strftime(DUE_FORMAT)
        print(f"\nthe README's example deadline {m.group(1)} has passed: using {later} UTC")
        command = command.replace(m.group(1), later)
        return command, later
    return command, m.group(1)


def _wait_for_hub(hub: Hub, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the hub exited:\n{log.read_text(errors='replace')[-3000:]}"
        try:
            urllib.request.urlopen(f"{hub.url}/hub/api/", timeout=5).read()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    raise AssertionError("the hub did not answer in 120 s")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None


def _login(hub: Hub, user: str, password: str) -> bool:
    """The hub's login form (PAM) with ``user``'s password: True when the hub logs them in."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    page = opener.open(f"{hub.url}/hub/login", timeout=60).read().decode()
    xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', page)
    assert xsrf, "the hub's login page has no _xsrf field"
    form = urllib.parse.urlencode({"username": user, "password": password, "_xsrf": xsrf.group(1)})
    try:
        opener.open(urllib.request.Request(f"{hub.url}/hub/login", data=form.encode()), timeout=60)
        return False  # the form again, with an error
    except urllib.error.HTTPError as err:
        if err.code in (401, 403):
            return False
        assert err.code == 302, f"login as {user}: HTTP {err.code}"
        return any(c.name == "jupyterhub-hub-login" for c in jar)


def _logins(hub: Hub, passwords: dict[str, str]) -> None:
    """The passwords ``chpasswd`` set open the hub's login form; a wrong one does not."""
    for user in (hub.instructor, hub.students[0]):
        assert _login(hub, user, passwords[user]), f"{user} cannot log in with the password set by chpasswd"
    assert not _login(hub, hub.students[1], passwords[hub.students[0]]), "a wrong password logged in"


def _students_work(hub: Hub, students: list[str]) -> None:
    """Complete, half-done and blank answers, fetched and submitted through each student's own server."""
    unit = course.unit(UNIT, hub.course_dir)
    old = os.environ.get("JCLUB_ROOT")
    os.environ["JCLUB_ROOT"] = str(hub.course_dir)
    try:
        half = [c.name for c in unit.checks[: (len(unit.checks) + 1) // 2]]
        answers = [simulate.fill(unit), simulate.fill(unit, answered=half, written=False), None]
    finally:
        if old is None:
            os.environ.pop("JCLUB_ROOT", None)
        else:
            os.environ["JCLUB_ROOT"] = old
    for s in students:
        hub.spawn(s)
    for s, answer in zip(students, answers, strict=True):
        hub.wait_ready(s)
        listing = hub.assignment(s, "fetch")
        assert any(a.get("assignment_id") == UNIT and a.get("status") == "fetched" for a in listing), listing
        if answer is not None:
            hub.ok(
                "PUT",
                f"/user/{s}/api/contents/{UNIT}/{unit.notebook.name}",
                body={"type": "notebook", "format": "json", "content": answer},
            )
        listing = hub.assignment(s, "submit")
        assert any(a.get("status") == "submitted" for a in listing), listing


def _feedback_reaches_everyone(hub: Hub, students: list[str], unit: course.Unit) -> None:
    for s in students:
        hub.assignment(s, "fetch_feedback")
        tree = hub.ok("GET", f"/user/{s}/api/contents/{UNIT}/feedback")
        pages = []
        for d in tree["content"]:
            sub = hub.ok("GET", "/user/{}/api/contents/{}".format(s, d["path"]))
            pages += [f["path"] for f in sub["content"] if f["name"].endswith(".html")]
        assert pages, f"{s} received no feedback"
        for p in pages:
            html = hub.ok("GET", f"/user/{s}/api/contents/{p}?type=file&format=text")["content"]
            assert unit.notebook.stem in html and not leaks(html, HIDDEN_MARKERS), (s, p)


def _a_bad_roster_changes_nothing(hub: Hub, env: dict, base: Path, tag: str) -> None:
    """``setup.sh class`` with ids that cannot be unix user names stops before creating anyone."""
    bad = base / "bad-roster.csv"
    fresh = f"jc{tag}-new"
    bad.write_text(f"id,first_name,last_name,email\n{fresh},Lise,Meitner,\nMarie.Curie,Marie,Curie,\n")
    done = subprocess.run(
        [str(SETUP), "class"],
        env={**env, "JCLUB_ROSTER": str(bad), "JCLUB_HUB_STATE": str(base / "state-bad")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "'Marie.Curie'" in done.stderr and "nothing was changed" in done.stderr, done.stderr
    assert subprocess.run(["id", fresh], capture_output=True).returncode != 0, f"{fresh} was created"
    assert not (base / "state-bad").exists()
