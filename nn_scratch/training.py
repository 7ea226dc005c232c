r"""Training: full-batch gradient descent and mini-batch stochastic gradient descent.

Both repeat the same three steps — forward, backward, $W := W - \alpha\,dW$ —
and differ only in how many examples each step sees: all $m$ of them, or a
shuffled mini-batch. Both return a :class:`History` that a plot can use
directly, and both stop with a :class:`DivergenceError` as soon as the loss
is no longer a finite number.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass, field

import numpy as np

from ._checks import check_labels, check_matrix, check_positive
from .maths import cross_entropy, get_accuracy, get_predictions
# The unchecked cores of forward_prop, backward_prop and update_params: sgd
# checks X and Y once (in _prepare), not again at each of its many small steps.
from .network import Network, _backward, _forward, _update

__all__ = ["History", "DivergenceError", "gradient_descent", "sgd"]


@dataclass
class History:
    """What training logged: one entry per logged step, in lists of equal length.

    ``step`` counts parameter updates made so far and ``epoch`` counts passes
    over the training set (one full-batch iteration is one epoch). ``loss`` and
    ``train_accuracy`` are on the training data; ``val_loss`` and
    ``val_accuracy`` stay empty unless held-out data was given.

    Examples
    --------
    >>> h = History()
    >>> h.append(step=0, epoch=0.0, loss=2.3, train_accuracy=0.1)
    >>> h.to_dict()["loss"], len(h)
    ([2.3], 1)
    """

    step: list = field(default_factory=list)
    epoch: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)

    def append(self, *, step, epoch, loss, train_accuracy, val_loss=None, val_accuracy=None):
        """Add one logged step."""
        self.step.append(int(step))
        self.epoch.append(float(epoch))
        self.loss.append(float(loss))
        self.train_accuracy.append(float(train_accuracy))
        if val_accuracy is not None:
            self.val_loss.append(float(val_loss))
            self.val_accuracy.append(float(val_accuracy))

    def last(self) -> dict:
        """The most recent entry as a dict (empty if nothing was logged)."""
        return {k: v[-1] for k, v in asdict(self).items() if v}

    def to_dict(self) -> dict:
        """Plain lists, ready for ``json.dump`` or a DataFrame."""
        return asdict(self)

    def __len__(self) -> int:
        return len(self.step)


class DivergenceError(FloatingPointError):
    """Training stopped because the loss became NaN or infinite.

    The parameters are no longer usable; ``history`` holds what was logged
    before it happened, so the curve up to the divergence can still be drawn.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, Y = 100 * rng.standard_normal((4, 30)), rng.integers(0, 3, 30)
    >>> try:
    ...     gradient_descent(Network((4, 5, 3)), X, Y, alpha=1e3, iterations=50, log_every=1)
    ... except DivergenceError as error:
    ...     print(len(error.history) > 0, "smaller" in str(error))
    True True
    """

    def __init__(self, message: str, history: History):
        super().__init__(message)
        self.history = history


def _prepare(net, X, Y, name_X="X", name_Y="Y"):
    if not isinstance(net, Network):
        raise TypeError(f"net must be an nn_scratch Network, got {type(net).__name__}")
    X = check_matrix(name_X, X, rows=net.layer_sizes[0])
    Y = check_labels(name_Y, Y, m=X.shape[1], num_classes=net.layer_sizes[-1])
    # Cast once, here: a float64 X against float32 weights would silently
    # upcast every product in the loop.
    return X.astype(net.dtype, copy=False), Y


def _evaluate(net, X, Y):
    A, _ = net.forward(X)
    return cross_entropy(A, Y), get_accuracy(get_predictions(A), Y)


def _diverged(loss, step, epoch, alpha, history):
    return DivergenceError(
        f"training diverged at step {step} (epoch {epoch:g}): the loss became {loss}. "
        f"The learning rate alpha={alpha:g} is probably too large; try a smaller one, "
        f"such as {alpha / 10:g}.",
        history,
    )


def _scheduled_alpha(alpha_0, schedule, epoch):
    factor = schedule(epoch)
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not (0 < factor < math.inf):
        raise ValueError(f"schedule({epoch}) must return a positive finite factor, got {factor!r}")
    return alpha_0 * float(factor)


def _log(history, record, val, net, callback, verbose):
    if val is not None:
        record["val_loss"], record["val_accuracy"] = _evaluate(net, *val)
    history.append(**record)
    if verbose:
        line = f"step {record['step']:>6}  epoch {record['epoch']:7.2f}  loss {record['loss']:.4f}  acc {record['train_accuracy']:.4f}"
        if val is not None:
            line += f"  val_acc {record['val_accuracy']:.4f}"
        print(line)
    if callback is not None:
        callback(history.last())


def gradient_descent(
    net: Network,
    X,
    Y,
    *,
    alpha: float = 0.1,
    iterations: int = 500,
    log_every: int = 10,
    X_val=None,
    Y_val=None,
    callback=None,
    verbose: bool = False,
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
    history = History()
    # Overflow inside a diverging run is reported by the loss check below.
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(iterations + 1):
            A, cache = net.forward(X)
            loss = cross_entropy(A, Y)
            if not math.isfinite(loss):
                raise _diverged(loss, k, k, alpha, history)
            if k % log_every == 0 or k == iterations:
                acc = get_accuracy(get_predictions(A), Y)
                _log(history, dict(step=k, epoch=k, loss=loss, train_accuracy=acc), val, net, callback, verbose)
            if k == iterations:
                break
            grads = net.backward(cache, Y)
            net.update(grads, alpha)
    return history


def sgd(
    net: Network,
    X,
    Y,
    *,
    alpha: float = 0.1,
    epochs: int = 10,
    batch_size: int = 64,
    momentum: float = 0.0,
    weight_decay: float = 0.0,
    schedule=None,
    shuffle: bool = True,
    seed=0,
    log_every: int | None = None,
    X_val=None,
    Y_val=None,
    callback=None,
    verbose: bool = False,
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
    seen since the previous log — free to compute, since each batch's forward
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
    schedule : callable, optional
        ``schedule(epoch)`` returns the factor by which ``alpha`` is multiplied
        during epoch ``epoch`` (0, 1, …), like PyTorch's ``LambdaLR``; for
        example ``lambda e: 0.5 ** (e // 5)`` halves the rate every 5 epochs.
    shuffle : bool
        Reshuffle the examples at the start of every epoch.
    seed : int or numpy.random.Generator
        Seed of the shuffling.
    log_every : int, optional
        Log every this many steps; by default once per epoch.
    X_val, Y_val, callback, verbose
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
    if isinstance(weight_decay, bool) or not isinstance(weight_decay, numbers.Real) or not (0 <= weight_decay < math.inf):
        raise ValueError(f"weight_decay must be a finite number >= 0, got {weight_decay!r}")
    if schedule is not None and not callable(schedule):
        raise TypeError(f"schedule must be a function of the epoch number, got {type(schedule).__name__}")
    alpha_0 = alpha
    m = X.shape[1]
    steps_per_epoch = math.ceil(m / batch_size)
    rng = np.random.default_rng(seed)
    velocity = {"d" + k: np.zeros_like(P) for k, P in net.params.items()} if momentum else None
    history = History()
    step, seen, loss_sum, correct = 0, 0, 0.0, 0
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs):
            if schedule is not None:
                alpha = _scheduled_alpha(alpha_0, schedule, epoch)
            order = rng.permutation(m) if shuffle else None
            for start in range(0, m, batch_size):
                if order is None:
                    Xb, Yb = X[:, start : start + batch_size], Y[start : start + batch_size]
                else:
                    idx = order[start : start + batch_size]
                    Xb, Yb = X[:, idx], Y[idx]
                A, cache = _forward(net.params, Xb)
                loss = cross_entropy(A, Yb)
                if not math.isfinite(loss):
                    raise _diverged(loss, step, epoch + start / m, alpha, history)
                loss_sum += loss * Yb.shape[0]
                correct += int(np.count_nonzero(get_predictions(A) == Yb))
                seen += Yb.shape[0]
                # --8<-- [start:sgd-step]
                grads = _backward(net.params, cache, Yb)
                if weight_decay:  # the gradient of (λ/2)‖W‖² is λW
                    for k, P in net.params.items():
                        if k[0] == "W":
                            grads["d" + k] += weight_decay * P
                if velocity is None:
                    _update(net.params, grads, alpha)
                else:
                    for k, g in grads.items():
                        velocity[k] *= momentum
                        velocity[k] += g
                    _update(net.params, velocity, alpha)
                # --8<-- [end:sgd-step]
                step += 1
                end_of_epoch = step % steps_per_epoch == 0
                if (step % log_every == 0) if log_every else end_of_epoch:
                    record = dict(
                        step=step,
                        epoch=step / steps_per_epoch,
                        loss=loss_sum / seen,
                        train_accuracy=correct / seen,
                    )
                    _log(history, record, val, net, callback, verbose)
                    seen, loss_sum, correct = 0, 0.0, 0
    return history
