r"""Where the time goes: one epoch of mini-batch SGD as the network widens and the data grows.

With $m$ examples and $n_1$ hidden units an epoch costs about
$2 \cdot 3 \cdot 784\, n_1 m$ floating-point operations, so time should grow
linearly in both — once the matrix products dominate. For a narrow network
they do not: every step also pays a fixed cost of some forty small NumPy
calls, and the GFLOP/s column shows how far from the machine's peak that
leaves it.
"""

from __future__ import annotations

from common import threads, timed
from nn_scratch import Network, sgd
from speed import mlp_flops


def _epoch(data_X, data_Y, layer_sizes, recipe, repeats):
    def run(net):
        sgd(net, data_X, data_Y, alpha=recipe["alpha"], epochs=1, batch_size=recipe["batch_size"], seed=0)

    t = timed(run, repeats, setup=lambda: Network(layer_sizes, seed=0))
    flops = mlp_flops(layer_sizes, data_X.shape[1])
    steps = -(-data_X.shape[1] // recipe["batch_size"])
    return {
        "seconds": t["min"],
        "median": t["median"],
        "gflops_per_second": flops / t["min"] / 1e9,
        "microseconds_per_step": t["min"] / steps * 1e6,
    }


def scaling(data, *, widths, sizes, width_for_sizes: int, recipe: dict, repeats: int, n_threads: int) -> dict:
    """Seconds per epoch against hidden width (all examples) and against examples (fixed width)."""
    X, Y = data.X_train, data.Y_train
    out = {"recipe": recipe, "threads": n_threads, "by_width": [], "by_examples": []}
    with threads(n_threads):
        for n1 in widths:
            row = _epoch(X, Y, (784, n1, 10), recipe, repeats)
            out["by_width"].append({"width": n1, "m": int(X.shape[1]), **row})
        for m in sizes:
            row = _epoch(X[:, :m], Y[:m], (784, width_for_sizes, 10), recipe, repeats)
            out["by_examples"].append({"width": width_for_sizes, "m": int(m), **row})
    return out
