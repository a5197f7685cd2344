"""One judge module per unit: ``units/NN-slug/`` → ``autograder/judges/<slug_underscored>.py``.

Judge modules hold grader-side reference code and hidden cases: they never reach students (not the release,
not ``jclub``, not the book, not feedback).
"""
