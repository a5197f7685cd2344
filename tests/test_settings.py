"""The one settings object: defaults, course file, environment; every field has a variable; the table."""

from __future__ import annotations

from dataclasses import fields

import pytest

from autograder import settings
from autograder.__main__ import main


def test_every_field_has_a_variable_and_a_meaning():
    names = [f.name for f in fields(settings.Settings)]
    assert list(settings.SPEC) == names
    envs = [s.env for s in settings.SPEC.values()]
    assert len(set(envs)) == len(envs) and all(e.startswith("JCLUB_") for e in envs)


def test_sources_default_file_environment(tmp_path):
    (tmp_path / "grading.toml").write_text("[grading]\ncell_timeout_s = 30\nmax_cells = 99\n")
    s, src = settings.load_with_sources(tmp_path, environ={"JCLUB_MAX_CELLS": "7", "JCLUB_GRADE_FORK": "0"})
    assert (s.cell_timeout_s, src["cell_timeout_s"]) == (30, "file")
    assert (s.max_cells, src["max_cells"]) == (7, "environment")  # the environment wins over the file
    assert (s.grade_fork, src["grade_fork"]) == (False, "environment")
    assert (s.notebook_timeout_s, src["notebook_timeout_s"]) == (900, "default")


@pytest.mark.parametrize(
    ("content", "environ", "what"),
    [
        ("[grading]\nno_such_limit = 1\n", {}, "unknown setting"),
        ("", {"JCLUB_CELL_TIMEOUT_S": "ten"}, "JCLUB_CELL_TIMEOUT_S"),
        ("", {"JCLUB_GRADE_FORK": "maybe"}, "JCLUB_GRADE_FORK"),
        ("[grading]\nmax_days = true\n", {}, "max_days"),
    ],
)
def test_bad_values_are_refused_by_name(tmp_path, content, environ, what):
    (tmp_path / "grading.toml").write_text(content)
    with pytest.raises(settings.SettingsError, match=what):
        settings.load_with_sources(tmp_path, environ=environ)


def test_sandbox_limits_come_from_the_settings(monkeypatch):
    from autograder.sandbox import Limits

    monkeypatch.setenv("JCLUB_SANDBOX_MEMORY_MB", "1234")
    limits = Limits.from_env()
    assert limits.memory_mb == 1234
    assert set(settings.load().sandbox_limits()) == set(Limits.__dataclass_fields__)


def test_nbgrader_config_reads_the_settings(monkeypatch):
    from traitlets.config.loader import PyFileConfigLoader

    from autograder import course

    monkeypatch.setenv("JCLUB_CELL_TIMEOUT_S", "17")
    monkeypatch.setenv("JCLUB_MAX_CELL_OUTPUT_BYTES", "4321")
    monkeypatch.setenv("JCLUB_LATE_MAX_DAYS", "3")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course.ROOT)).load_config()
    assert config.Execute.timeout == 17
    assert config.JclubExecute.max_cell_output_bytes == 4321
    assert config.PerDayPenalty.max_days == 3


def test_config_verb_prints_every_setting_with_its_source(monkeypatch, capsys):
    monkeypatch.setenv("JCLUB_NOTEBOOK_TIMEOUT_S", "61")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    for name, spec in settings.SPEC.items():
        assert name in out and spec.env in out
    row = next(line for line in out.splitlines() if line.startswith("notebook_timeout_s"))
    assert "61" in row and "environment" in row
    row = next(line for line in out.splitlines() if line.startswith("cell_timeout_s"))
    assert "default" in row or "environment" in row
