"""Backpropagation agrees with central finite differences, and the check catches bugs."""

import numpy as np
import pytest

from nn_scratch import Network, gradient_check, numerical_gradients, relative_error
from nn_scratch.gradcheck import TOLERANCE
from nn_scratch.network import backward_prop, forward_prop, init_params


def test_classic_network_passes_on_a_small_batch():
    rng = np.random.default_rng(0)
    params = init_params((784, 10, 10), init="he", seed=0)
    X, Y = rng.random((784, 4)), rng.integers(0, 10, 4)
    errors = gradient_check(params, X, Y, per_parameter=True)
    assert set(errors) == {"dW1", "db1", "dW2", "db2"}
    assert max(errors.values()) < TOLERANCE
    assert gradient_check(params, X, Y) == max(errors.values())


def test_deeper_odd_sized_network_passes():
    rng = np.random.default_rng(1)
    net = Network((20, 7, 5, 3), seed=1)
    X, Y = rng.normal(size=(20, 6)), rng.integers(0, 3, 6)
    assert gradient_check(net, X, Y) < TOLERANCE


def test_check_detects_a_bias_gradient_summed_over_the_whole_matrix():
    rng = np.random.default_rng(2)
    params = init_params((6, 5, 3), seed=2, dtype=np.float64)
    X, Y = rng.normal(size=(6, 8)), rng.integers(0, 3, 8)
    _, cache = forward_prop(params, X)
    grads = backward_prop(params, cache, Y)
    numeric = numerical_gradients(params, X, Y)
    assert relative_error(grads["db1"], numeric["db1"]) < TOLERANCE
    wrong_db1 = np.full_like(grads["db1"], grads["db1"].sum())  # np.sum(dZ1) / m for every unit
    assert relative_error(wrong_db1, numeric["db1"]) > 1000 * TOLERANCE


def test_check_leaves_float32_params_untouched():
    params = init_params((5, 4, 3), seed=0)
    before = {k: v.copy() for k, v in params.items()}
    gradient_check(params, np.ones((5, 2)), np.array([0, 1]))
    assert all(np.array_equal(before[k], params[k]) and params[k].dtype == np.float32 for k in params)


def test_relative_error_basics():
    a = np.array([1.0, -2.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.ones(2), np.ones(3))


def test_gradient_check_names_bad_input():
    params = init_params((5, 4, 3))
    with pytest.raises(ValueError, match="X must have 5 rows"):
        gradient_check(params, np.ones((4, 2)), np.array([0, 1]))
    with pytest.raises(ValueError, match="epsilon must be positive"):
        gradient_check(params, np.ones((5, 2)), np.array([0, 1]), epsilon=0)
