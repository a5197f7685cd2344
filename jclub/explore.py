"""Interactive explorers: sliders in JupyterLab, static panels figure in the book, silent while graded.

A unit that wants the reader to *play* with a parameter (ε in a bandit, γ and λ in TD, the Reynolds number,
the load of a Hopfield network) writes one drawing function and hands it to :func:`explore`::

    def draw(ax, epsilon=0.1, beta=1.0):
        ...  # draw onto the matplotlib Axes for these parameter values

    explore(draw, sliders={"epsilon": (0.0, 0.5, 0.01, 0.1), "beta": (0.1, 5.0, 0.1, 1.0)},
            static={"epsilon": [0.0, 0.1, 0.3]})

* In a live kernel (JupyterLab with ipywidgets) it shows sliders and redraws one figure as they move.
* When the notebook is executed without a person at it — the web book's build, the tests
  (``JCLUB_STATIC=1``, set by the course's executor) or a missing ipywidgets — it draws a row of panels, one
  per combination of the ``static`` values (the other parameters at their defaults), so readers lose nothing
  and no widget state is embedded in the book.
* While nbgrader grades (``NBGRADER_EXECUTION``) it does nothing at all: grading stays cheap.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from jclub import grading

Slider = tuple[float, float, float, float]  # (minimum, maximum, step, default)


def live() -> bool:
    """True when a person is at the notebook: not graded, not a static build, ipywidgets importable."""
    if grading() or os.environ.get("JCLUB_STATIC"):
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def _defaults(sliders: Mapping[str, Slider | Sequence[Any]]) -> dict[str, Any]:
    out = {}
    for name, spec in sliders.items():
        if isinstance(spec, tuple) and len(spec) == 4 and all(isinstance(v, (int, float)) for v in spec):
            out[name] = spec[3]
        else:
            out[name] = list(spec)[0]
    return out


def _check(sliders: Mapping[str, Slider | Sequence[Any]], static: Mapping[str, Sequence[Any]]) -> None:
    if not sliders:
        raise ValueError("explore needs at least one slider")
    for name, spec in sliders.items():
        if isinstance(spec, tuple) and len(spec) == 4 and all(isinstance(v, (int, float)) for v in spec):
            lo, hi, step, default = spec
            if not (lo < hi and step > 0 and lo <= default <= hi):
                raise ValueError(
                    f"slider {name!r} needs minimum < maximum, step > 0, minimum ≤ default ≤ maximum"
                )
        elif len(list(spec)) == 0:
            raise ValueError(f"choices of {name!r} are empty")
    unknown = set(static) - set(sliders)
    if unknown:
        raise ValueError(f"static values for unknown parameters {sorted(unknown)}")


def explore(
    draw: Callable[..., Any],
    sliders: Mapping[str, Slider | Sequence[Any]],
    static: Mapping[str, Sequence[Any]] | None = None,
    panel_size: tuple[float, float] = (3.6, 2.9),
    max_columns: int = 4,
) -> Any:
    """Show ``draw(ax, **params)`` with sliders (live) or as a grid of panels (static); nothing while graded.

    Parameters
    ----------
    draw:
        ``draw(ax, **params)`` draws onto a matplotlib Axes and sets its axis labels (with units).
    sliders:
        parameter name → ``(minimum, maximum, step, default)`` for a numeric slider, or a sequence of choices
        (a drop-down; the first is the default).
    static:
        parameter name → the values shown side by side in the static figure (default: each slider's default).
    Returns the static ``matplotlib.figure.Figure``, the ipywidgets ``interactive`` object when live, or
    ``None`` while graded.
    """
    static = dict(static or {})
    _check(sliders, static)
    if grading():
        return None
    defaults = _defaults(sliders)
    if live():
        return _live(draw, sliders, defaults)
    import matplotlib.pyplot as plt

    names = list(static)
    combos = list(itertools.product(*(static[n] for n in names))) or [()]
    cols = min(max_columns, len(combos))
    rows = -(-len(combos) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(panel_size[0] * cols, panel_size[1] * rows), squeeze=False, layout="constrained"
    )
    for ax, combo in zip(axes.ravel(), combos, strict=False):
        params = {**defaults, **dict(zip(names, combo, strict=True))}
        draw(ax, **params)
        if names:
            ax.set_title(
                ", ".join(
                    f"{n} = {v:g}" if isinstance(v, float) else f"{n} = {v}"
                    for n, v in zip(names, combo, strict=True)
                ),
                fontsize="medium",
            )
    for ax in axes.ravel()[len(combos) :]:
        ax.set_visible(False)
    plt.show()
    return fig


def _live(draw: Callable[..., Any], sliders: Mapping[str, Any], defaults: Mapping[str, Any]) -> Any:
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    controls = {}
    for name, spec in sliders.items():
        if isinstance(spec, tuple) and len(spec) == 4 and all(isinstance(v, (int, float)) for v in spec):
            lo, hi, step, default = spec
            controls[name] = widgets.FloatSlider(
                value=default, min=lo, max=hi, step=step, description=name, continuous_update=False
            )
        else:
            controls[name] = widgets.Dropdown(options=list(spec), value=defaults[name], description=name)

    def show(**params: Any) -> None:
        fig, ax = plt.subplots(figsize=(5.5, 3.8), layout="constrained")
        draw(ax, **params)
        plt.show()

    ui = widgets.interactive(show, **controls)
    display(ui)
    return ui
