"""MkDocs hook: the ``net`` namespace of ``site_hooks/fields.py`` — counts the package computes.

Parameter and weight counts, FLOPs per step, bytes of the training matrix,
the preprocessing constants: each is computed here from ``nn_scratch``
itself (``sum(P.size for P in net.params.values())``), so a page that quotes
one cannot drift from the code. Nothing trains; this takes milliseconds.
"""

from __future__ import annotations

import fields

from nn_scratch.data import MNIST_FILES
from nn_scratch.idx import PIXELS
from nn_scratch.network import matmul_flops

MNIST_TRAIN = MNIST_FILES["train-images-idx3-ubyte"].count  # images in the official training file


def flops_per_step(layer_sizes: tuple[int, ...], batch_size: int) -> int:
    """FLOPs of the matrix products of one training step (:func:`nn_scratch.network.matmul_flops`).

    Examples
    --------
    >>> flops_per_step((784, 10, 10), 100)
    3196000
    """
    return matmul_flops(layer_sizes, batch_size)


def compute() -> dict:
    import numpy as np

    from nn_scratch import Network
    from nn_scratch.preprocess import BOX_SIZE, INK_THRESHOLD

    small = Network((784, 10, 10), seed=0)
    wide = Network((784, 800, 10), seed=0)
    n_params = sum(P.size for P in small.params.values())
    n_biases = sum(P.size for name, P in small.params.items() if name.startswith("b"))
    x_bytes = PIXELS * MNIST_TRAIN * np.dtype(np.float32).itemsize
    return {
        "params": f"{n_params:,}",
        "weights": f"{n_params - n_biases:,}",
        "biases": f"{n_biases:,}",
        "wide_W1": f"{wide.params['W1'].size:,}",
        "X_train_MB": f"{x_bytes / 1e6:.0f} MB",
        "ink_threshold": f"{100 * INK_THRESHOLD:.0f} %",
        "box_size": f"{BOX_SIZE} pixels",
    }


fields.register("net", compute, source="site_hooks/quantities.py")
