"""Late policy of the course, as an nbgrader late-submission plugin (``nbgrader_config.py``)."""

from __future__ import annotations

import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float, Int


class PerDayPenalty(LateSubmissionPlugin):
    """Deduct ``fraction_per_day`` of the earned score for each started day late, up to ``max_days``.

    After ``max_days`` days the notebook scores zero. The deadline and any extension come from nbgrader's
    gradebook (``nbgrader db assignment add NAME --duedate=...``).
    """

    fraction_per_day = Float(0.10, help="Fraction of the score lost per started day late").tag(config=True)
    max_days = Int(7, help="Days late after which the score is zero").tag(config=True)

    def late_submission_penalty(
        self, student_id: str, score: float, total_seconds_late: float
    ) -> float | None:
        if total_seconds_late <= 0:
            return None
        days = math.ceil(total_seconds_late / 86_400)
        if days > self.max_days:
            return score
        return min(score, score * self.fraction_per_day * days)
