"""Regression tests of issue 18's two stale-grade bugs, without running nbgrader.

1. The ledger fingerprint covers all grading code, ``jclub``, the judges and the effective settings: a fixed
   shared judge helper (``checks.py``), ``judging.py``, ``preprocessors.py``, ``late.py``, ``jclub`` or a
   limit changes the fingerprint, so ``grade`` grades unchanged submissions again.
2. ``release`` and ``grade`` refuse, naming the cells, when probe cells are out of sync with the judges
   (instead of scoring the reference 0).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import course
from autograder.grading import ledger, probesync

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "hostile"))

import toy_unit  # noqa: E402


@pytest.fixture
def toy(tmp_path, monkeypatch):
    """A course copy with the toy unit (its judges copied too) and a copy of the grading code."""
    root = tmp_path / "course"
    root.mkdir()
    shutil.copytree(course.ROOT / "jclub", root / "jclub", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(course.ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    judges = tmp_path / "judges"
    shutil.copytree(toy_unit.JUDGES, judges)
    monkeypatch.setenv("JCLUB_ROOT", str(root))
    monkeypatch.setenv("JCLUB_EXTRA_JUDGES", str(judges))
    toy_unit.write(root)
    code = tmp_path / "autograder"
    shutil.copytree(ledger.PACKAGE, code, ignore=shutil.ignore_patterns("__pycache__", "judges"))
    monkeypatch.setattr(ledger, "PACKAGE", code)
    staged = tmp_path / "staged"
    staged.mkdir()
    (staged / "toy.ipynb").write_text("{}")
    return {"root": root, "code": code, "staged": staged, "unit": course.unit(toy_unit.NAME)}


def _fp(toy: dict) -> str:
    return ledger.fingerprint(toy["staged"], toy["unit"])


@pytest.mark.parametrize(
    "changed",
    [
        "code/checks.py",
        "code/judging.py",
        "code/preprocessors.py",
        "code/late.py",
        "code/sandbox.py",
        "code/settings.py",
        "code/grading/intake.py",
        "root/jclub/checks.py",
        "root/jclub/course.mplstyle",
        "root/nbgrader_config.py",
        "staged/toy.ipynb",
        "root/units/99-toy/toy.ipynb",
    ],
)
def test_the_fingerprint_covers_the_grading_code(toy, changed):
    where, rel = changed.split("/", 1)
    before = _fp(toy)
    path = toy[where] / rel
    path.write_bytes(path.read_bytes() + b"\n# changed\n")
    assert _fp(toy) != before, f"a change to {changed} would keep stale grades"


def test_the_fingerprint_covers_the_unit_judge(toy):
    judge = Path(sys.modules[toy["unit"].checks[0].probe.__module__].__file__)
    before = _fp(toy)
    original = judge.read_bytes()
    judge.write_bytes(original + b"\n# changed\n")
    assert _fp(toy) != before


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("JCLUB_CELL_TIMEOUT_S", "7"),
        ("JCLUB_SANDBOX_MEMORY_MB", "999"),
        ("JCLUB_LATE_FRACTION_PER_DAY", "0.2"),
    ],
)
def test_the_fingerprint_covers_the_limits(toy, monkeypatch, variable, value):
    before = _fp(toy)
    monkeypatch.setenv(variable, value)
    assert _fp(toy) != before


def test_tools_outside_grading_do_not_regrade(toy):
    before = _fp(toy)
    for name in ("book.py", "analytics.py"):
        p = toy["code"] / name
        p.write_bytes(p.read_bytes() + b"\n# changed\n")
    assert _fp(toy) == before


def _unsync(unit: course.Unit) -> None:
    nb = unit.read()
    for cell in nb.cells:
        if course.nbgrader_meta(cell).get("grade_id") == "probe_spread":
            cell.source = cell.source.replace("cases=", "cases=[] or ", 1)  # as if the judge had changed
    nbformat.write(nb, unit.notebook)


def test_probes_out_of_sync_are_named(toy):
    assert probesync.out_of_sync([toy["unit"]]) == []
    _unsync(toy["unit"])
    with pytest.raises(probesync.ProbesOutOfSync, match="probe_spread") as err:
        probesync.require_in_sync([toy["unit"]])
    assert "probe_square" not in str(err.value)


def test_release_refuses_out_of_sync_probes_before_running_nbgrader(toy):
    from autograder.release import release

    _unsync(toy["unit"])
    calls = []
    with pytest.raises(probesync.ProbesOutOfSync, match="99-toy.*probe_spread"):
        release([toy_unit.NAME], log=False, run=lambda *a: calls.append(a))
    assert calls == []
    assert not (toy["root"] / "release").exists()


def test_grade_refuses_out_of_sync_probes(toy, capsys):
    from autograder import simulate
    from autograder.__main__ import main
    from autograder.grade import grade

    nb = toy["unit"].read()
    _unsync(toy["unit"])
    simulate.submit("alice", toy["unit"], nb)
    with pytest.raises(probesync.ProbesOutOfSync, match="probe_spread"):
        grade(log=False, sandboxed=False)
    assert main(["grade", "--unsandboxed"]) == 1
    assert "probe_spread" in capsys.readouterr().err
    assert not (toy["root"] / "autograded").exists() and not (toy["root"] / "gradebook.db").exists()
