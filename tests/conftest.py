"""Shared fixtures: units, their reference functions and corpora, and executed notebooks (cached)."""

from __future__ import annotations

import functools
import importlib.util
import os
from types import ModuleType

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

from autograder import course  # noqa: E402
from autograder.reference import reference_namespace  # noqa: E402

UNITS = course.units()
ALL_CHECKS = [(u, c) for u in UNITS for c in u.checks]


def check_id(item: tuple) -> str:
    u, c = item[:2]
    return f"{u.name}:{c.name}"


@functools.cache
def reference(unit_name: str) -> dict:
    return reference_namespace(course.unit(unit_name))


@functools.cache
def corpus(unit_name: str) -> ModuleType:
    """The unit's corpus module; an empty one when the file is missing (the corpus test then fails)."""
    u = course.unit(unit_name)
    path = course.root() / "tests" / "corpora" / (u.slug.replace("-", "_") + ".py")
    if not path.is_file():
        empty = ModuleType(f"corpus_{u.slug.replace('-', '_')}")
        empty.WRONG, empty.CORRECT = {}, {}
        return empty
    spec = importlib.util.spec_from_file_location(f"corpus_{u.slug.replace('-', '_')}", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def as_tuple(impl) -> tuple:
    return impl if isinstance(impl, tuple) else (impl,)


@pytest.fixture(scope="session")
def executed():
    """Every unit's source notebook executed once with solutions (cached in _build/executed)."""
    from autograder.execute import execute_unit

    return {u.name: execute_unit(u) for u in UNITS}
