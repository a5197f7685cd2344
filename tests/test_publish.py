"""The published student copy: release + jclub + data + a jclub-only environment; nothing of autograder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from labserver import start, stop

from autograder import course
from autograder.notebooks import leaks
from autograder.publish import publish

COPY = ("units", "data", "jclub", "nbgrader_config.py", "pyproject.toml", "LICENSE")


@pytest.fixture(scope="module")
def student_copy(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    for name in COPY:
        src = course.root() / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    old = os.environ.get("JCLUB_ROOT")
    os.environ["JCLUB_ROOT"] = str(root)
    try:
        yield publish(tmp_path_factory.mktemp("published") / "jclub-student")
    finally:
        os.environ.pop("JCLUB_ROOT") if old is None else os.environ.__setitem__("JCLUB_ROOT", old)


def test_student_copy_has_what_students_need(student_copy):
    for u in course.units():
        assert (student_copy / "units" / u.name / u.notebook.name).is_file()
    for name in (
        "jclub/__init__.py",
        "data/MANIFEST.json",
        "requirements.txt",
        "environment.yml",
        "postBuild",
        "binder/requirements.txt",
        "binder/runtime.txt",
        "binder/postBuild",
        "README.md",
        "LICENSE",
        "pyproject.toml",
    ):
        assert (student_copy / name).is_file(), name


def test_student_copy_holds_no_instructor_material(student_copy):
    assert not (student_copy / "autograder").exists()
    for p in student_copy.rglob("*"):
        if p.is_file() and p.suffix in {".ipynb", ".py", ".md", ".txt", ".yml", ".toml"}:
            text = p.read_text(encoding="utf-8")
            assert not leaks(text), p
            assert "autograder" not in text or p.name == "README.md", p
    reqs = (student_copy / "requirements.txt").read_text()
    assert "nbgrader" in reqs and "torch>=2.13,<2.14" in reqs and "autograder" not in reqs


def test_student_copy_installs_jclub_only(student_copy, tmp_path):
    target = tmp_path / "site"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(student_copy),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    installed = {p.name for p in target.iterdir() if not p.name.endswith((".dist-info", ".egg-info"))}
    assert installed == {"jclub"}, installed


# -- Binder ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def binder_env(student_copy, tmp_path_factory):
    """The student copy built the way repo2docker's Python build pack builds it for Binder.

    repo2docker reads only ``binder/`` when that folder exists: it installs ``runtime.txt``'s Python, runs
    ``pip install -r binder/requirements.txt`` and then ``binder/postBuild`` in the repository root. Done
    here in a fresh virtual environment, with one difference: the PyTorch CPU index line is dropped (this
    machine reaches PyPI only; pip takes the CPU torch wheel from the machine's local wheel folder instead).
    """
    binder = student_copy / "binder"
    assert (binder / "runtime.txt").read_text().strip() == "python-3.11"
    lines = (binder / "requirements.txt").read_text().splitlines()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines
    reqs = tmp_path_factory.mktemp("binder") / "requirements.txt"
    reqs.write_text("\n".join(ln for ln in lines if not ln.startswith("--")) + "\n")
    venv = tmp_path_factory.mktemp("binder-venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JCLUB_", "VIRTUAL_ENV", "PYTHON"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-r", str(reqs)],
        cwd=student_copy,
        env=env,
        capture_output=True,
        text=True,
    )
    assert pip.returncode == 0, pip.stderr[-3000:]
    post = subprocess.run(
        [str(binder / "postBuild")], cwd=student_copy, env=env, capture_output=True, text=True
    )
    assert post.returncode == 0, post.stderr[-3000:]
    return venv, env


def test_binder_build_installs_the_course_but_no_instructor_code(binder_env, student_copy):
    venv, env = binder_env
    py = str(venv / "bin" / "python")
    probe = (
        "import jclub, torch, nbgrader, jupyterlab, scipy, sklearn; print(torch.__version__, jclub.__file__)"
    )
    out = subprocess.run([py, "-c", probe], cwd="/", env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    version, where = out.stdout.split()
    assert version.startswith("2.13") and "+cu" not in version, version  # the CPU build
    assert Path(where).resolve().is_relative_to(student_copy.resolve())  # the copy's own jclub (postBuild)
    gone = subprocess.run([py, "-c", "import autograder"], cwd="/", env=env, capture_output=True)
    assert gone.returncode != 0, "the Binder environment can import the instructor's autograder"


def test_binder_launch_links_open_every_unit_in_jupyterlab(binder_env, student_copy, tmp_path):
    """JupyterLab started as repo2docker starts it (repository root) serves every launch button's path."""
    venv, env = binder_env
    env = dict(env, JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"))
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(tmp_path / "ws")
    proc, url, token = start([str(venv / "bin" / "jupyter"), "lab"], student_copy, env, "--allow-root")
    try:
        for u in course.units():
            path = f"units/{u.name}/{u.notebook.name}"  # the book's urlpath is lab/tree/<path>
            page = urllib.request.urlopen(f"{url}/lab/tree/{path}?token={token}", timeout=30)
            assert page.status == 200 and b"JupyterLab" in page.read()
            model = json.load(urllib.request.urlopen(f"{url}/api/contents/{path}?token={token}", timeout=30))
            assert model["type"] == "notebook" and model["content"]["cells"], path
    finally:
        stop(proc)


def test_a_released_notebook_runs_on_binder_up_to_its_exercises(binder_env, student_copy, tmp_path):
    """Unit 01 executes in the Binder environment: every error is an exercise stub's NotImplementedError."""
    venv, env = binder_env
    u = course.units()[0]
    nb = student_copy / "units" / u.name / u.notebook.name
    out = tmp_path / "executed.ipynb"
    run = subprocess.run(
        [
            str(venv / "bin" / "jupyter"),
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--allow-errors",
            "--ExecutePreprocessor.timeout=300",
            f"--output={out}",
            str(nb),
        ],
        cwd=nb.parent,
        env=dict(env, MPLBACKEND="Agg"),
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    cells = json.loads(out.read_text())["cells"]
    errors = [
        o
        for c in cells
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
        if o["output_type"] == "error"
    ]
    stubs = sum(
        "raise NotImplementedError()" in "".join(c["source"]) for c in cells if c["cell_type"] == "code"
    )
    assert stubs and errors, "expected the exercise stubs to raise"
    assert {e["ename"] for e in errors} <= {"NotImplementedError", "NameError", "AssertionError"}, [
        (e["ename"], e["evalue"]) for e in errors if e["ename"] not in {"NotImplementedError"}
    ]
    # the first cell (imports, data loading, the course style) must run cleanly
    first = next(c for c in cells if c["cell_type"] == "code")
    assert not [o for o in first.get("outputs", []) if o["output_type"] == "error"], first["outputs"]
