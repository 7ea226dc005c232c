r"""Accuracy recipes: how far plain NumPy gets on the official test set, and in how long.

A recipe is everything :func:`nn_scratch.sgd` needs, written down as data so
that the JSON file records exactly what produced each number. Two ingredients
beyond plain SGD matter most for the long runs:

* momentum $\mu = 0.9$, which averages the noisy mini-batch gradients and
  lets a larger effective step follow the valleys of the loss;
* a cosine learning-rate schedule (``schedule="cosine"``, :func:`nn_scratch.training.cosine_schedule`),
  $\alpha_e = \alpha \cdot \tfrac12\,(1 + \cos(\pi e / E))$
  for epoch $e$ of $E$: large steps early, small ones at the end, so training
  settles into a minimum instead of bouncing around it;

and a little weight decay keeps the wide network's weights from growing to
fit the training set's noise. The test set is used only to report the final
number, never to choose anything during a run.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np

from common import threads
from nn_scratch import Network, sgd


def standardised(data):
    """``data`` with every image centred by the training set's per-pixel mean and divided by its one pixel std.

    Both come from the training images only; the test images get the same transform.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> d = SimpleNamespace(X_train=np.array([[0.0, 2.0], [1.0, 1.0]]), Y_train=np.array([0, 1]),
    ...                     X_test=np.array([[1.0], [1.0]]), Y_test=np.array([0]))
    >>> s = standardised(d)
    >>> s.X_train.round(3).tolist(), s.X_test.tolist()
    ([[-1.414, 1.414], [0.0, 0.0]], [[0.0], [0.0]])
    """
    mu = data.X_train.mean(axis=1, keepdims=True)
    sigma = float(data.X_train.std())
    dtype = data.X_train.dtype
    return SimpleNamespace(
        X_train=np.asfortranarray((data.X_train - mu) / sigma, dtype=dtype),
        Y_train=data.Y_train,
        X_test=np.asfortranarray((data.X_test - mu) / sigma, dtype=dtype),
        Y_test=data.Y_test,
    )


# How a recipe's inputs are prepared before sgd sees them (the preparation is timed too).
INPUTS = {"pixels": lambda data: data, "standardised": standardised}


def run_recipe(data, layer_sizes, recipe: dict, *, n_threads: int, inputs: str = "pixels") -> dict:
    """Train one ``layer_sizes`` network with ``sgd(net, X, Y, **recipe)``; time and accuracies, epoch by epoch.

    ``inputs`` names the preparation of the images (:data:`INPUTS`): the pixels as
    loaded (values in [0, 1]), or standardised by the training set's statistics.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> rng = np.random.default_rng(0)
    >>> data = SimpleNamespace(X_train=rng.random((4, 40)), Y_train=rng.integers(0, 3, 40),
    ...                        X_test=rng.random((4, 10)), Y_test=rng.integers(0, 3, 10))
    >>> recipe = {"epochs": 2, "batch_size": 8, "alpha": 0.1, "schedule": "cosine", "seed": 0}
    >>> out = run_recipe(data, (4, 5, 3), recipe, n_threads=1)
    >>> out["recipe"]["layer_sizes"], out["recipe"]["schedule"], len(out["curve"])
    ([4, 5, 3], 'cosine', 2)
    """
    prepare_start = time.perf_counter()
    data = INPUTS[inputs](data)
    prepare = time.perf_counter() - prepare_start
    X, Y, X_test, Y_test = data.X_train, data.Y_train, data.X_test, data.Y_test
    net = Network(tuple(layer_sizes), seed=recipe["seed"])
    curve = []
    evaluation = 0.0

    def on_epoch(record):
        # Test accuracy after each epoch, for the plot; its cost is excluded from the training time.
        nonlocal evaluation
        start = time.perf_counter()
        curve.append(
            {"epoch": record["epoch"], "train_loss": record["loss"], "test_accuracy": net.accuracy(X_test, Y_test)}
        )
        evaluation += time.perf_counter() - start

    with threads(n_threads):
        start = time.perf_counter()
        sgd(net, X, Y, **recipe, callback=on_epoch)
        seconds = time.perf_counter() - start - evaluation + prepare
    return {
        "recipe": {"layer_sizes": list(layer_sizes), **recipe},
        "inputs": inputs,
        "threads": n_threads,
        "training_seconds": seconds,
        "train_accuracy": net.accuracy(X, Y),
        "test_accuracy": curve[-1]["test_accuracy"],
        "curve": curve,
    }
