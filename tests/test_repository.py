"""Repository invariants: the `autograder check` list, lint, environment files agreeing, generated files
never committed, jclub free of solutions and judges, data reproducible."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib

import nbformat
import pytest
import yaml

from autograder import course, invariants
from autograder.notebooks import sync_unit

ROOT = course.root()


@pytest.mark.parametrize("name", list(invariants.ALL))
def test_course_invariant(name):
    assert invariants.ALL[name]() == []


def test_ruff_clean():
    ruff = shutil.which("ruff") or str(ROOT / ".venv" / "bin" / "ruff")
    proc = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]
    fmt = subprocess.run(
        [ruff, "format", "--check", "autograder", "jclub", "tests", "benchmarks", "data"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert fmt.returncode == 0, fmt.stdout[-3000:]


def _pyproject_deps() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    out = {}
    for dep in data["project"]["dependencies"]:
        name = re.split(r"[<>=!\[ ]", dep, maxsplit=1)[0]
        out[name.lower()] = dep[len(name) :].replace(" ", "")
    return out


def _conda_deps() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if not isinstance(dep, str) or dep.startswith(("python=", "pip")):
            continue
        name = re.split(r"[<>=! ]", dep, maxsplit=1)[0]
        spec = dep[len(name) :].replace(" ", "")
        if name == "pytorch":  # conda's build selector: pytorch=2.13.*=cpu_*  ≡  torch>=2.13,<2.14
            assert spec == "=2.13.*=cpu_*", spec
            name, spec = "torch", ">=2.13,<2.14"
        out[name.lower()] = spec
    return out


def test_environment_yml_agrees_with_pyproject():
    assert _conda_deps() == _pyproject_deps()


def test_torch_pin_keeps_the_cpu_wheel():
    assert _pyproject_deps()["torch"] == ">=2.13,<2.14"


def test_generated_files_are_ignored_and_untracked():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    for prefix in ("release/", "submitted/", "autograded/", "feedback/", "_build/"):
        assert not any(t.startswith(prefix) for t in tracked), prefix
    assert not any(t.endswith("gradebook.db") for t in tracked)
    ignored = (ROOT / ".gitignore").read_text()
    for name in ("/release/", "/_build/", "gradebook.db", "/autograded/", "/feedback/", "/submitted/"):
        assert name in ignored


def test_jclub_holds_no_solution_or_judge():
    for p in (ROOT / "jclub").rglob("*.py"):
        text = p.read_text()
        assert "autograder" not in text, f"{p} refers to the instructor package"
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text


def test_sync_detects_a_tampered_probe(tmp_path, monkeypatch):
    unit = course.units()[0]
    dst = tmp_path / "units" / unit.name
    shutil.copytree(unit.path, dst)
    nb = nbformat.read(dst / unit.notebook.name, as_version=4)
    for cell in nb.cells:
        if course.nbgrader_meta(cell).get("grade_id", "").startswith("probe_"):
            cell.source = cell.source.replace("cases=", "cases=[] or ")
            break
    nbformat.write(nb, dst / unit.notebook.name)
    monkeypatch.setenv("JCLUB_ROOT", str(tmp_path))
    copy = course.unit(unit.name)
    assert any("out of date" in p for p in sync_unit(copy, write=False))
    sync_unit(copy)  # repairs it
    assert sync_unit(copy, write=False) == []


def test_outputs_check_catches_an_executed_notebook(tmp_path, monkeypatch):
    unit = course.units()[0]
    dst = tmp_path / "units" / unit.name
    shutil.copytree(unit.path, dst)
    nb = nbformat.read(dst / unit.notebook.name, as_version=4)
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.execution_count = 1
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi")]
    nbformat.write(nb, dst / unit.notebook.name)
    monkeypatch.setenv("JCLUB_ROOT", str(tmp_path))
    assert invariants.outputs_cleared()


def test_data_sets_are_reproducible_and_verified():
    proc = subprocess.run(
        [sys.executable, "data/make_bead_tracks.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    from jclub.data import manifest, sha256

    for name, entry in manifest(ROOT / "data").items():
        p = ROOT / "data" / entry["file"]
        assert sha256(p) == entry["sha256"] and p.stat().st_size == entry["size_bytes"], name
        for key in ("source", "licence", "generate"):
            assert entry.get(key), (name, key)


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "./course test" in readme
    assert "./course test" in (ROOT / ".ci" / "run").read_text()
