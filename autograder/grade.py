"""``autograder grade``: autograde ``submitted/``, generate feedback, export ``grades.csv``.

Each (student, unit) is graded by its own ``nbgrader autograde`` process, so one bad submission is reported
and skipped while the rest of the batch is graded. The nbgrader configuration (``nbgrader_config.py``) puts
the judges (:class:`autograder.preprocessors.JudgeProbes`) between execution and saving grades, and strips
hidden tests from feedback.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from autograder import course, nbg
from autograder.notebooks import HIDDEN_MARKERS, leaks
from autograder.release import release

AUTOGRADE_TIMEOUT_S = 900


@dataclass
class Outcome:
    student: str
    unit: str
    status: str  # "graded" | "skipped"
    reason: str = ""


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    grades_csv: str = ""

    @property
    def skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != "graded"]

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(
                {"outcomes": [asdict(o) for o in self.outcomes], "grades_csv": self.grades_csv}, indent=2
            )
        )


def precheck(path: Path) -> str:
    """Why a submitted notebook cannot be graded, or '' when it can be handed to nbgrader."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        return f"unreadable file ({err.__class__.__name__})"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        return f"not valid JSON (line {err.lineno})"
    if not isinstance(data, dict) or data.get("nbformat") != 4:
        return (
            f"not an nbformat 4 notebook (nbformat={data.get('nbformat') if isinstance(data, dict) else '?'})"
        )
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as err:  # noqa: BLE001 - nbformat raises several kinds
        return f"not a valid notebook ({err.__class__.__name__})"
    return ""


def submissions(
    units: list[str] | None = None, students: list[str] | None = None
) -> list[tuple[str, course.Unit]]:
    base = course.root() / "submitted"
    if not base.is_dir():
        return []
    wanted = {u.name: u for u in course.units() if not units or u.name in units}
    found = []
    for sdir in sorted(p for p in base.iterdir() if p.is_dir()):
        if students and sdir.name not in students:
            continue
        for udir in sorted(p for p in sdir.iterdir() if p.is_dir()):
            if udir.name in wanted:
                found.append((sdir.name, wanted[udir.name]))
    return found


def grade(units: list[str] | None = None, students: list[str] | None = None, log: bool = True) -> Report:
    """Grade every submission found (optionally only some units / students); never stops on one failure."""
    root = course.root()
    report = Report()
    todo = submissions(units, students)
    release(sorted({u.name for _, u in todo}), log=False)  # gradebook knows every assignment and cell
    for student, unit in todo:
        nb_path = root / "submitted" / student / unit.name / unit.notebook.name
        why = precheck(nb_path) if nb_path.exists() else "no notebook submitted"
        if why:
            report.outcomes.append(Outcome(student, unit.name, "skipped", why))
            if log:
                print(f"skipped {student}/{unit.name}: {why}")
            continue
        try:
            nbg.run("autograde", unit.name, "--student", student, "--force", timeout=AUTOGRADE_TIMEOUT_S)
            nbg.run("generate_feedback", unit.name, "--student", student, "--force", timeout=300)
        except (nbg.NbgraderError, subprocess.TimeoutExpired) as err:
            reason = str(err).splitlines()[0]
            report.outcomes.append(Outcome(student, unit.name, "skipped", reason))
            if log:
                print(f"skipped {student}/{unit.name}: {reason}")
            continue
        fb = root / "feedback" / student / unit.name
        bad = [
            str(p)
            for p in fb.rglob("*.html")
            if leaks(p.read_text(encoding="utf-8", errors="replace"), HIDDEN_MARKERS)
        ]
        if bad:
            raise RuntimeError(f"feedback leaks hidden material: {bad}")
        report.outcomes.append(Outcome(student, unit.name, "graded"))
        if log:
            print(f"graded {student}/{unit.name}")
    nbg.run("export", "--to", "grades.csv")
    report.grades_csv = str(root / "grades.csv")
    report.write(root / "autograded" / "grading-report.json")
    return report
