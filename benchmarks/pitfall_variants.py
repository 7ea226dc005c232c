r"""Wrong versions of the network's maths, as they circulate in from-scratch tutorials and notes.

Each function or option below reproduces one published mistake, changed in a
single marked line (``# PITFALL``) from the right version in :mod:`nn_scratch`.
They live here, beside the benchmarks, and never in the package: the tests in
``tests/test_pitfalls.py`` show that each one fails (a gradient check far
above ``nn_scratch.gradcheck.TOLERANCE``, NaN, a shape error) where :mod:`nn_scratch` passes, and
``benchmarks/pitfalls.py`` trains with them to measure what they cost. Training
with a variant goes through the package's own loop, whose ``forward=`` and
``backward=`` hooks take :func:`forward_prop_with` and :func:`backward_prop_with`
with the bug bound (``functools.partial(backward_prop_with, bug)``), so a wrong
run and a right one differ in the bug alone.

The two-layer functions follow the tutorials' own names: ``W1 b1 W2 b2`` in a
dict, and the cache of :func:`nn_scratch.forward_prop` (``A0`` is ``X``).

Examples
--------
>>> Z = np.array([[1000.0], [1001.0]])
>>> with np.errstate(over="ignore", invalid="ignore"):
...     softmax_without_max(Z).ravel()
array([nan, nan])
>>> one_hot_sized_by_max(np.array([0, 2, 1])).shape      # three rows, not ten
(3, 3)
"""

from __future__ import annotations

import numpy as np

from nn_scratch import one_hot, relu, relu_prime

BUGS = (
    "bias_summed_over_matrix",
    "m_from_whole_dataset",
    "relu_prime_at_dZ2",
    "db1_from_dZ2",
    "one_hot_sized_by_max",
    "dW1_of_shape_10x10",
)
"""The mistakes :func:`backward_prop_with` can make, by name."""

FORWARD_BUGS = ("softmax_without_max", "softmax_over_whole_matrix")
"""The mistakes :func:`forward_prop_with` can make, by name."""


def softmax_without_max(Z: np.ndarray) -> np.ndarray:
    """Softmax per column without subtracting the maximum: ``exp`` overflows for logits above ~89 (float32) or ~709 (float64).

    Examples
    --------
    >>> softmax_without_max(np.array([[0.0], [0.0]])).ravel()
    array([0.5, 0.5])
    """
    E = np.exp(Z)  # PITFALL: no "- Z.max(axis=0)", so exp(1000) = inf and inf / inf = NaN
    return E / E.sum(axis=0, keepdims=True)


def softmax_over_whole_matrix(Z: np.ndarray) -> np.ndarray:
    """Softmax normalised by the sum over the *whole matrix* (``np.sum`` without ``axis``).

    Columns no longer sum to 1: all ``m`` columns together do. (The builtin
    ``sum(np.exp(Z))`` of some tutorials adds the rows, which happens to be
    the right per-column sum; ``np.sum`` without ``axis`` is not.)

    Examples
    --------
    >>> softmax_over_whole_matrix(np.zeros((2, 2)))
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / np.sum(E)  # PITFALL: should be E.sum(axis=0, keepdims=True)


def one_hot_sized_by_max(Y: np.ndarray) -> np.ndarray:
    """One-hot labels with ``Y.max() + 1`` rows: a batch without a 9 gets only nine.

    Examples
    --------
    >>> one_hot_sized_by_max(np.array([1, 0]))
    array([[0., 1.],
           [1., 0.]])
    """
    one_hot_Y = np.zeros((Y.size, Y.max() + 1))  # PITFALL: the height depends on the data
    one_hot_Y[np.arange(Y.size), Y] = 1
    return one_hot_Y.T


def forward_prop_with(bug: str | None, params: dict, X: np.ndarray) -> tuple[np.ndarray, dict]:
    """Forward propagation of a two-layer network whose softmax is one of :data:`FORWARD_BUGS` (or right, ``None``).

    Returns ``(A2, cache)`` with the cache of :func:`nn_scratch.forward_prop`.

    Examples
    --------
    >>> from nn_scratch import init_params, forward_prop
    >>> params = init_params((6, 4, 3), seed=0, dtype=np.float64)
    >>> X = np.random.default_rng(0).random((6, 5))
    >>> np.allclose(forward_prop_with(None, params, X)[0], forward_prop(params, X)[0])
    True
    >>> forward_prop_with("softmax_over_whole_matrix", params, X)[0].sum().round(6)  # all columns together
    1.0
    """
    if bug is not None and bug not in FORWARD_BUGS:
        raise ValueError(f"bug must be None or one of {FORWARD_BUGS}, got {bug!r}")
    Z1 = params["W1"] @ X + params["b1"]
    A1 = relu(Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    if bug == "softmax_without_max":
        A2 = softmax_without_max(Z2)
    elif bug == "softmax_over_whole_matrix":
        A2 = softmax_over_whole_matrix(Z2)
    else:
        E = np.exp(Z2 - Z2.max(axis=0, keepdims=True))
        A2 = E / E.sum(axis=0, keepdims=True)
    return A2, {"A0": X, "Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def _divisor(bug: str | None, params: dict, X: np.ndarray, m_total: int | None) -> int:
    """The ``m`` that ``backward_prop_with`` divides by, after checking its arguments."""
    if bug is not None and bug not in BUGS:
        raise ValueError(f"bug must be None or one of {BUGS}, got {bug!r}")
    if set(params) != {"W1", "b1", "W2", "b2"}:
        raise ValueError(f"backward_prop_with handles two-layer networks (W1 b1 W2 b2), got {sorted(params)}")
    if bug != "m_from_whole_dataset":
        return X.shape[1]
    if m_total is None:
        raise ValueError("the bug 'm_from_whole_dataset' needs m_total, the size of the whole data set")
    return m_total  # PITFALL: the whole data set's size, not this batch's


def backward_prop_with(
    bug: str | None, params: dict, cache: dict, Y: np.ndarray, *, m_total: int | None = None
) -> dict:
    r"""Backpropagation of a two-layer network, with one of the published mistakes (or none).

    With ``bug=None`` this is the right computation and agrees with
    :func:`nn_scratch.backward_prop`; each ``bug`` in :data:`BUGS` changes one line:

    ``"bias_summed_over_matrix"``
        ``db = np.sum(dZ) / m``: one number for the whole layer, so every bias
        gets the same update (returned broadcast to the bias's shape, which is
        what ``b - alpha * db`` does with the scalar).
    ``"m_from_whole_dataset"``
        ``m`` is ``m_total``, the size of the whole data set, not of the batch.
    ``"relu_prime_at_dZ2"``
        $dZ^{[1]} = W^{[2]\top} dZ^{[2]} \odot \mathrm{ReLU}'(dZ^{[2]})$ instead of
        $\mathrm{ReLU}'(Z^{[1]})$ (it only runs when both layers have the same
        size, as in 784-10-10 — silently wrong).
    ``"db1_from_dZ2"``
        $db^{[1]}$ computed from $dZ^{[2]}$ (written ``db[2]``).
    ``"one_hot_sized_by_max"``
        $dZ^{[2]} = A^{[2]} - $ :func:`one_hot_sized_by_max` ``(Y)``: a shape error
        on a batch whose largest label is not 9.
    ``"dW1_of_shape_10x10"``
        $dW^{[1]} = \frac1m dZ^{[1]} A^{[1]\top}$, the 10 × 10 shape some notes
        give it: the update $W^{[1]} - \alpha\, dW^{[1]}$ fails to broadcast.

    Examples
    --------
    >>> from nn_scratch import init_params, forward_prop, backward_prop
    >>> rng = np.random.default_rng(0)
    >>> params = init_params((6, 4, 3), seed=0, dtype=np.float64)
    >>> X, Y = rng.random((6, 5)), np.array([0, 1, 2, 1, 0])
    >>> _, cache = forward_prop(params, X)
    >>> right, buggy = backward_prop(params, cache, Y), backward_prop_with("bias_summed_over_matrix", params, cache, Y)
    >>> all(np.allclose(right[k], backward_prop_with(None, params, cache, Y)[k]) for k in right)
    True
    >>> np.unique(buggy["db1"]).size      # the same update for every bias of the layer
    1
    """
    X, Z1, A1, A2 = cache["A0"], cache["Z1"], cache["A1"], cache["A2"]
    W2 = params["W2"]
    m = _divisor(bug, params, X, m_total)
    if bug == "one_hot_sized_by_max":
        dZ2 = A2 - one_hot_sized_by_max(Y).astype(A2.dtype)  # PITFALL: nine rows if the batch has no 9
    else:
        dZ2 = A2 - one_hot(Y, A2.shape[0]).astype(A2.dtype)
    dW2 = dZ2 @ A1.T / m
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    if bug == "bias_summed_over_matrix":
        db2 = np.full_like(db2, np.sum(dZ2) / m)  # PITFALL: np.sum(dZ2) without axis=1
    if bug == "relu_prime_at_dZ2":
        dZ1 = (W2.T @ dZ2) * relu_prime(dZ2)  # PITFALL: ReLU' at dZ2, must be at Z1
    else:
        dZ1 = (W2.T @ dZ2) * relu_prime(Z1)
    dW1 = dZ1 @ X.T / m
    if bug == "dW1_of_shape_10x10":
        dW1 = dZ1 @ A1.T / m  # PITFALL: the 10 x 10 shape of the notes, A1 where X belongs
    db1 = dZ1.sum(axis=1, keepdims=True) / m
    if bug == "bias_summed_over_matrix":
        db1 = np.full_like(db1, np.sum(dZ1) / m)  # PITFALL: np.sum(dZ1) without axis=1
    if bug == "db1_from_dZ2":
        db1 = dZ2.sum(axis=1, keepdims=True) / m  # PITFALL: db[2] where db[1] belongs
    return {"dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1}
