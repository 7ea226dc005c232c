"""Which array library the arrays come from: NumPy, CuPy, PyTorch, or any array API namespace.

The maths is written against the Python array API standard, so one code path
serves every library that implements it. A public function finds the namespace
of its inputs once, here, and hands it down; the steps inside never look again.

NumPy arrays take a shortcut: NumPy ≥ 2 *is* a standard namespace, so its arrays
are computed by the ``numpy`` module itself, without array_api_compat's wrapper
in between, and detecting them costs one ``type`` check. array_api_compat is
imported only when an array of another library shows up.
"""

from __future__ import annotations

import numpy as np

# NumPy ≥ 2 (the package's requirement) implements the standard itself: np.astype,
# np.isdtype, ndarray.device, …, so no wrapper stands between the maths and NumPy.
NUMPY = np


def name_of(xp) -> str:
    """A namespace's short name, as the user imports it: ``numpy``, ``torch``, ``cupy``, …"""
    return getattr(xp, "__name__", repr(xp)).removeprefix("array_api_compat.")


def _compat():
    # Imported on first use: a NumPy-only session never needs it.
    import array_api_compat

    return array_api_compat


def is_array(x) -> bool:
    """True for an array of any library array_api_compat knows (NumPy, CuPy, PyTorch, …)."""
    return isinstance(x, np.ndarray) or _compat().is_array_api_obj(x)


def as_array(x):
    """``x`` itself if it is an array of a known library, else ``numpy.asarray(x)`` (lists, numbers)."""
    return x if is_array(x) else np.asarray(x)


def namespace(*arrays, xp=None):
    """The array namespace shared by ``arrays``, with a clear error when they disagree.

    ``xp``, when the caller has found it already (once for a whole training run),
    is that namespace and is returned as it is: the one place where a function
    that takes an optional ``xp`` looks it up.

    Examples
    --------
    >>> namespace(np.ones(2), np.zeros(3)) is np
    True
    """
    if xp is not None:
        return xp
    if all(type(a) is np.ndarray for a in arrays):
        return NUMPY
    compat = _compat()
    found = {}
    for a in arrays:
        if type(a) is np.ndarray:
            found.setdefault("numpy", NUMPY)
            continue
        try:
            xp = compat.array_namespace(a)
        except TypeError:
            raise TypeError(
                f"{type(a).__module__}.{type(a).__qualname__} is not an array of a known array library "
                "(NumPy, CuPy, PyTorch, or another that implements the Python array API standard)"
            ) from None
        if compat.is_numpy_namespace(xp):
            xp = NUMPY
        found.setdefault(name_of(xp), xp)
    if len(found) > 1:
        raise TypeError(
            f"arrays from different libraries cannot be mixed: got {' and '.join(sorted(found))}; "
            "move them to one first (Network.to, or the library's asarray)"
        )
    return next(iter(found.values()))


def resolve(xp):
    """The namespace to compute with for ``xp``: a module (``numpy``, ``torch``, ``cupy``,
    ``array_api_strict``), an array_api_compat namespace, or None for NumPy.

    Examples
    --------
    >>> resolve(None) is np and resolve(np) is np
    True
    """
    if xp is None or xp is np or xp is NUMPY:
        return NUMPY
    asarray = getattr(xp, "asarray", None)
    if not callable(asarray):
        raise TypeError(f"xp must be an array library such as numpy, cupy, torch or array_api_strict, got {xp!r}")
    # The library's own array tells which namespace computes with it (torch → array_api_compat.torch).
    try:
        return namespace(asarray(0.0))
    except TypeError as error:
        raise TypeError(f"xp={name_of(xp)} is not an array library nn_scratch can use: {error}") from None


def to_numpy(x) -> np.ndarray:
    """``x`` as a NumPy array in host memory (copied from a GPU where it lives there).

    Examples
    --------
    >>> to_numpy(np.ones(2))
    array([1., 1.])
    """
    if isinstance(x, np.ndarray):
        return x
    compat = _compat()
    if compat.is_cupy_array(x):
        return x.get()
    if compat.is_torch_array(x):
        return x.detach().cpu().numpy()
    # Any other standard array on the CPU hands its memory over through DLPack.
    return np.from_dlpack(x)
