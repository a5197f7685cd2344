"""The late policy: one formula, declared once, and the documents that state it agree with it."""

from __future__ import annotations

import pytest

from autograder import late, settings

DAY = 86_400


@pytest.mark.parametrize(
    ("seconds_late", "expected"),
    [
        (-5, None),  # early
        (0, None),  # exactly on time
        (1, 1.0),  # one second late: one started day, 10 % of 10 points
        (DAY, 1.0),
        (DAY + 1, 2.0),
        (2 * DAY - 3600, 2.0),
        (7 * DAY, 7.0),  # the last day with a score
        (7 * DAY + 1, 10.0),  # after 7 days: zero
        (30 * DAY, 10.0),
    ],
)
def test_per_day_penalty(seconds_late, expected):
    plugin = late.PerDayPenalty()
    got = plugin.late_submission_penalty("s", 10.0, seconds_late)
    assert got == (None if expected is None else pytest.approx(expected))


def test_the_plugin_defaults_are_the_declared_policy():
    plugin, declared = late.PerDayPenalty(), settings.Settings()
    assert (plugin.fraction_per_day, plugin.max_days) == (declared.fraction_per_day, declared.max_days)


def test_the_documents_state_the_declared_policy():
    assert late.policy_problems() == []


def test_a_document_that_disagrees_is_named(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "syllabus.md").write_text(
        "A late notebook loses 15 % of its earned score for each\nstarted day; after 7 days it scores zero."
    )
    (tmp_path / "README.md").write_text("10 % of the earned score per started day late, zero after 9 days")
    problems = late.policy_problems(tmp_path)
    assert any("syllabus.md" in p and "15 %" in p for p in problems), problems
    assert any("README.md" in p and "9 days" in p for p in problems), problems
    assert not any("README.md" in p and "%" in p for p in problems), problems
