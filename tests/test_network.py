"""Initialisation, forward and backward propagation, and the update step."""

import numpy as np
import pytest

from nn_scratch.maths import one_hot, relu, relu_prime, softmax
from nn_scratch.network import (
    Network,
    backward_prop,
    forward_prop,
    init_params,
    layer_sizes_of,
    update_params,
)


def test_shapes_of_the_classic_network():
    params = init_params()
    shapes = {k: v.shape for k, v in params.items()}
    assert shapes == {"W1": (10, 784), "b1": (10, 1), "W2": (10, 10), "b2": (10, 1)}
    assert all(v.dtype == np.float32 for v in params.values())


def test_deeper_layer_sizes():
    params = init_params((784, 500, 150, 10), init="normal", dtype=np.float64)
    assert layer_sizes_of(params) == (784, 500, 150, 10)
    assert params["W3"].shape == (10, 150)
    assert not params["b2"].any()  # zero biases for the normal scheme


def test_same_seed_gives_bit_identical_weights_and_other_seeds_differ():
    a, b, c = init_params(seed=7), init_params(seed=7), init_params(seed=8)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["W1"], c["W1"])
    # float32 and float64 from one seed hold the same numbers up to rounding
    d = init_params(seed=7, dtype=np.float64)
    assert np.array_equal(a["W1"], d["W1"].astype(np.float32))


def test_initialisation_scales():
    rng_sizes = (784, 400, 10)
    uni = init_params(rng_sizes, init="uniform", seed=0, dtype=np.float64)
    assert -0.5 <= uni["W1"].min() and uni["W1"].max() < 0.5
    assert -0.5 <= uni["b1"].min() and uni["b1"].max() < 0.5 and uni["b1"].any()
    assert abs(uni["W1"].std() - np.sqrt(1 / 12)) < 0.01
    normal = init_params(rng_sizes, init="normal", seed=0, dtype=np.float64)
    assert abs(normal["W1"].std() - 0.01) < 0.001
    he = init_params(rng_sizes, init="he", seed=0, dtype=np.float64)
    assert abs(he["W1"].std() - np.sqrt(2 / 784)) < 0.002
    assert abs(he["W2"].std() - np.sqrt(2 / 400)) < 0.01


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(layer_sizes=(784,)), ValueError, "at least an input and an output"),
        (dict(layer_sizes=(784, 0, 10)), ValueError, "positive"),
        (dict(layer_sizes=(784, 2.5, 10)), TypeError, "integers"),
        (dict(layer_sizes=5), TypeError, "sequence"),
        (dict(init="xavier"), ValueError, "init must be one of"),
        (dict(dtype=np.float16), TypeError, "float32 or float64"),
    ],
)
def test_init_params_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        init_params(**kwargs)


def test_forward_prop_computes_the_equations():
    rng = np.random.default_rng(0)
    params = init_params((784, 10, 10), seed=1, dtype=np.float64)
    X = rng.random((784, 6))
    A2, cache = forward_prop(params, X)
    Z1 = params["W1"] @ X + params["b1"]
    A1 = relu(Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    assert np.allclose(cache["Z1"], Z1) and np.allclose(cache["A1"], A1)
    assert np.allclose(cache["Z2"], Z2) and np.allclose(A2, softmax(Z2))
    assert cache["A0"] is X


def test_backward_prop_computes_the_equations():
    rng = np.random.default_rng(1)
    params = init_params((784, 10, 10), seed=2, dtype=np.float64)
    X, Y = rng.random((784, 8)), rng.integers(0, 10, 8)
    A2, cache = forward_prop(params, X)
    grads = backward_prop(params, cache, Y)
    m = 8
    dZ2 = A2 - one_hot(Y)
    dZ1 = params["W2"].T @ dZ2 * relu_prime(cache["Z1"])
    expected = {
        "dW2": dZ2 @ cache["A1"].T / m,
        "db2": dZ2.sum(axis=1, keepdims=True) / m,
        "dW1": dZ1 @ X.T / m,
        "db1": dZ1.sum(axis=1, keepdims=True) / m,
    }
    assert set(grads) == set(expected)
    for k in expected:
        assert grads[k].shape == params[k[1:]].shape
        assert np.allclose(grads[k], expected[k], rtol=1e-12, atol=1e-15), k
    # db is per unit: the units of a layer do not all get the same bias gradient
    assert np.ptp(grads["db1"]) > 0


def test_backward_prop_does_not_modify_the_cache():
    params = init_params((5, 4, 3), dtype=np.float64)
    A, cache = forward_prop(params, np.ones((5, 2)))
    before = A.copy()
    backward_prop(params, cache, np.array([0, 2]))
    assert np.array_equal(cache["A2"], before)


def test_update_params_in_place():
    params = init_params((5, 4, 3), dtype=np.float64)
    W1 = params["W1"]
    old = W1.copy()
    grads = {"d" + k: np.ones_like(v) for k, v in params.items()}
    update_params(params, grads, alpha=0.1)
    assert params["W1"] is W1
    assert np.allclose(W1, old - 0.1)
    # The bare step checks nothing; the Network method is the checked entry point.
    net = Network.from_params(params)
    with pytest.raises(ValueError, match="alpha must be positive"):
        net.update(grads, alpha=0.0)
    with pytest.raises(ValueError, match="alpha must be positive"):
        net.update(grads, alpha=-1)


def test_float32_inputs_stay_float32():
    net = Network(seed=0)
    A, cache = net.forward(np.ones((784, 3)))  # float64 input is cast to the net's dtype
    assert A.dtype == np.float32 and cache["Z1"].dtype == np.float32


@pytest.mark.parametrize(
    "X, error, message",
    [
        (np.ones((3, 784)), ValueError, r"must have 784 rows .* got shape \(3, 784\); it looks transposed"),
        (np.ones(784), ValueError, "must be 2-D"),
        (np.ones((784, 0)), ValueError, "empty"),
        (np.array([["a"] * 2] * 784), TypeError, "numeric"),
    ],
)
def test_network_forward_names_bad_inputs(X, error, message):
    with pytest.raises(error, match=message):
        Network().forward(X)


def test_network_backward_names_bad_labels():
    net = Network()
    _, cache = net.forward(np.ones((784, 3)))
    with pytest.raises(ValueError, match="Y has 2 labels but there are 3 examples"):
        net.backward(cache, np.array([1, 2]))
    with pytest.raises(ValueError, match="label 12 outside the range 0–9"):
        net.backward(cache, np.array([1, 2, 12]))
    with pytest.raises(ValueError, match="label -1"):
        net.backward(cache, np.array([1, 2, -1]))


def test_setting_a_parameter_attribute_changes_the_parameter():
    net = Network((4, 3, 2), seed=0)
    net.W1 = np.zeros((3, 4))
    assert not net.params["W1"].any() and net.params["W1"].dtype == np.float32
    assert np.array_equal(net.predict_proba(np.ones((4, 2)))[:, 0], net.predict_proba(np.zeros((4, 2)))[:, 0])
    with pytest.raises(ValueError, match=r"W1 must have shape \(3, 4\)"):
        net.W1 = np.zeros((4, 3))
    net.note = "not a parameter"
    assert net.note == "not a parameter" and "note" not in net.params


def test_network_wraps_the_functions():
    net = Network((20, 7, 3), seed=3)
    assert net.layer_sizes == (20, 7, 3)
    assert net.W1 is net.params["W1"]
    X = np.random.default_rng(0).random((20, 5))
    P = net.predict_proba(X)
    assert P.shape == (3, 5) and np.allclose(P.sum(axis=0), 1, atol=1e-6)
    assert np.array_equal(net.predict(X), P.argmax(axis=0))
    assert 0 <= net.accuracy(X, np.array([0, 1, 2, 0, 1])) <= 1
    with pytest.raises(AttributeError):
        _ = net.W9


def test_network_predict_rejects_non_finite_input():
    X = np.ones((784, 2))
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="X contains 1 non-finite value"):
        Network().predict(X)


def test_from_params_checks_consistency():
    params = init_params((6, 4, 3))
    params["b2"] = np.zeros((4, 1), dtype=np.float32)
    with pytest.raises(ValueError, match=r"b2 must have shape \(3, 1\)"):
        Network.from_params(params)
    params = init_params((6, 4, 3))
    params["W2"] = params["W2"].astype(np.float64)
    with pytest.raises(TypeError, match="share one dtype"):
        Network.from_params(params)
    with pytest.raises(ValueError, match="exactly the keys"):
        Network.from_params({"W1": np.ones((2, 2)), "b1": np.ones((2, 1)), "W3": np.ones((2, 2))})
