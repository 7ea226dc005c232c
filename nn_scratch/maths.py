r"""The maths of the network: activations, softmax, one-hot labels, the loss.

Every function here is a few lines of NumPy and takes examples as **columns**:
a matrix ``Z`` of shape ``(units, m)`` holds one example per column. The table
below is all the network needs; each entry is the function of that name.

| name          | formula                                                | shape in → out    |
|---------------|--------------------------------------------------------|-------------------|
| ``relu``      | $\max(0, z)$                                           | any → same        |
| ``relu_prime``| $1$ if $z > 0$ else $0$                                | any → same        |
| ``softmax``   | $e^{z_k - \max z} / \sum_j e^{z_j - \max z}$ per column | $K\times m$ → same |
| ``one_hot``   | $Y_{k,i} = 1$ if $y_i = k$                              | $m$ → $K\times m$ |
| ``cross_entropy`` | $-\frac1m \sum_i \log A_{y_i, i}$                  | $K\times m$ → scalar |
"""

from __future__ import annotations

import numpy as np

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


def relu(Z: np.ndarray) -> np.ndarray:
    r"""Rectified linear unit, $\mathrm{ReLU}(z) = \max(0, z)$, element by element.

    Without a non-linearity between them, two layers $W_2(W_1X + b_1) + b_2$
    collapse into one linear map; ReLU is the cheapest non-linearity whose
    gradient does not vanish for positive inputs.

    Examples
    --------
    >>> relu(np.array([[-2.0, 0.0, 3.0]]))
    array([[0., 0., 3.]])
    """
    return np.maximum(Z, 0)


def relu_prime(Z: np.ndarray) -> np.ndarray:
    r"""Derivative of ReLU, $\mathrm{ReLU}'(z) = [z > 0]$, as a 0/1 array of ``Z``'s dtype.

    It is evaluated at the pre-activation ``Z`` (not at the output), and at the
    kink $z = 0$ we take the derivative to be 0, as NumPy's ``Z > 0`` does.

    Examples
    --------
    >>> relu_prime(np.array([[-2.0, 0.0, 3.0]]))
    array([[0., 0., 1.]])
    """
    return (Z > 0).astype(Z.dtype)


def softmax(Z: np.ndarray) -> np.ndarray:
    r"""Softmax of each column: $A_{k,i} = e^{Z_{k,i}} / \sum_j e^{Z_{j,i}}$.

    Each column is one example, so the normalisation runs down the rows
    (``axis=0``), never over the whole matrix. Subtracting the column maximum
    first changes nothing mathematically — the factor $e^{-\max}$ cancels —
    but keeps every exponent $\le 0$, so ``exp`` cannot overflow.

    Parameters
    ----------
    Z : ndarray of shape (K, m)
        Scores (logits), one column per example.

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
    Z = np.asarray(Z)
    if Z.ndim != 2:
        raise ValueError(f"Z must be 2-D (classes × examples), got shape {Z.shape}")
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def one_hot(Y: np.ndarray, num_classes: int = 10) -> np.ndarray:
    r"""Labels as a ``num_classes × m`` matrix with a single 1 per column.

    The height is ``num_classes``, never ``Y.max() + 1``: a batch that happens
    to contain no 9 must still give ten rows, or the shapes stop matching the
    ten outputs of the network.

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
    out = np.zeros((num_classes, Y.shape[0]))
    out[Y, np.arange(Y.shape[0])] = 1.0
    return out


def cross_entropy(A: np.ndarray, Y: np.ndarray) -> float:
    r"""Mean cross-entropy $-\frac{1}{m}\sum_i \log A_{y_i,i}$ of probabilities ``A`` and labels ``Y``.

    With one-hot targets the full sum $-\sum_k Y_{k,i}\log A_{k,i}$ keeps one
    term per example, the log-probability of the true class, so we read that
    entry directly. Probabilities are clipped at the smallest positive normal
    number of their dtype, so a probability of exactly 0 gives a large finite
    loss instead of ``inf``.

    Parameters
    ----------
    A : ndarray of shape (K, m)
        Predicted probabilities (columns sum to 1).
    Y : ndarray of shape (m,)
        Integer labels in ``0 … K−1``.

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
    p = A[Y, np.arange(Y.shape[0])]
    tiny = np.finfo(A.dtype).tiny
    return float(-np.mean(np.log(np.maximum(p, tiny))))


def get_predictions(A: np.ndarray) -> np.ndarray:
    """The predicted class of each example: the row of the largest entry in each column.

    Examples
    --------
    >>> get_predictions(np.array([[0.1, 0.7], [0.9, 0.3]]))
    array([1, 0])
    """
    A = np.asarray(A)
    if A.ndim != 2:
        raise ValueError(f"A must be 2-D (classes × examples), got shape {A.shape}")
    return np.argmax(A, axis=0)


def get_accuracy(predictions: np.ndarray, Y: np.ndarray) -> float:
    """Fraction of ``predictions`` equal to the labels ``Y``.

    Examples
    --------
    >>> get_accuracy(np.array([1, 0, 3]), np.array([1, 2, 3]))
    0.6666666666666666
    """
    predictions, Y = np.asarray(predictions), np.asarray(Y)
    if predictions.shape != Y.shape:
        raise ValueError(f"predictions and Y must have the same shape, got {predictions.shape} and {Y.shape}")
    if Y.size == 0:
        raise ValueError("Y is empty: accuracy of zero examples is undefined")
    return float(np.mean(predictions == Y))
