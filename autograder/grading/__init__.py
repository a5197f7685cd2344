"""The grading machinery, one module per stage (see README.md in this folder for what passes between them).

* :mod:`autograder.grading.intake` — refuse the absurd fast (size, cell count, nesting) and classify a
  submitted notebook before nbgrader parses it;
* :mod:`autograder.grading.ledger` — the fingerprint a grade depends on (the submission, the unit, every
  piece of grading code, ``jclub``, the effective settings) and the ledger of results;
* :mod:`autograder.grading.probesync` — ``release`` and ``grade`` refuse when probe cells are out of sync
  with the judges.

``autograder/grade.py`` holds the rest (gradebook, launcher, supervisor, batch) for now.
"""
