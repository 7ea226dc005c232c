"""nn_scratch computes what the classic tutorial computes — once the tutorial's bias bug is fixed.

benchmarks/tutorial_reference.py is a faithful copy of Samson Zhang's NumPy
network, the peer of the full-batch benchmark. In float64 and with its
``db = 1/m * np.sum(dZ)`` corrected to a per-unit sum, every intermediate
array and every trained parameter must agree with nn_scratch to rounding;
the faithful version must show its documented bugs.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from benchmarks import tutorial_reference as tutorial
from nn_scratch import Network, backward_prop, forward_prop, gradient_descent, init_params

RTOL = 1e-12


@pytest.fixture(scope="module")
def batch(mnist):
    # 3,000 real images in float64, the tutorial's precision.
    return mnist.X_train[:, :3000].astype(np.float64), mnist.Y_train[:3000]


@pytest.fixture
def params():
    return init_params((784, 10, 10), init="uniform", seed=0, dtype=np.float64)


def _tutorial_params(params):
    return tuple(params[k].copy() for k in ("W1", "b1", "W2", "b2"))


def test_forward_pass_matches(batch, params):
    X, _ = batch
    A2, cache = forward_prop(params, X)
    Z1, A1, Z2, T2 = tutorial.forward_prop(*_tutorial_params(params), X)
    for ours, theirs in ((cache["Z1"], Z1), (cache["A1"], A1), (cache["Z2"], Z2), (A2, T2)):
        np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=1e-15)


def test_gradients_match_the_per_unit_correction(batch, params):
    X, Y = batch
    A2, cache = forward_prop(params, X)
    grads = backward_prop(params, cache, Y)
    W1, b1, W2, b2 = _tutorial_params(params)
    dW1, db1, dW2, db2 = tutorial.backward_prop_per_unit(
        *tutorial.forward_prop(W1, b1, W2, b2, X), W1, W2, X, Y, m=X.shape[1]
    )
    for name, theirs in (("dW1", dW1), ("db1", db1), ("dW2", dW2), ("db2", db2)):
        assert grads[name].shape == theirs.shape
        np.testing.assert_allclose(grads[name], theirs, rtol=1e-10, atol=1e-15, err_msg=name)


def test_training_runs_end_at_the_same_parameters(batch, params):
    X, Y = batch
    start = _tutorial_params(params)
    net = Network.from_params(params)
    gradient_descent(net, X, Y, alpha=0.1, iterations=10, log_every=10)
    theirs = tutorial.gradient_descent(X, Y, 0.1, 10, start, per_unit_bias=True)
    for name, P in zip(("W1", "b1", "W2", "b2"), theirs, strict=True):
        np.testing.assert_allclose(net.params[name], P, rtol=1e-9, atol=1e-13, err_msg=name)
        assert not np.array_equal(P, start[("W1", "b1", "W2", "b2").index(name)]), "training changed nothing"


def test_faithful_bias_gradient_is_one_number_for_the_whole_layer(batch, params):
    X, Y = batch
    W1, b1, W2, b2 = _tutorial_params(params)
    forward = tutorial.forward_prop(W1, b1, W2, b2, X)
    _, db1_bug, _, db2_bug = tutorial.backward_prop(*forward, W1, W2, X, Y, m=X.shape[1])
    _, db1, _, db2 = tutorial.backward_prop_per_unit(*forward, W1, W2, X, Y, m=X.shape[1])
    assert np.ndim(db1_bug) == 0 and np.ndim(db2_bug) == 0
    assert db1_bug == pytest.approx(db1.sum(), rel=1e-9)
    # For the output layer the per-unit gradients sum to zero (softmax columns sum to 1 and so do one-hot columns):
    assert db2_bug == pytest.approx(0.0, abs=1e-12) and np.abs(db2).max() > 1e-3


def test_faithful_one_hot_and_softmax_bugs():
    assert tutorial.one_hot(np.array([0, 1, 8])).shape == (9, 3)  # no 9 in the batch: nine rows
    with np.errstate(over="ignore", invalid="ignore"):
        A = tutorial.softmax(np.array([[1000.0], [0.0]]))
    assert np.isnan(A).any()  # exp(1000) = inf and inf / inf = NaN


def test_reference_doctests_pass():
    result = doctest.testmod(tutorial, extraglobs={"np": np}, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
