"""Instructor tools nbgrader lacks: item analysis from the gradebook, and grade export for an LMS.

``python -m autograder report [--out DIR]`` writes ``DIR/index.html`` (default ``_build/report``): per unit,
the score distribution (a histogram) and, per graded cell, how many submissions failed it, so an instructor
sees which hidden checks fail most. ``python -m autograder export-lms FILE --format canvas|moodle`` writes
grades in the CSV layouts Canvas and Moodle import.
"""

from __future__ import annotations

import csv
import html
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook

from autograder import course


def db_url() -> str:
    """The gradebook URL nbgrader uses (one source: :func:`autograder.nbg.gradebook_url`)."""
    from autograder.nbg import gradebook_url

    return gradebook_url()


@dataclass
class ItemStats:
    unit: str
    grade_id: str
    max_score: float
    scores: list[float] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.scores)

    @property
    def fail_rate(self) -> float:
        return sum(s < self.max_score for s in self.scores) / self.n if self.n else 0.0

    @property
    def mean(self) -> float:
        return sum(self.scores) / self.n if self.n else 0.0


@dataclass
class UnitStats:
    unit: str
    max_score: float
    totals: dict[str, float] = field(default_factory=dict)
    items: list[ItemStats] = field(default_factory=list)


def collect(url: str | None = None) -> list[UnitStats]:
    """Scores per unit and per graded cell, for every submission in the gradebook."""
    out = []
    with Gradebook(url or db_url(), course_id=course.COURSE_ID) as gb:
        for assignment in gb.assignments:
            stats = UnitStats(assignment.name, float(assignment.max_score))
            items: dict[str, ItemStats] = {}
            for submission in assignment.submissions:
                stats.totals[submission.student.id] = float(submission.score)
                for nb in submission.notebooks:
                    for grade in nb.grades:
                        key = f"{nb.notebook.name}/{grade.cell.name}"
                        item = items.setdefault(
                            key, ItemStats(assignment.name, grade.cell.name, float(grade.max_score))
                        )
                        if grade.score is not None:
                            item.scores.append(float(grade.score))
            stats.items = sorted(items.values(), key=lambda i: -i.fail_rate)
            out.append(stats)
    return out


def _histogram_png(stats: UnitStats, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3), layout="tight")
    ax.hist(
        list(stats.totals.values()), bins=min(20, max(5, len(stats.totals))), range=(0, stats.max_score or 1)
    )
    ax.set(xlabel="score (points)", ylabel="submissions", title=f"{stats.unit}: score distribution")
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write_report(out_dir: Path, url: str | None = None) -> Path:
    """An HTML page with one section per unit: histogram of totals and item analysis table."""
    out_dir.mkdir(parents=True, exist_ok=True)
    parts = [
        "<!doctype html><meta charset='utf-8'><title>Item analysis</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}td,th{padding:2px 8px}"
        "tr:nth-child(even){background:#f3f3f3}</style>",
        "<h1>Item analysis</h1>",
    ]
    for stats in collect(url):
        png = out_dir / f"{stats.unit}.png"
        _histogram_png(stats, png)
        n = len(stats.totals)
        mean = sum(stats.totals.values()) / n if n else 0.0
        parts.append(
            f"<h2>{html.escape(stats.unit)}</h2><p>{n} submissions, mean {mean:.1f} of "
            f"{stats.max_score:g} points.</p>"
        )
        parts.append(f"<img src='{png.name}' alt='Histogram of total scores for {html.escape(stats.unit)}'>")
        parts.append("<table><tr><th>graded cell</th><th>points</th><th>failed</th><th>mean score</th></tr>")
        for item in stats.items:
            parts.append(
                f"<tr><td>{html.escape(item.grade_id)}</td><td>{item.max_score:g}</td>"
                f"<td>{100 * item.fail_rate:.0f} % of {item.n}</td><td>{item.mean:.2f}</td></tr>"
            )
        parts.append("</table>")
    index = out_dir / "index.html"
    index.write_text("\n".join(parts), encoding="utf-8")
    return index


def export_lms(path: Path, fmt: str = "canvas", url: str | None = None) -> Path:
    """Grades as an LMS import CSV.

    * ``canvas``: ``Student, ID, SIS User ID, Section`` then one column per assignment, ``name (points)``;
      Canvas matches rows on ``SIS User ID`` (the nbgrader student id).
    * ``moodle``: ``Username`` then one column per assignment (points); Moodle's CSV grade import maps columns
      to grade items by name.
    """
    units = collect(url)
    students = sorted({s for u in units for s in u.totals})
    with Gradebook(url or db_url(), course_id=course.COURSE_ID) as gb:
        names = {s.id: f"{s.last_name or ''}, {s.first_name or ''}".strip(", ") or s.id for s in gb.students}
        students = sorted(set(students) | set(names))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        if fmt == "canvas":
            w.writerow(
                ["Student", "ID", "SIS User ID", "Section"] + [f"{u.unit} ({u.max_score:g})" for u in units]
            )
            for s in students:
                w.writerow([names.get(s, s), "", s, ""] + [f"{u.totals.get(s, 0.0):g}" for u in units])
        elif fmt == "moodle":
            w.writerow(["Username"] + [u.unit for u in units])
            for s in students:
                w.writerow([s] + [f"{u.totals.get(s, 0.0):g}" for u in units])
        else:
            raise ValueError(f"unknown LMS format {fmt!r}: use canvas or moodle")
    return path
