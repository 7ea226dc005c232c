r"""Training: the one step, full-batch gradient descent, mini-batch SGD, learning-rate schedules.

Both loops take the same step, :func:`train_step` — forward, backward, $W := W - \alpha\,dW$ —
and differ only in how many examples each step sees: all $m$ of them, or a shuffled
mini-batch. Both return a :class:`~nn_scratch.history.History` and stop with a
:class:`~nn_scratch.history.DivergenceError` as soon as the loss is not finite.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import numpy as np
from numpy.typing import ArrayLike

from ._checks import check_count, check_positive, check_real
from .history import DivergenceError, History, dead_layer
from .maths import cross_entropy, get_accuracy, get_predictions
from .network import Network, backward_prop, forward_prop, update_params

__all__ = ["train_step", "diverged", "gradient_descent", "sgd", "SCHEDULES", "cosine_schedule", "scheduled_alpha"]

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
) -> tuple[dict, dict]:
    r"""One step of gradient descent on the batch ``(X, Y)``, in place.

    Forward propagation, backpropagation, then
    $W := W - \alpha\,(dW + \lambda W)$ — or, with a ``velocity`` dict
    (zeros shaped like the gradients), $v := \mu v + dW$, $W := W - \alpha v$.
    :func:`gradient_descent`, :func:`sgd` and the benchmarks all take their
    steps here. Nothing is checked and no loss is computed: the callers check
    their inputs once, and read what they log from the returned cache.

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
        replacement to train exactly the loop the documentation quotes.
    weight_decay, momentum, velocity
        $\lambda$, $\mu$ and the running direction $v$ (None for plain steps).
    observe : callable, optional
        ``observe(cache, grads, Y)``, called after backpropagation and before any
        parameter changes, so it may stop the step by raising.

    Returns
    -------
    cache, grads : dict
        What forward propagation and backpropagation made: the caller logs from
        ``cache`` and checks ``grads`` for divergence (:func:`diverged`).

    Examples
    --------
    >>> from nn_scratch.network import init_params
    >>> from nn_scratch.maths import cross_entropy
    >>> params = init_params((4, 5, 3), seed=0)
    >>> X, Y = np.random.default_rng(0).random((4, 8), dtype=np.float32), np.arange(8) % 3
    >>> before = cross_entropy(forward_prop(params, X)[0], Y)
    >>> cache, grads = train_step(params, X, Y, 0.5)
    >>> cache, grads = train_step(params, X, Y, 0.5)
    >>> cross_entropy(forward_prop(params, X)[0], Y) < before
    True
    """
    # --8<-- [start:sgd-step]
    A, cache = forward(params, X)
    grads = backward(params, cache, Y)
    if observe is not None:  # an experiment's look at the step, before anything changes
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
    return cache, grads


def diverged(grads: dict, L: int, xp) -> bool:
    """Whether the step that made ``grads`` diverged: the training run's one failing-run rule.

    Both loops check every step with it. A NaN or inf anywhere in the network's
    input to softmax makes that example's column of ``A[L]`` NaN, hence its loss
    and its column of ``dZ[L]``; so the sum of ``db[L]`` — ``n_L`` numbers already
    computed, zero in exact arithmetic — is finite exactly when the loss is
    (cross-entropy clips probabilities, so it is never infinite on finite ``A[L]``).
    Checking it costs nothing, where the loss itself would cost a pass over
    ``A[L]`` at every step; the loss is computed only for the message.

    Examples
    --------
    >>> diverged({"db2": np.array([[0.25], [-0.25]])}, L=2, xp=np)
    False
    >>> diverged({"db2": np.array([[np.nan], [0.0]])}, L=2, xp=np)
    True
    """
    return not math.isfinite(float(xp.sum(grads[f"db{L}"])))


def cosine_schedule(epochs: int) -> Callable[[int], float]:
    r"""The schedule $e \mapsto \tfrac12 (1 + \cos(\pi e / E))$ over $E$ epochs: 1 at the start, near 0 at the end.

    Examples
    --------
    >>> s = cosine_schedule(4)
    >>> [round(s(e), 3) for e in range(4)]
    [1.0, 0.854, 0.5, 0.146]
    """
    return lambda e: 0.5 * (1 + math.cos(math.pi * e / epochs))


SCHEDULES = {"cosine": cosine_schedule}
"""Schedules :func:`sgd` knows by name, so that a training recipe can be plain data (JSON)."""


def scheduled_alpha(alpha_0: float, schedule: Callable[[int], float], epoch: int) -> float:
    """``alpha_0`` times ``schedule(epoch)``, after checking the factor is positive and finite.

    Examples
    --------
    >>> round(scheduled_alpha(0.1, cosine_schedule(2), 1), 6)
    0.05
    """
    factor = schedule(epoch)
    check_real(f"schedule({epoch})", factor, lambda f: 0 < f < math.inf, "must return a positive finite factor")
    return alpha_0 * float(factor)


def _prepare(net, X, Y, X_val, Y_val):
    """The training and held-out data checked once, at the door, in the network's library and dtype."""
    if not isinstance(net, Network):
        raise TypeError(f"net must be an nn_scratch Network, got {type(net).__name__}")
    X = net.check_X(X)
    Y = net.check_Y(Y, m=X.shape[1])
    if X_val is None and Y_val is None:
        return X, Y, None
    X_val = net.check_X(X_val, "X_val")
    return X, Y, (X_val, net.check_Y(Y_val, m=X_val.shape[1], name="Y_val"))


def _passes(forward, backward, xp):
    """The forward and backward passes: the caller's replacements, or the package's own bound to ``xp``."""
    for name, given in (("forward", forward), ("backward", backward)):
        if given is not None and not callable(given):
            raise TypeError(f"{name} must be a function, got {type(given).__name__}")
    return forward or partial(forward_prop, xp=xp), backward or partial(backward_prop, xp=xp)


def _log(history, record, val, net, forward, callback, verbose):
    if val is not None:
        X_val, Y_val = val
        A, _ = forward(net.params, X_val)
        record["val_loss"] = cross_entropy(A, Y_val, net.xp)
        record["val_accuracy"] = get_accuracy(get_predictions(A, net.xp), Y_val)
    history.log(record, callback=callback, verbose=verbose)


def _divergence(cache, Y, L, xp, step, epoch, alpha, history) -> DivergenceError:
    # The error for a step that failed the one rule (diverged); the loss is computed only for the message.
    return DivergenceError.at(cross_entropy(cache[f"A{L}"], Y, xp), step, epoch, alpha, history)


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
        Replacements for forward propagation or backpropagation, as in :func:`train_step`;
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
    X, Y, val = _prepare(net, X, Y, X_val, Y_val)
    check_positive("alpha", alpha)
    check_count("iterations", iterations)
    check_count("log_every", log_every)
    xp = net.xp
    forward, backward = _passes(forward, backward, xp)
    L = len(net.params) // 2
    history = History()

    def log(k, cache):
        # The values logged at step k are those of the parameters after k updates.
        if history.dead_at is None and (layer := dead_layer(cache, xp)) is not None:
            history.mark_dead(k, layer)
        A = cache[f"A{L}"]
        record = dict(
            step=k, epoch=k, loss=cross_entropy(A, Y, xp), train_accuracy=get_accuracy(get_predictions(A, xp), Y)
        )
        _log(history, record, val, net, forward, callback, verbose)

    # Overflow inside a diverging run is reported by the divergence check.
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(iterations):
            cache, grads = train_step(net.params, X, Y, alpha, forward=forward, backward=backward)
            if diverged(grads, L, xp):
                raise _divergence(cache, Y, L, xp, k, k, alpha, history)
            if k % log_every == 0:
                log(k, cache)
        log(iterations, forward(net.params, X)[1])
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
    X, Y, val = _prepare(net, X, Y, X_val, Y_val)
    schedule = _check_sgd_settings(alpha, epochs, batch_size, log_every, momentum, weight_decay, schedule)
    xp = net.xp
    forward, backward = _passes(forward, backward, xp)
    L = len(net.params) // 2
    m = X.shape[1]
    steps_per_epoch = math.ceil(m / batch_size)
    every = log_every or steps_per_epoch
    velocity = {"d" + k: xp.zeros_like(P) for k, P in net.params.items()} if momentum else None
    history, tally = History(), _Tally(xp, L)
    alphas = [alpha if schedule is None else scheduled_alpha(alpha, schedule, e) for e in range(epochs)]
    batches = _batches(X, Y, batch_size, epochs, shuffle, np.random.default_rng(seed), xp)
    with np.errstate(over="ignore", invalid="ignore"):
        for step, (epoch, Xb, Yb) in enumerate(batches, start=1):
            alpha_e = alphas[epoch]
            cache, grads = train_step(
                net.params, Xb, Yb, alpha_e, forward=forward, backward=backward,
                weight_decay=weight_decay, momentum=momentum, velocity=velocity,
            )  # fmt: skip
            if diverged(grads, L, xp):
                raise _divergence(cache, Yb, L, xp, step - 1, (step - 1) / steps_per_epoch, alpha_e, history)
            tally.add(cache, Yb, watch_dead=history.dead_at is None)
            if step % every == 0:
                _log(history, tally.record(step, steps_per_epoch, history), val, net, forward, callback, verbose)
    return history


def _check_sgd_settings(alpha, epochs, batch_size, log_every, momentum, weight_decay, schedule):
    """Every setting of :func:`sgd` checked; the schedule as a function (a name looked up in SCHEDULES)."""
    check_positive("alpha", alpha)
    check_count("epochs", epochs)
    check_count("batch_size", batch_size)
    if log_every is not None:
        check_count("log_every", log_every)
    check_real("momentum", momentum, lambda mu: 0 <= mu < 1, "must be in [0, 1)")
    check_real("weight_decay", weight_decay, lambda lam: 0 <= lam < math.inf, "must be a finite number >= 0")
    if isinstance(schedule, str):
        if schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {sorted(SCHEDULES)} or a function, got {schedule!r}")
        return SCHEDULES[schedule](epochs)
    if schedule is not None and not callable(schedule):
        raise TypeError(f"schedule must be a function of the epoch number, got {type(schedule).__name__}")
    return schedule


def _batches(X, Y, batch_size, epochs, shuffle, rng, xp):
    """Yield ``(epoch, X_batch, Y_batch)``: every epoch walks through the examples ``batch_size`` at a time."""
    m = X.shape[1]
    # Mini-batches are gathered as rows of Xᵀ, each example contiguous. NumPy's take copies a
    # whole array that is not row-major, so Xᵀ is made row-major once here (MNIST already is:
    # X is the transposed view of its m × 784 images), never once per step.
    XT = np.ascontiguousarray(X.T) if xp is np else X.T
    for epoch in range(epochs):
        if not shuffle:
            for start in range(0, m, batch_size):
                yield epoch, X[:, start : start + batch_size], Y[start : start + batch_size]
            continue
        # The order is drawn by NumPy, so every library sees the same batches.
        order = xp.asarray(rng.permutation(m), device=X.device)
        for start in range(0, m, batch_size):
            idx = order[start : start + batch_size]
            yield epoch, xp.take(XT, idx, axis=0).T, xp.take(Y, idx, axis=0)


class _Tally:
    """Running sums since the last log, which History promises (and the Playground mirrors).

    Each batch's loss and correct predictions come from the output its step
    already computed. A step only keeps a reference to that output and its
    labels; they are read together, in a few array operations, when a line is
    logged, or once they hold ``_FOLD`` examples, so that a rare log holds little memory.
    """

    _FOLD = 4096  # examples whose outputs are kept before they are summed (n_L × 4096 numbers)

    def __init__(self, xp, L):
        self.xp, self.L = xp, L
        self.reset()

    def reset(self):
        self.outputs, self.labels, self.kept, self.dead = [], [], 0, None
        self.loss, self.hits, self.seen = 0.0, 0, 0

    def add(self, cache, Y, *, watch_dead):
        self.outputs.append(cache[f"A{self.L}"])
        self.labels.append(Y)
        self.kept += Y.shape[0]
        if self.kept >= self._FOLD:
            self._fold()
        # Dead over the evaluation means dead on every batch since the last log;
        # one live batch settles it until then.
        if watch_dead and self.dead != 0:
            self.dead = dead_layer(cache, self.xp) or 0

    def _fold(self):
        xp = self.xp
        A, Y = xp.concat(self.outputs, axis=1), xp.concat(self.labels)
        m = Y.shape[0]
        # Example i's loss is −log A[Y[i], i]: that entry, at Y[i]·m + i of A read row by row.
        p = xp.take(xp.reshape(A, (-1,)), Y * m + xp.arange(m, device=Y.device))
        # cross_entropy's clip: a probability of exactly 0 gives a large finite loss, not inf.
        self.loss -= float(xp.sum(xp.log(xp.maximum(p, xp.finfo(p.dtype).smallest_normal))))
        self.hits += int(xp.count_nonzero(xp.argmax(A, axis=0) == Y))
        self.seen += m
        self.outputs, self.labels, self.kept = [], [], 0

    def record(self, step, steps_per_epoch, history) -> dict:
        if self.dead:
            history.mark_dead(step, self.dead)
        if self.outputs:
            self._fold()
        record = dict(
            step=step,
            epoch=step / steps_per_epoch,
            loss=self.loss / self.seen,
            train_accuracy=self.hits / self.seen,
        )
        self.reset()
        return record
