"""Export a trained network to JSON, for the browser or any other language.

The file holds what forward propagation needs and nothing else: the layer
sizes and every ``W{l}`` and ``b{l}`` as nested lists with the shapes of the
arrays (``W1`` is ``n_1`` rows of ``n_0`` numbers, ``b1`` is ``n_1`` rows of
one number). The "Draw a digit" page of the site reads such a file, written
during the build, and runs $Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}$ in
JavaScript.

Numbers are written at full precision: every float32 is exactly a double, and
JSON numbers are printed with the shortest text that reads back as that very
double, so a network read back is bit-identical to the one written — the
browser computes with the same weights as NumPy, not with rounded ones.

A file looks like this (numbers shortened)::

    {"format": "nn-scratch-network", "version": 1,
     "layer_sizes": [784, 10, 10], "dtype": "float32",
     "activations": ["relu", "softmax"],
     "params": {"W1": [[0.0123, ...], ...], "b1": [[0.1], ...], "W2": ..., "b2": ...},
     "metadata": {"test_accuracy": 0.93, ...}}
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from .files import atomic_write
from .network import DTYPES, Network

__all__ = ["FORMAT", "VERSION", "network_to_dict", "network_from_dict", "export_json", "load_json"]

FORMAT = "nn-scratch-network"
"""The value of the ``"format"`` field, so a reader can tell the file is ours."""

VERSION = 1
"""The version of the layout; a reader refuses versions it does not know."""


def _check_metadata(metadata) -> dict:
    if not isinstance(metadata, dict) or not all(isinstance(k, str) for k in metadata):
        raise TypeError(f"metadata must be a dict with string keys, got {metadata!r}")
    try:
        json.dumps(metadata, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise TypeError(f"metadata must hold only JSON values (finite numbers, strings, lists, dicts): {err}") from None
    return dict(metadata)


def network_to_dict(net: Network, metadata: dict | None = None) -> dict:
    """The JSON-ready description of ``net``: layer sizes, parameters as nested lists, metadata.

    ``metadata`` is merged over ``net.metadata`` (its keys win). Non-finite
    parameters are refused: JSON has no NaN, and a network holding one is
    broken anyway.

    Parameters
    ----------
    net : Network
        The network to describe.
    metadata : dict, optional
        Extra JSON values to store, such as the test accuracy.

    Returns
    -------
    dict
        ``format``, ``version``, ``layer_sizes``, ``dtype``, ``activations``,
        ``params`` (``W1, b1, …`` as nested lists) and ``metadata``.

    Examples
    --------
    >>> net = Network((3, 2, 2), seed=0)
    >>> d = network_to_dict(net, {"note": "tiny"})
    >>> d["layer_sizes"], d["activations"], list(d["params"])
    ([3, 2, 2], ['relu', 'softmax'], ['W1', 'b1', 'W2', 'b2'])
    >>> len(d["params"]["W1"]), len(d["params"]["W1"][0]), d["params"]["b1"]
    (2, 3, [[0.0], [0.0]])
    >>> d["params"]["W1"][0][0] == float(net.W1[0, 0])    # exact, not rounded
    True
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be an nn_scratch Network, got {type(net).__name__}")
    extra = _check_metadata({} if metadata is None else metadata)
    sizes = net.layer_sizes
    params = {}
    for name, P in net.params.items():
        if not np.isfinite(P).all():
            raise ValueError(f"net.params[{name!r}] contains NaN or inf; JSON cannot store it")
        # float32 -> Python float (a double) is exact, and json writes the shortest
        # repr that reads back as the same double: nothing is rounded on the way.
        params[name] = P.tolist()
    L = len(sizes) - 1
    return {
        "format": FORMAT,
        "version": VERSION,
        "layer_sizes": list(sizes),
        "dtype": str(net.dtype),
        "activations": ["relu"] * (L - 1) + ["softmax"],
        "params": params,
        "metadata": {**_check_metadata(net.metadata), **extra},
    }


def network_from_dict(d: dict) -> Network:
    """Rebuild the :class:`Network` described by :func:`network_to_dict` (checked).

    Examples
    --------
    >>> net = Network((3, 2, 2), seed=1)
    >>> back = network_from_dict(network_to_dict(net, {"epochs": 3}))
    >>> back, back.metadata
    (Network(layer_sizes=(3, 2, 2), dtype=float32), {'epochs': 3})
    >>> all(np.array_equal(net.params[k], back.params[k]) for k in net.params)
    True
    """
    if not isinstance(d, dict):
        raise TypeError(f"d must be a dict, got {type(d).__name__}")
    if d.get("format") != FORMAT:
        raise ValueError(f"not an nn-scratch network: format must be {FORMAT!r}, got {d.get('format')!r}")
    if d.get("version") != VERSION:
        raise ValueError(f"unsupported version: expected {VERSION}, got {d.get('version')!r}")
    dtype = np.dtype(d.get("dtype"))
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be float32 or float64, got {d.get('dtype')!r}")
    raw = d.get("params")
    if not isinstance(raw, dict):
        raise ValueError(f"params must be a dict of nested lists, got {type(raw).__name__}")
    params = {}
    for name, value in raw.items():
        try:
            A = np.array(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"params[{name!r}] must be a rectangular nested list of numbers") from None
        if A.ndim != 2:
            raise ValueError(f"params[{name!r}] must be 2-D, got shape {A.shape}")
        P = A.astype(dtype)
        if not np.array_equal(P, A):
            # A float32 file must hold float32 values; anything else was edited or rounded.
            raise ValueError(f"params[{name!r}] holds values that are not exactly {dtype}")
        params[name] = P
    metadata = d.get("metadata", {})
    if not isinstance(metadata, dict):
        raise ValueError(f"metadata must be a JSON object, got {type(metadata).__name__}")
    net = Network.from_params(params, metadata=metadata)
    if list(net.layer_sizes) != list(d.get("layer_sizes", [])):
        raise ValueError(f"layer_sizes {d.get('layer_sizes')!r} do not match the parameters' shapes {net.layer_sizes}")
    return net


def export_json(net: Network, path, metadata: dict | None = None) -> Path:
    """Write ``net`` to the JSON file ``path``, atomically, and return the path.

    The text is built in full first and then written to a temporary file in
    the same folder, which replaces ``path`` in one step: a reader (or a web
    server) never sees half a file, and a failure leaves any old file intact.
    Missing parent folders are created.

    Parameters
    ----------
    net : Network
        The network to export.
    path : str or os.PathLike
        Destination, conventionally ending in ``.json``.
    metadata : dict, optional
        JSON values stored alongside the weights (merged over ``net.metadata``),
        such as the test accuracy and how the network was trained.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> net = Network((784, 10, 10), seed=0)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = export_json(net, pathlib.Path(tmp) / "models" / "net.json", {"test_accuracy": 0.1})
    ...     back = load_json(path)
    >>> back.layer_sizes, back.metadata["test_accuracy"]
    ((784, 10, 10), 0.1)
    >>> all(np.array_equal(net.params[k], back.params[k]) for k in net.params)
    True
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    path = Path(path)
    # Serialise before touching the disk, so bad input never leaves a file behind.
    text = json.dumps(network_to_dict(net, metadata), separators=(",", ":"), allow_nan=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, text)


def load_json(path) -> Network:
    """Read a network written by :func:`export_json`; its metadata is in ``net.metadata``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     net = load_json(export_json(Network((4, 3, 2)), pathlib.Path(tmp) / "n.json"))
    >>> net
    Network(layer_sizes=(4, 3, 2), dtype=float32)
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    text = Path(path).read_text(encoding="utf-8")
    try:
        d = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as err:  # includes json.JSONDecodeError
        raise ValueError(f"{path} is not valid JSON: {err}") from None
    try:
        return network_from_dict(d)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{path}: {err}") from None


def _refuse_constant(name):
    # json would otherwise accept the non-standard NaN / Infinity.
    raise ValueError(f"non-finite number {name} in the file")
