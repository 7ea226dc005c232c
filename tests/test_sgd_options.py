"""sgd's weight_decay and schedule options: what they change, and the errors they give."""

from __future__ import annotations

import numpy as np
import pytest

from nn_scratch import Network, backward_prop, forward_prop, init_params, sgd, update_params


@pytest.fixture
def data():
    rng = np.random.default_rng(1)
    return rng.random((6, 40)), rng.integers(0, 3, 40)


def test_schedule_is_called_once_per_epoch_with_the_epoch_number(data):
    X, Y = data
    calls = []
    sgd(Network((6, 4, 3), seed=0), X, Y, epochs=3, batch_size=16, schedule=lambda e: calls.append(e) or 1.0)
    assert calls == [0, 1, 2]


def test_momentum_weight_decay_and_schedule_follow_the_equations(data):
    X, Y = data
    net = Network((6, 4, 3), seed=0, dtype=np.float64)
    sgd(
        net,
        X,
        Y,
        alpha=0.3,
        epochs=3,
        batch_size=40,
        shuffle=False,
        momentum=0.5,
        weight_decay=0.1,
        schedule=lambda e: 1 / (1 + e),
    )
    params = init_params((6, 4, 3), seed=0, dtype=np.float64)
    v = {"d" + k: np.zeros_like(P) for k, P in params.items()}
    for e in range(3):
        _, cache = forward_prop(params, X)
        g = backward_prop(params, cache, Y)
        for k in ("W1", "W2"):
            g["d" + k] += 0.1 * params[k]  # biases are not decayed
        v = {k: 0.5 * v[k] + g[k] for k in g}
        update_params(params, v, alpha=0.3 / (1 + e))
    for k in params:
        np.testing.assert_allclose(net.params[k], params[k], rtol=1e-12, atol=1e-15)


def test_weight_decay_shrinks_the_weights(data):
    X, Y = data
    plain, decayed = Network((6, 4, 3), seed=0), Network((6, 4, 3), seed=0)
    sgd(plain, X, Y, epochs=20, batch_size=8)
    sgd(decayed, X, Y, epochs=20, batch_size=8, weight_decay=0.5)
    assert np.linalg.norm(decayed.W1) < 0.9 * np.linalg.norm(plain.W1)


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), True, "0.1"])
def test_bad_weight_decay_is_refused(data, bad):
    X, Y = data
    with pytest.raises(ValueError, match="weight_decay must be a finite number >= 0"):
        sgd(Network((6, 4, 3)), X, Y, epochs=1, weight_decay=bad)


@pytest.mark.parametrize("factor", [0, -1.0, float("nan"), None])
def test_bad_schedule_factor_is_refused_naming_the_epoch(data, factor):
    X, Y = data
    with pytest.raises(ValueError, match=r"schedule\(1\) must return a positive finite factor"):
        sgd(Network((6, 4, 3)), X, Y, epochs=2, schedule=lambda e: 1.0 if e == 0 else factor)


def test_schedule_must_be_callable(data):
    X, Y = data
    with pytest.raises(TypeError, match="schedule must be a function of the epoch number, got float"):
        sgd(Network((6, 4, 3)), X, Y, epochs=1, schedule=0.5)
