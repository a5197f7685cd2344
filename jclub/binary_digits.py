"""Binary images for the energy-based-network and deep-belief-net notebooks: no solutions here.

* :func:`load_binary_digits` — scikit-learn's bundled 8×8 handwritten digits (real data, no download),
  binarized at half the maximum intensity and split into a fixed, stratified train/test pair (the same split
  as the other neural-network units use).
* :func:`to_spins` / :func:`to_bits` — convert between {0, 1} pixels and the ±1 states of Hopfield networks.
* :func:`show_images` — draw a grid of small images (patterns, reconstructions, RBM filters).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["MAX_INTENSITY", "load_binary_digits", "show_images", "to_bits", "to_spins"]

MAX_INTENSITY = 16  # the digits' grey levels run from 0 to 16


def load_binary_digits(
    test_size: float = 0.25, random_state: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The 1797 handwritten digits as binary images, split into train and test sets.

    A pixel is 1 when its grey level is at least half the maximum (8 of 16) and 0 otherwise. The split is
    ``train_test_split(X, y, test_size=test_size, random_state=random_state, stratify=y)``.

    Returns
    -------
    X_train, X_test, y_train, y_test:
        Float arrays of shape ``(n, 64)`` holding 0.0 or 1.0 (rows are 8×8 images read row by row), and
        integer labels 0–9.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X = (X >= MAX_INTENSITY / 2).astype(float)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state, stratify=y
    )
    return X_train, X_test, y_train.astype(int), y_test.astype(int)


def to_spins(bits: np.ndarray) -> np.ndarray:
    """{0, 1} → {−1, +1} (as floats): the states of a Hopfield network."""
    return 2.0 * np.asarray(bits, dtype=float) - 1.0


def to_bits(spins: np.ndarray) -> np.ndarray:
    """{−1, +1} → {0, 1} (as floats)."""
    return (np.asarray(spins, dtype=float) + 1.0) / 2.0


def show_images(
    images: np.ndarray,
    n_cols: int = 10,
    shape: tuple[int, int] = (8, 8),
    titles: Sequence[str] | None = None,
    row_labels: Sequence[str] | None = None,
    cmap: str = "gray_r",
    symmetric: bool = False,
    width_in: float = 8.0,
) -> plt.Figure:
    """Draw ``images`` (one flattened image per row) in a grid and return the figure.

    Parameters
    ----------
    images:
        Array of shape ``(n, shape[0] * shape[1])``.
    n_cols:
        Images per row of the grid.
    titles:
        Optional title above each image.
    row_labels:
        Optional label at the left of each grid row.
    symmetric:
        Centre the colour scale on zero (for weights, which have both signs) and use a diverging map.
    width_in:
        Width of the figure in inches.
    """
    images = np.asarray(images, dtype=float)
    n = images.shape[0]
    n_rows = max(1, -(-n // n_cols))
    height = width_in / n_cols * n_rows * shape[0] / shape[1] * (1.25 if titles is not None else 1.05)
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(width_in, height), squeeze=False, layout="none")
    limit = (float(np.abs(images).max()) or 1.0) if symmetric else None
    for k, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        if k >= n:
            ax.axis("off")
            continue
        img = images[k].reshape(shape)
        if symmetric:
            ax.imshow(img, cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
        else:
            ax.imshow(img, cmap=cmap, interpolation="nearest")
        if titles is not None:
            ax.set_title(titles[k], fontsize=8)
    if row_labels is not None:
        for r, label in enumerate(row_labels[:n_rows]):
            axes[r, 0].set_ylabel(label, fontsize=9)
    fig.subplots_adjust(
        left=0.08 if row_labels is not None else 0.01,
        right=0.99,
        bottom=0.01,
        top=0.95,
        wspace=0.08,
        hspace=0.3 if titles is not None else 0.08,
    )
    return fig
