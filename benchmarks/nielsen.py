r"""Michael Nielsen's ``network.py``, re-implemented faithfully, as a benchmark peer.

Chapter 1 of *Neural Networks and Deep Learning* (Nielsen, 2015) trains a
784-30-10 network with the program ``network.py``; it is the from-scratch
network most learners meet first. This module is our own Python 3 code for
*its algorithm*, kept as the book has it, because the point of the comparison
is what that algorithm costs:

* sigmoid on every layer, the quadratic cost $C = \tfrac12 \lVert a - y \rVert^2$;
* weights and biases drawn from $N(0, 1)$;
* each example is a $(784, 1)$ column and each label a $(10, 1)$ one-hot
  column (the test set keeps integer labels, as his loader does);
* inside a mini-batch, backpropagation runs **once per example** and the
  gradients are summed; then $w := w - \frac{\eta}{|B|} \sum_{x \in B} \nabla_w C_x$;
* his split: the first 50,000 official training images for training, the
  last 10,000 for validation, the official 10,000 for testing.

Two departures, neither touching the arithmetic: every random draw comes
from a seeded ``numpy.random.Generator`` instead of the global ``np.random``
and ``random.shuffle`` (so runs repeat), and ``sigmoid`` ignores the overflow
warning of ``exp(-z)`` for $z < -709$, where $1 / (1 + \infty) = 0$ is the
right answer.

The book reports about 95 % test accuracy after 30 epochs of
``net.SGD(training_data, 30, 10, 3.0, test_data=test_data)`` (its best epoch
95.42 % in the run it prints).

Examples
--------
>>> rng = np.random.default_rng(0)
>>> net = NielsenNetwork([4, 3, 2], seed=0)
>>> [w.shape for w in net.weights], [b.shape for b in net.biases]
([(3, 4), (2, 3)], [(3, 1), (2, 1)])
>>> net.feedforward(rng.random((4, 1))).shape
(2, 1)
"""

from __future__ import annotations

import itertools
import time

import numpy as np

__all__ = [
    "NielsenNetwork",
    "compare_with_nn_scratch",
    "nielsen_data",
    "sigmoid",
    "sigmoid_prime",
    "time_epochs",
]

# The book's recipe: 784-30-10, 30 epochs, mini-batches of 10, eta = 3.0.
BOOK_RECIPE = {"layer_sizes": [784, 30, 10], "epochs": 30, "batch_size": 10, "eta": 3.0}


def sigmoid(z):
    r"""$\sigma(z) = 1 / (1 + e^{-z})$, element-wise.

    Examples
    --------
    >>> sigmoid(np.array([0.0, -1000.0]))
    array([0.5, 0. ])
    """
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    r"""$\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$.

    Examples
    --------
    >>> float(sigmoid_prime(np.array(0.0)))
    0.25
    """
    s = sigmoid(z)
    return s * (1 - s)


class NielsenNetwork:
    """The network of ``network.py``: lists of weight matrices and bias columns, sigmoid everywhere.

    Examples
    --------
    >>> net = NielsenNetwork([784, 30, 10], seed=0)
    >>> net.num_layers, net.weights[0].shape
    (3, (30, 784))
    """

    def __init__(self, sizes, seed=0):
        self.num_layers = len(sizes)
        self.sizes = list(sizes)
        self.rng = np.random.default_rng(seed)
        # N(0, 1) for both, no scaling by the fan-in: the book's choice in chapter 1.
        self.biases = [self.rng.standard_normal((y, 1)) for y in sizes[1:]]
        self.weights = [self.rng.standard_normal((y, x)) for x, y in itertools.pairwise(sizes)]

    def feedforward(self, a):
        """The output for input column ``a``: $a := \\sigma(w a + b)$ layer by layer."""
        for b, w in zip(self.biases, self.weights, strict=True):
            a = sigmoid(np.dot(w, a) + b)
        return a

    def SGD(self, training_data, epochs, mini_batch_size, eta, test_data=None, callback=None):
        """Mini-batch SGD over a list of ``(x, y)`` column pairs, reshuffled every epoch.

        After each epoch ``callback(epoch, seconds, correct)`` receives the
        epoch's training time and, when ``test_data`` is given, the number of
        test images classified correctly (the book prints it; evaluating is
        not part of the timed training).

        Examples
        --------
        >>> rng = np.random.default_rng(1)
        >>> data = [(rng.random((4, 1)), np.eye(2)[:, [i % 2]]) for i in range(20)]
        >>> net = NielsenNetwork([4, 3, 2], seed=0)
        >>> log = []
        >>> net.SGD(data, 2, 5, 3.0, callback=lambda e, s, c: log.append((e, c)))
        >>> log
        [(0, None), (1, None)]
        """
        training_data = list(training_data)
        n = len(training_data)
        for j in range(epochs):
            start = time.perf_counter()
            order = self.rng.permutation(n)
            training_data = [training_data[i] for i in order]
            mini_batches = [training_data[k : k + mini_batch_size] for k in range(0, n, mini_batch_size)]
            for mini_batch in mini_batches:
                self.update_mini_batch(mini_batch, eta)
            seconds = time.perf_counter() - start
            correct = self.evaluate(test_data) if test_data is not None else None
            if callback is not None:
                callback(j, seconds, correct)

    def update_mini_batch(self, mini_batch, eta):
        r"""One step: backpropagate each example alone, sum, $w := w - \frac{\eta}{|B|} \sum \nabla_w C_x$."""
        nabla_b, nabla_w = self.batch_gradient(mini_batch)
        self.weights = [w - (eta / len(mini_batch)) * nw for w, nw in zip(self.weights, nabla_w, strict=True)]
        self.biases = [b - (eta / len(mini_batch)) * nb for b, nb in zip(self.biases, nabla_b, strict=True)]

    def batch_gradient(self, mini_batch):
        """The sums over ``mini_batch`` of every example's ``(nabla_b, nabla_w)``, example by example.

        Examples
        --------
        >>> net = NielsenNetwork([3, 2, 2], seed=0)
        >>> x, y = np.ones((3, 1)), np.array([[1.0], [0.0]])
        >>> nb, nw = net.batch_gradient([(x, y), (x, y)])
        >>> bool(np.allclose(nw[0], 2 * net.backprop(x, y)[1][0]))
        True
        """
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b, strict=True)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w, strict=True)]
        return nabla_b, nabla_w

    def backprop(self, x, y):
        r"""The gradient of $C_x = \tfrac12 \lVert a^L - y \rVert^2$ for one example, layer by layer.

        The book's four equations: $\delta^L = (a^L - y) \odot \sigma'(z^L)$,
        $\delta^l = (w^{l+1})^\top \delta^{l+1} \odot \sigma'(z^l)$,
        $\partial C / \partial b^l = \delta^l$,
        $\partial C / \partial w^l = \delta^l (a^{l-1})^\top$.
        As in ``network.py``, ``l`` counts layers from the end (Python's
        negative indices), so ``-1`` is the output layer.
        """
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        activation = x
        activations = [x]
        zs = []
        for b, w in zip(self.biases, self.weights, strict=True):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        delta = self.cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = sigmoid_prime(z)
            delta = np.dot(self.weights[-l + 1].transpose(), delta) * sp
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
        return nabla_b, nabla_w

    def evaluate(self, test_data):
        """How many ``(x, label)`` pairs the network classifies correctly (the largest output wins)."""
        return sum(int(np.argmax(self.feedforward(x)) == y) for x, y in test_data)

    def cost_derivative(self, output_activations, y):
        r"""$\partial C_x / \partial a^L = a^L - y$ for the quadratic cost."""
        return output_activations - y


def nielsen_data(data, n_train=50_000):
    """``(training, validation, test)`` in ``network.py``'s layout, from a ``load_mnist`` result.

    Training pairs are ``((784, 1) pixels, (10, 1) one-hot)``; validation and
    test pairs are ``((784, 1) pixels, integer label)``. The first ``n_train``
    official training images train, the rest validate (50,000 / 10,000 as in
    the book's ``mnist.pkl.gz``).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> d = SimpleNamespace(X_train=np.zeros((784, 5), np.float32), Y_train=np.arange(5),
    ...                     X_test=np.zeros((784, 2), np.float32), Y_test=np.array([7, 1]))
    >>> tr, va, te = nielsen_data(d, n_train=3)
    >>> len(tr), len(va), len(te), tr[0][0].shape, tr[1][1].ravel().tolist(), te[0][1]
    (3, 2, 2, (784, 1), [0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], 7)
    """
    X, Y = data.X_train, data.Y_train

    def column(X, i):
        return np.ascontiguousarray(X[:, i : i + 1])

    def one_hot(j):
        e = np.zeros((10, 1))
        e[j] = 1.0
        return e

    training = [(column(X, i), one_hot(int(Y[i]))) for i in range(min(n_train, X.shape[1]))]
    validation = [(column(X, i), int(Y[i])) for i in range(min(n_train, X.shape[1]), X.shape[1])]
    test = [(column(data.X_test, i), int(data.Y_test[i])) for i in range(data.X_test.shape[1])]
    return training, validation, test


def time_epochs(data, *, epochs=1, batch_size=10, eta=3.0, layer_sizes=(784, 30, 10), seed=0, n_train=50_000) -> dict:
    """Train ``network.py``'s algorithm; seconds and test accuracy for every epoch.

    Evaluation on the test set happens after each epoch and is not part of the
    epoch's time.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> rng = np.random.default_rng(0)
    >>> d = SimpleNamespace(X_train=rng.random((6, 40)), Y_train=rng.integers(0, 10, 40),
    ...                     X_test=rng.random((6, 10)), Y_test=rng.integers(0, 10, 10))
    >>> r = time_epochs(d, epochs=2, layer_sizes=(6, 5, 10), n_train=30)
    >>> len(r["seconds"]), len(r["test_accuracy"]), r["m_train"]
    (2, 2, 30)
    """
    training, _, test = nielsen_data(data, n_train)
    net = NielsenNetwork(list(layer_sizes), seed=seed)
    seconds, accuracy = [], []

    def log(epoch, s, correct):
        seconds.append(s)
        accuracy.append(correct / len(test))

    net.SGD(training, epochs, batch_size, eta, test_data=test, callback=log)
    return {
        "recipe": {
            "layer_sizes": list(layer_sizes),
            "epochs": epochs,
            "batch_size": batch_size,
            "eta": eta,
            "seed": seed,
        },
        "m_train": len(training),
        "seconds": seconds,
        "test_accuracy": accuracy,
    }


# nn_scratch on Nielsen's shape and batch size, with its own maths (ReLU,
# softmax, cross-entropy, He initialisation); alpha 0.1 is its usual rate.
NN_SCRATCH_RECIPE = {"alpha": 0.1, "momentum": 0.0, "init": "he", "dtype": "float32"}


def nn_scratch_epochs(
    data, *, epochs=1, batch_size=10, layer_sizes=(784, 30, 10), seed=0, n_train=50_000, recipe=None
) -> dict:
    """:func:`nn_scratch.sgd` on the same 50,000 images and shape; seconds and test accuracy per epoch.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> rng = np.random.default_rng(0)
    >>> d = SimpleNamespace(X_train=rng.random((6, 40), dtype=np.float32), Y_train=rng.integers(0, 10, 40),
    ...                     X_test=rng.random((6, 10), dtype=np.float32), Y_test=rng.integers(0, 10, 10))
    >>> r = nn_scratch_epochs(d, epochs=2, layer_sizes=(6, 5, 10), n_train=30)
    >>> len(r["seconds"]), len(r["test_accuracy"])
    (2, 2)
    """
    from nn_scratch import Network, sgd

    recipe = dict(NN_SCRATCH_RECIPE, **(recipe or {}))
    X, Y = data.X_train[:, :n_train], data.Y_train[:n_train]
    net = Network(tuple(layer_sizes), init=recipe["init"], seed=seed, dtype=recipe["dtype"])
    seconds, accuracy = [], []
    for epoch in range(epochs):
        start = time.perf_counter()
        # One epoch per call, each shuffled by its own seed: the same as one long call apart from the draws.
        sgd(
            net,
            X,
            Y,
            alpha=recipe["alpha"],
            momentum=recipe["momentum"],
            epochs=1,
            batch_size=batch_size,
            seed=seed + epoch,
        )
        seconds.append(time.perf_counter() - start)
        accuracy.append(net.accuracy(data.X_test, data.Y_test))
    return {
        "recipe": dict(recipe, layer_sizes=list(layer_sizes), epochs=epochs, batch_size=batch_size, seed=seed),
        "m_train": int(X.shape[1]),
        "seconds": seconds,
        "test_accuracy": accuracy,
    }


def compare_with_nn_scratch(data, *, epochs=1, batch_size=10, seed=0, n_train=50_000, threads=1) -> dict:
    """Both networks on Nielsen's shape and batch size in this process: time per epoch, accuracy per epoch.

    The ratio compares the fastest epoch of each (the least disturbed by other
    processes on a shared machine).
    """
    from benchmarks.common import threads as limit_threads

    with limit_threads(threads):
        theirs = time_epochs(data, epochs=epochs, batch_size=batch_size, seed=seed, n_train=n_train)
        ours = nn_scratch_epochs(data, epochs=epochs, batch_size=batch_size, seed=seed, n_train=n_train)
    return {
        "threads": threads,
        "nielsen": theirs,
        "nn_scratch": ours,
        "nielsen_over_nn_scratch": min(theirs["seconds"]) / min(ours["seconds"]),
    }


if __name__ == "__main__":
    import argparse
    import json

    from benchmarks.common import load_data

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--book", action="store_true", help="only network.py, the book's 30 epochs")
    args = parser.parse_args()
    data = load_data()
    if args.book:
        result = time_epochs(data, epochs=BOOK_RECIPE["epochs"])
    else:
        result = compare_with_nn_scratch(data, epochs=args.epochs, threads=args.threads)
    print(json.dumps(result, indent=1))
