"""nbgrader preprocessors of the course (configured in ``nbgrader_config.py``).

Sanitizing (before nbgrader's ``OverwriteCells``):

* :class:`NormalizeSubmission` makes any submitted notebook gradeable the same way: copies of a cell
  (duplicate grade ids) and cells claiming grade ids the assignment does not have become ordinary cells;
  the nbgrader metadata of every known cell is reset to the source's (no extra points, no unlocking);
  deleted cells come back as released (a deleted answer is graded as unanswered, a deleted hidden check
  still checks the student's functions).

Autograding:

* :class:`JclubExecute` is nbgrader's ``Execute`` with byte limits on outputs (nbgrader's own limit counts
  lines, so one 20 MB line passed) and recovery from a dead or unresponsive kernel (``os._exit``, a
  segfault, ``SIGXCPU``, an interrupt-proof loop): the cell gets an error, the kernel is restarted, the cells
  before it are replayed without keeping their new outputs, and execution goes on.
* :class:`JudgeProbes` runs after execution and before grades are saved: judges decide every hidden probe
  cell, and any other output that quotes hidden grading material (e.g. ``In[-1]`` stashed during a probe and
  printed later) is withdrawn.
* :class:`SanitizeOutputs` strips scripts from HTML/markdown outputs and cells (formgrader and feedback are
  viewed in a browser).

What these preprocessors changed is written, one JSON line per note, to ``$JCLUB_GRADING_NOTES`` (set by
``autograder grade``) so that the grading report gives each submission its reasons.

What the probe/judge design does and does not promise (tests/hostile/corpus.py proves each line):

* Only the probe cell's own outputs are judged, and only one payload naming its check: payloads displayed
  earlier, extra payloads, payloads of another check, a blanked or rewritten probe (input or AST
  transformers) all fail the check.
* Everything in the kernel is the student's, so the payload can always be forged (replace ``display``, patch
  ``json``, an input transformer). The judge regenerates the inputs and decides on the values alone, so a
  forged payload passes only if its values are correct for hidden inputs — and producing those *is* solving
  the exercise (the student's code may read the hidden cases at run time, but not the expected values, which
  exist only in the judge, outside the sandbox). Judges must therefore test values, never trust summaries a
  probe could fake more cheaply than the answer (see CONTRIBUTING: raw outputs, not statistics).
* The hidden probe code itself is not secret from the kernel while it runs (``In[-1]``, stack frames). It
  never reaches feedback: probe outputs become verdicts, error messages quoting it are withheld, and outputs
  of later cells that quote its distinctive lines or its case literal are withdrawn. A student who *encodes*
  it (base64, …) before printing it can see their own notebook's hidden inputs (seeds, sizes) in feedback —
  never expected values; fixing that would mean hiding all later outputs.
"""

from __future__ import annotations

import copy
import json
import os
import re
from typing import Any

from nbconvert.exporters.exporter import ResourcesDict
from nbconvert.preprocessors.sanitize import SanitizeHTML
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Integer

from autograder.checks import MAX_PAYLOAD_BYTES, PROBE_MIME
from autograder.judging import hidden_material, judge_notebook, reveals


def note(resources: ResourcesDict | dict, text: str) -> None:
    """Record what grading changed or found (the grading report lists it for the submission)."""
    resources.setdefault("jclub", {}).setdefault("notes", []).append(text)
    path = os.environ.get("JCLUB_GRADING_NOTES")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"note": text}) + "\n")


def _meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


NBGRADER_KEYS = ("grade", "solution", "locked", "task", "points", "grade_id", "schema_version", "cell_type")


class NormalizeSubmission(NbGraderPreprocessor):
    """Sanitize step: one cell per grade id, metadata as released, deleted cells restored as released."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        from autograder import course

        assignment = resources["nbgrader"]["assignment"]
        notebook = resources["nbgrader"]["notebook"]
        released_path = course.root() / "release" / assignment / f"{notebook}.ipynb"
        import nbformat

        released = nbformat.read(released_path, as_version=4)
        rcells = [c for c in released.cells if _meta(c).get("grade_id")]
        by_id = {_meta(c)["grade_id"]: c for c in rcells}
        order = [_meta(c)["grade_id"] for c in rcells]

        # 1. one cell per grade id: keep the one with the released cell id (else the first); copies → plain
        groups: dict[str, list[int]] = {}
        for i, cell in enumerate(nb.cells):
            gid = _meta(cell).get("grade_id")
            if gid is not None:
                groups.setdefault(str(gid), []).append(i)
        for gid, idxs in groups.items():
            if gid not in by_id:
                for i in idxs:
                    nb.cells[i].metadata.pop("nbgrader", None)
                note(
                    resources,
                    f"a cell claims grade id {gid!r}, which this assignment does not have: graded "
                    "as an ordinary cell",
                )
                continue
            if len(idxs) > 1:
                want = by_id[gid].get("id")
                keep = next((i for i in idxs if nb.cells[i].get("id") == want), idxs[0])
                for i in idxs:
                    if i != keep:
                        nb.cells[i].metadata.pop("nbgrader", None)
                note(
                    resources,
                    f"{len(idxs)} cells have grade id {gid!r} (a copied cell): the original is "
                    "graded, the copies run as ordinary cells",
                )

        # 2. metadata of every known cell as released (points, locks and flags cannot be changed)
        present = set()
        for cell in nb.cells:
            gid = _meta(cell).get("grade_id")
            if gid is None:
                continue
            present.add(gid)
            want = _meta(by_id[gid])
            if any(_meta(cell).get(k) != want.get(k) for k in NBGRADER_KEYS):
                note(
                    resources, f"the nbgrader metadata of cell {gid!r} was changed: reset to the released one"
                )
                cell.metadata["nbgrader"] = copy.deepcopy(dict(want))
            if cell.cell_type != by_id[gid].cell_type:
                note(
                    resources,
                    f"cell {gid!r} was changed from {by_id[gid].cell_type} to {cell.cell_type}: "
                    f"graded as {by_id[gid].cell_type}",
                )

        # 3. deleted cells come back as released, where they were (after the previous released cell still
        #    there, else before the next one, else at the end). A deleted answer cell does not: the student
        #    may have moved the function elsewhere, and if not, the check fails as it should.
        def where(k: int) -> int:
            ids = [_meta(c).get("grade_id") for c in nb.cells]
            for prev in reversed(order[:k]):
                if prev in ids:
                    return ids.index(prev) + 1
            for nxt in order[k + 1 :]:
                if nxt in ids:
                    return ids.index(nxt)
            return len(nb.cells)

        for k, gid in enumerate(order):
            if gid in present:
                continue
            meta = _meta(by_id[gid])
            if meta.get("solution") and not meta.get("grade") and by_id[gid].cell_type == "code":
                note(resources, f"answer cell {gid!r} was deleted: its functions must be defined elsewhere")
                continue
            nb.cells.insert(where(k), copy.deepcopy(by_id[gid]))
            present.add(gid)
            what = "graded as unanswered" if meta.get("solution") else "restored"
            note(resources, f"cell {gid!r} was deleted: {what} as released")
        return nb, resources


def _output_size(out: NotebookNode) -> int:
    """Bytes an output adds to the notebook, not counting one probe payload (limited by the judge)."""
    if out.get("output_type") == "stream":
        return len(out.get("text", ""))
    if out.get("output_type") == "error":
        return len(out.get("evalue", "")) + sum(len(x) for x in out.get("traceback", []))
    data = out.get("data", {})
    return sum(len(json.dumps(v)) for k, v in data.items() if k != PROBE_MIME) + len(
        json.dumps(out.get("metadata", {}))
    )


class _ReplayDied(Exception):
    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


def _error(ename: str, evalue: str) -> NotebookNode:
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class JclubExecute(Execute):
    """nbgrader's Execute with output byte limits and recovery from a dead or unresponsive kernel."""

    max_cell_output_bytes = Integer(100_000, help="outputs of one cell beyond this are dropped").tag(
        config=True
    )
    max_notebook_output_bytes = Integer(2_000_000, help="outputs beyond this in all are dropped").tag(
        config=True
    )
    max_kernel_restarts = Integer(6, help="kernel restarts before the rest is not run").tag(config=True)
    unresponsive_wait = Integer(15, help="seconds a kernel has to answer after a timed-out cell").tag(
        config=True
    )

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> NotebookNode | None:
        out = super().output(outs, msg, display_id, cell_index)
        if out is None:
            return None
        used = self._jclub_used.get(cell_index, 0)
        size = _output_size(out)
        payload = len(json.dumps(out.get("data", {}).get(PROBE_MIME, ""))) if "data" in out else 0
        over = (
            used + size > self.max_cell_output_bytes
            or self._jclub_total + size > self.max_notebook_output_bytes
            or payload > 2 * MAX_PAYLOAD_BYTES
        )
        if over:
            if outs and outs[-1] is out:
                outs.pop()
            if cell_index not in self._jclub_truncated:
                self._jclub_truncated.add(cell_index)
                outs.append(
                    new_output(
                        "stream",
                        name="stdout",
                        text=f"\n[output truncated: grading keeps at most {self.max_cell_output_bytes} bytes "
                        "of output per cell]\n",
                    )
                )
            return None
        self._jclub_used[cell_index] = used + size
        self._jclub_total += size
        return out

    def _responsive(self) -> bool:
        """Does the kernel answer a kernel_info request soon (after a timed-out cell)?"""
        import asyncio
        from queue import Empty

        from nbclient.util import ensure_async, run_sync

        async def check() -> bool:
            if self.kc is None or self.km is None or not await ensure_async(self.km.is_alive()):
                return False
            msg_id = self.kc.kernel_info()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.unresponsive_wait
            while loop.time() < deadline:
                try:
                    msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=1))
                except Empty:
                    continue
                if msg["parent_header"].get("msg_id") == msg_id:
                    return True
            return False

        return run_sync(check)()

    def _replay(self, upto: int, resources: ResourcesDict) -> None:
        """Re-run the ordinary code cells before ``upto`` in a fresh kernel (keeping their old outputs)."""
        from nbclient.exceptions import DeadKernelError

        for i in range(upto):
            cell = self.nb.cells[i]
            meta = _meta(cell)
            if cell.cell_type != "code" or meta.get("grade") or i in self._jclub_failed:
                continue
            try:
                self.execute_cell(copy.deepcopy(cell), i, store_history=False)
            except DeadKernelError:
                raise _ReplayDied(i) from None
            finally:
                self.nb.cells[i] = cell

    def preprocess(
        self, nb: NotebookNode, resources: Any = None, km: Any = None
    ) -> tuple[NotebookNode, dict[str, Any]]:
        from nbclient import NotebookClient
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._jclub_used: dict[int, int] = {}
        self._jclub_total = 0
        self._jclub_truncated: set[int] = set()
        self._jclub_failed: set[int] = set()
        n = len(self.nb.cells)
        index, restarts, retry = 0, 0, None
        while index < n:
            broken = None  # (what happened, the cell blamed, where to go on)
            with self.setup_kernel():
                assert self.kc
                info = self.wait_for_reply(self.kc.kernel_info())
                if info:
                    self.nb.metadata["language_info"] = info["content"]["language_info"]
                try:
                    if restarts:
                        self._replay(index, resources)
                    while index < n:
                        cell = self.nb.cells[index]
                        self.preprocess_cell(cell, resources, index)
                        index += 1
                        timed_out = cell.cell_type == "code" and any(
                            o.get("ename") == "CellTimeoutError" for o in cell.get("outputs", [])
                        )
                        if timed_out and not self._responsive():
                            broken = ("was unresponsive", index - 1, index)
                            break
                except (CellTimeoutError, TimeoutError):  # no answer, not even on IOPub, after the interrupt
                    broken = ("was unresponsive", index, index + 1)
                except _ReplayDied as died:  # a cell that ran fine once ended the kernel later (e.g. exit())
                    broken = ("died", died.index, index)
                except DeadKernelError:
                    cell = self.nb.cells[index]
                    if cell.get("execution_count") is None and retry != index:
                        # no sign it started this cell: the previous cell may have ended the kernel (exit());
                        # replay and run it once more before blaming it
                        broken, retry = ("retry", None, index), index
                    else:
                        broken = ("died", index, index + 1)
            if broken is None:
                break
            why, blamed, index = broken
            restarts += 1
            if blamed is None:
                if restarts > self.max_kernel_restarts:
                    blamed, index = index, index + 1
                else:
                    continue
            self._jclub_failed.add(blamed)
            cell = self.nb.cells[blamed]
            if why == "died":
                text = "the kernel died while running this cell (it exited, crashed or ran out of memory/CPU)"
                cell.outputs.append(_error("KernelDied", text))
            else:
                cell.outputs.append(_error("KernelUnresponsive", "the kernel did not answer after a timeout"))
            gid = _meta(cell).get("grade_id") or f"#{blamed}"
            note(resources, f"the kernel {why} at cell {gid}: restarted, earlier cells replayed")
            if restarts > self.max_kernel_restarts:
                for cell in self.nb.cells[index:]:
                    if cell.cell_type == "code":
                        cell.outputs = [_error("NotRun", "not run: the kernel failed too many times")]
                note(resources, f"the kernel failed {restarts} times: the rest of the notebook was not run")
                break
        if self._jclub_truncated:
            note(resources, f"output of {len(self._jclub_truncated)} cell(s) was truncated")
        self.set_widgets_metadata()
        return self.nb, self.resources


class JudgeProbes(NbGraderPreprocessor):
    """Runs after ``Execute`` and before ``SaveAutoGrades``: judges decide every hidden probe cell."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        assignment = resources["nbgrader"]["assignment"]
        secrets = hidden_material(nb)
        results = judge_notebook(nb, assignment)
        for r in results:
            state = "passed" if r.verdict.passed else "failed"
            self.log.info("judge %s/%s: %s (%g/%g)", assignment, r.check, state, r.points, r.max_points)
        resources.setdefault("jclub", {})["judged"] = [r.check for r in results]
        withdrawn = 0
        for cell in nb.cells:
            if cell.cell_type != "code" or _meta(cell).get("grade_id", "").startswith("probe_"):
                continue
            kept = []
            for out in cell.get("outputs", []):
                if reveals(json.dumps(out, ensure_ascii=False), secrets):
                    withdrawn += 1
                    out = new_output(
                        "stream",
                        name="stdout",
                        text="[output withdrawn: it quoted hidden grading material]\n",
                    )
                kept.append(out)
            cell.outputs = kept
        if withdrawn:
            note(resources, f"{withdrawn} output(s) quoting hidden grading material were withdrawn")
        return nb, resources


_TAGGY = re.compile(r"<\s*[a-zA-Z!/]|javascript:", re.I)


class SanitizeOutputs(SanitizeHTML):
    """nbconvert's SanitizeHTML for outputs; markdown and raw cells only when they hold HTML tags."""

    enabled = Bool(True).tag(config=True)  # nbconvert's preprocessors are off unless enabled

    def preprocess_cell(
        self, cell: NotebookNode, resources: Any, cell_index: int
    ) -> tuple[NotebookNode, Any]:
        if cell.cell_type in ("markdown", "raw") and not _TAGGY.search(cell.source):
            return cell, resources
        return super().preprocess_cell(cell, resources, cell_index)
