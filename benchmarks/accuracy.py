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
fit the training set's noise. Which values of these the recipes use was chosen
on a validation split by :mod:`benchmarks.recipes`; here the chosen recipe
trains on all the training images and the test set is scored once, at the end.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.common import threads
from nn_scratch import Network, sgd


def standardised(X_fit, *X_other):
    """``X_fit`` and each of ``X_other`` centred by ``X_fit``'s per-pixel mean and divided by its one pixel std.

    Both statistics come from ``X_fit`` (the training images) only; the held-out
    images get the same transform.

    Examples
    --------
    >>> X, X_held_out = np.array([[0.0, 2.0], [1.0, 1.0]]), np.array([[1.0], [1.0]])
    >>> [A.round(3).tolist() for A in standardised(X, X_held_out)]
    [[[-1.414, 1.414], [0.0, 0.0]], [[0.0], [0.0]]]
    """
    mu = X_fit.mean(axis=1, keepdims=True)
    sigma = float(X_fit.std())
    return tuple(np.asfortranarray((X - mu) / sigma, dtype=X_fit.dtype) for X in (X_fit, *X_other))


# How a recipe's images are prepared before sgd sees them (the preparation is timed too):
# the pixels as loaded (values in [0, 1]), or standardised by the training images' statistics.
INPUTS = {"pixels": lambda X_fit, *X_other: (X_fit, *X_other), "standardised": standardised}


def run_recipe(data, layer_sizes, recipe: dict, *, n_threads: int, inputs: str = "pixels") -> dict:
    """Train one ``layer_sizes`` network on ``data.X_train`` with ``sgd(net, X, Y, **recipe)``; score the test set once.

    ``inputs`` names the preparation of the images (:data:`INPUTS`). The curve
    holds the training loss of each epoch; the test images are read once, after
    training.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> rng = np.random.default_rng(0)
    >>> data = SimpleNamespace(X_train=rng.random((4, 40)), Y_train=rng.integers(0, 3, 40),
    ...                        X_test=rng.random((4, 10)), Y_test=rng.integers(0, 3, 10))
    >>> recipe = {"epochs": 2, "batch_size": 8, "alpha": 0.1, "schedule": "cosine", "seed": 0}
    >>> out = run_recipe(data, (4, 5, 3), recipe, n_threads=1)
    >>> out["recipe"]["layer_sizes"], out["recipe"]["schedule"], [sorted(c) for c in out["curve"]]
    ([4, 5, 3], 'cosine', [['epoch', 'train_loss'], ['epoch', 'train_loss']])
    """
    curve = []
    with threads(n_threads):
        start = time.perf_counter()
        (X,) = INPUTS[inputs](data.X_train)
        net = Network(tuple(layer_sizes), seed=recipe["seed"])
        sgd(
            net,
            X,
            data.Y_train,
            **recipe,
            callback=lambda record: curve.append({"epoch": record["epoch"], "train_loss": record["loss"]}),
        )
        seconds = time.perf_counter() - start
    # The test images get the training images' transform, computed again outside the clock.
    _, X_test = INPUTS[inputs](data.X_train, data.X_test)
    return {
        "recipe": {"layer_sizes": list(layer_sizes), **recipe},
        "inputs": inputs,
        "threads": n_threads,
        "training_seconds": seconds,
        "train_accuracy": net.accuracy(X, data.Y_train),
        "test_accuracy": net.accuracy(X_test, data.Y_test),
        "curve": curve,
    }
