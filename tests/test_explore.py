"""jclub.explore: static panels when executed unattended, nothing while graded, sliders when live."""

from __future__ import annotations

import pytest

from jclub import explore as ex


def _draw(calls):
    def draw(ax, a=1.0, kind="x"):
        calls.append((a, kind))
        ax.plot([0, 1], [0, a], label=kind)
        ax.set_xlabel("t (s)")

    return draw


def test_static_grid_has_one_panel_per_combination(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("JCLUB_STATIC", "1")
    calls = []
    fig = ex.explore(
        _draw(calls), sliders={"a": (0.0, 2.0, 0.1, 1.0), "kind": ["x", "y"]}, static={"a": [0.5, 1.5]}
    )
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 2
    assert calls == [(0.5, "x"), (1.5, "x")]  # the other parameter stays at its default
    assert [ax.get_title() for ax in visible] == ["a = 0.5", "a = 1.5"]


def test_silent_while_graded(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    calls = []
    assert ex.explore(_draw(calls), sliders={"a": (0.0, 2.0, 0.1, 1.0)}) is None
    assert calls == []


def test_live_returns_widgets(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("JCLUB_STATIC", raising=False)
    calls = []
    ui = ex.explore(_draw(calls), sliders={"a": (0.0, 2.0, 0.1, 1.0), "kind": ["x", "y"]})
    import ipywidgets

    assert isinstance(ui, ipywidgets.interactive)
    assert calls and calls[0] == (1.0, "x")
    ui.children[0].value = 1.7  # moving the slider redraws with the new value
    ui.update()
    assert calls[-1][0] == pytest.approx(1.7)


@pytest.mark.parametrize(
    "sliders, static",
    [
        ({}, {}),
        ({"a": (2.0, 1.0, 0.1, 1.5)}, {}),
        ({"a": (0.0, 1.0, 0.1, 2.0)}, {}),
        ({"a": []}, {}),
        ({"a": (0.0, 1.0, 0.1, 0.5)}, {"b": [1]}),
    ],
)
def test_bad_specifications_are_refused(sliders, static):
    with pytest.raises(ValueError):
        ex.explore(lambda ax, **k: None, sliders=sliders, static=static)
