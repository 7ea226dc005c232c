"""Save a trained :class:`~nn_scratch.network.Network` to one ``.npz`` file and load it back.

The file is a plain NumPy ``.npz`` archive (a zip of ``.npy`` arrays) holding

* ``W1, b1, W2, b2, …`` — the parameters, bit for bit;
* ``layer_sizes`` — the units per layer, input first;
* ``dtype`` — ``"float32"`` or ``"float64"``;
* ``metadata`` — free-form JSON text (accuracy, date, training settings);
* ``format_version`` — :data:`FORMAT_VERSION`, so a newer file is refused
  instead of being misread.

Nothing in it is pickled, and :func:`load_model` reads it with
``allow_pickle=False``: unpickling runs arbitrary code, so a model file
downloaded from anywhere must never be able to do that. Every array is
checked before a network is built from it.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from .files import atomic_write
from .network import Network, layer_sizes_of

__all__ = ["FORMAT_VERSION", "ModelFileError", "save_model", "load_model"]

FORMAT_VERSION = 1
"""Version of the file layout written by :func:`save_model`."""

_HEADER_KEYS = ("format_version", "layer_sizes", "dtype", "metadata")


class ModelFileError(ValueError):
    """A model file is missing, not a model saved by :func:`save_model`, damaged, or too new."""


def save_model(net: Network, path, metadata: dict | None = None) -> Path:
    """Save ``net`` (parameters, layer sizes, dtype, metadata) to the ``.npz`` file ``path``.

    The metadata stored are ``net.metadata`` updated with ``metadata``; they
    must be JSON-serialisable. The file is written to a temporary name in the
    same folder and renamed over ``path`` only when complete, so a crash or a
    full disk never leaves a half-written model behind.

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
    if not isinstance(net, Network):
        raise TypeError(f"net must be an nn_scratch Network, got {type(net).__name__}")
    if metadata is not None and not isinstance(metadata, dict):
        raise TypeError(f"metadata must be a dict or None, got {type(metadata).__name__}")
    merged = {**net.metadata, **(metadata or {})}
    try:
        text = json.dumps(merged, sort_keys=True)
    except (TypeError, ValueError) as e:
        raise TypeError(f"metadata must be JSON-serialisable: {e}") from None
    sizes = layer_sizes_of(net.params)
    arrays = {
        "format_version": np.array(FORMAT_VERSION, dtype=np.int64),
        "layer_sizes": np.array(sizes, dtype=np.int64),
        "dtype": np.array(str(net.dtype)),
        "metadata": np.array(text),
        **{name: np.ascontiguousarray(P) for name, P in net.params.items()},
    }
    path = Path(path)
    atomic_write(path, lambda f: np.savez(f, **arrays))
    return path


def _scalar(npz, key, path, kind):
    a = npz[key]
    if a.shape != () or a.dtype.kind != kind:
        raise ModelFileError(
            f"{path}: {key!r} must be a single {'integer' if kind == 'i' else 'string'}, "
            f"got shape {a.shape} dtype {a.dtype}"
        )
    return a[()]


def load_model(path) -> Network:
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
        do not fit together, or was written by a newer format version.

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
            keys = set(npz.files)
            missing = [k for k in _HEADER_KEYS if k not in keys]
            if missing:
                raise ModelFileError(f"{path}: not a model saved by save_model: missing {missing}")
            version = int(_scalar(npz, "format_version", path, "i"))
            if version > FORMAT_VERSION:
                raise ModelFileError(
                    f"{path}: format version {version} is newer than this nn-scratch understands "
                    f"({FORMAT_VERSION}); upgrade nn-scratch to load it"
                )
            if version < 1:
                raise ModelFileError(f"{path}: invalid format version {version}")
            sizes = npz["layer_sizes"]
            if sizes.ndim != 1 or sizes.dtype.kind not in "iu" or sizes.size < 2 or (sizes <= 0).any():
                raise ModelFileError(f"{path}: 'layer_sizes' must be at least two positive integers, got {sizes!r}")
            sizes = tuple(int(n) for n in sizes)
            dtype = str(_scalar(npz, "dtype", path, "U"))
            if dtype not in ("float32", "float64"):
                raise ModelFileError(f"{path}: 'dtype' must be float32 or float64, got {dtype!r}")
            try:
                metadata = json.loads(str(_scalar(npz, "metadata", path, "U")))
            except json.JSONDecodeError as e:
                raise ModelFileError(f"{path}: 'metadata' is not valid JSON ({e})") from None
            if not isinstance(metadata, dict):
                raise ModelFileError(f"{path}: 'metadata' must be a JSON object, got {type(metadata).__name__}")
            L = len(sizes) - 1
            expected = {f"{p}{l}" for l in range(1, L + 1) for p in "Wb"}
            param_keys = keys - set(_HEADER_KEYS)
            if param_keys != expected:
                raise ModelFileError(
                    f"{path}: layer_sizes {sizes} need parameters {sorted(expected)}, found {sorted(param_keys)}"
                )
            params = {}
            for l in range(1, L + 1):
                for name, shape in ((f"W{l}", (sizes[l], sizes[l - 1])), (f"b{l}", (sizes[l], 1))):
                    P = npz[name]
                    if P.shape != shape:
                        raise ModelFileError(f"{path}: {name} has shape {P.shape}, layer_sizes {sizes} need {shape}")
                    if P.dtype != np.dtype(dtype):
                        raise ModelFileError(f"{path}: {name} has dtype {P.dtype}, the file says {dtype}")
                    params[name] = np.array(P)  # writable, owned
    except ModelFileError:
        raise
    except ValueError as e:
        # np.load raises ValueError for object arrays under allow_pickle=False and for unreadable data.
        pickled = "allow_pickle" in str(e)
        reason = "it holds object arrays, which would need unpickling and are never loaded" if pickled else str(e)
        raise ModelFileError(f"{path}: cannot load: {reason}") from None
    except (zipfile.BadZipFile, EOFError, OSError, KeyError) as e:
        raise ModelFileError(f"{path}: not a readable .npz model file (truncated or corrupted?): {e}") from None
    return Network.from_params(params, metadata)
