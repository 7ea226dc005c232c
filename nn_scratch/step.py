r"""The one training step: forward, backward, update — every loop of the project takes it.

:func:`~nn_scratch.training.gradient_descent` and :func:`~nn_scratch.training.sgd`
call :func:`train_step` for each step, and so do the benchmarks and the pitfall
experiments, which pass their own ``forward`` or ``backward`` to change one
equation and nothing else.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ._arrays import namespace
from .network import backward_prop, forward_prop, update_params

__all__ = ["train_step", "diverged"]

Forward = Callable[[dict, np.ndarray], tuple[np.ndarray, dict]]
Backward = Callable[[dict, dict, np.ndarray], dict]


def train_step(
    params: dict,
    X: np.ndarray,
    Y: np.ndarray,
    alpha: float,
    *,
    forward: Forward = forward_prop,
    backward: Backward = backward_prop,
    weight_decay: float = 0.0,
    momentum: float = 0.0,
    velocity: dict | None = None,
    observe: Callable[[dict, dict, np.ndarray], None] | None = None,
    xp=None,
) -> None:
    r"""One step of gradient descent on the batch ``(X, Y)``, in place.

    Forward propagation, backpropagation, then
    $W := W - \alpha\,(dW + \lambda W)$ — or, with a ``velocity`` dict
    (zeros shaped like the gradients), $v := \mu v + dW$, $W := W - \alpha v$.
    :func:`gradient_descent`, :func:`sgd` and the benchmarks all take their
    steps here. Nothing is checked and no loss is computed: the callers check
    their inputs once, and compute the loss only at the steps they log.

    Parameters
    ----------
    params : dict
        ``W1, b1, …``, updated in place.
    X, Y : ndarray
        The batch, examples as columns, and its integer labels.
    alpha : float
        The learning rate of this step.
    forward, backward : callable
        ``forward(params, X) -> (A, cache)`` and ``backward(params, cache, Y) -> grads``;
        by default :func:`~nn_scratch.network.forward_prop` and
        :func:`~nn_scratch.network.backward_prop`. An experiment passes its own
        variant to train exactly the loop the documentation quotes.
    weight_decay, momentum, velocity
        $\lambda$, $\mu$ and the running direction $v$ (None for plain steps).
    observe : callable, optional
        ``observe(cache, grads, Y)``, called after backpropagation and before any
        parameter changes, so it may stop the step by raising.
    xp : array namespace, optional
        The namespace of the arrays, when the caller has found it once for many
        steps; by default it is found here.

    Examples
    --------
    >>> from nn_scratch.network import init_params
    >>> from nn_scratch.maths import cross_entropy
    >>> params = init_params((4, 5, 3), seed=0)
    >>> X, Y = np.random.default_rng(0).random((4, 8), dtype=np.float32), np.arange(8) % 3
    >>> before = cross_entropy(forward_prop(params, X)[0], Y)
    >>> train_step(params, X, Y, 0.5)
    >>> train_step(params, X, Y, 0.5)
    >>> cross_entropy(forward_prop(params, X)[0], Y) < before
    True
    """
    if xp is None:
        xp = namespace(X, Y, *params.values())
    # --8<-- [start:sgd-step]
    A, cache = forward(params, X)
    grads = backward(params, cache, Y)
    if observe is not None:  # the caller's divergence check, and its log
        observe(cache, grads, Y)
    if weight_decay:  # the gradient of (λ/2)‖W‖² is λW
        for k, P in params.items():
            if k[0] == "W":
                grads["d" + k] += weight_decay * P
    if velocity is None:
        update_params(params, grads, alpha)
    else:
        for k, g in grads.items():
            velocity[k] *= momentum
            velocity[k] += g
        update_params(params, velocity, alpha)
    # --8<-- [end:sgd-step]


def diverged(grads: dict, L: int, xp=np) -> bool:
    """Whether the step that made ``grads`` diverged: the loss it would log is NaN or infinite.

    A NaN or inf anywhere in the network's input to softmax makes that example's
    column of ``A[L]`` NaN, hence its loss and its column of ``dZ[L]``; so the sum
    of ``db[L]`` — ``n_L`` numbers already computed, zero in exact arithmetic — is
    finite exactly when the loss is. Checking it costs nothing, where the loss
    itself would cost a pass over ``A[L]`` at every step.

    Examples
    --------
    >>> diverged({"db2": np.array([[0.25], [-0.25]])}, L=2)
    False
    >>> diverged({"db2": np.array([[np.nan], [0.0]])}, L=2)
    True
    """
    return not math.isfinite(float(xp.sum(grads[f"db{L}"])))
