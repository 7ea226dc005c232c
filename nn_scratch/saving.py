"""Save a trained :class:`~nn_scratch.network.Network` and load it back: ``.npz`` or JSON.

Two layouts of the same content — the parameters, the layer sizes, the dtype
and free-form JSON metadata — with one parameter check, one metadata policy
and one error type, :class:`ModelFileError`:

* :func:`save_model` / :func:`load_model`: a NumPy ``.npz`` archive (a zip of
  ``.npy`` arrays) holding ``W1, b1, …`` bit for bit, ``layer_sizes``,
  ``dtype``, ``metadata`` (JSON text) and ``format_version``, read with
  ``allow_pickle=False``: unpickling a downloaded file could run any code.
* :func:`export_json` / :func:`load_json`: a JSON file for the browser or any
  other language, read by the "Draw a digit" page. Every float32 is exactly a
  double and JSON numbers are printed with the shortest text that reads back
  as that very double, so the weights read back are bit-identical::

    {"format": "nn-scratch-network", "version": 1,
     "layer_sizes": [784, 10, 10], "dtype": "float32",
     "activations": ["relu", "softmax"],
     "params": {"W1": [[0.0123, ...], ...], "b1": [[0.1], ...], "W2": ..., "b2": ...},
     "metadata": {"test_accuracy": 0.93, ...}}

Metadata must be JSON with finite numbers; a network holding NaN or inf is
broken, and is refused on save and on load. Every file is written through
:func:`atomic_write`, through which every file the project writes goes.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ._checks import check_sizes
from .network import Network

# fmt: off
__all__ = ["atomic_write", "FORMAT", "FORMAT_VERSION", "ModelFileError", "save_model", "load_model",
           "network_to_dict", "network_from_dict", "export_json", "load_json"]
# fmt: on


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike, data: str | bytes | Callable[[BinaryIO], object]) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename it.

    The rename is atomic on one file system: a reader sees the old file or the
    complete new one, and a crash, a full disk or an exception leaves no
    partial file behind. The file gets the permissions of any new file
    (``0o666`` less the umask) — ``mkstemp``'s private ``0o600`` would, for
    one, hide it from the web server of a built site. The folder must exist.

    Parameters
    ----------
    path : str or os.PathLike
    data : str, bytes or callable
        Text (written as UTF-8), bytes, or a function that writes to the open
        binary file it is given (such as ``lambda f: np.savez(f, **arrays)``).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> atomic_write(folder / "a.txt", "hello").read_text()
    'hello'
    >>> sorted(p.name for p in folder.iterdir())    # no temporary file left behind
    ['a.txt']
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            if callable(data):
                data(f)
            else:
                f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# fmt: on

FORMAT = "nn-scratch-network"
"""The ``"format"`` field of a JSON file, so a reader can tell the file is ours."""

FORMAT_VERSION = 1
"""Version of both layouts; a reader refuses a newer one instead of misreading it."""

_HEADER_KEYS = ("format_version", "layer_sizes", "dtype", "metadata")


class ModelFileError(ValueError):
    """A model file is missing, not a saved network, damaged, too new, or holds NaN or inf."""


def _metadata_of(net, metadata) -> dict:
    """``net.metadata`` updated with ``metadata``, checked to be JSON with finite numbers."""
    if not isinstance(net, Network):
        raise TypeError(f"net must be an nn_scratch Network, got {type(net).__name__}")
    merged = {}
    for m in (net.metadata, {} if metadata is None else metadata):
        if not isinstance(m, dict) or not all(isinstance(k, str) for k in m):
            raise TypeError(f"metadata must be a dict with string keys (or None), got {m!r}")
        merged.update(m)
    try:
        json.dumps(merged, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"metadata must hold only JSON values (finite numbers, strings, lists, dicts), "
            f"so that it is JSON-serialisable: {err}"
        ) from None
    return merged


def _finite_params(net: Network) -> dict:
    for name, P in net.params.items():
        if not np.isfinite(P).all():
            raise ValueError(f"net.params[{name!r}] contains NaN or inf: the network is broken; not saved")
    return net.params


def _check_version(version, where) -> None:
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ModelFileError(f"{where}: invalid format version {version!r}")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{where}: format version {version} is newer than this nn-scratch understands "
            f"({FORMAT_VERSION}); upgrade nn-scratch to load it"
        )


def _file_sizes(where, sizes) -> tuple[int, ...]:
    try:
        if not isinstance(sizes, (list, tuple)):
            raise TypeError(sizes)
        return check_sizes(sizes)
    except (TypeError, ValueError):
        raise ModelFileError(f"{where}: 'layer_sizes' must be at least two positive integers, got {sizes!r}") from None


def _network(where, sizes, dtype, params: dict, metadata) -> Network:
    """The network the file describes, after checking every part of it against the others."""
    sizes = _file_sizes(where, sizes)
    if dtype not in ("float32", "float64"):
        raise ModelFileError(f"{where}: dtype must be float32 or float64, got {dtype!r}")
    if not isinstance(metadata, dict):
        raise ModelFileError(f"{where}: 'metadata' must be a JSON object, got {type(metadata).__name__}")
    L = len(sizes) - 1
    expected = {f"{p}{l}" for l in range(1, L + 1) for p in "Wb"}
    if set(params) != expected:
        raise ModelFileError(f"{where}: layer_sizes {sizes} need parameters {sorted(expected)}, found {sorted(params)}")
    for l in range(1, L + 1):
        for name, shape in ((f"W{l}", (sizes[l], sizes[l - 1])), (f"b{l}", (sizes[l], 1))):
            P = params[name]
            if P.shape != shape:
                raise ModelFileError(f"{where}: {name} has shape {P.shape}, layer_sizes {sizes} need {shape}")
            if P.dtype != np.dtype(dtype):
                raise ModelFileError(f"{where}: {name} has dtype {P.dtype}, the file says {dtype}")
            if not np.isfinite(P).all():
                raise ModelFileError(f"{where}: {name} contains NaN or inf; the saved network is broken")
    return Network.from_params({k: params[k] for k in sorted(params, key=lambda k: (int(k[1:]), k[0]))}, metadata)


def save_model(net: Network, path: str | os.PathLike, metadata: dict | None = None) -> Path:
    """Save ``net`` (parameters, layer sizes, dtype, metadata) to the ``.npz`` file ``path``.

    The metadata stored are ``net.metadata`` updated with ``metadata``. The file
    is renamed into place only when complete: never a half-written model.

    Parameters
    ----------
    net : Network
    path : str or Path
        Written exactly as given (no ``.npz`` is appended).
    metadata : dict, optional
        For example ``{"test_accuracy": 0.92, "epochs": 10}``.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ValueError
        If a parameter is NaN or infinite.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "net.npz"
    >>> net = Network((784, 10, 10), seed=0)
    >>> save_model(net, path, metadata={"test_accuracy": 0.91}).name
    'net.npz'
    >>> sorted(np.load(path, allow_pickle=False).files)
    ['W1', 'W2', 'b1', 'b2', 'dtype', 'format_version', 'layer_sizes', 'metadata']
    """
    text = json.dumps(_metadata_of(net, metadata), sort_keys=True)
    net = net.to(np)  # from a GPU or another array library: the file holds NumPy arrays
    arrays = {
        "format_version": np.array(FORMAT_VERSION, dtype=np.int64),
        "layer_sizes": np.array(net.layer_sizes, dtype=np.int64),
        "dtype": np.array(str(net.dtype)),
        "metadata": np.array(text),
        **{name: np.ascontiguousarray(P) for name, P in _finite_params(net).items()},
    }
    return atomic_write(Path(path), lambda f: np.savez(f, **arrays))


def _scalar(npz, key, path, kind):
    a = npz[key]
    if a.shape != () or a.dtype.kind != kind:
        raise ModelFileError(
            f"{path}: {key!r} must be a single {'integer' if kind == 'i' else 'string'}, "
            f"got shape {a.shape} dtype {a.dtype}"
        )
    return a[()]


def _read_npz(npz, path) -> Network:
    missing = [k for k in _HEADER_KEYS if k not in npz.files]
    if missing:
        raise ModelFileError(f"{path}: not a model saved by save_model: missing {missing}")
    _check_version(int(_scalar(npz, "format_version", path, "i")), path)
    sizes = npz["layer_sizes"]
    if sizes.ndim != 1 or sizes.dtype.kind not in "iu":
        raise ModelFileError(f"{path}: 'layer_sizes' must be at least two positive integers, got {sizes!r}")
    try:
        metadata = json.loads(str(_scalar(npz, "metadata", path, "U")))
    except json.JSONDecodeError as e:
        raise ModelFileError(f"{path}: 'metadata' is not valid JSON ({e})") from None
    params = {k: np.array(npz[k]) for k in npz.files if k not in _HEADER_KEYS}  # writable, owned
    dtype = str(_scalar(npz, "dtype", path, "U"))
    return _network(path, [int(n) for n in sizes], dtype, params, metadata)


def load_model(path: str | os.PathLike) -> Network:
    """Load a network saved by :func:`save_model`; its metadata go to ``net.metadata``.

    The parameters come back bit for bit, so predictions are identical to
    those of the saved network.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    Network

    Raises
    ------
    ModelFileError
        If the file does not exist, is not a zip (``.npz``) archive, is
        truncated, holds object (pickled) arrays, lacks a key, has shapes that
        do not fit together, holds NaN or inf, or was written by a newer
        format version.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "net.npz"
    >>> net = Network((784, 16, 10), seed=3)
    >>> _ = save_model(net, path, metadata={"test_accuracy": 0.91})
    >>> loaded = load_model(path)
    >>> loaded, loaded.metadata
    (Network(layer_sizes=(784, 16, 10), dtype=float32), {'test_accuracy': 0.91})
    >>> X = np.random.default_rng(0).random((784, 5))
    >>> np.array_equal(loaded.predict_proba(X), net.predict_proba(X))
    True
    """
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such model file")
    # Checked first: np.load would take any other file for pickled data, or for one .npy array.
    if not zipfile.is_zipfile(path):
        raise ModelFileError(f"{path}: not a .npz model file (not a zip archive; truncated or another format?)")
    try:
        with np.load(path, allow_pickle=False) as npz:
            return _read_npz(npz, path)
    except ModelFileError:
        raise
    except ValueError as e:
        # np.load raises ValueError for object arrays under allow_pickle=False and for unreadable data.
        pickled = "allow_pickle" in str(e)
        reason = "it holds object arrays, which would need unpickling and are never loaded" if pickled else str(e)
        raise ModelFileError(f"{path}: cannot load: {reason}") from None
    except (zipfile.BadZipFile, EOFError, OSError, KeyError) as e:
        raise ModelFileError(f"{path}: not a readable .npz model file (truncated or corrupted?): {e}") from None


def network_to_dict(net: Network, metadata: dict | None = None) -> dict:
    """The JSON-ready description of ``net``: layer sizes, parameters as nested lists, metadata.

    ``metadata`` is merged over ``net.metadata`` (its keys win).

    Returns a dict with ``format``, ``version``, ``layer_sizes``, ``dtype``,
    ``activations``, ``params`` (``W1, b1, …`` as nested lists) and ``metadata``.

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
    merged = _metadata_of(net, metadata)
    net = net.to(np)  # from a GPU or another array library: the file holds NumPy arrays
    L = len(net.params) // 2
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "layer_sizes": list(net.layer_sizes),
        "dtype": str(net.dtype),
        "activations": ["relu"] * (L - 1) + ["softmax"],
        # float32 -> Python float (a double) is exact, and json writes the shortest
        # repr that reads back as the same double: nothing is rounded on the way.
        "params": {name: P.tolist() for name, P in _finite_params(net).items()},
        "metadata": merged,
    }


def _array_from_lists(name, value, dtype, where) -> np.ndarray:
    try:
        A = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ModelFileError(f"{where}: params[{name!r}] must be a rectangular nested list of numbers") from None
    P = A.astype(dtype) if dtype in ("float32", "float64") else A
    if not np.array_equal(P, A, equal_nan=True):
        # A float32 file must hold float32 values; anything else was edited or rounded.
        raise ModelFileError(f"{where}: params[{name!r}] holds values that are not exactly {dtype}")
    return P


def network_from_dict(d: dict, where: str = "network") -> Network:
    """Rebuild the :class:`Network` described by :func:`network_to_dict` (checked).

    ``where`` names the source in error messages.

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
        raise ModelFileError(f"{where}: not an nn-scratch network: format must be {FORMAT!r}, got {d.get('format')!r}")
    _check_version(d.get("version"), where)
    raw = d.get("params")
    if not isinstance(raw, dict):
        raise ModelFileError(f"{where}: params must be a dict of nested lists, got {type(raw).__name__}")
    dtype = d.get("dtype")
    params = {name: _array_from_lists(name, value, dtype, where) for name, value in raw.items()}
    return _network(where, d.get("layer_sizes"), dtype, params, d.get("metadata", {}))


def export_json(net: Network, path: str | os.PathLike, metadata: dict | None = None) -> Path:
    """Write ``net`` to the JSON file ``path``, atomically, and return the path.

    Built in full first, then written atomically; missing parent folders are created.

    Parameters
    ----------
    net : Network
    path : str or os.PathLike
        Destination, conventionally ending in ``.json``.
    metadata : dict, optional
        JSON values stored alongside the weights (merged over ``net.metadata``),
        such as the test accuracy and how the network was trained.

    Returns
    -------
    Path
        ``path``.

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
    text = json.dumps(network_to_dict(net, metadata), separators=(",", ":"), allow_nan=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, text)


def load_json(path: str | os.PathLike) -> Network:
    """Read a network written by :func:`export_json`; its metadata is in ``net.metadata``.

    Raises
    ------
    ModelFileError
        If the file is not valid JSON, not a network, too new, or its parts do
        not fit together.

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
    if not Path(path).is_file():
        raise ModelFileError(f"{path}: no such model file")

    def refuse(name):  # json would otherwise accept the non-standard NaN / Infinity
        raise ValueError(f"non-finite number {name} in the file")

    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"), parse_constant=refuse)
    except (ValueError, UnicodeDecodeError) as err:  # includes json.JSONDecodeError
        raise ModelFileError(f"{path} is not valid JSON: {err}") from None
    if not isinstance(d, dict):
        raise ModelFileError(f"{path}: not an nn-scratch network: a JSON {type(d).__name__}, not an object")
    return network_from_dict(d, str(path))
