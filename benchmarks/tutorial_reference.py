r"""The classic tutorial's NumPy network, copied faithfully, as a benchmark peer.

This is the code of Samson Zhang's "Building a neural network FROM SCRATCH
(no Tensorflow/Pytorch, just numpy & math)" (2020), the 784-10-10 network that
most from-scratch MNIST tutorials descend from. It is reproduced line for line
so that the benchmark times *that* code, with three changes, each only in how
the functions receive what they need:

* ``m`` is a parameter (the tutorial reads a global ``m``) — see bug 1;
* ``init_params`` takes the generator to draw from, so runs can be repeated;
* ``gradient_descent`` takes the initial parameters and does not print.

Faithful bugs, kept on purpose (they are the point of the comparison):

1. ``m`` in ``backward_prop`` is, in the tutorial, the global number of rows
   of the whole CSV (42,000, including the 1,000 development examples), not
   the number of training examples — every gradient is 2.4 % too small.
2. ``db = 1 / m * np.sum(dZ)`` sums the *whole* matrix: every bias of a layer
   receives the same update, the sum over all units (should be ``axis=1``).
3. ``softmax`` is ``np.exp(Z) / sum(np.exp(Z))`` with no shift by the column
   maximum, so scores above ~710 (float64) overflow to ``inf`` and give NaN;
   it also computes ``np.exp(Z)`` twice and sums with Python's ``sum`` row by
   row.
4. ``one_hot`` sizes the matrix from ``Y.max() + 1``: a batch without a 9 gives
   nine rows instead of ten and the shapes stop matching.
5. Everything is float64 (pixels divided by 255 in float64): twice the memory
   traffic of float32 for no accuracy benefit.

For the equivalence check, :func:`backward_prop_per_unit` is the same function
with bug 2 corrected (``np.sum(dZ, axis=1, keepdims=True)``): with it, one
iteration computes exactly the equations that ``nn_scratch`` implements, so the
two must agree to floating-point rounding in float64.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> W1, b1, W2, b2 = init_params(rng)
>>> X, Y = rng.random((784, 20)), rng.integers(0, 10, 20)
>>> Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
>>> A2.shape, bool(np.allclose(A2.sum(axis=0), 1))
((10, 20), True)
"""

import numpy as np

__all__ = [
    "init_params",
    "ReLU",
    "softmax",
    "forward_prop",
    "ReLU_deriv",
    "one_hot",
    "backward_prop",
    "backward_prop_per_unit",
    "update_params",
    "get_predictions",
    "get_accuracy",
    "gradient_descent",
]


def init_params(rng=None):
    """U(−0.5, 0.5) weights *and* biases, as ``np.random.rand(...) - 0.5``.

    ``rng`` (a ``numpy.random.Generator``) replaces the global ``np.random``
    state, so that a benchmark can repeat a run.

    Examples
    --------
    >>> [p.shape for p in init_params(np.random.default_rng(0))]
    [(10, 784), (10, 1), (10, 10), (10, 1)]
    """
    rand = np.random.rand if rng is None else lambda *shape: rng.random(shape)
    W1 = rand(10, 784) - 0.5
    b1 = rand(10, 1) - 0.5
    W2 = rand(10, 10) - 0.5
    b2 = rand(10, 1) - 0.5
    return W1, b1, W2, b2


def ReLU(Z):
    """``np.maximum(Z, 0)``.

    Examples
    --------
    >>> ReLU(np.array([-1.0, 2.0]))
    array([0., 2.])
    """
    return np.maximum(Z, 0)


def softmax(Z):
    """``np.exp(Z) / sum(np.exp(Z))`` — unshifted (bug 3); ``sum`` is Python's, over the rows.

    Examples
    --------
    >>> softmax(np.array([[0.0], [0.0]])).ravel()
    array([0.5, 0.5])
    """
    A = np.exp(Z) / sum(np.exp(Z))
    return A


def forward_prop(W1, b1, W2, b2, X):
    """``Z1 = W1.dot(X) + b1``, ReLU, ``Z2 = W2.dot(A1) + b2``, softmax.

    Examples
    --------
    >>> Z1, A1, Z2, A2 = forward_prop(*init_params(np.random.default_rng(0)), np.zeros((784, 2)))
    >>> A2.shape
    (10, 2)
    """
    Z1 = W1.dot(X) + b1
    A1 = ReLU(Z1)
    Z2 = W2.dot(A1) + b2
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2


def ReLU_deriv(Z):
    """``Z > 0`` (a boolean array, promoted when multiplied).

    Examples
    --------
    >>> ReLU_deriv(np.array([-1.0, 2.0]))
    array([False,  True])
    """
    return Z > 0


def one_hot(Y):
    """An ``(Y.max() + 1) × m`` one-hot matrix — ``Y.max() + 1`` rows, bug 4.

    Examples
    --------
    >>> one_hot(np.array([0, 2])).shape
    (3, 2)
    """
    one_hot_Y = np.zeros((Y.size, Y.max() + 1))
    one_hot_Y[np.arange(Y.size), Y] = 1
    one_hot_Y = one_hot_Y.T
    return one_hot_Y


def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y, m):
    """The tutorial's gradients, with ``db = 1 / m * np.sum(dZ)`` over the whole matrix (bug 2).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> W1, b1, W2, b2 = init_params(rng)
    >>> X, Y = rng.random((784, 4)), np.array([0, 1, 9, 3])
    >>> grads = backward_prop(*forward_prop(W1, b1, W2, b2, X), W1, W2, X, Y, m=4)
    >>> [np.shape(g) for g in grads]   # db1, db2 are scalars
    [(10, 784), (), (10, 10), ()]
    """
    one_hot_Y = one_hot(Y)
    dZ2 = A2 - one_hot_Y
    dW2 = 1 / m * dZ2.dot(A1.T)
    db2 = 1 / m * np.sum(dZ2)
    dZ1 = W2.T.dot(dZ2) * ReLU_deriv(Z1)
    dW1 = 1 / m * dZ1.dot(X.T)
    db1 = 1 / m * np.sum(dZ1)
    return dW1, db1, dW2, db2


def backward_prop_per_unit(Z1, A1, Z2, A2, W1, W2, X, Y, m):
    """:func:`backward_prop` with bug 2 corrected: ``db`` sums over examples only, one per unit.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> W1, b1, W2, b2 = init_params(rng)
    >>> X, Y = rng.random((784, 4)), np.array([0, 1, 9, 3])
    >>> grads = backward_prop_per_unit(*forward_prop(W1, b1, W2, b2, X), W1, W2, X, Y, m=4)
    >>> [np.shape(g) for g in grads]
    [(10, 784), (10, 1), (10, 10), (10, 1)]
    """
    one_hot_Y = one_hot(Y)
    dZ2 = A2 - one_hot_Y
    dW2 = 1 / m * dZ2.dot(A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = W2.T.dot(dZ2) * ReLU_deriv(Z1)
    dW1 = 1 / m * dZ1.dot(X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    return dW1, db1, dW2, db2


def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    """``W = W - alpha * dW`` for each parameter, as new arrays.

    Examples
    --------
    >>> update_params(*[np.ones(1)] * 8, alpha=0.5)
    (array([0.5]), array([0.5]), array([0.5]), array([0.5]))
    """
    W1 = W1 - alpha * dW1
    b1 = b1 - alpha * db1
    W2 = W2 - alpha * dW2
    b2 = b2 - alpha * db2
    return W1, b1, W2, b2


def get_predictions(A2):
    """``np.argmax(A2, 0)``.

    Examples
    --------
    >>> get_predictions(np.array([[0.2, 0.9], [0.8, 0.1]]))
    array([1, 0])
    """
    return np.argmax(A2, 0)


def get_accuracy(predictions, Y):
    """``np.sum(predictions == Y) / Y.size`` (the tutorial also prints both arrays).

    Examples
    --------
    >>> float(get_accuracy(np.array([1, 0]), np.array([1, 1])))
    0.5
    """
    return np.sum(predictions == Y) / Y.size


def gradient_descent(X, Y, alpha, iterations, params, *, per_unit_bias=False, m=None):
    """The tutorial's training loop: forward, backward, update, ``iterations`` times.

    ``per_unit_bias=True`` swaps in :func:`backward_prop_per_unit`. ``m``
    defaults to the number of columns of ``X``; the tutorial as written passes
    the rows of its whole CSV (bug 1). The tutorial prints the accuracy every
    10 iterations; this copy does not print, so that only the arithmetic is timed.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.random((784, 50)), rng.integers(0, 10, 50)
    >>> W1, b1, W2, b2 = gradient_descent(X, Y, 0.1, 3, init_params(rng))
    >>> W1.shape
    (10, 784)
    """
    W1, b1, W2, b2 = params
    backward = backward_prop_per_unit if per_unit_bias else backward_prop
    m = X.shape[1] if m is None else m
    for _ in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        dW1, db1, dW2, db2 = backward(Z1, A1, Z2, A2, W1, W2, X, Y, m)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
    return W1, b1, W2, b2
