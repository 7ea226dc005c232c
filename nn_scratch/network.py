r"""The network: parameters, forward propagation, backpropagation, the update.

Examples are columns. For the classic 784-10-10 network, with ``m`` examples:

$$
\begin{aligned}
Z^{[1]} &= W^{[1]} X + b^{[1]}, & A^{[1]} &= \mathrm{ReLU}(Z^{[1]}),\\
Z^{[2]} &= W^{[2]} A^{[1]} + b^{[2]}, & A^{[2]} &= \mathrm{softmax}(Z^{[2]}),
\end{aligned}
$$

and backwards

$$
\begin{aligned}
dZ^{[2]} &= A^{[2]} - Y, & dW^{[2]} &= \tfrac1m\, dZ^{[2]} A^{[1]\top},
    & db^{[2]} &= \tfrac1m \textstyle\sum_i dZ^{[2]}_{:,i},\\
dZ^{[1]} &= W^{[2]\top} dZ^{[2]} \odot \mathrm{ReLU}'(Z^{[1]}), & dW^{[1]} &= \tfrac1m\, dZ^{[1]} X^\top,
    & db^{[1]} &= \tfrac1m \textstyle\sum_i dZ^{[1]}_{:,i}.
\end{aligned}
$$

The same loop handles any depth: ReLU on every hidden layer, softmax on the
last. Parameters live in a plain dict keyed ``"W1", "b1", "W2", …`` and the
forward pass returns a cache keyed ``"A0"`` (that is ``X``), ``"Z1"``, ``"A1"``, …;
gradients come back keyed ``"dW1", "db1", …`` — the names of the equations.

``W{l}`` has shape ``(n_l, n_{l-1})`` and ``b{l}`` shape ``(n_l, 1)``, so that
``W{l} @ A{l-1} + b{l}`` maps a batch of columns to the next layer;
:func:`init_params` draws them by one of the :data:`INITIALISATIONS`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import NUMPY, as_array, name_of, namespace, resolve, to_numpy
from ._checks import check_dtype, check_labels, check_matrix, check_positive, check_sizes
from .maths import cross_entropy, get_accuracy, get_predictions, one_hot, relu, relu_prime, softmax

__all__ = [
    "INITIALISATIONS",
    "init_params",
    "layer_sizes_of",
    "matmul_flops",
    "forward_prop",
    "backward_prop",
    "update_params",
    "Network",
]


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


INITIALISATIONS = {"he": _he, "uniform": _uniform, "normal": _normal}
"""Initialisation schemes by name: ``he`` N(0, 2/n_in) (the default), ``uniform`` U(−0.5, 0.5), ``normal`` N(0, 1)×0.01."""


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


def forward_prop(params: dict, X: np.ndarray, xp=None) -> tuple[np.ndarray, dict]:
    r"""Forward propagation: $Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}$, ReLU, …, softmax.

    Like :func:`backward_prop` and :func:`update_params`, this is the bare
    arithmetic, run at every step of training: it checks nothing. The entry
    points check their inputs once — :meth:`Network.forward`, :func:`~nn_scratch.training.sgd`,
    :func:`~nn_scratch.training.gradient_descent`, :func:`~nn_scratch.gradcheck.gradient_check`.

    Parameters
    ----------
    params : dict
        ``W1, b1, …`` as made by :func:`init_params`.
    X : ndarray of shape (n_0, m)
        One example per column (784 × m for MNIST).
    xp : array namespace, optional
        The namespace of ``X`` and ``params`` (``numpy``, or CuPy's, PyTorch's, …)
        when the caller has found it already; by default it is found here.

    Returns
    -------
    A : ndarray of shape (n_L, m)
        Output probabilities; each column sums to 1.
    cache : dict
        ``A0`` (= X), ``Z1``, ``A1``, …, ``ZL``, ``AL``: what backpropagation needs.

    Examples
    --------
    >>> params = init_params((784, 10, 10), seed=0)
    >>> A2, cache = forward_prop(params, np.zeros((784, 3), dtype=np.float32))
    >>> A2.shape, sorted(cache)
    ((10, 3), ['A0', 'A1', 'A2', 'Z1', 'Z2'])
    >>> np.allclose(A2.sum(axis=0), 1)
    True
    """
    xp = namespace(X, *params.values(), xp=xp)
    # The parameters' dtype throughout: a float64 X would silently upcast every product.
    A = xp.astype(X, params["W1"].dtype, copy=False)
    L = len(params) // 2
    cache = {"A0": A}
    # --8<-- [start:forward]
    for l in range(1, L + 1):
        Z = params[f"W{l}"] @ A  # Z[l] = W[l] A[l-1] + b[l], the bias added in place
        Z += params[f"b{l}"]
        A = relu(Z, xp) if l < L else softmax(Z, xp)  # ReLU on hidden layers, softmax on the output
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    # --8<-- [end:forward]
    return A, cache


def backward_prop(params: dict, cache: dict, Y: np.ndarray, xp=None) -> dict:
    r"""Backpropagation: the gradients of the mean cross-entropy for every parameter.

    Softmax followed by cross-entropy has the simple gradient
    $dZ^{[L]} = A^{[L]} - Y_{\text{one-hot}}$, computed as written, with the
    one-hot labels in the probabilities' dtype. Then, layer by
    layer from the last,

    $$dW^{[l]} = \tfrac1m\, dZ^{[l]} A^{[l-1]\top},\quad
    db^{[l]} = \tfrac1m \textstyle\sum_{i} dZ^{[l]}_{:,i},\quad
    dZ^{[l-1]} = W^{[l]\top} dZ^{[l]} \odot \mathrm{ReLU}'(Z^{[l-1]}).$$

    ``db`` sums over the example axis only (``axis=1``), one number per unit;
    summing the whole matrix would give every bias the same update.
    Only the labels are checked, by :func:`~nn_scratch.maths.one_hot`; :meth:`Network.backward` also checks their count.

    Parameters
    ----------
    params : dict
        The parameters used in the forward pass.
    cache : dict
        The cache returned by :func:`forward_prop`.
    Y : ndarray of shape (m,)
        Integer labels of the examples.
    xp : array namespace, optional
        As for :func:`forward_prop`.

    Returns
    -------
    dict
        ``dW1, db1, …`` with the shapes of ``W1, b1, …``.

    Examples
    --------
    >>> params = init_params((784, 10, 10), seed=0)
    >>> X = np.random.default_rng(0).random((784, 5), dtype=np.float32)
    >>> A2, cache = forward_prop(params, X)
    >>> grads = backward_prop(params, cache, np.array([0, 1, 2, 3, 4]))
    >>> {k: v.shape for k, v in grads.items()}
    {'dW2': (10, 10), 'db2': (10, 1), 'dW1': (10, 784), 'db1': (10, 1)}
    """
    xp = namespace(Y, *params.values(), xp=xp)
    L = len(params) // 2
    A_L = cache[f"A{L}"]
    m = A_L.shape[1]
    # --8<-- [start:backward]
    dZ = A_L - one_hot(Y, A_L.shape[0], dtype=A_L.dtype, xp=xp)  # dZ[L] = A[L] − one_hot(Y)
    dZ /= m  # the 1/m of every gradient, applied once: each line below is linear in dZ
    grads = {}
    for l in range(L, 0, -1):
        grads[f"dW{l}"] = dZ @ cache[f"A{l - 1}"].T  # dW[l] = (1/m) dZ[l] A[l-1]ᵀ
        grads[f"db{l}"] = xp.sum(dZ, axis=1, keepdims=True)  # db[l] = (1/m) Σ_i dZ[l]
        if l > 1:  # dZ[l-1] = W[l]ᵀ dZ[l] ⊙ ReLU′(Z[l-1]); no gradient is needed for X
            dZ = params[f"W{l}"].T @ dZ
            dZ *= relu_prime(cache[f"Z{l - 1}"], xp)
    # --8<-- [end:backward]
    return grads


def update_params(params: dict, grads: dict, alpha: float) -> None:
    r"""Gradient-descent step $W := W - \alpha\, dW$, $b := b - \alpha\, db$, in place.

    No checks here (see :func:`forward_prop`); :meth:`Network.update` checks ``alpha``.

    Examples
    --------
    >>> params = {"W1": np.ones((1, 2)), "b1": np.zeros((1, 1))}
    >>> update_params(params, {"dW1": np.ones((1, 2)), "db1": np.ones((1, 1))}, alpha=0.5)
    >>> params["W1"], params["b1"]
    (array([[0.5, 0.5]]), array([[-0.5]]))
    """
    for name, P in params.items():
        P -= alpha * grads["d" + name]


class Network:
    """A feed-forward network: ReLU hidden layers, a softmax output, parameters in ``params``.

    A thin convenience around the functions of this module; the parameters are
    the plain arrays ``net.params["W1"]`` (also reachable as ``net.W1``).

    The parameters are arrays of whichever library ``xp`` names — NumPy by
    default, or CuPy, PyTorch, or any other that implements the Python array
    API standard — on its ``device`` (``"cuda"`` for PyTorch on a GPU). They
    are always drawn by NumPy from ``seed`` and then moved, so one seed gives the
    same network on every library. NumPy inputs are moved to the network's
    library once per call; arrays of a third library are refused.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input first. Default: the classic 784-10-10.
    init, seed, dtype
        As for :func:`init_params`.
    xp : module, optional
        The array library: ``numpy`` (default), ``cupy``, ``torch``, ``array_api_strict``, …
    device : optional
        Where the library keeps the arrays, in its own terms (``"cuda"``, ``"cpu"``);
        by default the library's default device.

    Examples
    --------
    >>> net = Network((784, 10, 10), seed=0)
    >>> net
    Network(layer_sizes=(784, 10, 10), dtype=float32)
    >>> net.W1.shape, net.b2.shape
    ((10, 784), (10, 1))
    >>> net.predict(np.zeros((784, 4))).shape
    (4,)

    The same network on another library (here the standard's reference
    implementation, which refuses anything outside the standard):

    >>> import array_api_strict
    >>> strict = net.to(array_api_strict)
    >>> strict
    Network(layer_sizes=(784, 10, 10), dtype=float32, xp=array_api_strict, device=array_api_strict.Device('CPU_DEVICE'))
    >>> bool(np.array_equal(np.from_dlpack(strict.W1), net.W1))
    True
    """

    def __init__(self, layer_sizes=(784, 10, 10), *, init: str = "he", seed=0, dtype=np.float32, xp=None, device=None):
        params = init_params(layer_sizes, init=init, seed=seed, dtype=dtype)
        self.params = _moved(params, resolve(xp), device)
        self.metadata: dict = {}

    @classmethod
    def from_params(cls, params: dict, metadata: dict | None = None) -> Network:
        """Wrap an existing parameter dict (checked for consistent shapes and dtype).

        Examples
        --------
        >>> Network.from_params(init_params((4, 3, 2))).layer_sizes
        (4, 3, 2)
        """
        layer_sizes_of(params)
        xp = namespace(*params.values())
        dtypes = {P.dtype for P in params.values()}
        if len(dtypes) != 1:
            raise TypeError(f"all parameters must share one dtype, got {sorted(map(str, dtypes))}")
        check_dtype(dtypes.pop(), xp)
        net = cls.__new__(cls)
        net.params = params
        net.metadata = dict(metadata or {})
        return net

    def to(self, xp, device=None) -> Network:
        """A copy of this network whose parameters are arrays of ``xp`` on ``device``.

        Train on a GPU, then ``net.to(numpy)`` to save, export or plot.

        Examples
        --------
        >>> net = Network((4, 3, 2), seed=0)
        >>> import array_api_strict
        >>> back = net.to(array_api_strict).to(np)
        >>> all(np.array_equal(back.params[k], net.params[k]) for k in net.params)
        True
        """
        params = {k: np.array(to_numpy(P)) for k, P in self.params.items()}
        return Network.from_params(_moved(params, resolve(xp), device), self.metadata)

    def __getattr__(self, name):
        params = self.__dict__.get("params", {})
        if name in params:
            return params[name]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def __setattr__(self, name: str, value) -> None:
        # net.W1 = x must change the parameter, not hide it behind a new attribute
        # that forward propagation would never read.
        params = self.__dict__.get("params", {})
        if name in params:
            old = params[name]
            new = self._adopt(name, as_array(value))
            if tuple(new.shape) != tuple(old.shape):
                raise ValueError(f"{name} must have shape {tuple(old.shape)}, got {tuple(new.shape)}")
            params[name] = self.xp.astype(new, old.dtype, copy=True)
        else:
            super().__setattr__(name, value)

    def __repr__(self) -> str:
        dtype = str(self.dtype).rsplit(".", 1)[-1]  # torch.float32 → float32
        xp = self.xp
        if xp is NUMPY:
            return f"Network(layer_sizes={self.layer_sizes}, dtype={dtype})"
        return f"Network(layer_sizes={self.layer_sizes}, dtype={dtype}, xp={name_of(xp)}, device={self.device})"

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Units per layer, input first."""
        # Read from the shapes, not re-validated: the constructors checked them.
        params = self.params
        return (params["W1"].shape[1],) + tuple(params[f"W{l}"].shape[0] for l in range(1, len(params) // 2 + 1))

    @property
    def dtype(self):
        """The floating-point type of every parameter (a dtype of the network's library)."""
        return self.params["W1"].dtype

    @property
    def xp(self):
        """The array namespace of the parameters: ``numpy``, or that of CuPy, PyTorch, …"""
        return namespace(self.params["W1"])

    @property
    def device(self):
        """The device the parameters live on, in the library's terms (``"cpu"`` for NumPy)."""
        return self.params["W1"].device

    def _adopt(self, name, A):
        # A NumPy array (or list) moves to the network's library once, here; the
        # arrays of another library are refused rather than silently copied.
        xp, src = self.xp, namespace(A)
        if src is xp:
            if A.device != self.device:
                raise ValueError(
                    f"{name} is on device {A.device} but the network's parameters are on {self.device}; "
                    f"move one of them first"
                )
            return A
        if src is NUMPY:
            return xp.asarray(A, device=self.device)
        accepted = "NumPy arrays" if xp is NUMPY else f"NumPy or {name_of(xp)} arrays"
        raise TypeError(
            f"{name} is an array of {name_of(src)} but the network's parameters are arrays of {name_of(xp)}; "
            f"give {accepted}, or move the network first with net.to({name_of(src)})"
        )

    def check_X(self, X: ArrayLike, name: str = "X", *, finite: bool = True) -> np.ndarray:
        """``X`` checked to have one row per input, as an array of this network's dtype and library.

        Examples
        --------
        >>> Network((4, 3, 2)).check_X([[1], [2], [3], [4]]).dtype
        dtype('float32')
        >>> Network((4, 3, 2)).check_X(np.ones((3, 2)))
        Traceback (most recent call last):
        ...
        ValueError: X must have 4 rows (one per input), got shape (3, 2)
        """
        X = check_matrix(name, X, rows=self.params["W1"].shape[1], finite=finite)
        # Cast once, here: a float64 X against float32 weights would silently
        # upcast every product downstream.
        return self.xp.astype(self._adopt(name, X), self.dtype, copy=False)

    def check_Y(self, Y: ArrayLike, m: int, name: str = "Y") -> np.ndarray:
        """``Y`` checked to hold ``m`` labels of this network's classes, in this network's library.

        Examples
        --------
        >>> Network((4, 3, 2)).check_Y([0, 1, 2], m=3)
        Traceback (most recent call last):
        ...
        ValueError: Y has label 2 outside the range 0–1
        """
        Y = check_labels(name, Y, m=m, num_classes=self.params[f"W{len(self.params) // 2}"].shape[0])
        return self._adopt(name, Y)

    def forward(self, X: ArrayLike) -> tuple[np.ndarray, dict]:
        """:func:`forward_prop` with this network's parameters, after checking ``X``."""
        return forward_prop(self.params, self.check_X(X, finite=False), self.xp)

    def backward(self, cache: dict, Y: ArrayLike) -> dict:
        """:func:`backward_prop` with this network's parameters, after checking ``Y``."""
        return backward_prop(self.params, cache, self.check_Y(Y, m=cache["A0"].shape[1]), self.xp)

    def update(self, grads: dict, alpha: float) -> None:
        """:func:`update_params` on this network's parameters, after checking ``alpha``."""
        check_positive("alpha", alpha)
        update_params(self.params, grads, alpha)

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities, one column per example (``n_L × m``)."""
        return forward_prop(self.params, self.check_X(X), self.xp)[0]

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predicted class of each column of ``X``."""
        return get_predictions(self.predict_proba(X))

    def loss(self, X: ArrayLike, Y: ArrayLike) -> float:
        """Mean cross-entropy on ``(X, Y)``."""
        A = self.predict_proba(X)
        return cross_entropy(A, self.check_Y(Y, m=A.shape[1]))

    def accuracy(self, X: ArrayLike, Y: ArrayLike) -> float:
        """Fraction of the columns of ``X`` classified as their label in ``Y``."""
        A = self.predict_proba(X)
        return get_accuracy(get_predictions(A), self.check_Y(Y, m=A.shape[1]))


def _moved(params: dict, xp, device) -> dict:
    # NumPy parameters (drawn from the seed) become arrays of xp on device.
    if xp is NUMPY and device is None:
        return params
    try:
        return {k: xp.asarray(P, device=device) for k, P in params.items()}
    except (RuntimeError, NotImplementedError, ValueError, TypeError, AssertionError) as error:
        # Each library says it its own way (PyTorch: a NotImplementedError about 'aten::empty_strided'
        # for a CUDA device it was not built with); the reader needs the device and the library.
        reason = (str(error).strip() or type(error).__name__).splitlines()[0].split(". ")[0][:160]
        raise ValueError(
            f"device={device!r} is not available to {name_of(xp)} on this machine (it said: {reason}); "
            f"leave device out for the library's default, or name one it has"
        ) from None
