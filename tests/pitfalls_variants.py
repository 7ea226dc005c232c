r"""Wrong versions of the network's maths, as they circulate in from-scratch tutorials and notes.

Each function or option below reproduces one published mistake, changed in a
single marked line (``# PITFALL``) from the right version in :mod:`nn_scratch`; :func:`sgd_with`
trains with any of them.
They live here, beside the tests, and never in the package: the tests in
``tests/test_pitfalls.py`` show that each one fails (a gradient check far
above ``nn_scratch.gradcheck.TOLERANCE``, NaN, a shape error) where :mod:`nn_scratch` passes, and the
notebook ``docs/notebooks/pitfalls_effects.py`` trains with them to measure
what they cost in accuracy.

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

from nn_scratch import (
    History,
    Network,
    cross_entropy,
    forward_prop,
    get_accuracy,
    get_predictions,
    one_hot,
    relu_prime,
)

BUGS = (
    "bias_summed_over_matrix",
    "m_from_whole_dataset",
    "relu_prime_at_dZ2",
    "db1_from_dZ2",
)
"""The mistakes :func:`backward_prop_with` can make, by name."""


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


def backward_prop_with(bug: str | None, params: dict, cache: dict, Y: np.ndarray, *, m_total: int | None = None) -> dict:
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
    if bug is not None and bug not in BUGS:
        raise ValueError(f"bug must be None or one of {BUGS}, got {bug!r}")
    if set(params) != {"W1", "b1", "W2", "b2"}:
        raise ValueError(f"backward_prop_with handles two-layer networks (W1 b1 W2 b2), got {sorted(params)}")
    X, Z1, A1, A2 = cache["A0"], cache["Z1"], cache["A1"], cache["A2"]
    W2 = params["W2"]
    m = X.shape[1]
    if bug == "m_from_whole_dataset":
        if m_total is None:
            raise ValueError("the bug 'm_from_whole_dataset' needs m_total, the size of the whole data set")
        m = m_total  # PITFALL: the whole data set's size, not this batch's
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
    db1 = dZ1.sum(axis=1, keepdims=True) / m
    if bug == "bias_summed_over_matrix":
        db1 = np.full_like(db1, np.sum(dZ1) / m)  # PITFALL: np.sum(dZ1) without axis=1
    if bug == "db1_from_dZ2":
        db1 = dZ2.sum(axis=1, keepdims=True) / m  # PITFALL: db[2] where db[1] belongs
    return {"dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1}


def sgd_with(bug: str | None, net: Network, X, Y, *, alpha: float, epochs: int, batch_size: int,
             momentum: float = 0.0, seed: int = 0, m_total: int | None = None, X_val=None, Y_val=None) -> History:
    r"""Mini-batch SGD with momentum whose backward pass is :func:`backward_prop_with` ``(bug, …)``.

    The loop is the textbook one — shuffle, then for each batch: forward,
    backward, $v := \mu v + dW$, $W := W - \alpha v$ — written out here so that
    the right version (``bug=None``) and a wrong one differ in nothing but the
    bug. The history logs the mean training loss and accuracy of each epoch,
    and the held-out data at the end of each epoch.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.random((6, 90)), rng.integers(0, 3, 90)
    >>> h = sgd_with(None, Network((6, 4, 3), seed=0), X, Y, alpha=0.1, epochs=2, batch_size=32)
    >>> h.step, h.epoch
    ([3, 6], [1.0, 2.0])
    """
    if bug is not None and bug not in BUGS:
        raise ValueError(f"bug must be None or one of {BUGS}, got {bug!r}")
    X = np.asarray(X, dtype=net.dtype)
    Y = np.asarray(Y)
    m = X.shape[1]
    rng = np.random.default_rng(seed)
    velocity = {k: np.zeros_like(P) for k, P in net.params.items()}
    history, step = History(), 0
    for epoch in range(1, epochs + 1):
        order = rng.permutation(m)
        loss_sum, correct = 0.0, 0
        for start in range(0, m, batch_size):
            idx = order[start : start + batch_size]
            A2, cache = forward_prop(net.params, X[:, idx])
            loss_sum += cross_entropy(A2, Y[idx]) * idx.size
            correct += int(np.count_nonzero(get_predictions(A2) == Y[idx]))
            grads = backward_prop_with(bug, net.params, cache, Y[idx], m_total=m_total)
            for k, P in net.params.items():
                velocity[k] *= momentum
                velocity[k] += grads["d" + k]
                P -= alpha * velocity[k]
            step += 1
        record = dict(step=step, epoch=epoch, loss=loss_sum / m, train_accuracy=correct / m)
        if X_val is not None:
            A_val, _ = forward_prop(net.params, X_val)
            record["val_loss"] = cross_entropy(A_val, Y_val)
            record["val_accuracy"] = get_accuracy(get_predictions(A_val), Y_val)
        history.append(**record)
    return history


def dead_units(net: Network, X: np.ndarray) -> int:
    r"""Hidden units of the first layer whose pre-activation is ≤ 0 for every column of ``X``.

    Such a unit outputs 0 for all these inputs, so $\mathrm{ReLU}'(Z^{[1]}) = 0$
    kills every gradient through it: gradient descent can never revive it.

    Examples
    --------
    >>> net = Network((2, 3, 2), seed=0)
    >>> net.params["b1"][:] = [[-100.0], [0.0], [0.0]]     # unit 0 can never fire on inputs in [0, 1]
    >>> dead_units(net, np.random.default_rng(0).random((2, 50))) >= 1
    True
    """
    _, cache = net.forward(X)
    return int(np.count_nonzero((cache["Z1"] > 0).sum(axis=1) == 0))
