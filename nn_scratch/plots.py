r"""Plots for the notebooks and the site: training curves, digits, confusion matrix, weights.

Each function draws one kind of figure and returns the matplotlib ``Figure``,
so a notebook shows it and a script can ``fig.savefig(...)`` it. matplotlib is
imported inside the functions, not when this module is imported: the network
itself needs nothing but NumPy, and
[`confusion_matrix`][nn_scratch.plots.confusion_matrix] works without
matplotlib installed.

Images follow the package's convention that examples are **columns**: a batch
of digits is a 784 × m matrix ``X``, and column ``i`` reshaped to 28 × 28 is
the ``i``-th picture. Likewise row ``k`` of ``W1`` (10 × 784) holds the 784
weights of hidden unit ``k``, one per pixel, so it too can be drawn as a
28 × 28 picture.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ._checks import check_count, check_labels, check_matrix, pyplot
from .history import DivergenceError, History
from .idx import SIDE

if TYPE_CHECKING:  # matplotlib is imported only when a figure is drawn
    from matplotlib.figure import Figure

__all__ = [
    "plot_history",
    "confusion_matrix",
    "plot_digits",
    "plot_confusion_matrix",
    "plot_weights",
]


# --------------------------------------------------------------------------- confusion matrix


def confusion_matrix(Y_true, Y_pred, num_classes: int = 10) -> np.ndarray:
    r"""Count how often each true class is predicted as each class.

    Entry $C_{ij}$ is the number of examples whose label is $i$ and whose
    prediction is $j$: rows are the truth, columns the prediction. The
    diagonal holds the correct answers, so $\operatorname{tr} C / m$ is the
    accuracy, and every off-diagonal entry names one specific confusion
    (a 4 read as a 9) that a single accuracy number hides.

    The counting is one ``np.bincount``: the pair $(i, j)$ is encoded
    as the single index $K i + j$ with $K$ = ``num_classes``.

    Parameters
    ----------
    Y_true : array of shape (m,)
        Integer labels in ``0 … num_classes − 1``.
    Y_pred : array of shape (m,)
        Predicted classes, same range and length.
    num_classes : int
        $K$, the size of the matrix (10 for digits) — fixed, so that a class
        absent from a small batch still gets its row and column.

    Returns
    -------
    ndarray of shape (num_classes, num_classes), int64
        The counts; they add up to $m$.

    Examples
    --------
    Three examples of class 0, one read as a 2:

    >>> confusion_matrix([0, 0, 0, 1, 2], [0, 2, 0, 1, 2], num_classes=3)
    array([[2, 0, 1],
           [0, 1, 0],
           [0, 0, 1]])
    >>> C = confusion_matrix([3, 3, 7], [3, 8, 7])
    >>> C.shape, int(C.trace()), int(C.sum())
    ((10, 10), 2, 3)
    """
    K = check_count("num_classes", num_classes, minimum=2)
    Y_true = check_labels("Y_true", Y_true, num_classes=K)
    Y_pred = check_labels("Y_pred", Y_pred, num_classes=K)
    if Y_true.shape != Y_pred.shape:
        raise ValueError(f"Y_true and Y_pred must have the same length, got {Y_true.shape[0]} and {Y_pred.shape[0]}")
    return np.bincount(K * Y_true + Y_pred, minlength=K * K).reshape(K, K).astype(np.int64)


# --------------------------------------------------------------------------- images


def _images(name, X, max_images):
    X = np.asarray(X)
    if X.ndim == 1:
        X = X.reshape(-1, 1)  # a single image
    X = check_matrix(name, X, rows=SIDE * SIDE)
    m = X.shape[1]
    if m > max_images:
        raise ValueError(
            f"{name} has {m} images (columns) but at most max_images={max_images} are drawn; "
            f"pass a slice such as {name}[:, :{max_images}]"
        )
    return X, m


def _grid(plt, m, ncols, cell=1.0, extra_height=0.0):
    ncols = min(check_count("ncols", ncols), m)
    nrows = math.ceil(m / ncols)
    fig, axs = plt.subplots(
        nrows, ncols, figsize=(cell * ncols, cell * 1.15 * nrows + extra_height), squeeze=False, layout="constrained"
    )
    axs = axs.ravel()
    for ax in axs[m:]:
        ax.remove()  # the empty cells of the last row
    return fig, axs[:m]


def plot_digits(
    X, labels=None, predictions=None, ncols: int = 10, *, max_images: int = 100, cmap="gray_r", title=None
) -> Figure:
    """A grid of digits, each column of ``X`` drawn as a 28 × 28 picture.

    Looking at the images a network gets wrong is the quickest sanity check
    there is: some errors are digits a person would misread too, others show
    a bug. Each picture is titled with the prediction (or, without
    predictions, the label); a wrong prediction is red and shows the true
    label in brackets.

    Parameters
    ----------
    X : ndarray of shape (784, m)
        Images as columns, pixel values in [0, 1]; ``m ≤ max_images``.
    labels : array of shape (m,), optional
        True classes.
    predictions : array of shape (m,), optional
        Predicted classes.
    ncols : int
        Pictures per row.
    max_images : int
        Refuse more columns than this: each image is a matplotlib subplot, and a
        whole training set of them would take far too long to draw.
    cmap : str
        Colormap; ``"gray_r"`` draws dark ink on white paper.
    title : str, optional
        Title above the grid.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> X = np.zeros((784, 3)); X[300:320, :] = 1.0
    >>> fig = plot_digits(X, labels=[1, 2, 3], predictions=[1, 2, 5])
    >>> len(fig.axes)
    3
    >>> [ax.get_title() for ax in fig.axes]
    ['1', '2', '5 (3)']
    >>> fig.axes[2].title.get_color()
    'tab:red'
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    X, m = _images("X", X, check_count("max_images", max_images))
    if labels is not None:
        labels = check_labels("labels", labels, m=m)
    if predictions is not None:
        predictions = check_labels("predictions", predictions, m=m)
    plt = pyplot()
    # Small cells: a notebook scales a figure down to its column, and titles must stay legible.
    fig, axs = _grid(plt, m, ncols, cell=0.8, extra_height=0.4 if title else 0.0)
    vmin, vmax = min(0.0, float(X.min())), max(1.0, float(X.max()))
    for i, ax in enumerate(axs):
        ax.imshow(X[:, i].reshape(SIDE, SIDE), cmap=cmap, vmin=vmin, vmax=vmax)
        ax.set_xticks([])
        ax.set_yticks([])
        if predictions is not None:
            wrong = labels is not None and predictions[i] != labels[i]
            text = f"{predictions[i]} ({labels[i]})" if wrong else f"{predictions[i]}"
            ax.set_title(text, color="tab:red" if wrong else "black", fontsize="large")
        elif labels is not None:
            ax.set_title(f"{labels[i]}", fontsize="large")
    if title is not None:
        fig.suptitle(title)
    return fig


def _loss_and_accuracy_axes(axes):
    """A new figure of two panels, or the figure of the pair of ``axes`` given."""
    if axes is None:
        fig, (ax_loss, ax_acc) = pyplot().subplots(1, 2, figsize=(10, 3.8), layout="constrained")
        return fig, ax_loss, ax_acc
    try:
        ax_loss, ax_acc = axes
    except (TypeError, ValueError):
        raise ValueError("axes must be a pair (loss_axes, accuracy_axes) of matplotlib Axes") from None
    return ax_loss.figure, ax_loss, ax_acc


def _plot_run(ax_loss, ax_acc, run, xs, colour, diverged) -> bool:
    """One run's curves: training solid, held-out dashed; whether it had held-out data."""
    ax_loss.plot(xs, run["loss"], color=colour, linestyle="-")
    ax_acc.plot(xs, run["train_accuracy"], color=colour, linestyle="-")
    has_val = len(run["val_loss"]) > 0
    if has_val:
        ax_loss.plot(xs, run["val_loss"], color=colour, linestyle="--")
        ax_acc.plot(xs, run["val_accuracy"], color=colour, linestyle="--")
    if diverged and len(xs):
        # Where it stopped: the next step's loss was NaN or inf.
        ax_loss.plot(xs[-1:], run["loss"][-1:], color=colour, marker="x", markersize=10, linestyle="none")
    return has_val


def plot_confusion_matrix(Y_true, Y_pred, *, num_classes: int = 10, ax=None, title=None, cmap="Blues") -> Figure:
    """Draw [`confusion_matrix`][nn_scratch.plots.confusion_matrix] as a heat map, a count in every cell.

    Rows are the true class, columns the predicted one; a good classifier has
    a dark diagonal, and the brightest off-diagonal cells are its typical
    mistakes.

    Parameters
    ----------
    Y_true, Y_pred : arrays of shape (m,)
        Labels and predictions.
    num_classes : int
        Number of classes $K$.
    ax : matplotlib Axes, optional
        Draw into this instead of a new figure.
    title : str, optional
        Title of the plot.
    cmap : str
        Colormap of the counts.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_confusion_matrix([0, 0, 1, 2], [0, 1, 1, 2], num_classes=3)
    >>> ax = fig.axes[0]
    >>> ax.images[0].get_array().tolist()
    [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('predicted class', 'true class')
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    C = confusion_matrix(Y_true, Y_pred, num_classes=num_classes)
    K = C.shape[0]
    plt = pyplot()
    if ax is None:
        size = max(4.0, 0.5 * K + 1.5)
        fig, ax = plt.subplots(figsize=(size, size * 0.9), layout="constrained")
    else:
        fig = ax.figure
    im = ax.imshow(C, cmap=cmap)
    threshold = C.max() / 2
    for i in range(K):
        for j in range(K):
            # Light text on dark cells, dark text on light ones.
            ax.text(
                j,
                i,
                str(C[i, j]),
                ha="center",
                va="center",
                fontsize="small",
                color="white" if C[i, j] > threshold else "black",
            )
    ax.set_xticks(range(K))
    ax.set_yticks(range(K))
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    fig.colorbar(im, ax=ax, shrink=0.8, label="examples")
    if title is not None:
        ax.set_title(title)
    return fig


def plot_weights(W1, ncols: int = 10, *, max_images: int = 100, cmap="RdBu_r", title=None) -> Figure:
    r"""Each row of ``W1`` — one hidden unit's weights, one per pixel — as a 28 × 28 picture.

    Hidden unit $k$ computes $Z^{[1]}_k = W^{[1]}_{k,:}\,x + b^{[1]}_k$, so its
    weights show which pixels push it up (red) and which push it down (blue).
    The colour scale is diverging and symmetric around 0 and shared by all the
    pictures, so white means "ignored" and equal colours mean equal weights
    in every panel.

    Parameters
    ----------
    W1 : ndarray of shape (n_1, 784)
        First-layer weights, e.g. ``net.W1``; ``n_1 ≤ max_images``.
    ncols : int
        Pictures per row.
    max_images : int
        Refuse more rows than this.
    cmap : str
        A diverging colormap.
    title : str, optional
        Title above the grid.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nn_scratch import Network
    >>> fig = plot_weights(Network((784, 10, 10), seed=0).W1, ncols=5)
    >>> len(fig.axes)                   # ten units and one colour bar
    11
    >>> lo, hi = fig.axes[0].images[0].get_clim()
    >>> lo == -hi
    True
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    W1 = check_matrix("W1", W1)
    n1 = W1.shape[0]
    if W1.shape[1] != SIDE * SIDE:
        hint = "; it looks transposed — pass W1.T" if n1 == SIDE * SIDE else ""
        raise ValueError(f"W1 must have shape (n_1, 784), one row per hidden unit, got {W1.shape}{hint}")
    max_images = check_count("max_images", max_images)
    if n1 > max_images:
        raise ValueError(
            f"W1 has {n1} rows (units) but at most max_images={max_images} are drawn; pass W1[:{max_images}]"
        )
    plt = pyplot()
    fig, axs = _grid(plt, n1, ncols, cell=1.3, extra_height=0.4 if title else 0.0)
    v = float(np.abs(W1).max()) or 1.0  # all-zero weights: any symmetric range will do
    for k, ax in enumerate(axs):
        im = ax.imshow(W1[k].reshape(SIDE, SIDE), cmap=cmap, vmin=-v, vmax=v)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"unit {k}", fontsize="small")
    fig.colorbar(im, ax=list(axs), shrink=0.8, label="weight")
    if title is not None:
        fig.suptitle(title)
    return fig


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
    fig, ax_loss, ax_acc = _loss_and_accuracy_axes(axes)
    from matplotlib.lines import Line2D

    any_val = False
    handles = []
    for i, (name, run, diverged) in enumerate(runs):
        colour = f"C{i % 10}"
        any_val |= _plot_run(ax_loss, ax_acc, run, run[x], colour, diverged)
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
