"""Gradient descent and SGD on small synthetic problems: histories, errors, divergence."""

import numpy as np
import pytest

from nn_scratch import DivergenceError, History, Network, gradient_descent, sgd


@pytest.fixture
def blobs():
    """Three well-separated Gaussian blobs in 4-D: a problem a tiny net must solve."""
    rng = np.random.default_rng(0)
    Y = rng.integers(0, 3, 300)
    centres = np.array([[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0]], dtype=float)
    X = (centres[Y] + 0.3 * rng.standard_normal((300, 4))).T
    return X, Y


def test_gradient_descent_learns_and_logs(blobs):
    X, Y = blobs
    net = Network((4, 8, 3), seed=0)
    h = gradient_descent(net, X, Y, alpha=0.5, iterations=100, log_every=25, X_val=X[:, :50], Y_val=Y[:50])
    assert h.step == [0, 25, 50, 75, 100]
    assert h.epoch == [0.0, 25.0, 50.0, 75.0, 100.0]
    assert len(h.loss) == len(h.train_accuracy) == len(h.val_accuracy) == len(h.val_loss) == 5
    assert h.loss[-1] < h.loss[0] / 3
    assert h.train_accuracy[-1] > 0.95
    # the last entry describes the returned network
    assert h.train_accuracy[-1] == pytest.approx(net.accuracy(X, Y))
    assert h.loss[-1] == pytest.approx(net.loss(X, Y), rel=1e-5)


def test_gradient_descent_logs_the_final_step_even_off_the_grid(blobs):
    X, Y = blobs
    h = gradient_descent(Network((4, 8, 3)), X, Y, iterations=7, log_every=5)
    assert h.step == [0, 5, 7]


def test_sgd_learns_and_logs_per_epoch(blobs):
    X, Y = blobs
    net = Network((4, 8, 3), seed=0)
    h = sgd(net, X, Y, alpha=0.2, epochs=5, batch_size=32, X_val=X, Y_val=Y)
    assert h.step == [10, 20, 30, 40, 50]  # ceil(300 / 32) = 10 steps per epoch
    assert h.epoch == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert h.val_accuracy[-1] > 0.95 and h.val_accuracy[-1] == pytest.approx(net.accuracy(X, Y))


def test_sgd_log_every_steps(blobs):
    X, Y = blobs
    h = sgd(Network((4, 8, 3)), X, Y, epochs=2, batch_size=100, log_every=2)
    assert h.step == [2, 4, 6]
    assert h.epoch == pytest.approx([2 / 3, 4 / 3, 2.0])


def test_sgd_shuffling_is_seeded(blobs):
    X, Y = blobs
    a, b, c = (Network((4, 8, 3), seed=0) for _ in range(3))
    sgd(a, X, Y, epochs=2, seed=1)
    sgd(b, X, Y, epochs=2, seed=1)
    sgd(c, X, Y, epochs=2, seed=2)
    assert np.array_equal(a.W1, b.W1)
    assert not np.array_equal(a.W1, c.W1)


def test_sgd_with_one_batch_equals_gradient_descent(blobs):
    X, Y = blobs
    a, b = Network((4, 8, 3), seed=0, dtype=np.float64), Network((4, 8, 3), seed=0, dtype=np.float64)
    gradient_descent(a, X, Y, alpha=0.3, iterations=5)
    sgd(b, X, Y, alpha=0.3, epochs=5, batch_size=300, shuffle=False)
    assert np.allclose(a.W1, b.W1, rtol=1e-12) and np.allclose(a.b2, b.b2, rtol=1e-12)


def test_momentum_matches_its_definition(blobs):
    X, Y = blobs
    X, Y = X[:, :40], Y[:40]
    net = Network((4, 5, 3), seed=0, dtype=np.float64)
    ref = Network((4, 5, 3), seed=0, dtype=np.float64)
    sgd(net, X, Y, alpha=0.1, epochs=3, batch_size=40, momentum=0.9, shuffle=False)
    v = {k: np.zeros_like(P) for k, P in ref.params.items()}
    for _ in range(3):  # v := μ v + dW ; W := W − α v
        _, cache = ref.forward(X)
        grads = ref.backward(cache, Y)
        for k in v:
            v[k] = 0.9 * v[k] + grads["d" + k]
            ref.params[k] -= 0.1 * v[k]
    for k in v:
        assert np.allclose(net.params[k], ref.params[k], rtol=1e-12)


def test_training_never_prints_unless_asked(blobs, capsys):
    X, Y = blobs
    gradient_descent(Network((4, 8, 3)), X, Y, iterations=3, log_every=1)
    sgd(Network((4, 8, 3)), X, Y, epochs=1)
    assert capsys.readouterr().out == ""
    gradient_descent(Network((4, 8, 3)), X, Y, iterations=2, log_every=1, verbose=True)
    assert capsys.readouterr().out.count("loss") == 3


def test_callback_receives_each_log_entry(blobs):
    X, Y = blobs
    seen = []
    gradient_descent(Network((4, 8, 3)), X, Y, iterations=4, log_every=2, callback=seen.append)
    assert [e["step"] for e in seen] == [0, 2, 4]
    assert set(seen[0]) == {"step", "epoch", "loss", "train_accuracy"}


def test_divergence_raises_a_helpful_error(blobs):
    X, Y = blobs
    X = X * 1e3
    with pytest.raises(DivergenceError, match=r"loss became (nan|inf).*alpha=1e\+06.*smaller") as info:
        gradient_descent(Network((4, 8, 3), seed=0), X, Y, alpha=1e6, iterations=100, log_every=1)
    history = info.value.history
    assert isinstance(history, History) and len(history) >= 1
    assert all(np.isfinite(history.loss))
    with pytest.raises(DivergenceError, match="learning rate"):
        sgd(Network((4, 8, 3), seed=0), X, Y, alpha=1e6, epochs=20)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(alpha=0), ValueError, "alpha must be positive, got 0"),
        (dict(alpha=float("nan")), ValueError, "alpha must be positive"),
        (dict(alpha="0.1"), TypeError, "alpha must be a number"),
        (dict(iterations=0), ValueError, "iterations must be positive"),
        (dict(iterations=2.5), TypeError, "iterations must be an integer"),
        (dict(log_every=0), ValueError, "log_every must be positive"),
    ],
)
def test_gradient_descent_rejects_bad_settings(blobs, kwargs, error, message):
    X, Y = blobs
    with pytest.raises(error, match=message):
        gradient_descent(Network((4, 8, 3)), X, Y, **kwargs)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(batch_size=0), ValueError, "batch_size must be positive"),
        (dict(epochs=-1), ValueError, "epochs must be positive"),
        (dict(momentum=1.0), ValueError, r"momentum must be in \[0, 1\)"),
        (dict(log_every=0), ValueError, "log_every must be positive"),
    ],
)
def test_sgd_rejects_bad_settings(blobs, kwargs, error, message):
    X, Y = blobs
    with pytest.raises(error, match=message):
        sgd(Network((4, 8, 3)), X, Y, **kwargs)


def test_training_rejects_bad_data(blobs):
    X, Y = blobs
    net = Network((4, 8, 3))
    with pytest.raises(ValueError, match="X must have 4 rows .* it looks transposed"):
        sgd(net, X.T, Y)
    with pytest.raises(ValueError, match="Y has 299 labels but there are 300 examples"):
        gradient_descent(net, X, Y[:-1])
    with pytest.raises(ValueError, match="label 3 outside the range 0–2"):
        sgd(net, X, np.where(Y == 2, 3, Y))
    bad = X.copy()
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="X contains 1 non-finite"):
        gradient_descent(net, bad, Y)
    with pytest.raises(ValueError, match="X_val must have 4 rows"):
        gradient_descent(net, X, Y, X_val=np.ones((5, 3)), Y_val=np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="X is empty"):
        sgd(net, np.ones((4, 0)), np.array([], dtype=int))
    with pytest.raises(TypeError, match="net must be an nn_scratch Network"):
        sgd(net.params, X, Y)


def test_sgd_never_copies_the_training_set():
    # Neither the input check (a mask as large as X) nor the batch gather (NumPy's take
    # along axis 1 of a column-major X copies all of X on every call) may cost a copy of X.
    import tracemalloc

    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.random((100, 20_000)))  # 16 MB, stored as load_mnist stores images
    Y = rng.integers(0, 10, 20_000)
    net = Network((100, 10, 10), seed=0, dtype=np.float64)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        sgd(net, X, Y, epochs=1, batch_size=500)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak - before < X.nbytes / 8
