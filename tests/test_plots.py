"""Tests of nn_scratch.plots: the confusion matrix by hand, and what each figure really draws."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed; set before pyplot is imported

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from nn_scratch import DivergenceError, History, Network, gradient_descent, sgd  # noqa: E402
from nn_scratch.plots import (  # noqa: E402
    confusion_matrix,
    plot_confusion_matrix,
    plot_digits,
    plot_history,
    plot_weights,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def small_problem(m=40, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((4, m)), rng.integers(0, 3, m)


def trained_history():
    X, Y = small_problem()
    return gradient_descent(
        Network((4, 5, 3), seed=0), X, Y, alpha=0.5, iterations=30, log_every=5, X_val=X[:, :10], Y_val=Y[:10]
    )


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


# --------------------------------------------------------------------------- confusion_matrix


def test_confusion_matrix_matches_a_hand_count():
    Y_true = [0, 0, 1, 2, 2, 2, 1]
    Y_pred = [0, 1, 1, 2, 0, 2, 1]
    # Row = truth, column = prediction, counted by hand:
    # true 0 → predicted 0 once, 1 once; true 1 → 1 twice; true 2 → 0 once, 2 twice.
    expected = np.array([[1, 1, 0], [0, 2, 0], [1, 0, 2]])
    C = confusion_matrix(Y_true, Y_pred, num_classes=3)
    np.testing.assert_array_equal(C, expected)
    assert C.dtype == np.int64


def test_confusion_matrix_agrees_with_a_loop_and_with_accuracy():
    rng = np.random.default_rng(1)
    Y_true, Y_pred = rng.integers(0, 10, 500), rng.integers(0, 10, 500)
    loop = np.zeros((10, 10), dtype=int)
    for t, p in zip(Y_true, Y_pred, strict=True):
        loop[t, p] += 1
    C = confusion_matrix(Y_true, Y_pred)
    np.testing.assert_array_equal(C, loop)
    assert C.trace() == np.count_nonzero(Y_true == Y_pred)
    np.testing.assert_array_equal(C.sum(axis=1), np.bincount(Y_true, minlength=10))


def test_confusion_matrix_keeps_absent_classes():
    C = confusion_matrix([1, 1], [1, 1])
    assert C.shape == (10, 10) and C[1, 1] == 2 and C.sum() == 2


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        (([0, 1], [0]), {}, ValueError, "same length"),
        (([0, 10], [0, 1]), {}, ValueError, "Y_true has label 10"),
        (([0, 1], [0, -1]), {}, ValueError, "Y_pred has label -1"),
        (([0, 1], [0, 1]), {"num_classes": 1}, ValueError, "num_classes must be at least 2"),
        (([0, 1], [0, 1]), {"num_classes": 2.5}, TypeError, "num_classes must be an integer"),
        (([0.5, 1], [0, 1]), {}, TypeError, "Y_true must hold integer"),
    ],
)
def test_confusion_matrix_rejects_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        confusion_matrix(*args, **kwargs)


# --------------------------------------------------------------------------- plot_history


def test_plot_history_draws_the_logged_numbers():
    h = trained_history()
    fig = plot_history(h)
    assert isinstance(fig, Figure)
    ax_loss, ax_acc = fig.axes
    train_loss, val_loss = ax_loss.lines
    np.testing.assert_array_equal(train_loss.get_xdata(), h.epoch)
    np.testing.assert_array_equal(train_loss.get_ydata(), h.loss)
    np.testing.assert_array_equal(val_loss.get_ydata(), h.val_loss)
    np.testing.assert_array_equal(ax_acc.lines[0].get_ydata(), h.train_accuracy)
    np.testing.assert_array_equal(ax_acc.lines[1].get_ydata(), h.val_accuracy)
    assert train_loss.get_linestyle() == "-" and val_loss.get_linestyle() == "--"
    assert legend_texts(ax_acc) == ["train", "validation"]


def test_plot_history_without_held_out_data_has_no_dashed_curve():
    X, Y = small_problem()
    h = gradient_descent(Network((4, 5, 3), seed=0), X, Y, iterations=10)
    fig = plot_history(h.to_dict(), title="only training")
    assert [len(ax.lines) for ax in fig.axes] == [1, 1]
    assert legend_texts(fig.axes[1]) == ["train"]
    assert fig._suptitle.get_text() == "only training"


def test_plot_history_x_axis_can_be_steps_or_epochs():
    X, Y = small_problem(m=100)
    h = sgd(Network((4, 5, 3), seed=0), X, Y, epochs=3, batch_size=25)  # 4 steps per epoch
    by_epoch = plot_history(h).axes[0].lines[0].get_xdata()
    by_step = plot_history(h, x="step").axes[0].lines[0].get_xdata()
    np.testing.assert_array_equal(by_epoch, [1, 2, 3])
    np.testing.assert_array_equal(by_step, [4, 8, 12])


def test_several_runs_share_the_axes_one_colour_per_run():
    runs = {"α = 0.5": trained_history(), "α = 0.1": trained_history()}
    fig = plot_history(runs, val_label="test")
    assert len(fig.axes) == 2
    ax_loss = fig.axes[0]
    assert len(ax_loss.lines) == 4  # train and test of each run
    c = [to_rgba(line.get_color()) for line in ax_loss.lines]
    assert c[0] == c[1] and c[2] == c[3] and c[0] != c[2]
    assert legend_texts(fig.axes[1]) == ["α = 0.5", "α = 0.1", "train", "test"]


def test_labels_name_a_list_of_runs_and_must_match_its_length():
    hs = [trained_history(), trained_history()]
    assert legend_texts(plot_history(hs).axes[1])[:2] == ["run 1", "run 2"]
    assert legend_texts(plot_history(hs, labels=["a", "b"]).axes[1])[:2] == ["a", "b"]
    with pytest.raises(ValueError, match="labels has 1 entries but there are 2 histories"):
        plot_history(hs, labels=["a"])


def test_a_diverged_run_is_drawn_up_to_where_it_stopped():
    # Three separable blobs, inputs scaled by 1e3 and a huge learning rate: the
    # weights overflow within a few steps and the loss becomes NaN.
    rng = np.random.default_rng(0)
    Y = rng.integers(0, 3, 300)
    X = (np.eye(3, 4)[Y] * 2 + 0.3 * rng.standard_normal((300, 4))).T * 1e3
    with pytest.raises(DivergenceError) as info:
        gradient_descent(Network((4, 8, 3), seed=0), X, Y, alpha=1e6, iterations=200, log_every=1)
    err = info.value
    assert 0 < len(err.history) < 201  # it logged something, then stopped early
    fig = plot_history({"too large": err, "from .history": err.history})
    ax_loss = fig.axes[0]
    diverged_curve, cross, plain_curve = ax_loss.lines
    np.testing.assert_array_equal(diverged_curve.get_xdata(), err.history.epoch)
    np.testing.assert_array_equal(plain_curve.get_ydata(), err.history.loss)
    assert cross.get_marker() == "x" and list(cross.get_xdata()) == [err.history.epoch[-1]]
    assert legend_texts(fig.axes[1])[:2] == ["too large (diverged)", "from .history"]


def test_plot_history_draws_into_given_axes():
    fig, axs = plt.subplots(2, 2)
    out = plot_history(trained_history(), axes=(axs[1, 0], axs[1, 1]))
    assert out is fig
    assert len(axs[1, 0].lines) == 2 and len(axs[0, 0].lines) == 0


@pytest.mark.parametrize(
    "histories, kwargs, error, match",
    [
        (42, {}, TypeError, "histories must be a History"),
        ([], {}, ValueError, "histories is empty"),
        ([History(), 3], {}, TypeError, r"histories\[1\] must be a History"),
        ({"step": [0], "epoch": [0]}, {}, TypeError, "must be a History"),
        (
            {"step": [0, 1], "epoch": [0, 1], "loss": [2.0], "train_accuracy": [0.1, 0.2]},
            {},
            ValueError,
            "'loss'.* has 1 values",
        ),
        ({"a": History(), "b": "oops"}, {}, TypeError, r"histories\['b'\] must be a History"),
        ({"step": [0], "epoch": [0], "loss": ["high"], "train_accuracy": [0.1]}, {}, TypeError, "lists of numbers"),
        (History(), {"x": "time"}, ValueError, 'x must be "epoch" or "step"'),
        (History(), {"axes": 3}, ValueError, "axes must be a pair"),
    ],
)
def test_plot_history_rejects_bad_input(histories, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_history(histories, **kwargs)


# --------------------------------------------------------------------------- plot_digits


def test_plot_digits_draws_each_column_as_a_28x28_image():
    rng = np.random.default_rng(0)
    X = rng.random((784, 12))
    fig = plot_digits(X, ncols=5)
    assert len(fig.axes) == 12  # 3 rows of 5, the 3 empty cells removed
    for i, ax in enumerate(fig.axes):
        np.testing.assert_array_equal(ax.images[0].get_array(), X[:, i].reshape(28, 28))
        assert ax.get_title() == ""
    assert fig.axes[5].get_subplotspec().rowspan.start == 1  # the sixth image starts the second row


def test_plot_digits_titles_predictions_and_marks_the_wrong_ones_red():
    X = np.zeros((784, 4))
    fig = plot_digits(X, labels=[7, 2, 1, 0], predictions=np.array([7, 3, 1, 6]))
    titles = [(ax.get_title(), ax.title.get_color()) for ax in fig.axes]
    assert titles == [("7", "black"), ("3 (2)", "tab:red"), ("1", "black"), ("6 (0)", "tab:red")]
    only_labels = plot_digits(X, labels=[7, 2, 1, 0])
    assert [ax.get_title() for ax in only_labels.axes] == ["7", "2", "1", "0"]


@pytest.mark.parametrize(
    "X, kwargs, error, match",
    [
        (np.zeros((28, 28)), {}, ValueError, "X must have 784 rows"),
        (np.zeros((3, 784)), {}, ValueError, "looks transposed"),
        (np.zeros((784, 101)), {}, ValueError, "at most max_images=100"),
        (np.zeros((784, 2)), {"labels": [1]}, ValueError, "labels has 1 labels but there are 2"),
        (np.zeros((784, 2)), {"predictions": [1, 11]}, ValueError, "predictions has label 11"),
        (np.zeros((784, 2)), {"ncols": 0}, ValueError, "ncols must be positive"),
    ],
)
def test_plot_digits_rejects_bad_input(X, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_digits(X, **kwargs)


# --------------------------------------------------------------------------- plot_confusion_matrix


def test_plot_confusion_matrix_shows_the_counts():
    Y_true = np.array([0, 0, 1, 2, 2, 2, 1])
    Y_pred = np.array([0, 1, 1, 2, 0, 2, 1])
    fig = plot_confusion_matrix(Y_true, Y_pred, num_classes=3, title="toy")
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), confusion_matrix(Y_true, Y_pred, 3))
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts}
    assert cells[(1, 1)] == "2" and cells[(2, 0)] == "1" and cells[(0, 2)] == "0" and len(cells) == 9
    assert ax.get_title() == "toy"


def test_plot_confusion_matrix_into_given_axes():
    fig, ax = plt.subplots()
    assert plot_confusion_matrix([1, 2], [1, 2], ax=ax) is fig
    assert ax.images[0].get_array().shape == (10, 10)


# --------------------------------------------------------------------------- plot_weights


def test_plot_weights_draws_rows_with_symmetric_shared_limits():
    W1 = Network((784, 10, 10), seed=3).W1
    fig = plot_weights(W1)
    units = [ax for ax in fig.axes if ax.images]
    assert len(units) == 10
    v = float(np.abs(W1).max())
    for k, ax in enumerate(units):
        np.testing.assert_array_equal(ax.images[0].get_array(), W1[k].reshape(28, 28))
        assert ax.images[0].get_clim() == pytest.approx((-v, v))
        assert ax.get_title() == f"unit {k}"
    assert units[0].images[0].get_cmap().name == "RdBu_r"


@pytest.mark.parametrize(
    "W1, match",
    [
        (np.zeros((784, 10)), "looks transposed"),
        (np.zeros(784), "W1 must be 2-D"),
        (np.full((2, 784), np.nan), "non-finite"),
        (np.zeros((101, 784)), "at most max_images=100"),
    ],
)
def test_plot_weights_rejects_bad_input(W1, match):
    with pytest.raises(ValueError, match=match):
        plot_weights(W1)


# --------------------------------------------------------------------------- import cost


def test_importing_the_package_and_plots_does_not_import_matplotlib():
    code = "import sys, nn_scratch, nn_scratch.plots; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
