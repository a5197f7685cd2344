"""nbgrader preprocessors of the course (configured in ``nbgrader_config.py``)."""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.judging import judge_notebook


class JudgeProbes(NbGraderPreprocessor):
    """Runs after ``Execute`` and before ``SaveAutoGrades``: judges decide every hidden probe cell."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        assignment = resources["nbgrader"]["assignment"]
        results = judge_notebook(nb, assignment)
        for r in results:
            state = "passed" if r.verdict.passed else "failed"
            self.log.info("judge %s/%s: %s (%g/%g)", assignment, r.check, state, r.points, r.max_points)
        resources.setdefault("jclub", {})["judged"] = [r.check for r in results]
        return nb, resources
