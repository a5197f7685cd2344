"""Helpers for the *visible* checks in the notebooks.

Visible checks are for the student: quick asserts on properties that every correct implementation has, with
messages that say what to look at. They carry no points; the grade comes from hidden probes that a judge
outside the kernel decides on. Nothing here knows an expected answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["expect_shape", "expect_close", "expect_raises", "expect_true", "passed"]


def _fail(message: str) -> None:
    raise AssertionError(message)


def expect_shape(value: object, shape: Sequence[int], name: str = "result") -> np.ndarray:
    """Assert that ``value`` is an array of the given shape and return it as an array."""
    arr = np.asarray(value)
    if arr.shape != tuple(shape):
        _fail(f"{name} should have shape {tuple(shape)}, but it has shape {arr.shape}.")
    return arr


def expect_close(
    value: object,
    expected: object,
    name: str = "result",
    rtol: float = 1e-7,
    atol: float = 0.0,
    hint: str = "",
) -> None:
    """Assert that ``value`` matches ``expected`` elementwise within ``rtol``/``atol``."""
    got = np.asarray(value, dtype=float)
    want = np.asarray(expected, dtype=float)
    if got.shape != want.shape:
        _fail(f"{name} should have shape {want.shape}, but it has shape {got.shape}.")
    if not np.all(np.isfinite(got)):
        _fail(f"{name} contains NaN or infinite values.")
    if not np.allclose(got, want, rtol=rtol, atol=atol):
        worst = int(np.argmax(np.abs(got - want).ravel()))
        msg = (
            f"{name} is off: at flat index {worst} it is {got.ravel()[worst]:.6g} "
            f"but should be {want.ravel()[worst]:.6g}."
        )
        _fail(msg + (f" Hint: {hint}" if hint else ""))


def expect_raises(
    exc: type[BaseException], func: Callable[..., object], *args: object, **kwargs: object
) -> None:
    """Assert that ``func(*args, **kwargs)`` raises ``exc``."""
    try:
        func(*args, **kwargs)
    except exc:
        return
    except Exception as err:  # noqa: BLE001 - we report what was raised instead
        _fail(f"expected {exc.__name__}, but {type(err).__name__} was raised: {err}")
    _fail(f"expected {exc.__name__} for arguments {args} {kwargs}, but nothing was raised.")


def expect_true(condition: bool, message: str) -> None:
    """Assert ``condition`` with a message written for the student."""
    if not bool(condition):
        _fail(message)


def passed(what: str) -> None:
    """Print a short confirmation after a visible check."""
    print(f"✓ {what}: visible checks passed (the graded checks run when your work is graded).")
