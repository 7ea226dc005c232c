"""benchmarks/nielsen.py computes what Nielsen's network.py computes, and learns.

Its per-example backpropagation, summed over a mini-batch, must equal the
gradient of the summed quadratic cost written independently here — once as
whole-batch matrix formulas, once by central finite differences — and a short
run on a few thousand real digits must do far better than chance.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from benchmarks import nielsen


def _batch(rng, sizes, m):
    X = rng.random((sizes[0], m))
    labels = rng.integers(0, sizes[-1], m)
    Y = np.eye(sizes[-1])[:, labels]
    return X, Y, [(X[:, [i]], Y[:, [i]]) for i in range(m)]


def _cost(weights, biases, X, Y):
    # C = Σ_x ½‖a^L(x) − y(x)‖², all examples at once.
    A = X
    for w, b in zip(weights, biases, strict=True):
        A = 1 / (1 + np.exp(-(w @ A + b)))
    return 0.5 * np.sum((A - Y) ** 2)


def _vectorised_gradient(weights, biases, X, Y):
    # Whole-batch backpropagation: columns are examples, sums over axis 1.
    As, Zs = [X], []
    for w, b in zip(weights, biases, strict=True):
        Zs.append(w @ As[-1] + b)
        As.append(1 / (1 + np.exp(-Zs[-1])))
    s = As[-1]
    delta = (s - Y) * s * (1 - s)
    nabla_w, nabla_b = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        nabla_w[l] = delta @ As[l].T
        nabla_b[l] = delta.sum(axis=1, keepdims=True)
        if l:
            delta = (weights[l].T @ delta) * As[l] * (1 - As[l])
    return nabla_b, nabla_w


@pytest.mark.parametrize("sizes", [(12, 7, 4), (9, 6, 5, 3)])
def test_summed_per_example_gradients_equal_the_vectorised_gradient(sizes):
    rng = np.random.default_rng(1)
    net = nielsen.NielsenNetwork(list(sizes), seed=2)
    X, Y, batch = _batch(rng, sizes, 10)
    nabla_b, nabla_w = net.batch_gradient(batch)
    ref_b, ref_w = _vectorised_gradient(net.weights, net.biases, X, Y)
    for ours, ref in zip(nabla_w + nabla_b, ref_w + ref_b, strict=True):
        np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-14)


def test_summed_per_example_gradients_match_finite_differences():
    rng = np.random.default_rng(3)
    sizes = (5, 4, 3)
    net = nielsen.NielsenNetwork(list(sizes), seed=4)
    X, Y, batch = _batch(rng, sizes, 6)
    nabla_b, nabla_w = net.batch_gradient(batch)
    h = 1e-6
    for params, grads in ((net.weights, nabla_w), (net.biases, nabla_b)):
        for P, G in zip(params, grads, strict=True):
            numeric = np.zeros_like(P)
            for idx in np.ndindex(P.shape):
                saved = P[idx]
                P[idx] = saved + h
                up = _cost(net.weights, net.biases, X, Y)
                P[idx] = saved - h
                down = _cost(net.weights, net.biases, X, Y)
                P[idx] = saved
                numeric[idx] = (up - down) / (2 * h)
            np.testing.assert_allclose(G, numeric, rtol=1e-6, atol=1e-9)


def test_update_is_eta_over_batch_size_times_the_summed_gradient():
    rng = np.random.default_rng(5)
    net = nielsen.NielsenNetwork([6, 4, 3], seed=0)
    _, _, batch = _batch(rng, (6, 4, 3), 8)
    before = [w.copy() for w in net.weights]
    _, nabla_w = net.batch_gradient(batch)
    net.update_mini_batch(batch, eta=3.0)
    for w0, w1, nw in zip(before, net.weights, nabla_w, strict=True):
        np.testing.assert_allclose(w1, w0 - (3.0 / 8) * nw, rtol=1e-13)


def test_a_short_run_on_real_digits_learns(mnist):
    from types import SimpleNamespace

    subset = SimpleNamespace(
        X_train=mnist.X_train[:, :5000],
        Y_train=mnist.Y_train[:5000],
        X_test=mnist.X_test[:, :1000],
        Y_test=mnist.Y_test[:1000],
    )
    result = nielsen.time_epochs(subset, epochs=3, n_train=4000)
    assert result["m_train"] == 4000
    assert len(result["test_accuracy"]) == 3
    # Chance is 10 %; 3 epochs on 4,000 digits reach 73 % (seed 0) and 80 % (seed 1).
    assert result["test_accuracy"][-1] > 0.6, result["test_accuracy"]


def test_docstring_examples():
    failures, tried = doctest.testmod(nielsen)
    assert tried > 0 and failures == 0
