r"""The maths of the network: activations, softmax, one-hot labels, the loss.

Every function here is a few lines of array code and takes examples as **columns**:
a matrix ``Z`` of shape ``(units, m)`` holds one example per column. The table
below is all the network needs; each entry is the function of that name.

The code calls only functions of the Python array API standard through ``xp``,
the namespace of its inputs: ``numpy`` for NumPy arrays, and the same lines
run unchanged on CuPy or PyTorch arrays. Each function takes ``xp`` as an
optional last argument, and it means only that: the array library. Left out,
it is found from the inputs; a training run passes the one it found once. Each
function checks what it cannot compute without — a matrix where one is needed,
labels in range — and nothing costlier.

| name          | formula                                                | shape in → out    |
|---------------|--------------------------------------------------------|-------------------|
| ``relu``      | $\max(0, z)$                                           | any → same        |
| ``relu_prime``| $1$ if $z > 0$ else $0$                                | any → same        |
| ``softmax``   | $e^{z_k - \max z} / \sum_j e^{z_j - \max z}$ per column | $K\times m$ → same |
| ``one_hot``   | $Y_{k,i} = 1$ if $y_i = k$                              | $m$ → $K\times m$ |
| ``cross_entropy`` | $-\frac1m \sum_i \log A_{y_i, i}$                  | $K\times m$ → scalar |
"""

from __future__ import annotations

import math

import numpy as np

from ._arrays import as_array, namespace
from ._checks import check_labels, check_matrix

__all__ = [
    "relu",
    "relu_prime",
    "softmax",
    "one_hot",
    "cross_entropy",
    "get_predictions",
    "get_accuracy",
]


def relu(Z: np.ndarray, xp=None) -> np.ndarray:
    r"""Rectified linear unit, $\mathrm{ReLU}(z) = \max(0, z)$, element by element.

    Without a non-linearity between them, two layers $W_2(W_1X + b_1) + b_2$
    collapse into one linear map; ReLU is the cheapest non-linearity whose
    gradient does not vanish for positive inputs.

    Examples
    --------
    >>> relu(np.array([[-2.0, 0.0, 3.0]]))
    array([[0., 0., 3.]])
    """
    Z = as_array(Z)
    xp = namespace(Z, xp=xp)
    return xp.maximum(Z, 0)


def relu_prime(Z: np.ndarray, xp=None) -> np.ndarray:
    r"""Derivative of ReLU, $\mathrm{ReLU}'(z) = [z > 0]$, as a 0/1 array of ``Z``'s dtype.

    It is evaluated at the pre-activation ``Z`` (not at the output), and at the
    kink $z = 0$ we take the derivative to be 0, as NumPy's ``Z > 0`` does.

    Examples
    --------
    >>> relu_prime(np.array([[-2.0, 0.0, 3.0]]))
    array([[0., 0., 1.]])
    """
    Z = as_array(Z)
    xp = namespace(Z, xp=xp)
    return xp.astype(Z > 0, Z.dtype)


def softmax(Z: np.ndarray, xp=None) -> np.ndarray:
    r"""Softmax of each column: $A_{k,i} = e^{Z_{k,i}} / \sum_j e^{Z_{j,i}}$.

    Each column is one example, so the normalisation runs down the rows
    (``axis=0``), never over the whole matrix. Subtracting the column maximum
    first changes nothing mathematically — the factor $e^{-\max}$ cancels —
    but keeps every exponent $\le 0$, so ``exp`` cannot overflow.

    Parameters
    ----------
    Z : ndarray of shape (K, m)
        Scores (logits), one column per example.
    xp : array namespace, optional
        The array library of ``Z`` when the caller has found it already;
        by default it is found from ``Z``.

    Returns
    -------
    ndarray of shape (K, m)
        Probabilities; every column is non-negative and sums to 1.

    Examples
    --------
    The worked example of the derivation notes:

    >>> z = np.array([[1.3], [5.1], [2.2], [0.7], [1.1]])
    >>> softmax(z).ravel().round(2)
    array([0.02, 0.9 , 0.05, 0.01, 0.02])

    Huge scores stay finite:

    >>> softmax(np.array([[1000.0], [1000.0]])).ravel()
    array([0.5, 0.5])
    """
    Z = as_array(Z)
    xp = namespace(Z, xp=xp)
    if Z.ndim != 2:
        raise ValueError(f"Z must be 2-D (classes × examples), got shape {tuple(Z.shape)}")
    E = xp.exp(Z - xp.max(Z, axis=0, keepdims=True))
    return E / xp.sum(E, axis=0, keepdims=True)


def one_hot(Y: np.ndarray, num_classes: int = 10, *, dtype=None, xp=None) -> np.ndarray:
    r"""Labels as a ``num_classes × m`` matrix with a single 1 per column.

    The height is ``num_classes``, never ``Y.max() + 1``: a batch that happens
    to contain no 9 must still give ten rows, or the shapes stop matching the
    ten outputs of the network. Entry $(k, i)$ is the comparison $y_i = k$,
    computed for all of them at once by broadcasting the labels (a row)
    against the class numbers (a column); ``dtype`` is float64 unless given —
    backpropagation asks for its probabilities' dtype, so float32 stays float32.

    Examples
    --------
    >>> one_hot(np.array([2, 0]), num_classes=3)
    array([[0., 1.],
           [0., 0.],
           [1., 0.]])
    >>> one_hot(np.array([0, 1])).shape
    (10, 2)
    """
    Y = check_labels("Y", Y, num_classes=num_classes)
    xp = namespace(Y, xp=xp)
    T = Y[None, :] == xp.arange(num_classes, device=Y.device)[:, None]
    return xp.astype(T, xp.float64 if dtype is None else dtype)


def cross_entropy(A: np.ndarray, Y: np.ndarray, xp=None) -> float:
    r"""Mean cross-entropy $-\frac{1}{m}\sum_i \log A_{y_i,i}$ of probabilities ``A`` and labels ``Y``.

    With one-hot targets the full sum $-\sum_k Y_{k,i}\log A_{k,i}$ keeps one
    term per example, the log-probability of the true class, so we take that
    entry of each column, $\sum_k Y_{k,i} A_{k,i}$, before the log. Probabilities
    are clipped at the smallest positive normal number of their dtype, so a
    probability of exactly 0 gives a large finite loss instead of ``inf``.

    Parameters
    ----------
    A : ndarray of shape (K, m)
        Predicted probabilities (columns sum to 1).
    Y : ndarray of shape (m,)
        Integer labels in ``0 … K−1``.
    xp : array namespace, optional
        As for :func:`softmax`.

    Examples
    --------
    >>> A = np.array([[0.5, 0.1], [0.5, 0.9]])
    >>> round(cross_entropy(A, np.array([0, 1])), 6)   # -(log 0.5 + log 0.9) / 2
    0.399254
    >>> cross_entropy(np.array([[1.0], [0.0]]), np.array([1])) < np.inf
    True
    """
    A = check_matrix("A", A, finite=False)
    Y = check_labels("Y", Y, m=A.shape[1], num_classes=A.shape[0])
    xp = namespace(A, Y, xp=xp)
    p = xp.sum(A * one_hot(Y, A.shape[0], dtype=A.dtype, xp=xp), axis=0)
    tiny = xp.finfo(A.dtype).smallest_normal
    return float(-xp.mean(xp.log(xp.maximum(p, tiny))))


def get_predictions(A: np.ndarray, xp=None) -> np.ndarray:
    """The predicted class of each example: the row of the largest entry in each column.

    Examples
    --------
    >>> get_predictions(np.array([[0.1, 0.7], [0.9, 0.3]]))
    array([1, 0])
    """
    A = as_array(A)
    xp = namespace(A, xp=xp)
    if A.ndim != 2:
        raise ValueError(f"A must be 2-D (classes × examples), got shape {tuple(A.shape)}")
    return xp.argmax(A, axis=0)


def get_accuracy(predictions: np.ndarray, Y: np.ndarray) -> float:
    """Fraction of ``predictions`` equal to the labels ``Y``.

    Examples
    --------
    >>> get_accuracy(np.array([1, 0, 3]), np.array([1, 2, 3]))
    0.6666666666666666
    """
    predictions, Y = as_array(predictions), as_array(Y)
    xp = namespace(predictions, Y)
    if tuple(predictions.shape) != tuple(Y.shape):
        raise ValueError(
            f"predictions and Y must have the same shape, got {tuple(predictions.shape)} and {tuple(Y.shape)}"
        )
    m = math.prod(Y.shape)
    if m == 0:
        raise ValueError("Y is empty: accuracy of zero examples is undefined")
    return int(xp.count_nonzero(predictions == Y)) / m
