"""What training records: the :class:`History` of logged values, and how training stops or warns.

:func:`~nn_scratch.training.gradient_descent` and :func:`~nn_scratch.training.sgd`
return a :class:`History`; they raise :class:`DivergenceError` when the loss
stops being finite, and warn with :class:`DeadNetworkWarning` when a whole
hidden layer has died.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field

from ._arrays import namespace

__all__ = ["History", "DivergenceError", "DeadNetworkWarning", "dead_layer"]


@dataclass
class History:
    """What training logged: one entry per logged step, in lists of equal length.

    ``step`` counts parameter updates made so far and ``epoch`` counts passes
    over the training set (one full-batch iteration is one epoch). ``loss`` and
    ``train_accuracy`` are on the training data; ``val_loss`` and
    ``val_accuracy`` stay empty unless held-out data was given. ``dead_at`` is
    the step at which training found a dead network (see
    :class:`DeadNetworkWarning`), or None.

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
    dead_at: int | None = None
    """The step at which a whole hidden layer was first found dead (None while alive)."""

    def append(self, *, step, epoch, loss, train_accuracy, val_loss=None, val_accuracy=None):
        """Add one logged step."""
        self.step.append(int(step))
        self.epoch.append(float(epoch))
        self.loss.append(float(loss))
        self.train_accuracy.append(float(train_accuracy))
        if val_accuracy is not None:
            self.val_loss.append(float(val_loss))
            self.val_accuracy.append(float(val_accuracy))

    def log(self, record: dict, *, callback=None, verbose: bool = False) -> None:
        """:meth:`append` ``record``, print it if ``verbose``, then call ``callback`` with it."""
        self.append(**record)
        if verbose:
            line = (
                f"step {record['step']:>6}  epoch {record['epoch']:7.2f}  "
                f"loss {record['loss']:.4f}  acc {record['train_accuracy']:.4f}"
            )
            if "val_accuracy" in record:
                line += f"  val_acc {record['val_accuracy']:.4f}"
            print(line)
        if callback is not None:
            callback(self.last())

    def mark_dead(self, step: int, layer: int) -> None:
        """Record that hidden layer ``layer`` was dead at ``step``; warn the first time only."""
        if self.dead_at is None:
            self.dead_at = step
            warnings.warn(
                f"the network is dead at step {step}: every unit of hidden layer {layer} outputs zero on every "
                "example, so it predicts one class for all inputs and no gradient can revive it. "
                "The learning rate is probably too large.",
                DeadNetworkWarning,
                stacklevel=4,
            )

    def last(self) -> dict:
        """The most recent entry as a dict (empty if nothing was logged)."""
        return {k: v[-1] for k, v in asdict(self).items() if isinstance(v, list) and v}

    def to_dict(self) -> dict:
        """The logged lists (without ``dead_at``), ready for ``json.dump`` or a DataFrame."""
        return {k: v for k, v in asdict(self).items() if isinstance(v, list)}

    def __len__(self) -> int:
        return len(self.step)


class DivergenceError(FloatingPointError):
    """Training stopped because the loss became NaN or infinite.

    The parameters are no longer usable; ``history`` holds what was logged
    before it happened, so the curve up to the divergence can still be drawn.

    Examples
    --------
    >>> from nn_scratch import Network, gradient_descent
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

    @classmethod
    def at(cls, loss: float, step: int, epoch: float, alpha: float, history: History) -> DivergenceError:
        """The error for a loss that became ``loss`` at ``step``, with advice on ``alpha``."""
        return cls(
            f"training diverged at step {step} (epoch {epoch:g}): the loss became {loss}. "
            f"The learning rate alpha={alpha:g} is probably too large; try a smaller one, "
            f"such as {alpha / 10:g}.",
            history,
        )


class DeadNetworkWarning(RuntimeWarning):
    """Every unit of a hidden layer output zero on every example of an evaluation.

    With ReLU, a too-large learning rate usually kills the units long before the
    loss becomes NaN: once a whole layer outputs zero, the network predicts the
    same class for every input and no gradient reaches the layers below it, so
    training cannot revive it. Training warns once and records the step in
    :attr:`History.dead_at`.

    Examples
    --------
    >>> from nn_scratch import Network, gradient_descent
    >>> net = Network((4, 3, 2), seed=0)
    >>> net.params["b1"][:] = -100.0  # every hidden unit below zero for these inputs
    >>> X, Y = np.random.default_rng(0).random((4, 8)), np.zeros(8, dtype=int)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     h = gradient_descent(net, X, Y, iterations=5, log_every=1)
    >>> len(caught), h.dead_at
    (1, 0)
    """


def dead_layer(cache: dict, xp=None) -> int | None:
    """The first hidden layer whose every output in ``cache`` is zero (None if there is none).

    A cache without the hidden activations (from a forward= replacement) is not checked.
    ``xp`` is the array namespace of the cache, when the caller knows it already.

    Examples
    --------
    >>> dead_layer({"A0": np.ones((2, 3)), "A1": np.zeros((4, 3)), "A2": np.ones((2, 3))})
    1
    """
    xp = namespace(*cache.values(), xp=xp)
    l = 1
    while f"A{l + 1}" in cache:
        if not bool(xp.any(cache[f"A{l}"])):
            return l
        l += 1
    return None
