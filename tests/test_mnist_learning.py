"""Real learning on the official MNIST split (these fail in CI if the data is missing)."""

import numpy as np

from nn_scratch import Network, gradient_check, gradient_descent, sgd
from nn_scratch.gradcheck import TOLERANCE


def test_default_network_with_sgd_reaches_92_percent_on_the_official_test_set(mnist):
    net = Network(seed=0)  # the default 784-10-10, He initialisation, float32
    history = sgd(net, mnist.X_train, mnist.Y_train, alpha=0.2, epochs=3, batch_size=64, seed=0)
    accuracy = net.accuracy(mnist.X_test, mnist.Y_test)
    assert mnist.X_test.shape == (784, 10_000)
    assert accuracy >= 0.92, accuracy
    assert history.loss[-1] < history.loss[0]


def test_full_batch_gradient_descent_lowers_the_loss_monotonically(mnist):
    net = Network(init="uniform", seed=0)  # the tutorials' U(−0.5, 0.5)
    history = gradient_descent(net, mnist.X_train, mnist.Y_train, alpha=0.1, iterations=20, log_every=1)
    assert history.step == list(range(21))
    assert np.all(np.diff(history.loss) < 0), history.loss
    assert history.train_accuracy[-1] > history.train_accuracy[0]


def test_gradient_check_on_real_digits(mnist):
    net = Network(seed=0, dtype=np.float64)
    X, Y = mnist.X_train[:, :5], mnist.Y_train[:5]
    assert gradient_check(net, X, Y) < TOLERANCE
