"""Reading the IDX files of MNIST, checked before they are trusted; the image format in one place.

The IDX format is a 4-byte magic number (``0x00000803`` for 3-D unsigned-byte
data such as images, ``0x00000801`` for 1-D labels), one big-endian 32-bit
size per dimension, then the bytes. :func:`read_idx` reads one such file,
gzip-compressed or not; finding and downloading the files is
:mod:`nn_scratch.data`'s job.

Examples
--------
>>> SIDE, PIXELS, NUM_CLASSES
(28, 784, 10)
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from pathlib import Path

import numpy as np

__all__ = ["SIDE", "PIXELS", "NUM_CLASSES", "MAX_ITEMS", "MNISTFileError", "read_idx"]

SIDE = 28
"""Every MNIST image is a square of 28 × 28 pixels: this is its side."""
PIXELS = SIDE * SIDE
"""784: the length of one image as a column of ``X``, and the input size of an MNIST network."""
NUM_CLASSES = 10
"""The digits 0–9."""
MAX_ITEMS = 100_000
"""Above MNIST's largest file; caps what any header can make us read (``MAX_ITEMS × PIXELS`` bytes of images)."""
_CHUNK = 4 * 2**20  # unpacked bytes read at a time: bounds memory whatever a header claims
_IDX_UBYTE = 0x08  # IDX type code of unsigned bytes
_NDIM = {"images": 3, "labels": 1}


class MNISTFileError(ValueError):
    """An MNIST file is damaged, truncated, not IDX, or not the published file.

    ``path`` is the offending file. The message always starts with it.
    """

    def __init__(self, message: str, path=None):
        super().__init__(message)
        self.path = path


def _open(path: Path):
    """Open ``path`` for reading unpacked bytes; gzip is recognised by its magic bytes."""
    f = open(path, "rb")
    is_gzip = f.read(2) == b"\x1f\x8b"
    f.seek(0)
    if is_gzip:
        return gzip.GzipFile(fileobj=f, mode="rb"), f, True
    return f, f, False


def _read_exactly(stream, n: int, hasher, path: Path, what: str) -> bytes:
    """Read ``n`` unpacked bytes in bounded chunks, so memory grows only with real data."""
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(min(_CHUNK, n - got))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
        if hasher is not None:
            hasher.update(chunk)
    if got < n:
        raise MNISTFileError(f"{path}: truncated — expected {what} ({n} bytes) but {got} bytes follow", path)
    return b"".join(chunks)


def read_idx(path: str | os.PathLike, kind: str, *, count: int | None = None, sha256: str | None = None) -> np.ndarray:
    """Read one IDX file of MNIST images or labels, checking it before trusting it.

    The IDX format is a 4-byte magic number (``0x00000803`` for 3-D unsigned-byte
    data such as images, ``0x00000801`` for 1-D labels), one big-endian 32-bit
    size per dimension, then the bytes. The header is checked first — magic
    number, 28 × 28 images, at most :data:`MAX_ITEMS` items — and then the data
    are read in bounded chunks, so a header that claims more than the file
    holds fails on the missing bytes instead of reserving memory for its claim.
    (The size field of a gzip trailer is never trusted, for the same reason.)

    Parameters
    ----------
    path : str or Path
        The file, gzip-compressed or not.
    kind : {"images", "labels"}
    count : int, optional
        The number of items the file must hold (checked on the header, before reading).
    sha256 : str, optional
        Expected SHA-256 of the unpacked bytes (header included).

    Returns
    -------
    ndarray of uint8, read-only
        ``(n, 784)`` for images — one flattened image per row — or ``(n,)`` for labels.

    Raises
    ------
    MNISTFileError
        Wrong magic number, absurd sizes, truncated or extra data, labels
        outside 0–9, a broken gzip stream, or a SHA-256 mismatch.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "labels-idx1-ubyte"
    >>> _ = path.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]))
    >>> read_idx(path, "labels")
    array([7, 2, 1], dtype=uint8)
    >>> _ = path.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 9, 7, 2, 1]))  # claims 9 labels, holds 3
    >>> try:
    ...     read_idx(path, "labels")
    ... except MNISTFileError as e:
    ...     print(str(e).removeprefix(f"{path}: "))
    truncated — expected the 9 labels the header promises (9 bytes) but 3 bytes follow
    """
    if kind not in _NDIM:
        raise ValueError(f"kind must be 'images' or 'labels', got {kind!r}")
    path = Path(path)
    hasher = hashlib.sha256() if sha256 is not None else None
    try:
        stream, raw, is_gzip = _open(path)
    except OSError as e:
        raise MNISTFileError(f"{path}: cannot open: {e}", path) from None
    try:
        with raw, stream:
            count = _read_header(stream, hasher, path, kind, count)
            n = count * (PIXELS if kind == "images" else 1)
            if not is_gzip:
                # An uncompressed file's size is known up front: refuse before reading anything.
                _check_file_size(os.fstat(raw.fileno()).st_size - (4 + 4 * _NDIM[kind]), n, path, kind, count)
            data = _read_exactly(stream, n, hasher, path, f"the {count} {kind} the header promises")
            if stream.read(1):
                raise MNISTFileError(f"{path}: has extra bytes after the {count} {kind} its header promises", path)
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        raise MNISTFileError(f"{path}: broken gzip stream ({e}); the file is truncated or corrupted", path) from None
    if hasher is not None and hasher.hexdigest() != sha256:
        raise MNISTFileError(
            f"{path}: SHA-256 of the unpacked bytes is {hasher.hexdigest()}, "
            f"expected {sha256}; the file is corrupted or not the official MNIST file",
            path,
        )
    array = np.frombuffer(data, dtype=np.uint8)
    if kind == "labels":
        if array.max() >= NUM_CLASSES:
            raise MNISTFileError(f"{path}: holds label {int(array.max())}, MNIST labels are 0–9", path)
        return array
    return array.reshape(count, PIXELS)


def _read_header(stream, hasher, path: Path, kind: str, count: int | None) -> int:
    """Read and check the magic number and the sizes; return the number of items."""
    ndim = _NDIM[kind]
    magic = int.from_bytes(_read_exactly(stream, 4, hasher, path, "a magic number"), "big")
    expected_magic = (_IDX_UBYTE << 8) | ndim
    if magic != expected_magic:
        raise MNISTFileError(
            f"{path}: wrong magic number 0x{magic:08x}, expected 0x{expected_magic:08x} "
            f"(IDX unsigned bytes, {ndim} dimension{'s' if ndim > 1 else ''}, as MNIST {kind}); "
            "is this the right file?",
            path,
        )
    header = _read_exactly(stream, 4 * ndim, hasher, path, f"{ndim} dimension size{'s' if ndim > 1 else ''}")
    dims = [int.from_bytes(header[4 * i : 4 * i + 4], "big") for i in range(ndim)]
    n_items = dims[0]
    if not 0 < n_items <= MAX_ITEMS:
        raise MNISTFileError(f"{path}: absurd header: {n_items} {kind} (expected 1 to {MAX_ITEMS})", path)
    if count is not None and n_items != count:
        raise MNISTFileError(f"{path}: the header announces {n_items} {kind}, this file must hold {count}", path)
    if kind == "images" and dims[1:] != [SIDE, SIDE]:
        raise MNISTFileError(
            f"{path}: absurd header: images of {dims[1]} × {dims[2]} pixels, MNIST images are {SIDE} × {SIDE}",
            path,
        )
    return n_items


def _check_file_size(actual: int, n: int, path: Path, kind: str, count: int) -> None:
    if actual != n:
        state = "truncated" if actual < n else "has extra bytes"
        raise MNISTFileError(
            f"{path}: {state} — expected the {count} {kind} the header promises ({n} bytes) but {actual} bytes follow",
            path,
        )
