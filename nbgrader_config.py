"""nbgrader configuration of the course (read by every nbgrader command run from the repository root)."""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the autograder package must be importable by nbgrader
    sys.path.insert(0, str(HERE))

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    Execute,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from autograder.late import PerDayPenalty  # noqa: E402
from autograder.preprocessors import JudgeProbes  # noqa: E402

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "jclub"
c.CourseDirectory.source_directory = "units"
c.CourseDirectory.release_directory = "release"
# SQLite by default; a PostgreSQL URL (postgresql://user@/gradebook?host=/run/postgresql) from the env.
c.CourseDirectory.db_url = os.environ.get("JCLUB_GRADEBOOK_URL", f"sqlite:///{HERE / 'gradebook.db'}")
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*judge*"]

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

c.Execute.timeout = 120  # seconds per cell
c.Execute.interrupt_on_timeout = True

# Judges decide the hidden probe cells after execution and before grades are saved.
c.Autograde.autograde_preprocessors = [
    Execute,
    JudgeProbes,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]

# Feedback names failed checks and the judges' messages, never the hidden probe code (nbgrader #1363).
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# Late policy (book/syllabus.md): 10 % of the earned score per started day late; zero after 7 days.
c.AssignLatePenalties.plugin_class = PerDayPenalty
c.PerDayPenalty.fraction_per_day = 0.10
c.PerDayPenalty.max_days = 7
