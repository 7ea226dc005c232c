"""Training curves: the loss and accuracy of one or several runs against epoch or step."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._checks import pyplot
from .history import DivergenceError, History

if TYPE_CHECKING:  # matplotlib is imported only when a figure is drawn
    from matplotlib.figure import Figure

__all__ = ["plot_history"]

_HISTORY_KEYS = ("step", "epoch", "loss", "train_accuracy", "val_loss", "val_accuracy")


def _as_history_dict(h, where):
    """One run as ``(dict of lists, diverged)``; ``where`` names it in error messages."""
    diverged = isinstance(h, DivergenceError)
    if diverged:
        h = h.history
    if isinstance(h, History):
        h = h.to_dict()
    if not isinstance(h, dict):
        raise TypeError(f"{where} must be a History, its to_dict(), or a DivergenceError, got {type(h).__name__}")
    missing = [k for k in ("step", "epoch", "loss", "train_accuracy") if k not in h]
    if missing:
        raise ValueError(f"{where} is missing the key(s) {missing}; expected the keys of History.to_dict()")
    try:
        run = {k: np.asarray(h.get(k, []), dtype=float).ravel() for k in _HISTORY_KEYS}
    except (TypeError, ValueError):
        raise TypeError(f"{where} must hold lists of numbers under the keys {list(_HISTORY_KEYS)}") from None
    n = len(run["step"])
    for k in _HISTORY_KEYS:
        # Held-out curves are either absent (empty) or logged at every step.
        allowed = (0, n) if k.startswith("val_") else (n,)
        if len(run[k]) not in allowed:
            raise ValueError(
                f"{where}[{k!r}] has {len(run[k])} values but {where}['step'] has {n}: "
                "every key needs one value per logged step"
            )
    return run, diverged


def _is_single_run(obj):
    if isinstance(obj, (History, DivergenceError)):
        return True
    # A History.to_dict() has list values; a dict of runs has History/dict values.
    return isinstance(obj, dict) and "loss" in obj and not isinstance(obj["loss"], (History, dict, DivergenceError))


def _runs(histories, labels):
    if _is_single_run(histories):
        items, names, wheres = [histories], [None], ["histories"]
    elif isinstance(histories, dict):
        items, names = list(histories.values()), [str(k) for k in histories]
        wheres = [f"histories[{k!r}]" for k in histories]
    elif isinstance(histories, (list, tuple)):
        items, names = list(histories), [None] * len(histories)
        wheres = [f"histories[{i}]" for i in range(len(items))]
    else:
        raise TypeError(
            "histories must be a History, a dict from History.to_dict(), or a list or dict of them, "
            f"got {type(histories).__name__}"
        )
    if not items:
        raise ValueError("histories is empty: nothing to plot")
    if labels is not None:
        if isinstance(labels, str):
            labels = [labels]
        labels = list(labels)
        if len(labels) != len(items):
            raise ValueError(f"labels has {len(labels)} entries but there are {len(items)} histories")
        names = [str(s) for s in labels]
    elif len(items) > 1 and names[0] is None:
        names = [f"run {i + 1}" for i in range(len(items))]
    runs = []
    for item, name, where in zip(items, names, wheres, strict=True):
        run, diverged = _as_history_dict(item, where)
        runs.append((name, run, diverged))
    return runs


def plot_history(
    histories, labels=None, *, x: str = "epoch", axes=None, title=None, val_label: str = "validation"
) -> Figure:
    """Loss (left) and accuracy (right) against training time, for one run or several.

    Curves are how we *see* training: a loss that falls and flattens has
    converged, one that climbs has diverged, and a training accuracy that
    keeps rising while the held-out accuracy stalls is overfitting. Each run
    gets one colour; its training curve is solid and its held-out
    (validation or test) curve dashed, so several runs on the same two axes
    stay comparable.

    Parameters
    ----------
    histories : History, dict, DivergenceError, or a list or dict of them
        What [`gradient_descent`][nn_scratch.training.gradient_descent] or
        [`sgd`][nn_scratch.training.sgd] returned, or its ``to_dict()``
        (for instance read back from JSON). A dict ``{label: history}`` plots
        several runs, labelled by its keys. A run that diverged can be passed
        as its ``DivergenceError`` (or its ``.history``): its curves stop
        where training stopped, and the error's last point is marked ×.
    labels : list of str, optional
        Names of the runs for the legend (overrides the keys of a dict).
    x : {"epoch", "step"}
        Horizontal axis: passes over the training set, or parameter updates.
        They coincide for full-batch gradient descent; for mini-batch SGD one
        epoch is many steps, so compare runs of different batch sizes by epoch.
    axes : sequence of two matplotlib Axes, optional
        Draw into these (loss, accuracy) instead of a new figure.
    title : str, optional
        Title above both panels.
    val_label : str
        Legend name of the dashed curves, e.g. ``"test"`` when the held-out
        data passed to training was the test set.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nn_scratch import Network, gradient_descent
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.random((4, 30)), rng.integers(0, 3, 30)
    >>> h = gradient_descent(Network((4, 5, 3), seed=0), X, Y, iterations=20, X_val=X, Y_val=Y)
    >>> fig = plot_history(h)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['cross-entropy loss', 'accuracy']
    >>> len(fig.axes[0].lines)          # train (solid) and validation (dashed)
    2
    >>> fig2 = plot_history({"α = 0.1": h, "copy": h.to_dict()}, x="step")
    >>> [t.get_text() for t in fig2.axes[1].get_legend().get_texts()]
    ['α = 0.1', 'copy', 'train', 'validation']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    if x not in ("epoch", "step"):
        raise ValueError(f'x must be "epoch" or "step", got {x!r}')
    runs = _runs(histories, labels)
    plt = pyplot()
    from matplotlib.lines import Line2D

    if axes is None:
        fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    else:
        try:
            ax_loss, ax_acc = axes
        except (TypeError, ValueError):
            raise ValueError("axes must be a pair (loss_axes, accuracy_axes) of matplotlib Axes") from None
        fig = ax_loss.figure

    any_val = False
    handles = []
    for i, (name, run, diverged) in enumerate(runs):
        colour = f"C{i % 10}"
        xs = run[x]
        ax_loss.plot(xs, run["loss"], color=colour, linestyle="-")
        ax_acc.plot(xs, run["train_accuracy"], color=colour, linestyle="-")
        if len(run["val_loss"]):
            any_val = True
            ax_loss.plot(xs, run["val_loss"], color=colour, linestyle="--")
            ax_acc.plot(xs, run["val_accuracy"], color=colour, linestyle="--")
        if diverged and len(xs):
            # Where it stopped: the next step's loss was NaN or inf.
            ax_loss.plot(xs[-1:], run["loss"][-1:], color=colour, marker="x", markersize=10, linestyle="none")
        if name is not None:
            handles.append(Line2D([], [], color=colour, label=name + (" (diverged)" if diverged else "")))
    # One legend: colours name the runs, line styles name the data.
    style = "C0" if len(runs) == 1 and runs[0][0] is None else "0.35"
    handles.append(Line2D([], [], color=style, linestyle="-", label="train"))
    if any_val:
        handles.append(Line2D([], [], color=style, linestyle="--", label=val_label))
    if len(runs) == 1:
        ax_acc.legend(handles=handles, loc="best", fontsize="small")
    else:  # several runs: outside, on the right, where it cannot hide a curve
        ax_acc.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1), fontsize="small")

    xlabel = "epoch (passes over the training set)" if x == "epoch" else "step (parameter updates)"
    for ax, ylabel in ((ax_loss, "cross-entropy loss"), (ax_acc, "accuracy")):
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
    if title is not None:
        fig.suptitle(title)
    return fig
