"""The instructor's package: the course pipeline (release, book, grade, check, publish, sync) and the judges.

It never reaches students: the release, the published student copy, the book and feedback hold nothing of it.
Kept light on import, since nbgrader imports it through ``nbgrader_config.py``.
"""

__version__ = "0.1.0"
