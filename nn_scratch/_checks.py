"""Input validation shared by every public function.

Each check raises a ``ValueError`` or ``TypeError`` whose message names the
argument, what was expected and what was given, so that a reader never has to
decode a NumPy broadcasting traceback from deep inside the maths. The checks
accept arrays of any array library (NumPy, CuPy, PyTorch, …) and keep them
there; anything else (a list, a number) becomes a NumPy array.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import numpy as np

from ._arrays import as_array, namespace

# Columns per block of the finiteness test: a mask of 784 × 4096 booleans, 3 MB.
_BLOCK = 4096


def check_matrix(name: str, A, *, rows: int | None = None, finite: bool = True):
    """Return ``A`` as a 2-D float array with ``rows`` rows (examples as columns)."""
    A = as_array(A)
    xp = namespace(A)
    if not _is_numeric(A, xp):
        raise TypeError(f"{name} must be a numeric array, got dtype {A.dtype}")
    if A.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D (features × examples, one example per column), got shape {tuple(A.shape)}"
        )
    shape = tuple(A.shape)
    if rows is not None and shape[0] != rows:
        hint = f"; it looks transposed — pass {name}.T so that examples are columns" if shape[1] == rows else ""
        raise ValueError(f"{name} must have {rows} rows (one per input), got shape {shape}{hint}")
    if shape[1] == 0:
        raise ValueError(f"{name} is empty: it has shape {shape}, with no examples (columns)")
    if not xp.isdtype(A.dtype, "real floating"):
        A = xp.astype(A, xp.float64)
    if finite:
        _check_finite(name, A, xp)
    return A


def _is_numeric(A, xp) -> bool:
    if isinstance(A.dtype, np.dtype):  # NumPy and CuPy; also rules out object, text and dates
        return A.dtype.kind in "biuf"
    return xp.isdtype(A.dtype, ("bool", "integral", "real floating"))


def _check_finite(name: str, A, xp) -> None:
    if math.isfinite(float(xp.sum(A))):
        return
    # The sum is one read of A and no temporary; only when it is not finite (a NaN or
    # inf, or finite values that overflow it) are the entries tested, one block of
    # columns at a time, so that no mask the size of A is ever allocated.
    bad = 0
    for start in range(0, A.shape[1], _BLOCK):
        block = A[:, start : start + _BLOCK]
        bad += int(block.shape[0] * block.shape[1]) - int(xp.count_nonzero(xp.isfinite(block)))
    if bad:
        raise ValueError(f"{name} contains {bad} non-finite value(s) (NaN or inf)")


def check_labels(name: str, Y, *, m: int | None = None, num_classes: int = 10):
    """Return ``Y`` as a 1-D integer array of ``m`` labels in ``0 … num_classes − 1``."""
    if type(Y) is np.ndarray and Y.ndim == 1 and Y.dtype.kind in "iu" and Y.shape[0] and m in (None, Y.shape[0]):
        # The common case, at every training step: NumPy integer labels; only their range is left to check.
        if 0 <= Y.min() and Y.max() < num_classes:
            return Y
    Y = as_array(Y)
    xp = namespace(Y)
    if Y.ndim == 2 and 1 in Y.shape:
        Y = xp.reshape(Y, (-1,))
    if Y.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of integer labels, got shape {tuple(Y.shape)}")
    if Y.shape[0] == 0:
        raise ValueError(f"{name} is empty: no labels given")
    Y = _integer_labels(name, Y, xp)
    if m is not None and Y.shape[0] != m:
        raise ValueError(f"{name} has {Y.shape[0]} labels but there are {m} examples (columns)")
    lo, hi = int(xp.min(Y)), int(xp.max(Y))
    if lo < 0 or hi >= num_classes:
        bad = lo if lo < 0 else hi
        raise ValueError(f"{name} has label {bad} outside the range 0–{num_classes - 1}")
    return Y


def _integer_labels(name: str, Y, xp):
    # Integers as they are; floats only when every one is a whole number.
    if isinstance(Y.dtype, np.dtype) and Y.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold integer class labels, got dtype {Y.dtype}")
    if xp.isdtype(Y.dtype, "integral"):
        return Y
    if xp.isdtype(Y.dtype, "real floating") and bool(xp.all(xp.isfinite(Y))) and bool(xp.all(Y == xp.round(Y))):
        return xp.astype(Y, xp.int64)
    raise TypeError(f"{name} must hold integer class labels, got dtype {Y.dtype}")


def check_real(name: str, value, inside: Callable[[float], bool], requirement: str) -> None:
    """Raise a ValueError "``name`` ``requirement``, got …" unless ``value`` is a real number (not a bool) ``inside`` accepts.

    Examples
    --------
    >>> check_real("momentum", 0.9, lambda v: 0 <= v < 1, "must be in [0, 1)")
    >>> check_real("momentum", 1, lambda v: 0 <= v < 1, "must be in [0, 1)")
    Traceback (most recent call last):
    ...
    ValueError: momentum must be in [0, 1), got 1
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not inside(value):
        raise ValueError(f"{name} {requirement}, got {value!r}")


def check_positive(name: str, value) -> None:
    """Raise unless ``value`` is a finite real number > 0 (a rate, a step size; counts use :func:`check_count`)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")


def pyplot():
    """``matplotlib.pyplot``, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - matplotlib is in the docs and test extras
        raise ImportError(
            "nn_scratch.plots needs matplotlib: pip install matplotlib (or install nn-scratch with the 'docs' extra)"
        ) from err
    return plt


def check_count(name: str, value, *, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` as an int, after checking it is an integer in ``minimum … maximum``: the one integer check."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if maximum is not None and not minimum <= value <= maximum:
        raise ValueError(f"{name} must be between {minimum} and {maximum}, got {value!r}")
    if value < minimum:
        least = "positive" if minimum == 1 else f"at least {minimum}"
        raise ValueError(f"{name} must be {least}, got {value!r}")
    return int(value)


def check_sizes(layer_sizes, name: str = "layer_sizes") -> tuple[int, ...]:
    """``layer_sizes`` as a tuple of at least two positive ints, or a clear error."""
    try:
        sizes = tuple(layer_sizes)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of integers, got {layer_sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError(f"{name} needs at least an input and an output size, got {sizes}")
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"{name} must hold integers, got {sizes}")
        if n <= 0:
            raise ValueError(f"{name} must all be positive, got {sizes}")
    return tuple(int(n) for n in sizes)


def check_dtype(dtype, xp=None):
    """``dtype`` as a float32 or float64 dtype (NumPy's, or that of the array library ``xp``), or a TypeError."""
    if xp is not None and xp is not np:
        if dtype not in (xp.float32, xp.float64):
            raise TypeError(f"dtype must be float32 or float64, got {dtype}")
        return dtype
    dt = np.dtype(dtype)
    if dt not in (np.float32, np.float64):
        raise TypeError(f"dtype must be float32 or float64, got {dt}")
    return dt
