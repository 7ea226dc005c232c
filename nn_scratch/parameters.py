r"""The parameters: how the weights and biases are drawn, and the layer sizes they describe.

``W{l}`` has shape ``(n_l, n_{l-1})`` and ``b{l}`` shape ``(n_l, 1)``, so that
``W{l} @ A{l-1} + b{l}`` maps a batch of columns to the next layer. The
parameters live in a plain dict keyed ``"W1", "b1", "W2", …``, the names of the
equations; :mod:`nn_scratch.network` computes with them.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_dtype, check_sizes

__all__ = ["INITIALISATIONS", "init_params", "layer_sizes_of", "matmul_flops"]


# Each initialisation draws (W, b) for a layer with n_in inputs and n_out units,
# always in float64 from the same generator, so float32 and float64 networks
# built from one seed hold the same numbers up to rounding.
def _uniform(rng, n_in, n_out):
    # The classic tutorials: np.random.rand(n_out, n_in) - 0.5 for weights *and* biases.
    return rng.random((n_out, n_in)) - 0.5, rng.random((n_out, 1)) - 0.5


def _normal(rng, n_in, n_out):
    # Small Gaussian weights, N(0, 1) × 0.01, and zero biases.
    return rng.standard_normal((n_out, n_in)) * 0.01, np.zeros((n_out, 1))


def _he(rng, n_in, n_out):
    # He et al. (2015): variance 2 / n_in keeps ReLU activations at the same scale layer to layer.
    return rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in), np.zeros((n_out, 1))


INITIALISATIONS = {"uniform": _uniform, "normal": _normal, "he": _he}
"""Initialisation schemes by name: ``uniform`` U(−0.5, 0.5), ``normal`` N(0, 1)×0.01, ``he`` N(0, 2/n_in)."""


def init_params(layer_sizes=(784, 10, 10), init: str = "he", seed=0, dtype=np.float32) -> dict:
    """Create the weights ``W1, W2, …`` and biases ``b1, b2, …`` of a network.

    ``W{l}`` has shape ``(n_l, n_{l-1})`` and ``b{l}`` shape ``(n_l, 1)``, so that
    ``W{l} @ A{l-1} + b{l}`` maps a batch of columns to the next layer. The
    same ``seed`` always gives bit-identical parameters.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input first: ``(784, 10, 10)`` or ``(784, 500, 150, 10)``.
    init : {"he", "uniform", "normal"}
        ``"uniform"`` is the classic tutorials' U(−0.5, 0.5) for weights and biases;
        ``"normal"`` is N(0, 1)×0.01 with zero biases; ``"he"`` is N(0, 2/n_in) with zero biases.
    seed : int or numpy.random.Generator
        Seed (or generator) for the random draws.
    dtype : float32 or float64

    Examples
    --------
    >>> params = init_params((784, 10, 10), init="uniform", seed=0)
    >>> {k: v.shape for k, v in params.items()}
    {'W1': (10, 784), 'b1': (10, 1), 'W2': (10, 10), 'b2': (10, 1)}
    >>> float(params["W1"].min()) >= -0.5 and float(params["W1"].max()) < 0.5
    True
    >>> np.array_equal(init_params(seed=1)["W1"], init_params(seed=1)["W1"])
    True
    """
    sizes = check_sizes(layer_sizes)
    dt = check_dtype(dtype)
    if init not in INITIALISATIONS:
        raise ValueError(f"init must be one of {sorted(INITIALISATIONS)}, got {init!r}")
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(sizes)):
        W, b = INITIALISATIONS[init](rng, sizes[l - 1], sizes[l])
        params[f"W{l}"] = W.astype(dt)
        params[f"b{l}"] = b.astype(dt)
    return params


def layer_sizes_of(params: dict) -> tuple[int, ...]:
    """The layer sizes ``(n_0, n_1, …, n_L)`` that ``params`` describe, after checking them.

    Examples
    --------
    >>> layer_sizes_of(init_params((20, 7, 5, 3)))
    (20, 7, 5, 3)
    """
    if not isinstance(params, dict) or "W1" not in params:
        raise TypeError("params must be a dict with keys 'W1', 'b1', 'W2', 'b2', …")
    L = len(params) // 2
    expected = {f"{p}{l}" for l in range(1, L + 1) for p in "Wb"}
    if set(params) != expected:
        raise ValueError(f"params must have exactly the keys {sorted(expected)}, got {sorted(params)}")
    sizes = [params["W1"].shape[1]]
    for l in range(1, L + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        if W.ndim != 2 or W.shape[1] != sizes[-1]:
            raise ValueError(f"W{l} must have shape (n_{l}, {sizes[-1]}), got {W.shape}")
        if b.shape != (W.shape[0], 1):
            raise ValueError(f"b{l} must have shape ({W.shape[0]}, 1), got {b.shape}")
        sizes.append(W.shape[0])
    return tuple(int(n) for n in sizes)


def matmul_flops(layer_sizes, m: int) -> int:
    r"""Floating-point operations of the matrix products of one forward and backward pass on ``m`` examples.

    A product of an $n_l \times n_{l-1}$ matrix with $m$ columns costs
    $2 n_l n_{l-1} m$ (a multiply and an add per term). Each layer has one on
    the way forward ($W A$) and one for $dW$ on the way back; every layer but
    the first has one more, $W^\top dZ$ (nothing needs a gradient below the
    input). Element-wise work is smaller by a factor of the layer widths and is
    left out. The benchmarks and the site's pages all count FLOPs with this.

    Examples
    --------
    >>> matmul_flops((784, 10, 10), 100)          # one SGD step, batch 100
    3196000
    >>> round(matmul_flops((784, 10, 10), 60_000) / 1e9, 2)   # GFLOP per epoch
    1.92
    """
    total = 0
    for l in range(1, len(layer_sizes)):
        products = 2 if l == 1 else 3
        total += products * 2 * layer_sizes[l - 1] * layer_sizes[l] * m
    return total
