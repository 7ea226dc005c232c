"""Each pitfall of docs/pitfalls.md: the wrong version fails, nn_scratch passes.

The wrong versions are in ``benchmarks/pitfall_variants.py``. A gradient check is
the judge wherever the mistake still runs: right gradients agree with finite
differences below ``nn_scratch.gradcheck.TOLERANCE`` in float64, and every
mistake here lands at least a thousand times above it.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from benchmarks import pitfall_variants
from benchmarks.pitfall_variants import (
    backward_prop_with,
    one_hot_sized_by_max,
    softmax_over_whole_matrix,
    softmax_without_max,
)
from nn_scratch import (
    backward_prop,
    forward_prop,
    gradient_check,
    init_params,
    numerical_gradients,
    one_hot,
    relative_error,
    softmax,
    update_params,
)
from nn_scratch.gradcheck import TOLERANCE

GOOD = TOLERANCE  # the project's one pass mark (nn_scratch/gradcheck.py)
BAD = 1000 * TOLERANCE  # every mistake fails it by three orders of magnitude or more


def _batch(n_in=12, n_hidden=10, n_out=10, m=8, seed=0):
    """A small float64 two-layer problem; every class label occurs."""
    rng = np.random.default_rng(seed)
    params = init_params((n_in, n_hidden, n_out), init="uniform", seed=seed, dtype=np.float64)
    X = rng.random((n_in, m))
    Y = np.arange(m) % n_out
    return params, X, Y


def _errors_of(bug, params, X, Y, **kwargs):
    """Relative error of each gradient of ``bug`` against finite differences."""
    _, cache = forward_prop(params, X)
    analytic = backward_prop_with(bug, params, cache, Y, **kwargs)
    numeric = numerical_gradients(params, X, Y)
    return {k: relative_error(analytic[k], numeric[k]) for k in numeric}


def test_right_two_layer_backprop_passes_the_gradient_check():
    params, X, Y = _batch()
    assert max(_errors_of(None, params, X, Y).values()) < GOOD
    assert gradient_check(params, X, Y) < GOOD


def test_bias_gradient_summed_over_matrix():
    params, X, Y = _batch()
    errors = _errors_of("bias_summed_over_matrix", params, X, Y)
    assert errors["db1"] > BAD
    assert errors["dW1"] < GOOD and errors["dW2"] < GOOD  # only the biases are wrong
    _, cache = forward_prop(params, X)
    wrong = backward_prop_with("bias_summed_over_matrix", params, cache, Y)
    right = backward_prop(params, cache, Y)
    # one update for every bias of the layer, where the right gradient differs unit by unit
    assert np.unique(wrong["db1"]).size == 1 and np.unique(right["db1"]).size > 1
    # each column of dZ2 = A2 - Y sums to 1 - 1 = 0, so the summed db2 is 0: b2 never moves
    assert np.allclose(wrong["db2"], 0, atol=1e-15)
    assert np.abs(right["db2"]).max() > 1e-3


def test_m_taken_from_whole_dataset():
    params, X, Y = _batch(m=8)
    m_total = 42_000  # the whole Kaggle train.csv, where the batch has 8 examples
    errors = _errors_of("m_from_whole_dataset", params, X, Y, m_total=m_total)
    assert min(errors.values()) > 0.99  # every gradient 8 / 42,000 of its true size
    _, cache = forward_prop(params, X)
    wrong = backward_prop_with("m_from_whole_dataset", params, cache, Y, m_total=m_total)
    right = backward_prop(params, cache, Y)
    for k in right:
        np.testing.assert_allclose(wrong[k], right[k] * 8 / m_total, rtol=1e-12, atol=1e-18)
    # Even in full batch — 41,000 trained on, 42,000 counted, as in the Kaggle notebook —
    # every gradient is 41/42 of its size: a relative error of 0.6 %, far above BAD.
    params, X, Y = _batch(m=41)
    _, cache = forward_prop(params, X)
    full = backward_prop_with("m_from_whole_dataset", params, cache, Y, m_total=42)
    assert relative_error(full["dW1"], backward_prop(params, cache, Y)["dW1"]) > BAD


def test_softmax_without_max_overflows_to_nan():
    Z = np.array([[1000.0, 1.0], [1001.0, 2.0]])
    with np.errstate(over="ignore", invalid="ignore"):
        wrong = softmax_without_max(Z)
    assert np.isnan(wrong[:, 0]).all()
    right = softmax(Z)
    assert np.isfinite(right).all()
    np.testing.assert_allclose(right[:, 0], [1 / (1 + np.e), np.e / (1 + np.e)])
    # float32 overflows much sooner: exp(89) is already inf
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(softmax_without_max(np.array([[90.0], [0.0]], dtype=np.float32))).any()
    assert np.isfinite(softmax(np.array([[90.0], [0.0]], dtype=np.float32))).all()
    # For small logits the two agree: the bug hides until the logits grow.
    small = np.array([[0.5, -1.0], [2.0, 0.3]])
    np.testing.assert_allclose(softmax_without_max(small), softmax(small))


def test_softmax_normalised_over_whole_matrix():
    Z = np.random.default_rng(0).normal(size=(10, 6))
    wrong, right = softmax_over_whole_matrix(Z), softmax(Z)
    np.testing.assert_allclose(right.sum(axis=0), 1.0)
    np.testing.assert_allclose(wrong.sum(), 1.0)  # the whole matrix sums to 1 …
    assert np.abs(wrong.sum(axis=0) - 1).max() > 0.5  # … so no column does
    # Python's builtin sum() adds the rows: per column, hence right by accident.
    E = np.exp(Z - Z.max(axis=0))
    np.testing.assert_allclose(E / sum(E), right)


def test_one_hot_sized_by_max_label():
    Y = np.array([0, 3, 1, 8, 2, 5])  # a batch without a 9
    assert one_hot_sized_by_max(Y).shape == (9, 6)
    assert one_hot(Y).shape == (10, 6)
    A2 = softmax(np.zeros((10, 6)))
    with pytest.raises(ValueError, match="broadcast"):
        A2 - one_hot_sized_by_max(Y)  # dZ2 = A2 - one_hot(Y) cannot even be formed
    np.testing.assert_allclose((A2 - one_hot(Y)).sum(axis=0), 0.0, atol=1e-15)


def test_relu_derivative_taken_at_dZ2():
    # 10 hidden units and 10 outputs: dZ2 and Z1 have the same shape, so the mistake runs silently.
    params, X, Y = _batch(n_hidden=10, n_out=10)
    errors = _errors_of("relu_prime_at_dZ2", params, X, Y)
    assert errors["dW1"] > BAD and errors["db1"] > BAD
    assert errors["dW2"] < GOOD  # the output layer is untouched
    # With any other hidden size the shapes disagree and it fails loudly.
    params, X, Y = _batch(n_hidden=7, n_out=10)
    _, cache = forward_prop(params, X)
    with pytest.raises(ValueError, match="broadcast"):
        backward_prop_with("relu_prime_at_dZ2", params, cache, Y)


def test_db1_written_as_db2():
    params, X, Y = _batch()
    errors = _errors_of("db1_from_dZ2", params, X, Y)
    assert errors["db1"] > BAD
    assert errors["dW1"] < GOOD and errors["db2"] < GOOD


def test_mnist_background_is_zero_and_ink_is_one(mnist):
    X = mnist.X_train
    corners = X.reshape(28, 28, -1)[[0, 0, -1, -1], [0, -1, 0, -1], :]
    assert (corners == 0).all()  # 0 is the background, in every image
    assert np.median(X) == 0 and (X == 0).mean() > 0.75  # most of each image is background
    assert (X.max(axis=0) == 1).mean() > 0.9  # the strokes reach 255 / 255 = 1: full ink
    # Read as "255 = black on a white page", the digit would be where the background is.
    assert (1 - X).mean() > 0.8


def test_dW1_has_the_shape_of_W1_not_10x10():
    params = init_params((784, 10, 10), seed=0)
    X = np.random.default_rng(0).random((784, 32), dtype=np.float32)
    _, cache = forward_prop(params, X)
    grads = backward_prop(params, cache, np.arange(32) % 10)
    assert grads["dW1"].shape == params["W1"].shape == (10, 784)  # dZ1 (10×m) · Xᵀ (m×784)
    wrong = dict(grads, dW1=np.zeros((10, 10), dtype=np.float32))
    with pytest.raises(ValueError, match="broadcast"):
        update_params(params, wrong, alpha=0.1)


def test_uniform_init_scale_against_he(mnist):
    X = mnist.X_train[:, :1000].astype(np.float64)
    # He: Var(z) = (2 / n_in) · Σ_j x_j² for each image, so E[z²] = (2/784) · mean ‖x‖²
    predicted_he = 2 / 784 * np.mean(np.sum(X**2, axis=0))
    mean_square = {}
    for init in ("he", "uniform"):
        params = init_params((784, 500, 10), init=init, seed=0, dtype=np.float64)
        _, cache = forward_prop(params, X)
        mean_square[init] = np.mean(cache["Z1"] ** 2)
    assert mean_square["he"] == pytest.approx(predicted_he, rel=0.15)
    # U(−0.5, 0.5) has variance 1/12 whatever n_in: 1/12 ÷ 2/784 ≈ 33 times He's.
    assert mean_square["uniform"] > 20 * mean_square["he"]


def test_1000_image_dev_accuracy_is_uncertain(mnist):
    # A fixed classifier with no randomness in it: the nearest class mean.
    means = np.stack([mnist.X_train[:, mnist.Y_train == k].mean(axis=1) for k in range(10)], axis=1)
    scores = means.T @ mnist.X_test - 0.5 * (means**2).sum(axis=0)[:, None]
    right = np.argmax(scores, axis=0) == mnist.Y_test
    slices = np.random.default_rng(0).permutation(right.size).reshape(10, 1000)
    per_slice = right[slices].mean(axis=1)
    assert 0.7 < right.mean() < 0.9
    assert per_slice.max() - per_slice.min() > 0.01  # one 1,000-image number is not "the" accuracy


def test_pitfall_variants_examples():
    # benchmarks/ is outside pytest's doctest paths; its examples run here.
    failed, attempted = doctest.testmod(pitfall_variants, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert attempted > 0 and failed == 0
