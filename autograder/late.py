"""Late policy of the course, as an nbgrader late-submission plugin (``nbgrader_config.py``).

The policy is declared once, in :class:`autograder.settings.Settings` (``fraction_per_day``, ``max_days``);
``nbgrader_config.py`` passes it to :class:`PerDayPenalty`, and the invariant :func:`policy_problems`
(``python -m autograder check``) holds the sentences of the syllabus, the README and the instructor guide
to it, as the points table is held to the judges.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float, Int

from autograder import settings

_DEFAULT = settings.Settings()
# files that state the policy in words, and how each says it
POLICY_TEXTS = ("book/syllabus.md", "README.md", "book/instructor-guide.md")
_PERCENT = re.compile(
    r"(\d+(?:\.\d+)?)\s*%\s*(?:of (?:its|the) earned score\s*)?(?:for each|per) started day"
)
_DAYS = re.compile(r"after (\d+) days")


def penalty(score: float, seconds_late: float, fraction_per_day: float, max_days: int) -> float | None:
    """Points deducted from ``score`` for ``seconds_late`` (None when on time): the one formula."""
    if seconds_late <= 0:
        return None
    days = math.ceil(seconds_late / 86_400)
    if days > max_days:
        return score
    return min(score, score * fraction_per_day * days)


class PerDayPenalty(LateSubmissionPlugin):
    """Deduct ``fraction_per_day`` of the earned score for each started day late, up to ``max_days``.

    After ``max_days`` days the notebook scores zero. The deadline and any extension come from nbgrader's
    gradebook (``nbgrader db assignment add NAME --duedate=...``).
    """

    fraction_per_day = Float(
        _DEFAULT.fraction_per_day, help="Fraction of the score lost per started day late"
    ).tag(config=True)
    max_days = Int(_DEFAULT.max_days, help="Days late after which the score is zero").tag(config=True)

    def late_submission_penalty(
        self, student_id: str, score: float, total_seconds_late: float
    ) -> float | None:
        return penalty(score, total_seconds_late, self.fraction_per_day, self.max_days)


def policy_problems(root: Path | None = None) -> list[str]:
    """Sentences about the late policy that disagree with the declared policy (empty when all agree)."""
    from autograder import course

    root = root or course.root()
    declared, _ = settings.load_with_sources(root, environ={})  # the course's policy, not a shell override
    want_pct, want_days = round(declared.fraction_per_day * 100, 6), declared.max_days
    problems = []
    for rel in POLICY_TEXTS:
        path = root / rel
        if not path.is_file():
            continue
        text = " ".join(path.read_text(encoding="utf-8").split())
        pcts = [float(m) for m in _PERCENT.findall(text)]
        if not pcts:
            problems.append(f"{rel}: states no late penalty per started day")
        problems += [
            f"{rel}: says {p:g} % per started day late, the policy is {want_pct:g} %"
            for p in pcts
            if p != want_pct
        ]
        days = [int(d) for d in _DAYS.findall(text)]
        problems += [
            f"{rel}: says zero after {d} days, the policy is {want_days}" for d in days if d != want_days
        ]
    return problems
