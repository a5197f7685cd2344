"""The published student copy: release + jclub + data + a jclub-only environment; nothing of autograder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

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
