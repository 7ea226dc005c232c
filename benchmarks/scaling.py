r"""Where the time goes: one epoch of mini-batch SGD as the network widens and the data grows.

With $m$ examples and $n_1$ hidden units an epoch costs about
$2 \cdot 3 \cdot 784\, n_1 m$ floating-point operations, so time should grow
linearly in both — once the matrix products dominate. For a narrow network
they do not: every step also pays a fixed cost of some forty small NumPy
calls, and the GFLOP/s column shows how far from the machine's peak that
leaves it.
"""

from __future__ import annotations

import math
import time

import numpy as np

from common import threads, timed
from nn_scratch import Network, cross_entropy, get_predictions, sgd
from nn_scratch.network import _backward, _forward, _update
from speed import mlp_flops

PHASES = ("batch copy", "forward", "loss", "accuracy", "backward", "update")


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


def step_breakdown(data, layer_sizes, *, batch_size: int, alpha: float, n_threads: int) -> dict:
    """Microseconds per step spent in each phase of ``sgd``'s loop, over one epoch.

    The loop below is the body of :func:`nn_scratch.sgd` — the same calls in
    the same order — with a clock read between the phases. One plain ``sgd``
    epoch is timed too, so the sum of the phases can be checked against it.
    """
    X, Y = data.X_train, data.Y_train
    m = X.shape[1]
    spent = dict.fromkeys(PHASES, 0.0)
    with threads(n_threads):
        net = Network(layer_sizes, seed=0)
        order = np.random.default_rng(0).permutation(m)
        clock = time.perf_counter
        for start in range(0, m, batch_size):
            t0 = clock()
            idx = order[start : start + batch_size]
            Xb, Yb = X[:, idx], Y[idx]
            t1 = clock()
            A, cache = _forward(net.params, Xb)
            t2 = clock()
            loss = cross_entropy(A, Yb)
            assert math.isfinite(loss)
            t3 = clock()
            int(np.count_nonzero(get_predictions(A) == Yb))
            t4 = clock()
            grads = _backward(net.params, cache, Yb)
            t5 = clock()
            _update(net.params, grads, alpha)
            t6 = clock()
            for phase, dt in zip(PHASES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)):
                spent[phase] += dt
        whole = timed(lambda n: sgd(n, X, Y, alpha=alpha, epochs=1, batch_size=batch_size, seed=0), 1,
                      setup=lambda: Network(layer_sizes, seed=0))
    steps = -(-m // batch_size)
    return {
        "layer_sizes": list(layer_sizes),
        "batch_size": batch_size,
        "threads": n_threads,
        "microseconds_per_step": {k: v / steps * 1e6 for k, v in spent.items()},
        "sgd_epoch_microseconds_per_step": whole["min"] / steps * 1e6,
        "matmul_flops_per_step": mlp_flops(layer_sizes, batch_size),
    }
