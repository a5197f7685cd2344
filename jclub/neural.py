"""Small data sets for the neural-network units (perceptron, training networks): no solutions here.

* :func:`xor_data` — the four points of the XOR problem.
* :func:`digits_split` — scikit-learn's bundled 8×8 handwritten digits (real data, no download), split into a
  fixed, stratified train/test pair, with pixel intensities scaled to [0, 1].
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["digits_split", "xor_data"]


def xor_data(signed: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem: inputs ``X`` of shape ``(4, 2)`` and labels ``y`` of shape ``(4,)`` in {0, 1}.

    Parameters
    ----------
    signed:
        Inputs in {−1, +1} (default; centred inputs train more easily) or, if ``False``, in {0, 1}.

    Returns
    -------
    X, y:
        ``y[i] = 1`` exactly when the two inputs of row ``i`` differ. Use ``2 * y - 1`` for ±1 labels.
    """
    bits = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = (bits[:, 0] != bits[:, 1]).astype(float)
    return (2 * bits - 1 if signed else bits), y


def digits_split(
    classes: Sequence[int] | None = None, test_size: float = 0.25, random_state: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's handwritten digits (1797 images of 8×8 pixels), split into train and test sets.

    The split is ``train_test_split(X, y, test_size=test_size, random_state=random_state, stratify=y)`` on
    the chosen classes, so every unit that uses the defaults sees the same test set.

    Parameters
    ----------
    classes:
        Keep only these digit classes (e.g. ``(0, 1)`` for a binary problem); all ten if ``None``.
    test_size, random_state:
        Passed to :func:`sklearn.model_selection.train_test_split`.

    Returns
    -------
    X_train, X_test, y_train, y_test:
        Images as float rows of 64 pixel intensities in [0, 1] (the raw 0–16 grey levels divided by 16) and
        integer digit labels.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    if classes is not None:
        keep = np.isin(y, np.asarray(list(classes)))
        if not keep.any():
            raise ValueError(f"no digits of classes {list(classes)}")
        X, y = X[keep], y[keep]
    X = X.astype(float) / 16.0
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state, stratify=y
    )
    return X_train, X_test, y_train.astype(int), y_test.astype(int)
