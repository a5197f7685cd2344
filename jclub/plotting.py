"""Plot style and small plotting helpers shared by all units."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

STYLE = Path(__file__).with_name("course.mplstyle")


def use_style() -> None:
    """Apply the course style (readable fonts, colour-blind-safe cycle, tight layout)."""
    plt.style.use(STYLE)


def loglog_msd(ax: plt.Axes, t: np.ndarray, msd: np.ndarray, label: str, **kwargs: object) -> None:
    """Plot a mean-squared displacement on log–log axes, skipping non-positive points."""
    t = np.asarray(t, dtype=float)
    msd = np.asarray(msd, dtype=float)
    keep = (t > 0) & (msd > 0)
    ax.loglog(t[keep], msd[keep], label=label, **kwargs)


def power_law_guide(
    ax: plt.Axes, t: np.ndarray, exponent: float, anchor: float, label: str | None = None
) -> None:
    """Draw a dashed guide ``anchor · t**exponent`` to compare slopes on a log–log plot."""
    t = np.asarray(t, dtype=float)
    t = t[t > 0]
    ax.loglog(t, anchor * t**exponent, "k--", lw=1, label=label or f"slope {exponent:g}")
