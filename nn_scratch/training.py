r"""Training: full-batch gradient descent and mini-batch stochastic gradient descent.

Both take the same step, :func:`~nn_scratch.step.train_step` — forward, backward, $W := W - \alpha\,dW$ —
and differ only in how many examples each step sees: all $m$ of them, or a shuffled
mini-batch. Both return a :class:`~nn_scratch.history.History` and stop with a
:class:`~nn_scratch.history.DivergenceError` as soon as the loss is not finite.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from functools import partial

import numpy as np
from numpy.typing import ArrayLike

from ._checks import check_positive
from .history import DivergenceError, History, dead_layer
from .maths import cross_entropy, get_accuracy, get_predictions
from .network import Network, backward_prop, forward_prop
from .schedules import SCHEDULES, scheduled_alpha
from .step import Backward, Forward, diverged, train_step

__all__ = ["gradient_descent", "sgd"]


def _prepare(net, X, Y, name_X="X", name_Y="Y"):
    if not isinstance(net, Network):
        raise TypeError(f"net must be an nn_scratch Network, got {type(net).__name__}")
    X = net.check_X(X, name_X)
    return X, net.check_Y(Y, m=X.shape[1], name=name_Y)


def _hooks(forward, backward, xp):
    # The package's own passes get the namespace found once for the whole run.
    for name, hook in (("forward", forward), ("backward", backward)):
        if hook is not None and not callable(hook):
            raise TypeError(f"{name} must be a function, got {type(hook).__name__}")
    return forward or partial(forward_prop, xp=xp), backward or partial(backward_prop, xp=xp)


def _evaluate(net, X, Y, forward):
    A, _ = forward(net.params, X)
    return cross_entropy(A, Y), get_accuracy(get_predictions(A), Y)


def _log(history, record, val, net, forward, callback, verbose):
    if val is not None:
        record["val_loss"], record["val_accuracy"] = _evaluate(net, *val, forward)
    history.log(record, callback=callback, verbose=verbose)


def gradient_descent(
    net: Network,
    X: ArrayLike,
    Y: ArrayLike,
    *,
    alpha: float = 0.1,
    iterations: int = 500,
    log_every: int = 10,
    X_val: ArrayLike | None = None,
    Y_val: ArrayLike | None = None,
    callback: Callable[[dict], None] | None = None,
    verbose: bool = False,
    forward: Forward | None = None,
    backward: Backward | None = None,
) -> History:
    r"""Full-batch gradient descent: every iteration uses all $m$ examples.

    Each iteration is forward propagation on the whole training set, backward
    propagation, and $W := W - \alpha\, dW$ for every parameter — the method of
    the classic from-scratch tutorials. The loss and accuracy logged at step
    $k$ are those of the parameters after $k$ updates (step 0 is the
    initialisation); the last step is always logged.

    Parameters
    ----------
    net : Network
        Trained in place.
    X : ndarray of shape (n_0, m)
        Training examples as columns.
    Y : ndarray of shape (m,)
        Integer labels.
    alpha : float
        Learning rate $\alpha > 0$.
    iterations : int
        Number of updates.
    log_every : int
        Log every this many iterations.
    X_val, Y_val : optional
        Held-out data; its loss and accuracy are logged too.
    callback : callable, optional
        Called with the newest log entry (a dict) after each log.
    verbose : bool
        Print one line per log entry.
    forward, backward : callable, optional
        Replace forward propagation or backpropagation, as in :func:`train_step`;
        by default the package's own.

    Returns
    -------
    History

    Raises
    ------
    DivergenceError
        If the loss becomes NaN or infinite.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.random((4, 30)), rng.integers(0, 3, 30)
    >>> net = Network((4, 5, 3), seed=0)
    >>> h = gradient_descent(net, X, Y, alpha=0.5, iterations=20, log_every=10)
    >>> h.step
    [0, 10, 20]
    >>> h.loss[-1] < h.loss[0]
    True
    """
    X, Y = _prepare(net, X, Y)
    val = None if X_val is None and Y_val is None else _prepare(net, X_val, Y_val, "X_val", "Y_val")
    check_positive("alpha", alpha)
    check_positive("iterations", iterations, integer=True)
    check_positive("log_every", log_every, integer=True)
    xp = net.xp
    forward, backward = _hooks(forward, backward, xp)
    history = History()
    k = 0

    L = len(net.params) // 2

    def log(cache, Y):
        # The loss and the logged values at step k are those of the parameters after k updates.
        loss = cross_entropy(cache[f"A{L}"], Y, xp)
        if not math.isfinite(loss):
            raise DivergenceError.at(loss, k, k, alpha, history)
        if history.dead_at is None and (layer := dead_layer(cache, xp)) is not None:
            history.mark_dead(k, layer)
        acc = get_accuracy(get_predictions(cache[f"A{L}"], xp), Y)
        _log(history, dict(step=k, epoch=k, loss=loss, train_accuracy=acc), val, net, forward, callback, verbose)

    def observe(cache, grads, Y):
        # Every step is checked for divergence; only the logged ones compute the loss.
        if k % log_every == 0 or diverged(grads, L, xp):
            log(cache, Y)

    # Overflow inside a diverging run is reported by the divergence check.
    with np.errstate(over="ignore", invalid="ignore"):
        # observe reads k: the number of updates made before the step it is called from.
        while k < iterations:
            train_step(net.params, X, Y, alpha, forward=forward, backward=backward, observe=observe, xp=xp)
            k += 1
        log(forward(net.params, X)[1], Y)
    return history


def sgd(
    net: Network,
    X: ArrayLike,
    Y: ArrayLike,
    *,
    alpha: float = 0.1,
    epochs: int = 10,
    batch_size: int = 64,
    momentum: float = 0.0,
    weight_decay: float = 0.0,
    schedule: Callable[[int], float] | str | None = None,
    shuffle: bool = True,
    seed=0,
    log_every: int | None = None,
    X_val: ArrayLike | None = None,
    Y_val: ArrayLike | None = None,
    callback: Callable[[dict], None] | None = None,
    verbose: bool = False,
    forward: Forward | None = None,
    backward: Backward | None = None,
) -> History:
    r"""Mini-batch stochastic gradient descent.

    Each epoch shuffles the examples and walks through them ``batch_size`` at
    a time (the last batch may be smaller), taking one step per batch with
    $m$ the size of *that batch*. With ``momentum`` $\mu > 0$ each step uses a
    running direction $v := \mu v + dW$, $W := W - \alpha v$.

    Two more knobs serve the longer runs that reach the best accuracies.
    ``weight_decay`` $\lambda$ adds $\frac\lambda2 \sum_l \|W^{[l]}\|^2$ to the
    loss, so every step uses $dW + \lambda W$ and large weights shrink unless
    the data keeps asking for them (biases are not decayed). ``schedule``
    scales the learning rate epoch by epoch: big steps early to make fast
    progress, small steps late to settle into a minimum instead of bouncing
    around it.

    The logged training loss and accuracy are the averages over the batches
    seen since the previous log — cheap to compute, since each batch's forward
    pass is done anyway. Held-out data is evaluated exactly at each log.

    Parameters
    ----------
    net : Network
        Trained in place.
    X, Y
        Training examples (columns) and integer labels.
    alpha : float
        Learning rate.
    epochs : int
        Passes over the training set.
    batch_size : int
        Examples per step.
    momentum : float
        $\mu$ in $[0, 1)$; 0 is plain SGD.
    weight_decay : float
        $\lambda \ge 0$, the strength of the L2 penalty on the weights; 0 turns it
        off. The logged loss is the cross-entropy alone, without the penalty.
    schedule : callable or str, optional
        ``schedule(epoch)`` returns the factor by which ``alpha`` is multiplied
        during epoch ``epoch`` (0, 1, …), like PyTorch's ``LambdaLR``; for
        example ``lambda e: 0.5 ** (e // 5)`` halves the rate every 5 epochs.
        A name from :data:`SCHEDULES` (``"cosine"``) stands for that schedule
        over ``epochs``, so a recipe can be plain data: ``sgd(net, X, Y, **recipe)``.
    shuffle : bool
        Reshuffle the examples at the start of every epoch.
    seed : int or numpy.random.Generator
        Seed of the shuffling.
    log_every : int, optional
        Log every this many steps; by default once per epoch.
    X_val, Y_val, callback, verbose, forward, backward
        As for :func:`gradient_descent`.

    Returns
    -------
    History

    Raises
    ------
    DivergenceError
        If the loss becomes NaN or infinite.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.random((4, 100)), rng.integers(0, 3, 100)
    >>> net = Network((4, 5, 3), seed=0)
    >>> h = sgd(net, X, Y, alpha=0.1, epochs=3, batch_size=32)
    >>> h.step, h.epoch
    ([4, 8, 12], [1.0, 2.0, 3.0])

    Momentum, weight decay and a learning rate that shrinks by 30 % of ``alpha`` each epoch:

    >>> h = sgd(net, X, Y, alpha=0.1, epochs=3, momentum=0.9, weight_decay=1e-4,
    ...         schedule=lambda e: 1 - 0.3 * e)
    >>> len(h)
    3
    """
    X, Y = _prepare(net, X, Y)
    val = None if X_val is None and Y_val is None else _prepare(net, X_val, Y_val, "X_val", "Y_val")
    check_positive("alpha", alpha)
    check_positive("epochs", epochs, integer=True)
    check_positive("batch_size", batch_size, integer=True)
    if log_every is not None:
        check_positive("log_every", log_every, integer=True)
    if isinstance(momentum, bool) or not (0 <= momentum < 1):
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    if (
        isinstance(weight_decay, bool)
        or not isinstance(weight_decay, numbers.Real)
        or not (0 <= weight_decay < math.inf)
    ):
        raise ValueError(f"weight_decay must be a finite number >= 0, got {weight_decay!r}")
    if isinstance(schedule, str):
        if schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {sorted(SCHEDULES)} or a function, got {schedule!r}")
        schedule = SCHEDULES[schedule](epochs)
    if schedule is not None and not callable(schedule):
        raise TypeError(f"schedule must be a function of the epoch number, got {type(schedule).__name__}")
    xp = net.xp
    forward, backward = _hooks(forward, backward, xp)
    alpha_0 = alpha
    m = X.shape[1]
    # Mini-batches are gathered as rows of Xᵀ, each example contiguous. NumPy's take copies a
    # whole array that is not row-major, so Xᵀ is made row-major once here (MNIST already is:
    # X is the transposed view of its m × 784 images), never once per step.
    XT = np.ascontiguousarray(X.T) if xp is np else X.T
    steps_per_epoch = math.ceil(m / batch_size)
    rng = np.random.default_rng(seed)
    velocity = {"d" + k: xp.zeros_like(P) for k, P in net.params.items()} if momentum else None
    history = History()
    step, epoch, start = 0, 0, 0
    tally = {"seen": 0, "loss": 0.0, "correct": 0, "dead": None}
    L = len(net.params) // 2

    def observe(cache, grads, Yb):
        # Running sums since the last log, which History promises (and the Playground mirrors):
        # each batch's loss is needed anyway, and its check is the divergence check.
        loss = cross_entropy(cache[f"A{L}"], Yb, xp)
        if not math.isfinite(loss):
            raise DivergenceError.at(loss, step, epoch + start / m, alpha, history)
        tally["loss"] += loss * Yb.shape[0]
        tally["correct"] += int(xp.count_nonzero(get_predictions(cache[f"A{L}"], xp) == Yb))
        tally["seen"] += Yb.shape[0]
        # Dead over the evaluation means dead on every batch since the last log;
        # one live batch settles it until then.
        if tally["dead"] != 0 and history.dead_at is None:
            tally["dead"] = dead_layer(cache, xp) or 0

    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs):
            if schedule is not None:
                alpha = scheduled_alpha(alpha_0, schedule, epoch)
            # The order is drawn by NumPy, so every library sees the same batches.
            order = xp.asarray(rng.permutation(m), device=X.device) if shuffle else None
            for start in range(0, m, batch_size):
                if order is None:
                    Xb, Yb = X[:, start : start + batch_size], Y[start : start + batch_size]
                else:
                    idx = order[start : start + batch_size]
                    Xb, Yb = xp.take(XT, idx, axis=0).T, xp.take(Y, idx, axis=0)
                train_step(
                    net.params,
                    Xb,
                    Yb,
                    alpha,
                    forward=forward,
                    backward=backward,
                    weight_decay=weight_decay,
                    momentum=momentum,
                    velocity=velocity,
                    observe=observe,
                    xp=xp,
                )
                step += 1
                end_of_epoch = step % steps_per_epoch == 0
                if (step % log_every == 0) if log_every else end_of_epoch:
                    if tally["dead"]:
                        history.mark_dead(step, tally["dead"])
                    record = dict(
                        step=step,
                        epoch=step / steps_per_epoch,
                        loss=tally["loss"] / tally["seen"],
                        train_accuracy=tally["correct"] / tally["seen"],
                    )
                    _log(history, record, val, net, forward, callback, verbose)
                    tally.update(seen=0, loss=0.0, correct=0, dead=None)
    return history
