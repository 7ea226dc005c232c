r"""Numerical gradient check: backpropagation against central finite differences.

For every parameter $\theta$ the central difference
$\bigl(J(\theta + \varepsilon) - J(\theta - \varepsilon)\bigr) / 2\varepsilon$
approximates $\partial J / \partial \theta$ with an error of order
$\varepsilon^2$. If backpropagation is right, the two agree to many digits in
float64; a wrong index or a missing $1/m$ shows up as a relative error near 1.

The one threshold policy of the project is :data:`TOLERANCE`, with the step
:data:`EPSILON`: every page, notebook and test that judges a gradient check
uses these two names, never a number of its own.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import to_numpy
from ._checks import check_labels, check_matrix, check_positive
from .maths import cross_entropy
from .network import backward_prop, forward_prop, layer_sizes_of

__all__ = ["EPSILON", "TOLERANCE", "numerical_gradients", "relative_error", "gradient_check"]

# --8<-- [start:policy]
EPSILON = 1e-5
"""The finite-difference step: near the best step of a float64 check, where the
truncation error (falling as ε²) meets the rounding error (growing as machine-ε / ε)."""

TOLERANCE = 1e-7
"""The pass mark of :func:`gradient_check` (float64, step :data:`EPSILON`).

A relative error below it: backpropagation agrees with finite differences.
Above it: a bug in backpropagation — unless the ±ε step moved a ReLU input
across 0 (a kink), which the same check at a smaller ε or another point clears."""
# --8<-- [end:policy]


def _as_float64(params):
    params = getattr(params, "params", params)  # a Network or its params dict
    sizes = layer_sizes_of(params)
    # Finite differences nudge one entry at a time: done in NumPy float64 on the host,
    # whichever library and device the parameters come from.
    return {k: np.array(to_numpy(v), dtype=np.float64) for k, v in params.items()}, sizes


def _checked(params, X, Y):
    params, sizes = _as_float64(params)
    X = np.asarray(to_numpy(check_matrix("X", X, rows=sizes[0])), dtype=np.float64)
    Y = to_numpy(check_labels("Y", Y, m=X.shape[1], num_classes=sizes[-1]))
    return params, X, Y


def numerical_gradients(params: dict, X: ArrayLike, Y: ArrayLike, epsilon: float = EPSILON) -> dict:
    r"""Central-difference estimate of every gradient, in float64.

    Costs two forward passes per parameter, so use a small batch.

    Parameters
    ----------
    params : dict or Network
        Parameters (copied to float64; the originals are not touched).
    X, Y
        A small batch of examples (columns) and their labels.
    epsilon : float
        The step $\varepsilon$.

    Returns
    -------
    dict
        ``dW1, db1, …`` as finite differences.

    Examples
    --------
    >>> from nn_scratch.network import init_params
    >>> rng = np.random.default_rng(0)
    >>> num = numerical_gradients(init_params((3, 2, 2), seed=0), rng.random((3, 4)), [0, 1, 1, 0])
    >>> sorted(num), num["dW1"].shape
    (['dW1', 'dW2', 'db1', 'db2'], (2, 3))
    """
    params, X, Y = _checked(params, X, Y)
    check_positive("epsilon", epsilon)
    grads = {}
    for name, P in params.items():
        G = np.zeros_like(P)
        for idx in np.ndindex(P.shape):
            saved = P[idx]
            P[idx] = saved + epsilon
            J_plus = cross_entropy(forward_prop(params, X)[0], Y)
            P[idx] = saved - epsilon
            J_minus = cross_entropy(forward_prop(params, X)[0], Y)
            P[idx] = saved
            G[idx] = (J_plus - J_minus) / (2 * epsilon)
        grads["d" + name] = G
    return grads


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    r"""Relative error $\lVert a - b\rVert / (\lVert a\rVert + \lVert b\rVert)$ (0 when both are 0).

    Scale-free, so the same threshold works for large and tiny gradients.

    Examples
    --------
    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    0.0
    >>> round(relative_error(np.array([1.0]), np.array([3.0])), 3)
    0.5
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def gradient_check(
    params: dict, X: ArrayLike, Y: ArrayLike, epsilon: float = EPSILON, *, per_parameter: bool = False
) -> float | dict:
    """Compare backpropagation with finite differences; return the largest relative error.

    Everything runs in float64. The result passes when it is below
    :data:`TOLERANCE`; above it, something in backpropagation is wrong, or a
    ReLU input sits within ``epsilon`` of its kink at 0.

    Parameters
    ----------
    params : dict or Network
        Parameters to check at.
    X, Y
        A small batch (a handful of columns is plenty).
    epsilon : float
        Finite-difference step.
    per_parameter : bool
        Return a dict ``{"dW1": error, …}`` instead of the maximum.

    Examples
    --------
    >>> from nn_scratch.network import init_params
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.random((20, 6)), rng.integers(0, 3, 6)
    >>> gradient_check(init_params((20, 7, 5, 3), seed=0), X, Y) < TOLERANCE
    True
    """
    params, X, Y = _checked(params, X, Y)
    _, cache = forward_prop(params, X)
    analytic = backward_prop(params, cache, Y)
    numeric = numerical_gradients(params, X, Y, epsilon)
    errors = {k: relative_error(analytic[k], numeric[k]) for k in numeric}
    return errors if per_parameter else max(errors.values())
