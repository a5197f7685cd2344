"""``new-unit`` writes a bundle the course's invariants accept, and refuses to overwrite."""

from __future__ import annotations

import shutil

import nbformat
import pytest

from autograder import course, invariants
from autograder.__main__ import main
from autograder.grading import probesync
from autograder.scaffold import ScaffoldError, new_unit, paths


@pytest.fixture
def root(tmp_path, monkeypatch):
    for name in ("book/syllabus.md", "_toc.yml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(course.ROOT / name, tmp_path / name)
    (tmp_path / "units").mkdir()
    monkeypatch.setenv("JCLUB_ROOT", str(tmp_path))
    monkeypatch.setenv("JCLUB_EXTRA_JUDGES", str(tmp_path / "autograder" / "judges"))
    return tmp_path


def test_a_new_unit_passes_the_invariants(root, capsys):
    assert main(["new-unit", "42-hebbian-learning", "Hebbian learning"]) == 0
    where = paths("42-hebbian-learning", root)
    assert all(p.is_file() for p in where.values())
    nbformat.validate(nbformat.read(where["notebook"], as_version=4))
    u = course.unit("42-hebbian-learning")
    assert probesync.out_of_sync([u]) == []
    assert invariants.skeleton() == []
    assert invariants.question_sections() == []
    assert not [p for p in invariants.points_match_syllabus() if "42-" in p]
    assert "units/42-hebbian-learning/hebbian-learning" in (root / "_toc.yml").read_text()
    assert "wrote" in capsys.readouterr().out


def test_it_refuses_to_overwrite_and_bad_names(root, capsys):
    new_unit("42-hebbian-learning", "Hebbian learning", root)
    syllabus = (root / "book" / "syllabus.md").read_text()
    with pytest.raises(ScaffoldError, match="exists already"):
        new_unit("42-hebbian-learning", "Again", root)
    assert (root / "book" / "syllabus.md").read_text() == syllabus
    assert main(["new-unit", "Hebbian", "x"]) == 1
    assert "not a unit name" in capsys.readouterr().err
