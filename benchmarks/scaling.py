r"""Where the time goes: one epoch of mini-batch SGD as the network widens and the data grows.

With $m$ examples and $n_1$ hidden units an epoch costs about
$2 \cdot 3 \cdot 784\, n_1 m$ floating-point operations, so time should grow
linearly in both — once the matrix products dominate. For a narrow network
they do not: every step also pays a fixed cost of some forty small NumPy
calls, and the GFLOP/s column shows how far from the machine's peak that
leaves it.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.common import threads, timed
from benchmarks.speed import mlp_flops
from nn_scratch import Network, backward_prop, cross_entropy, forward_prop, get_predictions, sgd, train_step

PHASES = ("batch copy", "forward", "backward", "loss", "accuracy", "update")


def _epoch(data_X, data_Y, layer_sizes, recipe, repeats):
    def run(net):
        sgd(net, data_X, data_Y, epochs=1, seed=0, **recipe)

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

    The loop below is :func:`nn_scratch.sgd`'s — each step is
    :func:`nn_scratch.train_step` — with a clock read between the phases
    through the step's hooks (the loss phase includes the hook's own call). One plain ``sgd``
    epoch is timed too, so the sum of the phases can be checked against it.
    """
    X, Y = data.X_train, data.Y_train
    m = X.shape[1]
    spent = dict.fromkeys(PHASES, 0.0)
    clock = time.perf_counter
    marks = {}
    L = len(layer_sizes) - 1

    # The package's own step, with a clock read at each seam through its hooks.
    def forward(params, Xb):
        out = forward_prop(params, Xb)
        marks["forward"] = clock()
        return out

    def backward(params, cache, Yb):
        out = backward_prop(params, cache, Yb)
        marks["backward"] = clock()
        return out

    def observe(cache, grads, Yb):
        cross_entropy(cache[f"A{L}"], Yb, np)  # sgd's loss tally (and its divergence check)
        marks["loss"] = clock()
        int(np.count_nonzero(get_predictions(cache[f"A{L}"], np) == Yb))  # sgd's accuracy tally
        marks["accuracy"] = clock()

    with threads(n_threads):
        net = Network(layer_sizes, seed=0)
        order = np.random.default_rng(0).permutation(m)
        for start in range(0, m, batch_size):
            t0 = clock()
            idx = order[start : start + batch_size]
            Xb, Yb = np.take(X.T, idx, axis=0).T, np.take(Y, idx, axis=0)  # as sgd gathers
            t1 = clock()
            train_step(net.params, Xb, Yb, alpha, forward=forward, backward=backward, observe=observe)
            t2 = clock()
            ends = (t1, marks["forward"], marks["backward"], marks["loss"], marks["accuracy"], t2)
            for phase, begin, end in zip(PHASES, (t0, *ends[:-1]), ends, strict=True):
                spent[phase] += end - begin
        whole = timed(
            lambda n: sgd(n, X, Y, alpha=alpha, epochs=1, batch_size=batch_size, seed=0),
            1,
            setup=lambda: Network(layer_sizes, seed=0),
        )
    steps = -(-m // batch_size)
    return {
        "layer_sizes": list(layer_sizes),
        "batch_size": batch_size,
        "threads": n_threads,
        "microseconds_per_step": {k: v / steps * 1e6 for k, v in spent.items()},
        "sgd_epoch_microseconds_per_step": whole["min"] / steps * 1e6,
        "matmul_flops_per_step": mlp_flops(layer_sizes, batch_size),
    }
