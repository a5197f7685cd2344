"""The form of every graded check: a *probe* that runs in the student's kernel and a *judge* outside it.

A :class:`Check` is declared once, in the unit's judge module (``autograder/judges/<unit>.py``):

* ``probe(<student functions>, cases)`` is a self-contained function (imports inside, numpy and the standard
  library only, no reference code). ``python -m autograder sync`` copies its source into the notebook's hidden
  test cell, so the kernel never imports ``autograder``. It calls the student's functions on the hidden
  ``cases`` and returns plain data (numbers, strings, lists, dicts), which the cell displays as one
  ``application/vnd.jclub.probe+json`` output.
* ``helpers`` are further self-contained functions (e.g. building a case's inputs from its seed) that the
  probe and the judge share; their source travels into the hidden cell with the probe's.
* ``judge(data, cases)`` runs in the grading process after the notebook has executed. It trusts nothing in
  ``data``: it regenerates inputs from ``cases`` itself and decides with a closed form, a property, a
  statistical test or grader-side reference code, returning a :class:`Verdict`.

The same pair is called from pytest on plain Python functions (``Check.run``), so the corpora of wrong and
alternative-correct implementations are judged without executing a notebook.
"""

from __future__ import annotations

import inspect
import json
import math
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

PROBE_MIME = "application/vnd.jclub.probe+json"
MAX_PAYLOAD_BYTES = 500_000
K_SIGMA = 5.0  # judges' statistical tolerances: |estimate − expectation| ≤ K_SIGMA · σ
Cases = Sequence[Mapping[str, Any]]  # a check's hidden cases, as written into its probe cell
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"


def sigmoid(x: Any) -> np.ndarray:
    """The logistic function 1 / (1 + e^-x), written with tanh so that it never overflows (for judges)."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=float)))


class JudgeError(Exception):
    """Probe data does not have the form the judge needs (the check fails with this message)."""


@dataclass(frozen=True)
class ProbeError:
    """The probe did not produce data: the student's code raised, or the output was missing or malformed."""

    reason: str


@dataclass(frozen=True)
class Verdict:
    """A judge's decision: ``score`` is the fraction of the check's points earned, ``messages`` say why."""

    score: float
    messages: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.score >= 1.0

    @classmethod
    def ok(cls, message: str = "all hidden cases passed") -> Verdict:
        return cls(1.0, (message,))

    @classmethod
    def fail(cls, *messages: str) -> Verdict:
        return cls(0.0, tuple(messages))


class Findings:
    """Collects the requirements a judge tests; every failed one adds a message for the student.

    Messages describe *what property* failed, never the expected value.
    """

    def __init__(self) -> None:
        self.failed: list[str] = []
        self.n = 0

    def require(self, condition: object, message: str) -> bool:
        self.n += 1
        ok = bool(condition)
        if not ok and message not in self.failed:
            self.failed.append(message)
        return ok

    def verdict(self, success: str = "all hidden cases passed") -> Verdict:
        if self.failed:
            return Verdict.fail(*self.failed)
        return Verdict.ok(success)


@dataclass(frozen=True)
class Check:
    """One graded exercise: the student functions it calls, its points, its hidden cases, probe and judge."""

    name: str
    functions: tuple[str, ...]
    points: float
    cases: Sequence[Mapping[str, Any]]
    probe: Callable[..., Any]
    judge: Callable[[Any, Sequence[Mapping[str, Any]]], Verdict]
    helpers: tuple[Callable[..., Any], ...] = ()
    summary: str = ""

    @property
    def grade_id(self) -> str:
        """nbgrader grade id of the hidden probe cell."""
        return f"probe_{self.name}"

    # -- in-process use (tests, corpora) -------------------------------------------------------------
    def run(self, *functions: Callable[..., Any]) -> Any:
        """Run the probe on plain functions; returns JSON-round-tripped data or a :class:`ProbeError`."""
        try:
            data = self.probe(*functions, cases=_plain(list(self.cases)))
        except Exception as err:  # noqa: BLE001 - the student's code may raise anything
            return ProbeError(f"your code raised {type(err).__name__}: {_short(str(err))}")
        try:
            return json.loads(json.dumps(_plain(data), allow_nan=False))
        except (TypeError, ValueError) as err:
            return ProbeError(f"the results could not be read as numbers ({_short(str(err))})")

    def decide(self, outcome: Any) -> Verdict:
        """Judge probe data (or a :class:`ProbeError`). Never raises."""
        if isinstance(outcome, ProbeError):
            return Verdict.fail(outcome.reason)
        try:
            verdict = self.judge(outcome, self.cases)
        except JudgeError as err:
            return Verdict.fail(f"the results do not have the required form: {err}")
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError) as err:
            return Verdict.fail(f"the results do not have the required form ({type(err).__name__})")
        if not isinstance(verdict, Verdict):  # pragma: no cover - a judge bug, not the student's
            raise TypeError(f"judge of {self.name} returned {type(verdict).__name__}, not Verdict")
        return Verdict(min(1.0, max(0.0, float(verdict.score))), verdict.messages)

    def grade(self, *functions: Callable[..., Any]) -> Verdict:
        """``decide(run(*functions))``: what a student with these functions would get."""
        return self.decide(self.run(*functions))

    # -- the notebook's hidden cell ------------------------------------------------------------------
    def cell_source(self) -> str:
        """The hidden probe cell, generated from the probe's source (``python -m autograder sync``)."""
        sources = [textwrap.dedent(inspect.getsource(f)).strip() for f in (*self.helpers, self.probe)]
        args = ", ".join(self.functions)
        cases = repr(_plain(list(self.cases)))  # a Python literal (JSON would spell True as true)
        where = self.probe.__module__.replace(".", "/") + ".py"
        # Everything lives inside one function so that nothing the probe defines shadows the student's names;
        # the student's functions are looked up as globals when the probe calls them.
        body = "\n\n".join(
            [*sources, _EMIT_SRC, f"_jclub_emit({self.name!r}, {self.probe.__name__}({args}, cases={cases}))"]
        )
        return "\n".join(
            [
                f"# Graded check of `{self.name}` ({_fmt_points(self.points)}): when your work is graded,",
                "# a probe calls your code on new inputs here and a judge outside this notebook decides.",
                BEGIN_HIDDEN,
                f"# Generated by `python -m autograder sync` from {where}: edit it there.",
                "def _jclub_probe_cell():",
                textwrap.indent(body, "    "),
                "",
                "",
                "_jclub_probe_cell()",
                END_HIDDEN,
            ]
        )


def case_literal(check: Check, length: int = 60) -> str:
    """The start of a check's hidden-case literal as it appears in its probe cell (for leak scans)."""
    return repr(_plain(list(check.cases)))[:length]


def _fmt_points(points: float) -> str:
    p = f"{points:g}"
    return f"{p} point" + ("" if p == "1" else "s")


_EMIT_SRC = f'''def _jclub_emit(check, data):
    import json
    import math

    def plain(x):
        if hasattr(x, "tolist"):
            x = x.tolist()
        if isinstance(x, dict):
            return {{str(k): plain(v) for k, v in x.items()}}
        if isinstance(x, (list, tuple)):
            return [plain(v) for v in x]
        if isinstance(x, float) and not math.isfinite(x):
            return str(x)
        return x

    from IPython.display import display
    display({{"{PROBE_MIME}": json.loads(json.dumps({{"check": check, "data": plain(data)}}))}}, raw=True)'''


def _plain(x: Any) -> Any:
    """Numpy values → plain Python; non-finite floats → the strings 'nan', 'inf', '-inf' (JSON has none)."""
    if hasattr(x, "tolist") and not isinstance(x, (str, bytes)):
        x = x.tolist()
    if isinstance(x, Mapping):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    return x


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- helpers for judges --------------------------------------------------------------------------------
def as_array(value: Any, shape: Sequence[int | None] | None = None, name: str = "result") -> np.ndarray:
    """Probe data → finite float array, checking the shape (``None`` matches any length)."""
    if isinstance(value, (str, bytes)) or value is None:
        raise JudgeError(f"{name} is not numeric")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise JudgeError(f"{name} is not numeric") from err
    if shape is not None:
        if arr.ndim != len(shape) or any(
            s is not None and s != a for s, a in zip(shape, arr.shape, strict=True)
        ):
            want = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ")"
            raise JudgeError(f"{name} should have shape {want}, not {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise JudgeError(f"{name} contains NaN or infinite values")
    return arr


def as_float(value: Any, name: str = "result") -> float:
    """Probe data → one finite float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise JudgeError(f"{name} is not a number")
    v = float(value)
    if not math.isfinite(v):
        raise JudgeError(f"{name} is not finite")
    return v


def probe_payloads(outputs: Iterable[Mapping[str, Any]]) -> list[Any]:
    """All probe payloads among a cell's outputs (display_data or execute_result with the probe MIME type)."""
    found = []
    for out in outputs:
        if out.get("output_type") in ("display_data", "execute_result"):
            data = out.get("data", {})
            if PROBE_MIME in data:
                found.append(data[PROBE_MIME])
    return found


def outcome_from_outputs(check: Check, outputs: Sequence[Mapping[str, Any]]) -> Any:
    """What the judge sees for an executed hidden cell: its one probe payload's data, or a ProbeError."""
    errors = [o for o in outputs if o.get("output_type") == "error"]
    if errors:
        err = errors[0]
        return ProbeError(
            f"your code raised {err.get('ename', 'an error')}: {_short(str(err.get('evalue', '')))}"
        )
    payloads = probe_payloads(outputs)
    if not payloads:
        return ProbeError("the graded check produced no result (did the cell run to the end?)")
    if len(payloads) > 1:
        return ProbeError("the graded check produced more than one result")
    payload = payloads[0]
    size = len(json.dumps(payload))
    if size > MAX_PAYLOAD_BYTES:
        return ProbeError(f"the graded check's result is too large ({size} bytes)")
    if not isinstance(payload, Mapping) or payload.get("check") != check.name or "data" not in payload:
        return ProbeError("the graded check's result is malformed")
    return payload["data"]
