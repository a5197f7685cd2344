"""``autograder grade``: autograde ``submitted/``, generate feedback, export ``grades.csv``.

Every (student, unit) is graded by its own ``nbgrader autograde`` process with a whole-notebook time limit,
its kernel sandboxed (:mod:`autograder.sandbox`), so one bad or hostile submission is recorded with its
reason while the rest of the batch is graded. The steps for one submission:

0. **Probe sync** (:mod:`autograder.grading.probesync`): refuse the whole command, naming the cells, when a
   unit's probe cells differ from what its judge generates (the reference would score 0).
1. **Stage** (:mod:`autograder.grading.intake`): copy ``submitted/<student>/<unit>/`` to a private folder —
   regular files only (symlinks and special files are dropped), at most ``max_submission_files`` files and
   ``max_submission_bytes`` (:mod:`autograder.settings`) — and point nbgrader there
   (``--CourseDirectory.submitted_directory``). Files of other students are never read. A notebook far
   beyond the release's size or cell count goes to *review* at once, before anything parses it.
2. **Precheck** the notebook: not UTF-8, not JSON, not a notebook, or the notebook of another assignment →
   *rejected* (0 points, reason recorded in the gradebook); nbformat 3 → *review* (flagged for manual review,
   0 points until a grader acts). Copied, unknown, deleted, retyped or re-labelled cells are normalized by
   :class:`autograder.preprocessors.NormalizeSubmission` inside nbgrader and graded, with notes.
3. **Autograde** (nbgrader, with the judges in ``nbgrader_config.py``) and **generate feedback**; a
   submission that outruns the whole-notebook limit, or that nbgrader fails on, goes to *review*.
4. **Check feedback** for hidden material; a leaking page is withheld (never shipped), with a note.
5. **Ledger** (:mod:`autograder.grading.ledger`): a fingerprint of the staged submission, the unit's source
   notebook, its judge, all grading code, ``jclub``, ``nbgrader_config.py`` and the effective settings. A
   later run skips an unchanged submission already graded (and in the gradebook)
   or rejected — idempotent, and resumable after an interruption; one sent to review is tried again;
   ``--regrade`` grades everything again.

Each submission's nbgrader runs in its own process and session, forked from a *zygote* that imported
nbgrader once (:class:`_Launcher`; ``JCLUB_GRADE_FORK=0`` starts a fresh interpreter per submission
instead): the import costs more CPU than grading a small notebook. ``--workers N`` grades N submissions at
once, each worker with its own sandbox user (process limits count per user). nbgrader processes queue for
an SQLite gradebook while they have it open (:func:`autograder.nbg.serialize_sqlite_gradebook`);
PostgreSQL (``JCLUB_GRADEBOOK_URL``) takes concurrent writers. BLAS/OpenMP/torch threads: 1 per worker.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import json
import os
import queue
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder import course, nbg, settings
from autograder.grading import intake, ledger, probesync
from autograder.notebooks import HIDDEN_MARKERS, leaks
from autograder.release import release

# The whole-notebook limit is ``settings.notebook_timeout_s`` ($JCLUB_NOTEBOOK_TIMEOUT_S); a caller (a test)
# may set AUTOGRADE_TIMEOUT_S here to override it for the next grade() calls. None: the settings decide.
AUTOGRADE_TIMEOUT_S: int | None = None
STUDENT_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,63}$")
ONE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
}
LEDGER = ledger.LEDGER
REUSED_NOTE = "unchanged since it was last graded: not graded again"


class SandboxUnavailable(RuntimeError):
    """Sandboxed grading cannot run here (and ``--unsandboxed`` was not given)."""


@dataclass
class Outcome:
    """What grading did with one (student, unit).

    ``kind``: "graded"; "rejected" (not a gradeable notebook: 0 points, no submission in the gradebook, the
    reason here and in the report); "review" (recorded in the gradebook flagged for manual review, no
    automatic score). ``status`` is "graded" or "skipped" (not graded automatically).
    """

    student: str
    unit: str
    kind: str
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    score: float | None = None
    max_score: float | None = None
    seconds: float = 0.0
    status: str = ""

    def __post_init__(self) -> None:
        self.status = "graded" if self.kind == "graded" else "skipped"


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    grades_csv: str = ""
    sandboxed: bool = True
    workers: int = 1
    seconds: float = 0.0

    @property
    def skipped(self) -> list[Outcome]:
        """Submissions not graded automatically (rejected or sent to review)."""
        return [o for o in self.outcomes if o.kind != "graded"]

    @property
    def reused(self) -> list[Outcome]:
        """Results taken unchanged from the ledger (graded or rejected earlier; nothing changed since)."""
        return [o for o in self.outcomes if any(n == REUSED_NOTE for n in o.notes)]

    def counts(self) -> dict[str, int]:
        """graded (this run) / reused (from the ledger) / rejected / review: each submission counted once."""
        reused = {id(o) for o in self.reused}
        out = {"graded": 0, "reused": len(reused), "rejected": 0, "review": 0}
        for o in self.outcomes:
            if id(o) not in reused:
                out[o.kind] = out.get(o.kind, 0) + 1
        return out

    def summary(self) -> str:
        c = self.counts()
        return ", ".join(f"{k} {v}" for k, v in c.items()) + f"; grades in {self.grades_csv}"

    def outcome(self, student: str, unit: str) -> Outcome:
        return next(o for o in self.outcomes if o.student == student and o.unit == unit)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {k: v for k, v in asdict(self).items() if k != "outcomes"}
        data["outcomes"] = [asdict(o) for o in self.outcomes]
        path.write_text(json.dumps(data, indent=2))


# -- intake and ledger (autograder/grading/) ---------------------------------------------------------
precheck = intake.precheck
classify = intake.classify
stage = intake.stage
fingerprint = ledger.fingerprint


def submissions(
    units: list[str] | None = None, students: list[str] | None = None
) -> list[tuple[str, course.Unit]]:
    base = course.root() / "submitted"
    if not base.is_dir():
        return []
    wanted = {u.name: u for u in course.units() if not units or u.name in units}
    found = []
    for sdir in sorted(p for p in base.iterdir() if p.is_dir() and not p.is_symlink()):
        if students and sdir.name not in students:
            continue
        for udir in sorted(p for p in sdir.iterdir() if p.is_dir()):
            if udir.name in wanted:
                found.append((sdir.name, wanted[udir.name]))
    return found


# -- the gradebook (nbgrader's API; serialized for SQLite) ---------------------------------------------------
def _gradebook(db_url: str):  # noqa: ANN202 - nbgrader.api.Gradebook
    from nbgrader.api import Gradebook

    nbg.serialize_sqlite_gradebook(db_url)
    return Gradebook(db_url, course.COURSE_ID)


def _prepare_gradebook(db_url: str, students: list[str]) -> None:
    from nbgrader.api import Gradebook

    nbg.serialize_sqlite_gradebook(db_url)
    with Gradebook(db_url):  # nbgrader's preprocessors open it without a course id: create that row once
        pass
    with _gradebook(db_url) as gb:
        for s in students:
            gb.update_or_create_student(s)


def _record_ungraded(db_url: str, student: str, unit: course.Unit, kind: str, reason: str) -> None:
    """Rejected: no submission in the gradebook (the export gives 0). Review: flagged, no automatic score."""
    import warnings

    from nbgrader.api import MissingEntry

    with _gradebook(db_url) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy's autoflush notes from inside nbgrader's API
        if kind == "rejected":
            try:
                gb.remove_submission(unit.name, student)  # an earlier, gradeable version is void now
            except MissingEntry:
                pass
            return
        sub = gb.update_or_create_submission(unit.name, student)
        for snb in sub.notebooks:
            snb.flagged = True
            for g in snb.grades:
                g.auto_score = None
                g.needs_manual_grade = True
            for c in snb.comments:
                c.auto_comment = f"Not graded automatically: {reason}"
        gb.db.commit()


def _scores(db_url: str, student: str, unit: course.Unit) -> tuple[float | None, float | None]:
    from nbgrader.api import MissingEntry

    with _gradebook(db_url) as gb:
        try:
            sub = gb.find_submission(unit.name, student)
        except MissingEntry:
            try:  # no gradeable submission: 0 points, as nbgrader's export says
                return 0.0, float(gb.find_assignment(unit.name).max_score)
            except MissingEntry:
                return None, None
        return float(sub.score), float(sub.max_score)


def _has_submission(db_url: str, student: str, unit: course.Unit) -> bool:
    from nbgrader.api import MissingEntry

    with _gradebook(db_url) as gb:
        try:
            gb.find_submission(unit.name, student)
            return True
        except MissingEntry:
            return False


# -- running nbgrader for one submission -------------------------------------------------------------------
class _Grader:
    def __init__(
        self,
        root: Path,
        db_url: str,
        scratch: Path,
        sandboxed: bool,
        regrade: bool,
        launcher: _Launcher,
        limits: settings.Settings,
    ) -> None:
        self.root, self.db_url, self.scratch = root, db_url, scratch
        self.sandboxed, self.regrade, self.launcher = sandboxed, regrade, launcher
        self.limits = limits

    def _clear_outputs(self, student: str, unit: course.Unit) -> None:
        for step in ("autograded", "feedback"):
            shutil.rmtree(self.root / step / student / unit.name, ignore_errors=True)

    def grade_one(self, student: str, unit: course.Unit, sandbox: object | None) -> Outcome:
        t0 = time.monotonic()
        out = self._grade_one(student, unit, sandbox)
        out.seconds = round(time.monotonic() - t0, 2)
        out.score, out.max_score = _scores(self.db_url, student, unit)
        return out

    def _grade_one(self, student: str, unit: course.Unit, sandbox: object | None) -> Outcome:
        if not STUDENT_RE.match(student):
            return Outcome(
                student, unit.name, "rejected", "unsafe student id (a folder name nbgrader cannot use)"
            )
        work = Path(tempfile.mkdtemp(prefix=f"{student}-{unit.name}-", dir=self.scratch))
        try:
            staged = work / "submitted" / student / unit.name
            notes = stage(self.root / "submitted" / student / unit.name, staged, self.limits)
            fp = fingerprint(staged, unit, self.limits)
            old = None if self.regrade else ledger.read(self.root, student, unit)
            if old is not None:
                # graded and rejected results stand while nothing changed; "review" is tried again
                kind = old.get("outcome", {}).get("kind")
                done = kind == "rejected" or (
                    kind == "graded"
                    and (self.root / "autograded" / student / unit.name / unit.notebook.name).is_file()
                    and _has_submission(self.db_url, student, unit)
                )
                if old.get("fingerprint") == fp and done:
                    o = Outcome(**old["outcome"])
                    o.notes = [*o.notes, REUSED_NOTE]
                    return o
            nb_path = staged / unit.notebook.name
            if not nb_path.is_file():
                others = sorted(p.name for p in staged.glob("*.ipynb"))
                status, reason = (
                    "rejected",
                    f"no {unit.notebook.name} submitted"
                    + (f" (found {', '.join(others)})" if others else ""),
                )
            else:
                status, reason = classify(nb_path, unit, self.limits)
            if status:
                self._clear_outputs(student, unit)
                _record_ungraded(self.db_url, student, unit, status, reason)
                outcome = Outcome(student, unit.name, status, reason, notes)
            else:
                outcome = self._autograde(student, unit, work, notes, sandbox)
            ledger.write(self.root, student, unit, fp, outcome)
            return outcome
        finally:
            if sandbox is not None:
                sandbox.reset()
            shutil.rmtree(work, ignore_errors=True)

    def _autograde(
        self, student: str, unit: course.Unit, work: Path, notes: list[str], sandbox: object | None
    ) -> Outcome:
        notes_file = work / "notes.jsonl"
        log = work / "nbgrader.log"
        env = nbg.env()
        env.update(ONE_THREAD)
        env["JCLUB_GRADING_NOTES"] = str(notes_file)
        env["JCLUB_GRADE_PARENT"] = str(os.getpid())
        env.pop("JUPYTER_PATH", None)
        overrides: dict[str, dict[str, object]] = {
            "CourseDirectory": {"submitted_directory": str(work / "submitted")}
        }
        if sandbox is not None:
            env.update(sandbox.env())
            for key, value in sandbox.nbgrader_config().items():
                section, name = key.split(".")
                overrides.setdefault(section, {})[name] = value
        (work / "config.json").write_text(json.dumps(overrides))
        proc = self.launcher.start(unit.name, student, work, env, self.root, log)
        try:
            # the whole-notebook limit runs until autograding is done; feedback then has its own
            whole, feedback = self.limits.notebook_timeout_s, self.limits.feedback_timeout_s
            start, limit = time.monotonic(), whole
            while not proc.wait(0.2):
                if limit == whole and (work / "status.json").is_file():
                    start, limit = time.monotonic(), feedback
                if time.monotonic() - start > limit:
                    proc.kill()
                    break
        finally:
            proc.close()
        if notes_file.is_file():
            for line in notes_file.read_text(encoding="utf-8").splitlines():
                notes.append(json.loads(line)["note"])
        status = json.loads((work / "status.json").read_text()) if (work / "status.json").is_file() else {}
        if not status.get("autograded"):
            reason = (
                f"nbgrader could not grade it: {status['error']}"
                if status.get("error")
                else f"grading took longer than {self.limits.notebook_timeout_s} s (whole-notebook limit)"
            )
            self._clear_outputs(student, unit)
            _record_ungraded(self.db_url, student, unit, "review", reason)
            return Outcome(student, unit.name, "review", reason, notes)
        if not status.get("feedback"):
            notes.append(f"feedback could not be generated: {status.get('error') or 'timed out'}")
        fb = self.root / "feedback" / student / unit.name
        # the student's own code may spell a marker (e.g. to look for the probe): that is no leak
        own = (work / "submitted" / student / unit.name / unit.notebook.name).read_text(errors="replace")
        markers = tuple(m for m in HIDDEN_MARKERS if m not in own)
        for page in fb.rglob("*.html") if fb.is_dir() else []:
            if leaks(page.read_text(encoding="utf-8", errors="replace"), markers):
                page.unlink()
                notes.append(f"feedback {page.name} withheld: it would have shown hidden material")
        return Outcome(student, unit.name, "graded", "", notes)


# -- one process per submission, forked from a warm "zygote" -----------------------------------------------
ZYGOTE_PID = "jclub-zygote-pid"
ZYGOTE_PRELOAD = (
    "nbgrader.apps.api",
    "nbgrader.coursedir",
    "nbgrader.preprocessors",
    "nbconvert.exporters.html",
    "nbconvert.preprocessors",
    "traitlets.config.loader",
    "sqlalchemy",
    "numpy",
    "autograder.preprocessors",
    "autograder.late",
)


class _Running:
    """A grading process started by :class:`_Launcher` (not necessarily our child): wait for it, kill it."""

    def __init__(self, pid: int, popen: subprocess.Popen | None = None) -> None:
        self.pid, self.popen = pid, popen
        self.fd, self.ended = None, False
        if popen is None:
            try:
                self.fd = os.pidfd_open(pid)
            except ProcessLookupError:  # it has ended already (and the zygote has reaped it)
                self.ended = True

    def wait(self, seconds: float) -> bool:
        """True once the process has ended (waits up to ``seconds``)."""
        if self.ended or (self.popen is None and self.fd is None):
            return True
        if self.popen is not None:
            try:
                self.popen.wait(seconds)
                return True
            except subprocess.TimeoutExpired:
                return False
        return bool(select.select([self.fd], [], [], seconds)[0])

    def kill(self) -> None:
        """Kill its whole session (it called setsid): nbgrader, its kernel launcher, anything they started."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.wait(30)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class _Launcher:
    """Starts ``_grade_one_process`` for one submission, each in its own process and session.

    Importing nbgrader (it imports jupyter_server, nbconvert, sqlalchemy…) costs ≈ 2.4 s of CPU, more than
    the rest of grading a small notebook. So by default one *zygote* process (``python -m autograder.grade
    --zygote``) imports it once and forks a fresh child per submission: each submission still gets its own
    process (own memory, own session to kill, its own environment and log), started warm. Where forking is
    unavailable (``JCLUB_GRADE_FORK=0``, or the zygote died) each submission gets a fresh interpreter.
    """

    def __init__(self, env: dict[str, str], cwd: Path, fork: bool = True) -> None:
        self._lock = threading.Lock()
        self.zygote: subprocess.Popen | None = None
        if fork and hasattr(os, "pidfd_open"):
            self.zygote = subprocess.Popen(
                [sys.executable, "-m", "autograder.grade", "--zygote"],
                cwd=cwd,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )

    def _fork(self, request: dict[str, object]) -> _Running | None:
        """Ask the zygote to fork a child for ``request``; None where there is no working zygote."""
        with self._lock:
            if self.zygote is None or self.zygote.poll() is not None:
                return None
            try:
                self.zygote.stdin.write(json.dumps(request) + "\n")
                self.zygote.stdin.flush()
                return _Running(int(self.zygote.stdout.readline().removeprefix(ZYGOTE_PID)))
            except (OSError, ValueError):
                self.zygote.kill()  # falls back to fresh interpreters from now on
                return None

    def start(
        self, unit: str, student: str, work: Path, env: dict[str, str], cwd: Path, log: Path
    ) -> _Running:
        request = {"args": [unit, student, str(work)], "env": env, "cwd": str(cwd), "log": str(log)}
        child = self._fork(request)
        if child is not None:
            return child
        with open(log, "ab") as fh:
            proc = subprocess.Popen(
                [sys.executable, "-m", "autograder.grade", "--one", unit, student, str(work)],
                cwd=cwd,
                env=env,
                stdout=fh,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        return _Running(proc.pid, proc)

    def nbgrader(self, *args: str, cwd: Path, env: dict[str, str]) -> None:
        """``nbgrader ARGS``, forked from the zygote (saves ≈ 2 s of imports), else by :func:`nbg.run`."""
        with tempfile.TemporaryDirectory(prefix="jclub-nbgrader-") as tmp:
            rc_file, log = Path(tmp) / "rc", Path(tmp) / "log"
            request = {"nbgrader": list(args), "env": env, "cwd": str(cwd), "log": str(log)}
            child = self._fork({**request, "rc": str(rc_file)})
            if child is not None:
                try:
                    child.wait(600)
                finally:
                    child.close()
                if rc_file.is_file() and rc_file.read_text() == "0":
                    return
        nbg.run(*args, cwd=cwd)  # a fresh interpreter; raises NbgraderError with the log on failure

    def close(self) -> None:
        if self.zygote is not None:  # it holds no state: no need to wait for a clean exit
            self.zygote.kill()
            self.zygote.wait()
            self.zygote.stdin.close()
            self.zygote.stdout.close()


PR_SET_CHILD_SUBREAPER = 36  # <linux/prctl.h>


def _set_child_subreaper() -> None:
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1)


def _zygote() -> int:
    """``python -m autograder.grade --zygote``: import nbgrader once, then fork one grader per request.

    Reads one JSON request per line on stdin (``args`` for :func:`_grade_one_process`, ``env``, ``cwd``,
    ``log``) and answers the child's pid on stdout. Children are reaped automatically; each starts a new
    session, takes the request's environment and working directory, and writes to its log. Ends at EOF.
    """
    import importlib

    from autograder.sandbox import die_with_parent

    die_with_parent()
    answers = os.fdopen(os.dup(1), "w")  # pids go here; anything an import prints goes to stderr
    os.dup2(2, 1)
    for name in ZYGOTE_PRELOAD:
        importlib.import_module(name)
    # The zygote adopts what its children leave behind (a sandbox's processes outlive a child that was
    # killed, until the sandbox is reset) and, ignoring SIGCHLD, reaps all of it at once: no zombies. The
    # parent watches each child by pidfd instead.
    _set_child_subreaper()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:  # the child: never returns into this loop
            rc = 1
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # SIG_IGN would be inherited by the kernel
                os.close(answers.fileno())
                os.setsid()
                os.chdir(request["cwd"])
                os.environ.clear()
                os.environ.update(request["env"])
                os.environ["JCLUB_GRADE_PARENT"] = str(os.getppid())
                fd = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                null = os.open(os.devnull, os.O_RDONLY)
                os.dup2(null, 0)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                os.close(fd)
                os.close(null)
                sys.stdin = open(os.devnull)  # noqa: SIM115 - replaces the request pipe
                if "nbgrader" in request:  # an nbgrader command line, e.g. ["export", "--to", "grades.csv"]
                    rc = _nbgrader_main(request["nbgrader"])
                else:
                    unit, student, work = request["args"]
                    rc = _grade_one_process(unit, student, Path(work))
            except BaseException:  # noqa: BLE001 - reported in the log; the parent sees no status.json
                import traceback

                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                if request.get("rc"):
                    Path(request["rc"]).write_text(str(rc))
                os._exit(rc)
        answers.write(f"{ZYGOTE_PID} {pid}\n")
        answers.flush()
    return 0


def _nbgrader_main(argv: list[str]) -> int:
    """``nbgrader ARGV`` in this process (a zygote child); its exit status."""
    from nbgrader.apps.nbgraderapp import NbGraderApp

    try:
        NbGraderApp.launch_instance(argv=argv)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0


def _grade_one_process(unit: str, student: str, work: Path) -> int:
    """``python -m autograder.grade --one UNIT STUDENT WORK``: nbgrader autograde + feedback, in one process.

    Runs nbgrader's own apps (through ``NbGraderAPI``) with the course's ``nbgrader_config.py`` plus the
    overrides in ``WORK/config.json``; writes ``WORK/status.json`` after each step. The whole-notebook
    limit is the parent's timeout on this process.
    """
    from autograder.sandbox import die_with_parent

    die_with_parent()  # a killed `grade` takes its workers (and so their sandboxes) with it
    if os.environ.get("JCLUB_GRADE_PARENT") and os.getppid() != int(os.environ["JCLUB_GRADE_PARENT"]):
        return 3
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    root = course.root()
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.merge(Config(json.loads((work / "config.json").read_text())))
    coursedir = CourseDirectory(config=config)
    coursedir.root = str(root)
    api = NbGraderAPI(coursedir=coursedir, config=config)
    status: dict[str, object] = {"autograded": False, "feedback": False}

    def save() -> None:
        tmp = work / "status.tmp"
        tmp.write_text(json.dumps(status))
        tmp.replace(work / "status.json")

    result = api.autograde(unit, student, force=True, create=True)
    print(result.get("log", ""), flush=True)
    if not result.get("success"):
        errors = [ln for ln in str(result.get("log", "")).splitlines() if "ERROR" in ln or "Error" in ln]
        status["error"] = errors[-1] if errors else str(result.get("error", "")).strip().splitlines()[-1:]
        status["error"] = str(status["error"])[:300]
        save()
        return 1
    status["autograded"] = True
    save()
    result = api.generate_feedback(unit, student, force=True)
    print(result.get("log", ""), flush=True)
    status["feedback"] = bool(result.get("success"))
    if not status["feedback"]:
        status["error"] = str(result.get("error", "")).strip()[-300:]
    save()
    return 0


def grade(
    units: list[str] | None = None,
    students: list[str] | None = None,
    log: bool = True,
    workers: int = 1,
    sandboxed: bool = True,
    regrade: bool = False,
) -> Report:
    """Grade every submission found (optionally only some units / students); never stops on one failure.

    Raises :class:`SandboxUnavailable` when ``sandboxed`` and bubblewrap (or root) is missing.
    """
    from autograder import sandbox as sbx

    if sandboxed:
        why = sbx.problem()
        if why:
            raise SandboxUnavailable(why)
    t0 = time.monotonic()
    root = course.root()
    workers = max(1, int(workers))
    report = Report(sandboxed=sandboxed, workers=workers)
    todo = submissions(units, students)
    limits = settings.load(root)
    if AUTOGRADE_TIMEOUT_S is not None:
        limits = dataclasses.replace(limits, notebook_timeout_s=int(AUTOGRADE_TIMEOUT_S))
    # a judge changed without `sync`: the probes would score even the reference 0 — refuse, naming the cells
    probesync.require_in_sync(sorted({u for _, u in todo}, key=lambda u: u.name))
    genv = nbg.env()
    genv.update(ONE_THREAD)
    launcher = _Launcher(genv, root, fork=limits.grade_fork)
    scratch = Path(tempfile.mkdtemp(prefix="jclub-grade-"))
    pool: queue.Queue = queue.Queue()
    sandboxes = []
    try:
        # the gradebook must know every assignment and cell
        release(
            sorted({u.name for _, u in todo}),
            log=False,
            run=functools.partial(launcher.nbgrader, cwd=root, env=genv),
        )
        db_url = nbg.gradebook_url(root)
        _prepare_gradebook(db_url, sorted({s for s, _ in todo if STUDENT_RE.match(s)}))
        grader = _Grader(root, db_url, scratch, sandboxed, regrade, launcher, limits)
        data = root / "data"
        for w in range(min(workers, max(1, len(todo)))):
            sandboxes.append(sbx.Sandbox(w, data if data.is_dir() else None) if sandboxed else None)
            pool.put(sandboxes[-1])

        def job(item: tuple[str, course.Unit]) -> Outcome:
            student, unit = item
            box = pool.get()
            try:
                return grader.grade_one(student, unit, box)
            except Exception as err:  # noqa: BLE001 - a grading bug must not stop the batch
                return Outcome(student, unit.name, "review", f"grading failed: {type(err).__name__}: {err}")
            finally:
                pool.put(box)

        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as ex:
            for outcome in ex.map(job, todo):
                report.outcomes.append(outcome)
                if log:
                    what = outcome.kind + (f": {outcome.reason}" if outcome.reason else "")
                    print(f"{outcome.student}/{outcome.unit}: {what}", flush=True)
        launcher.nbgrader("export", "--to", "grades.csv", cwd=root, env=genv)
    finally:
        for box in sandboxes:  # first: the zygote reaps what closing them kills
            if box is not None:
                box.close()
        launcher.close()
        shutil.rmtree(scratch, ignore_errors=True)
    report.grades_csv = str(root / "grades.csv")
    report.seconds = round(time.monotonic() - t0, 2)
    report.write(root / "autograded" / "grading-report.json")
    return report


if __name__ == "__main__":
    if sys.argv[1:] == ["--zygote"]:
        raise SystemExit(_zygote())
    if len(sys.argv) == 5 and sys.argv[1] == "--one":
        raise SystemExit(_grade_one_process(sys.argv[2], sys.argv[3], Path(sys.argv[4])))
    raise SystemExit(
        "usage: python -m autograder.grade --one UNIT STUDENT WORKDIR (use python -m autograder grade)"
    )
