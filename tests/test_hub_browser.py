"""The instructor's and the students' day on the class hub, in a real browser (Chromium), once per gradebook.

Everyone logs in through the hub's login form with a real unix password (PAM). Students fetch, answer and
submit from their own browser session (the same calls JupyterLab's Assignments panel makes, with the session's
cookie and XSRF token). The instructor collects and grades (``setup.sh grade``: the project's sandboxed
``grade``); in the **formgrader** the instructor opens a submission, gives a written answer a score and a
comment and flags the submission — while ``grade`` is still writing the other students' results into the same
gradebook. Then: the manual score is in the gradebook and in ``grades.csv``; ``generate_feedback`` and
``release_feedback``; a student opens the feedback page in the browser and sees the comment and the names of
the failed checks, never hidden code or inputs.

Run with SQLite (the default gradebook) and with a real PostgreSQL server (``JCLUB_GRADEBOOK_URL``). Full
tier: it needs root (unix users, PAM passwords), npm, chromium and a few minutes per gradebook. Screenshots of
a failure go to ``_build/test-screenshots``.
"""

from __future__ import annotations

import contextlib
import csv
import json
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pgserver import postgres_server
from test_jupyterhub import COURSE_ID, SETUP, UNIT, Hub

from autograder import course, simulate
from autograder.checks import case_literal
from autograder.notebooks import HIDDEN_MARKERS, leaks

pytestmark = [pytest.mark.full, pytest.mark.browser]
SHOTS = course.ROOT / "_build" / "test-screenshots"
COMMENT = "Good physical reasoning; give the time scale a number next time."


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.skip("needs Debian's chromium and chromium-driver")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path_factory.mktemp('hub-chromium')}",
        "--window-size=1280,1600",
    ):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service(driver), options=opts)
    drv.set_script_timeout(300)
    yield drv
    drv.quit()


def _shot(drv, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"hub-{name}.png"
    drv.save_screenshot(str(path))
    return path


def _wait(drv, predicate, what: str, timeout: float = 180):
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(drv, timeout, poll_frequency=0.5).until(predicate)
    except Exception:
        raise AssertionError(f"{what}: timed out; screenshot {_shot(drv, what.replace(' ', '-'))}") from None


class Session:
    """One person's browser session on the hub: logged in through the form, cookies of their own."""

    def __init__(self, drv, hub: Hub, user: str, password: str) -> None:
        self.drv, self.hub, self.user, self.password = drv, hub, user, password

    def login(self) -> None:
        from selenium.webdriver.common.by import By

        drv = self.drv
        drv.get(f"{self.hub.url}/hub/logout")  # whoever was logged in before logs out, as a person would
        drv.execute_cdp_cmd("Network.clearBrowserCookies", {})
        drv.get(f"{self.hub.url}/hub/login")
        _wait(drv, lambda d: d.find_elements(By.ID, "username_input"), f"login form for {self.user}")
        drv.find_element(By.ID, "username_input").send_keys(self.user)
        drv.find_element(By.ID, "password_input").send_keys(self.password)
        drv.find_element(By.ID, "login_submit").click()
        # the hub spawns the server (a progress page), then JupyterLab loads
        _wait(
            drv,
            lambda d: (
                f"/user/{self.user}/lab" in d.current_url
                and d.execute_script("return !!document.querySelector('#jp-main-dock-panel')")
            ),
            f"JupyterLab of {self.user}",
            timeout=300,
        )

    def call(self, method: str, path: str, form: dict | None = None, body: object = None) -> object:
        """An HTTP call from the logged-in page (its cookies and XSRF token), as the Lab frontend makes it."""
        result = self.drv.execute_async_script(
            """
            const [method, url, form, body, done] = arguments;
            const xsrf = decodeURIComponent((document.cookie.match(/_xsrf=([^;]+)/) || [, ''])[1]);
            const headers = {'X-XSRFToken': xsrf};
            let payload = null;
            if (form) { headers['Content-Type'] = 'application/x-www-form-urlencoded';
                        payload = new URLSearchParams(form).toString(); }
            else if (body) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
            fetch(url, {method, headers, body: payload, credentials: 'same-origin'})
              .then(async r => done([r.status, await r.text()])).catch(e => done([0, String(e)]));
            """,
            method,
            f"/user/{self.user}{path}",
            form,
            body,
        )
        status, text = result
        assert 200 <= status < 300, f"{method} {path} as {self.user}: HTTP {status}: {text[:1000]}"
        return json.loads(text) if text.strip() else None

    def assignment(self, action: str) -> list[dict]:
        out = self.call(
            "POST", f"/assignments/{action}", form={"course_id": COURSE_ID, "assignment_id": UNIT}
        )
        assert isinstance(out, dict) and out.get("success"), f"{action} as {self.user}: {out}"
        return out["value"]


@contextlib.contextmanager
def _class(gradebook: str) -> Iterator[Hub]:
    tag = secrets.token_hex(2)
    base = Path(tempfile.mkdtemp(prefix="jclub-hubui-"))
    base.chmod(0o755)
    hub = Hub(base, f"jc{tag}-instr", [f"jc{tag}-s{i}" for i in (1, 2, 3)])
    hub.env["JCLUB_HUB_SERVICE_TOKEN"] = ""  # no automation token: people log in through the form
    pg = postgres_server() if gradebook == "postgresql" else contextlib.nullcontext(None)
    try:
        with pg as url:
            if url:
                hub.env["JCLUB_GRADEBOOK_URL"] = url
            hub.setup("install")
            hub.setup("class")
            hub.passwords = {u: secrets.token_urlsafe(12) for u in [hub.instructor, *hub.students]}
            subprocess.run(
                ["chpasswd"],
                input="".join(f"{u}:{p}\n" for u, p in hub.passwords.items()),
                text=True,
                check=True,
            )
            hub.start()
            yield hub
    finally:
        hub.stop()
        subprocess.run([str(SETUP), "remove"], env=hub.env, capture_output=True, timeout=120)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def day(request, browser) -> dict:
    """One unit's term in the browser; returns what the checks need."""
    import os

    t0 = time.monotonic()
    with _class(request.param) as hub:
        old_root = os.environ.get("JCLUB_ROOT")
        os.environ["JCLUB_ROOT"] = str(hub.course_dir)  # simulate.fill reads the course folder's release
        try:
            return _run_day(hub, browser, request.param, t0)
        finally:
            if old_root is None:
                os.environ.pop("JCLUB_ROOT", None)
            else:
                os.environ["JCLUB_ROOT"] = old_root


def _as_instructor(hub: Hub, *args: str) -> str:
    """A command in the instructor's course folder via ``setup.sh instructor`` (the class's gradebook)."""
    return hub.setup("instructor", *args)


def _run_day(hub: Hub, drv, gradebook: str, t0: float) -> dict:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    instructor = Session(drv, hub, hub.instructor, hub.passwords[hub.instructor])
    instructor.login()
    _as_instructor(hub, "python", "-m", "autograder", "release", UNIT)
    _as_instructor(hub, "nbgrader", "release_assignment", UNIT)
    unit = course.unit(UNIT, hub.course_dir)
    nb_name = unit.notebook.name
    written = next(
        c.metadata["nbgrader"]["grade_id"]
        for c in unit.read().cells
        if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("written_")
    )
    written_points = next(
        float(c.metadata["nbgrader"]["points"])
        for c in unit.read().cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == written
    )
    half = [c.name for c in unit.checks[: (len(unit.checks) + 1) // 2]]
    answers = {
        hub.students[0]: simulate.fill(unit, answered=half),  # written answers filled, half the code
        hub.students[1]: simulate.fill(unit),
        hub.students[2]: None,
    }
    for s in hub.students:
        student = Session(drv, hub, s, hub.passwords[s])
        student.login()
        listing = student.assignment("fetch")
        assert any(a.get("assignment_id") == UNIT and a.get("status") == "fetched" for a in listing), listing
        if answers[s] is not None:
            student.call(
                "PUT",
                f"/api/contents/{UNIT}/{nb_name}",
                body={"type": "notebook", "format": "json", "content": answers[s]},
            )
        listing = student.assignment("submit")
        assert any(a.get("status") == "submitted" for a in listing), listing

    _as_instructor(hub, "nbgrader", "collect", UNIT)
    first = hub.students[0]
    out = hub.setup("grade", UNIT, "--student", first, timeout=1800)
    assert "graded 1," in out, out
    # the rest of the class is graded while the instructor works in the formgrader
    rest: dict = {}

    def grade_rest() -> None:
        try:
            args = [a for s in hub.students[1:] for a in ("--student", s)]
            rest["out"] = hub.setup("grade", UNIT, *args, timeout=1800)
        except BaseException as err:  # noqa: BLE001 - reported by the test
            rest["error"] = err

    worker = threading.Thread(target=grade_rest)
    worker.start()
    instructor.login()
    subs = instructor.call("GET", f"/formgrader/api/student_notebook_submissions/{first}/{UNIT}")
    mine = [s["id"] for s in subs if s.get("name") == unit.notebook.stem and s.get("id")]
    assert mine, f"the formgrader lists no submission of {first}: {subs}"
    sub_id = mine[0]
    # the graders' sheet (mark schemes), opened in the instructor's own server beside the formgrader
    _as_instructor(hub, "python", "-m", "autograder", "mark-schemes", UNIT)
    drv.get(f"{hub.url}/user/{hub.instructor}/files/jclub/_build/mark-schemes/{UNIT}.html")
    _wait(drv, lambda d: "Mark scheme (" in d.find_element(By.TAG_NAME, "body").text, "graders' sheet")
    sheet_text = drv.find_element(By.TAG_NAME, "body").text
    drv.get(f"{hub.url}/user/{hub.instructor}/formgrader/submissions/{sub_id}/")
    _wait(drv, lambda d: d.find_elements(By.ID, written), "formgrader submission page")
    page_text = drv.find_element(By.TAG_NAME, "body").text
    score = drv.find_element(By.ID, written)
    score.clear()
    score.send_keys(f"{written_points - 1:g}")
    score.send_keys(Keys.TAB)
    comment = drv.find_element(By.ID, f"{written}-comment")
    comment.clear()
    comment.send_keys(COMMENT)
    comment.send_keys(Keys.TAB)
    # flag the submission: the formgrader's own flag action (what its Ctrl-Shift-F shortcut runs)
    drv.execute_script("formgrader.flag();")
    _wait(
        drv,
        lambda d: "flagged" in d.find_element(By.ID, "statusmessage").text,
        "flag confirmation",
        timeout=60,
    )
    time.sleep(2)  # the score and comment are saved on change; let the last request finish
    grades = instructor.call("GET", f"/formgrader/api/grades?submission_id={sub_id}")
    comments = instructor.call("GET", f"/formgrader/api/comments?submission_id={sub_id}")
    worker.join(timeout=1800)
    assert "error" not in rest, rest.get("error")
    flagged = {
        s: [
            n.get("flagged")
            for n in instructor.call("GET", f"/formgrader/api/student_notebook_submissions/{s}/{UNIT}")
        ]
        for s in hub.students
    }

    _as_instructor(hub, "nbgrader", "export")
    with open(hub.course_dir / "grades.csv", newline="") as fh:
        rows = {r["student_id"]: r for r in csv.DictReader(fh) if r["assignment"] == UNIT}
    _as_instructor(hub, "nbgrader", "generate_feedback", UNIT, "--force")
    _as_instructor(hub, "nbgrader", "release_feedback", UNIT)
    student = Session(drv, hub, first, hub.passwords[first])
    student.login()
    student.assignment("fetch_feedback")
    tree = student.call("GET", f"/api/contents/{UNIT}/feedback")
    folder = tree["content"][0]["path"]
    drv.get(f"{hub.url}/user/{first}/files/{folder}/{unit.notebook.stem}.html")
    _wait(drv, lambda d: d.find_elements(By.TAG_NAME, "body") and len(d.page_source) > 5000, "feedback page")
    feedback_text = drv.find_element(By.TAG_NAME, "body").text
    feedback_html = drv.page_source
    return {
        "gradebook": gradebook,
        "unit": unit,
        "written": written,
        "written_points": written_points,
        "half": half,
        "page_text": page_text,
        "sheet_text": sheet_text,
        "grades": grades,
        "comments": comments,
        "flagged": {s: any(v) for s, v in flagged.items()},
        "rows": rows,
        "feedback_text": feedback_text,
        "feedback_html": feedback_html,
        "students": hub.students,
        "seconds": round(time.monotonic() - t0, 1),
    }


def test_manual_score_comment_and_flag_are_saved(day: dict) -> None:
    manual = [g for g in day["grades"] if g["name"] == day["written"]]
    assert manual and manual[0]["manual_score"] == pytest.approx(day["written_points"] - 1)
    assert any(c["name"] == day["written"] and c["manual_comment"] == COMMENT for c in day["comments"])
    assert day["flagged"][day["students"][0]] is True
    assert not any(day["flagged"][s] for s in day["students"][1:])


def test_the_grader_sees_the_answer_and_its_mark_scheme(day: dict) -> None:
    # the submission page shows the student's written answer (simulate.fill typed the model answer) and the
    # cell's points; the graders' sheet beside it holds that question's mark scheme
    assert "Model answer" in day["page_text"]
    assert f"{day['written_points']:g}" in day["page_text"]
    assert day["written"] in day["sheet_text"] and "Mark scheme (" in day["sheet_text"]


def test_nothing_is_lost_when_formgrader_and_grade_write_together(day: dict) -> None:
    unit = day["unit"]
    auto_half = sum(c.points for c in unit.checks if c.name in day["half"])
    total_auto = sum(c.points for c in unit.checks)
    first, second, third = day["students"]
    rows = day["rows"]
    assert set(rows) == {first, second, third}
    assert float(rows[first]["score"]) == pytest.approx(auto_half + day["written_points"] - 1)
    assert float(rows[second]["score"]) == pytest.approx(total_auto)  # written answers await a person
    assert float(rows[third]["score"]) == pytest.approx(0.0)


def test_feedback_shows_the_comment_and_failed_checks_but_nothing_hidden(day: dict) -> None:
    text, html = day["feedback_text"], day["feedback_html"]
    assert COMMENT in text
    failed = [c for c in day["unit"].checks if c.name not in day["half"]]
    assert any(c.grade_id in html or c.name in text for c in failed), "failed checks are not named"
    assert not leaks(html, HIDDEN_MARKERS)
    for check in day[
        "unit"
    ].checks:  # the grade ids (probe_*) name the cells; their code and inputs stay hidden
        assert f"def {check.probe.__name__}" not in html and case_literal(check) not in html
    print(f"\nhub browser day ({day['gradebook']}): {day['seconds']} s")
