"""The jclub helper package (what students get)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

import jclub
from jclub import checks, data
from jclub.progress import progress


def test_scaled_and_grading_follow_nbgrader_execution(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert not jclub.grading() and jclub.scaled(1000, 10) == 1000
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert jclub.grading() and jclub.scaled(1000, 10) == 10
    with pytest.raises(ValueError):
        jclub.scaled(0, 1)


def test_progress_is_silent_and_complete_while_grading(monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert list(progress(range(5), desc="x")) == [0, 1, 2, 3, 4]
    assert capsys.readouterr().err == ""


def test_setup_returns_a_seeded_generator():
    a = jclub.setup(seed=3, style=False).normal(size=3)
    b = jclub.setup(seed=3, style=False).normal(size=3)
    assert np.array_equal(a, b)


def test_visible_check_messages_help():
    with pytest.raises(AssertionError, match=r"should have shape \(2, 3\)"):
        checks.expect_shape(np.zeros((3, 2)), (2, 3), "x")
    with pytest.raises(AssertionError, match="at flat index 1 it is 5 but should be 2. Hint: look"):
        checks.expect_close([1, 5], [1, 2], "x", hint="look")
    with pytest.raises(AssertionError, match="NaN"):
        checks.expect_close([np.nan], [1.0])
    with pytest.raises(AssertionError, match="expected ValueError"):
        checks.expect_raises(ValueError, lambda: None)
    with pytest.raises(AssertionError, match="expected ValueError, but KeyError"):
        checks.expect_raises(ValueError, lambda: {}["a"])
    checks.expect_raises(ValueError, int, "x")


def test_data_loading_verifies_the_checksum(tmp_path, monkeypatch):
    src = jclub.data.find_data_dir()
    shutil.copytree(src, tmp_path / "data")
    monkeypatch.setenv("JCLUB_DATA_DIR", str(tmp_path / "data"))
    tracks = data.load_npz("bead_tracks")["tracks_m"]
    assert tracks.ndim == 3 and tracks.shape[2] == 2
    (tmp_path / "data" / "bead_tracks.npz").write_bytes(b"corrupted")
    with pytest.raises(data.DataError, match="does not match the manifest"):
        data.load_npz("bead_tracks")
    with pytest.raises(data.DataError, match="unknown data set"):
        data.path("no_such_set")
    (tmp_path / "data" / "bead_tracks.npz").unlink()
    with pytest.raises(data.DataError, match="missing"):
        data.path("bead_tracks")


def test_data_dir_is_found_from_a_nested_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("JCLUB_DATA_DIR", raising=False)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "MANIFEST.json").write_text(json.dumps({"datasets": {}}))
    nested = tmp_path / "autograded" / "student" / "unit"
    nested.mkdir(parents=True)
    assert data.find_data_dir(nested) == tmp_path / "data"
    monkeypatch.setenv("JCLUB_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(data.DataError):
        data.find_data_dir()
