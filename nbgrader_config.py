"""nbgrader configuration of the course (read by every nbgrader command run from the repository root)."""

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
    ClearOutput,
    DeduplicateIds,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)

from autograder import settings  # noqa: E402
from autograder.late import PerDayPenalty  # noqa: E402
from autograder.nbg import serialize_sqlite_gradebook  # noqa: E402
from autograder.preprocessors import (  # noqa: E402
    JclubExecute,
    JudgeProbes,
    NormalizeSubmission,
    SanitizeOutputs,
)

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file
# Every limit and timeout comes from the one settings object (`python -m autograder config` shows them).
S = settings.load(HERE)

c.CourseDirectory.course_id = "jclub"
c.CourseDirectory.source_directory = "units"
c.CourseDirectory.release_directory = "release"
# SQLite by default; a PostgreSQL URL (postgresql://user@/gradebook?host=/run/postgresql) from the env.
c.CourseDirectory.db_url = S.gradebook_url or f"sqlite:///{HERE / 'gradebook.db'}"
# Parallel graders queue for an SQLite gradebook (a lock while a process has it open); PostgreSQL needs none.
serialize_sqlite_gradebook(c.CourseDirectory.db_url)
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*judge*"]

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Seconds per cell (`autograder grade` also limits the whole notebook: settings.notebook_timeout_s).
c.Execute.timeout = S.cell_timeout_s
c.Execute.interrupt_on_timeout = True
# Output limits in bytes (nbgrader's LimitOutput counts lines only); kernel deaths survived per notebook.
c.JclubExecute.max_cell_output_bytes = S.max_cell_output_bytes
c.JclubExecute.max_notebook_output_bytes = S.max_notebook_output_bytes
c.JclubExecute.max_kernel_restarts = S.max_kernel_restarts
c.JclubExecute.unresponsive_wait = S.unresponsive_wait_s  # seconds a kernel has to answer after a timeout
# The kernel itself: `python -m autograder grade` runs each one sandboxed (autograder/sandbox.py) by passing
# --Execute.kernel_name=jclub-sandbox --KernelManager.transport=ipc --KernelManager.ip=<absolute path>.

# Any submitted notebook is made gradeable the same way before nbgrader restores the locked cells.
c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    NormalizeSubmission,
    DeduplicateIds,
    OverwriteKernelspec,
    OverwriteCells,
    CheckCellMetadata,
]
# Judges decide the hidden probe cells after execution and before grades are saved; outputs are sanitized
# (formgrader and feedback are HTML) after the grades are saved.
c.Autograde.autograde_preprocessors = [
    JclubExecute,
    JudgeProbes,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    SanitizeOutputs,
    CheckCellMetadata,
]
c.HTMLExporter.sanitize_html = True  # formgrader and feedback pages: no script from student outputs

# Feedback names failed checks and the judges' messages, never the hidden probe code (nbgrader #1363).
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# Late policy (book/syllabus.md), declared once in autograder/settings.py: 10 % of the earned score per
# started day late; zero after 7 days.
c.AssignLatePenalties.plugin_class = PerDayPenalty
c.PerDayPenalty.fraction_per_day = S.fraction_per_day
c.PerDayPenalty.max_days = S.max_days
