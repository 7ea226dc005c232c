"""MNIST: find, download, verify and read the four official IDX files.

:func:`load_mnist` returns the official split — 60,000 training and 10,000
test images — in the package's convention: ``X`` is ``784 × m`` (one image per
column, pixels in ``[0, 1]``) and ``Y`` a 1-D ``int64`` array of labels.

Where the files come from, in this order:

1. the folder passed as ``data_dir``;
2. the folder named by the environment variable ``NN_SCRATCH_DATA``;
3. the per-user cache, ``$XDG_CACHE_HOME/nn-scratch/mnist`` (by default
   ``~/.cache/nn-scratch/mnist`` on Linux);
4. otherwise they are downloaded over HTTPS from public mirrors into the cache.

A folder counts only if it holds all four files, each either gzip-compressed
(``train-images-idx3-ubyte.gz``) or not (``train-images-idx3-ubyte``).

Every file is checked, wherever it was found: its IDX header must describe
28 × 28 images (or labels 0–9) and match the amount of data really present,
and the SHA-256 of its *unpacked* bytes must equal the published value in
:data:`MNIST_FILES`. The unpacked bytes are hashed rather than the ``.gz``
because the same images are distributed with different gzip compressions.
Hashing every unpacked byte is a small cost against that of silently
training on a damaged or substituted file; pass ``verify=False`` to skip only
the hash (the structural checks always run).

Examples
--------
>>> for name, info in MNIST_FILES.items():
...     print(f"{name:24} {info.kind:6} {info.count:>6}")
train-images-idx3-ubyte  images  60000
train-labels-idx1-ubyte  labels  60000
t10k-images-idx3-ubyte   images  10000
t10k-labels-idx1-ubyte   labels  10000
"""

from __future__ import annotations

import ipaddress
import logging
import os
import urllib.parse
import uuid
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ._checks import check_count, check_dtype
from .idx import MNISTFileError, read_idx

__all__ = [
    "MNIST",
    "MNIST_FILES",
    "DEFAULT_MIRRORS",
    "ENV_DATA",
    "ENV_MIRRORS",
    "MNISTNotFoundError",
    "MNISTDownloadError",
    "load_mnist",
    "download_mnist",
    "find_mnist",
    "default_cache_dir",
    "file_in",
    "files_in",
]


class _FileInfo(NamedTuple):
    kind: str  # "images" or "labels"
    count: int  # number of images or labels in the official file
    sha256: str  # SHA-256 of the unpacked bytes


MNIST_FILES = {
    "train-images-idx3-ubyte": _FileInfo(
        "images", 60000, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"
    ),
    "train-labels-idx1-ubyte": _FileInfo(
        "labels", 60000, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"
    ),
    "t10k-images-idx3-ubyte": _FileInfo(
        "images", 10000, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
    ),
    "t10k-labels-idx1-ubyte": _FileInfo(
        "labels", 10000, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
    ),
}
"""The four official files: kind, number of items, SHA-256 of the unpacked bytes."""

DEFAULT_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
"""Public HTTPS mirrors of the ``.gz`` files, tried in order."""

ENV_MIRRORS = "NN_SCRATCH_MNIST_MIRRORS"
"""Environment variable overriding :data:`DEFAULT_MIRRORS` (URLs separated by spaces or commas)."""


class MNISTDownloadError(OSError):
    """No mirror delivered a file whose unpacked bytes match the published SHA-256."""


def default_cache_dir() -> Path:
    """The per-user cache folder for the downloaded files.

    ``$XDG_CACHE_HOME/nn-scratch/mnist`` (default ``~/.cache``) on Linux and other
    Unix systems, ``~/Library/Caches/nn-scratch/mnist`` on macOS and the local
    application-data cache on Windows: :func:`pooch.os_cache`'s choice.

    Examples
    --------
    >>> default_cache_dir().parts[-2:]
    ('nn-scratch', 'mnist')
    """
    import pooch  # here, not at the top: it pulls in requests when used

    # pooch.os_cache follows each system's convention (platformdirs), XDG_CACHE_HOME included.
    return Path(pooch.os_cache("nn-scratch")) / "mnist"


def file_in(folder: Path, name: str) -> Path | None:
    """``folder/name.gz`` or ``folder/name``, whichever is a file (None if neither).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "t10k-labels-idx1-ubyte").touch()
    >>> file_in(folder, "t10k-labels-idx1-ubyte").name, file_in(folder, "t10k-images-idx3-ubyte")
    ('t10k-labels-idx1-ubyte', None)
    """
    for candidate in (folder / f"{name}.gz", folder / name):
        if candidate.is_file():
            return candidate
    return None


def files_in(folder: Path) -> dict[str, Path] | None:
    """The paths of the four files in ``folder`` (``.gz`` or unpacked), or None unless all four are there.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> files_in(pathlib.Path(tempfile.mkdtemp())) is None
    True
    """
    found = {name: file_in(folder, name) for name in MNIST_FILES}
    return found if all(found.values()) else None


# ---------------------------------------------------------------------------
# Downloading
# ---------------------------------------------------------------------------


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def _mirrors(mirrors) -> list[str]:
    if mirrors is None:
        env = os.environ.get(ENV_MIRRORS, "")
        mirrors = env.replace(",", " ").split() or list(DEFAULT_MIRRORS)
    elif isinstance(mirrors, str):
        mirrors = [mirrors]
    mirrors = list(mirrors)
    if not mirrors:
        raise ValueError("mirrors must name at least one URL")
    for url in mirrors:
        parts = urllib.parse.urlsplit(url)
        # Plain http only for a server on this machine (the tests' own); real mirrors need HTTPS.
        if not (parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(parts.hostname))):
            raise ValueError(f"mirror {url!r} must be an https:// URL (http:// is allowed only for loopback)")
    return [url if url.endswith("/") else url + "/" for url in mirrors]


def _bar(name: str):
    """A tqdm bar named after the file, which pooch moves as the bytes arrive (False without tqdm)."""
    try:
        from tqdm import tqdm
    except ImportError:
        return False

    class Bar(tqdm):
        def __bool__(self):  # pooch asks `if progressbar:`; a tqdm without a total yet refuses bool()
            return True

    return Bar(desc=name, unit="B", unit_scale=True, unit_divisor=1024, leave=False)


def _fetch(url: str, folder: Path, name: str, *, timeout: float, progress: bool) -> Path:
    """Download ``url`` with pooch into a fresh temporary name in ``folder``; return that path."""
    import pooch

    # A loopback test server must not be routed through a proxy from the environment.
    proxies = {"http": None, "https": None} if _is_loopback(urllib.parse.urlsplit(url).hostname) else None
    downloader = pooch.HTTPDownloader(
        progressbar=_bar(name) if progress else False, timeout=timeout, proxies=proxies, chunk_size=2**16
    )
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)  # no "Downloading data from ..." line: the bar names the file
    try:
        # pooch streams into a temporary file of its own and moves it to fname only when complete;
        # the hash is checked on the unpacked bytes (read_idx): mirrors compress differently.
        part = f".{name}.{uuid.uuid4().hex}.part"
        return Path(pooch.retrieve(url, known_hash=None, fname=part, path=folder, downloader=downloader))
    finally:
        logger.setLevel(level)


def download_mnist(
    cache_dir=None, *, mirrors=None, progress: bool = True, timeout: float = 30.0, check_existing: bool = True
) -> Path:
    """Download the four files into ``cache_dir`` (default :func:`default_cache_dir`), verified.

    Files already in the cache that pass verification are kept. Each missing
    file is fetched from the first mirror that delivers it intact: it is
    streamed into a temporary file in the cache folder, checked (IDX structure
    and SHA-256 of the unpacked bytes), and only then renamed to its final name.
    An interrupted or corrupted download therefore never leaves behind a file
    that a later run would take for a good one.

    Parameters
    ----------
    cache_dir : str or Path, optional
    mirrors : sequence of str, optional
        Base URLs tried in order; default the environment variable
        ``NN_SCRATCH_MNIST_MIRRORS`` or else :data:`DEFAULT_MIRRORS`. Only
        ``https://`` is accepted, and ``http://`` to a loopback address.
    progress : bool
        Show a progress bar per file (needs ``tqdm``; quiet without it).
    timeout : float
        Seconds a connection may stay silent before a mirror is abandoned.
    check_existing : bool
        Verify the files already in the folder too, replacing bad ones
        (:func:`~nn_scratch.data.load_mnist`, which checks every file it reads, passes False).

    Returns
    -------
    Path
        The cache folder, now holding the four verified files.

    Raises
    ------
    MNISTDownloadError
        If no mirror delivers a file intact; the message lists every attempt.

    Examples
    --------
    >>> download_mnist(mirrors=["http://example.org/mnist/"])
    Traceback (most recent call last):
    ...
    ValueError: mirror 'http://example.org/mnist/' must be an https:// URL (http:// is allowed only for loopback)
    """
    folder = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    urls = _mirrors(mirrors)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    created = [p for p in (folder, *folder.parents) if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    try:
        _download_missing(folder, urls, timeout=timeout, progress=progress, check_existing=check_existing)
    except BaseException:
        # A failed first download leaves no empty cache folders behind.
        for p in created:
            try:
                p.rmdir()
            except OSError:
                break
        raise
    return folder


def _download_missing(folder: Path, urls, *, timeout, progress, check_existing=True) -> None:
    # Missing files first: a mirror that fails, fails before the files already
    # here are re-read. Then the files already here are checked (load_mnist,
    # which checks every file it reads anyway, skips that) and replaced if bad.
    for name in MNIST_FILES:
        if file_in(folder, name) is None:
            _fetch_verified(folder, name, urls, timeout=timeout, progress=progress)
        elif check_existing:
            info = MNIST_FILES[name]
            existing = file_in(folder, name)
            try:
                read_idx(existing, info.kind, count=info.count, sha256=info.sha256)
            except MNISTFileError:
                existing.unlink()  # a bad file must not stay in the cache
                _fetch_verified(folder, name, urls, timeout=timeout, progress=progress)


def _fetch_verified(folder: Path, name: str, urls, *, timeout, progress) -> None:
    """Fetch ``name``.gz from the first mirror that delivers it intact; rename it into place only then."""
    info = MNIST_FILES[name]
    failures = []
    for base in urls:
        url = base + name + ".gz"
        tmp = None
        try:
            tmp = _fetch(url, folder, name, timeout=timeout, progress=progress)
            read_idx(tmp, info.kind, count=info.count, sha256=info.sha256)
        except (OSError, MNISTFileError) as e:
            # OSError covers requests' errors (HTTP status, timeouts, a connection cut mid-body).
            reason = str(e) if tmp is None else str(e).replace(str(tmp), "the downloaded file")
            failures.append(f"  {url}: {reason}")
            _remove_parts(folder, name)
            continue
        except BaseException:
            _remove_parts(folder, name)
            raise
        os.replace(tmp, folder / f"{name}.gz")
        return
    raise MNISTDownloadError(f"could not download {name}.gz from any mirror:\n" + "\n".join(failures))


def _remove_parts(folder: Path, name: str) -> None:
    for part in folder.glob(f".{name}.*.part"):
        part.unlink(missing_ok=True)


ENV_DATA = "NN_SCRATCH_DATA"
"""Environment variable naming a folder that holds the four files."""


class MNISTNotFoundError(FileNotFoundError):
    """The four MNIST files are in none of the places searched (and downloading is off or failed)."""


class MNIST(NamedTuple):
    """The data set as arrays: ``X_*`` are ``784 × m`` floats, ``Y_*`` ``int64`` labels.

    ``X_val`` and ``Y_val`` are ``None`` unless a validation split was asked for.
    A named tuple, so it unpacks in order as well as by name.

    Examples
    --------
    >>> X = np.zeros((784, 3), dtype=np.float32)
    >>> data = MNIST(X, np.array([1, 2, 3]), None, None, X, np.array([4, 5, 6]))
    >>> data.X_train.shape, data.X_val is None
    ((784, 3), True)
    >>> X_train, Y_train, X_val, Y_val, X_test, Y_test = data
    >>> Y_test
    array([4, 5, 6])
    """

    X_train: np.ndarray
    Y_train: np.ndarray
    X_val: np.ndarray | None
    Y_val: np.ndarray | None
    X_test: np.ndarray
    Y_test: np.ndarray


# ---------------------------------------------------------------------------
# Finding the files
# ---------------------------------------------------------------------------


def _search_path(data_dir, cache_dir) -> list[tuple[str, Path]]:
    places = []
    if data_dir is not None:
        places.append(("data_dir", Path(data_dir).expanduser()))
    if os.environ.get(ENV_DATA):
        places.append((ENV_DATA, Path(os.environ[ENV_DATA]).expanduser()))
    places.append(("cache", Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()))
    return places


def find_mnist(data_dir=None, *, cache_dir=None) -> Path | None:
    """The first folder, in lookup order, that holds all four MNIST files (``None`` if none does).

    Nothing is read or verified here; see :func:`load_mnist`.

    Examples
    --------
    ``data_dir`` comes first; a folder counts once all four names are present:

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in list(MNIST_FILES)[:3]:
    ...     (folder / f"{name}.gz").touch()
    >>> find_mnist(folder) == folder
    False
    >>> (folder / "t10k-labels-idx1-ubyte").touch()
    >>> find_mnist(folder) == folder
    True
    """
    for _, folder in _search_path(data_dir, cache_dir):
        if files_in(folder):
            return folder
    return None


# ---------------------------------------------------------------------------
# load_mnist
# ---------------------------------------------------------------------------


def _count_or_all(name, value, limit):
    return limit if value is None else check_count(name, value, maximum=limit)


def _to_columns(images: np.ndarray, dtype) -> np.ndarray:
    # One pass: uint8 → dtype and ÷255 together; .T makes the m × 784 block 784 × m
    # without copying, leaving each example's 784 pixels contiguous (F order).
    return np.divide(images, dtype.type(255), dtype=dtype).T


def _not_found(places, errors=()) -> MNISTNotFoundError:
    searched = "\n".join(f"  {label}: {folder}" for label, folder in places)
    message = (
        "MNIST files not found. Looked for train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), "
        f"t10k-images-idx3-ubyte(.gz) and t10k-labels-idx1-ubyte(.gz) in:\n{searched}\n"
        f"Put the four files in a folder and pass it as data_dir (--data-dir on the command line), "
        f"or set {ENV_DATA}=/path/to/folder."
    )
    if errors:
        message += "\nDownloading failed too:\n" + "\n".join(errors)
    return MNISTNotFoundError(message)


def _read_all(files: dict, verify: bool) -> dict:
    arrays = {}
    # Smallest files first, so a bad one is found before 47 MB of images are unpacked.
    for name in sorted(MNIST_FILES, key=lambda n: (MNIST_FILES[n].kind == "images", MNIST_FILES[n].count)):
        info = MNIST_FILES[name]
        arrays[name] = read_idx(files[name], info.kind, count=info.count, sha256=info.sha256 if verify else None)
    return arrays


def _first_complete(places) -> tuple[str, Path, dict | None]:
    """The first place holding all four files; else the last place searched (the cache), with None."""
    for label, folder in places:
        files = files_in(folder)
        if files:
            return label, folder, files
    label, folder = places[-1]
    return label, folder, None


def _fetch_into(folder: Path, mirrors, *, progress, timeout) -> dict:
    # Files already in the cache are not checked here: _read_all checks every file it reads.
    download_mnist(folder, mirrors=mirrors, progress=progress, timeout=timeout, check_existing=False)
    return files_in(folder)


def _read_checked(files, verify, label, folder, *, refetch, mirrors, progress, timeout) -> dict:
    """Read and check the four files; a bad file in the cache is deleted and fetched again."""
    for _ in range(len(MNIST_FILES)):
        try:
            return _read_all(files, verify)
        except MNISTFileError as e:
            if label != "cache" or e.path is None:
                raise  # never delete a user's own files
            Path(e.path).unlink(missing_ok=True)  # a bad file must not stay in the cache
            if not refetch:
                raise MNISTFileError(
                    f"{e} It was removed from the cache; load again with download=True.", e.path
                ) from None
            files = _fetch_into(folder, mirrors, progress=progress, timeout=timeout)
    return _read_all(files, verify)


def load_mnist(
    data_dir=None,
    *,
    dtype=np.float32,
    validation_size: int = 0,
    seed=0,
    n_train: int | None = None,
    n_test: int | None = None,
    download: bool = True,
    progress: bool = True,
    verify: bool = True,
    cache_dir=None,
    mirrors=None,
    timeout: float = 30.0,
) -> MNIST:
    """Load the official MNIST split as ``784 × m`` float columns and ``int64`` labels.

    The files are looked for in ``data_dir``, then ``$NN_SCRATCH_DATA``, then
    the per-user cache; if none holds all four, they are downloaded into the
    cache (see :func:`download_mnist`). Every file is verified (see the module
    docstring) before use.

    Pixels are divided by 255 so they lie in ``[0, 1]``: ReLU networks train
    badly on raw 0–255 inputs, whose products with initial weights are large.

    Parameters
    ----------
    data_dir : str or Path, optional
        A folder with the four files (``.gz`` or unpacked).
    dtype : float32 or float64
        Type of the ``X`` arrays.
    validation_size : int
        Number of training examples to hold out as ``X_val, Y_val``, chosen at
        random with ``seed``; both parts keep the files' order.
    seed : int
        Seed of the validation split.
    n_train, n_test : int, optional
        Keep only the first ``n`` training (after the split) or test examples,
        for quick experiments.
    download : bool
        Whether to download when no folder holds the files.
    progress : bool
        Progress bars while downloading (with ``tqdm`` installed).
    verify : bool
        Check the SHA-256 of every file's unpacked bytes.
    cache_dir : str or Path, optional
        Replaces the per-user cache folder (tests use a temporary one).
    mirrors : sequence of str, optional
        Download mirrors, see :func:`download_mnist`.
    timeout : float
        Seconds a download may stall before the next mirror is tried.

    Returns
    -------
    MNIST
        ``(X_train, Y_train, X_val, Y_val, X_test, Y_test)``; ``X_*`` of shape
        ``(784, m)``, Fortran-ordered, in ``[0, 1]``; ``Y_*`` of shape ``(m,)``;
        ``X_val`` and ``Y_val`` are ``None`` when ``validation_size`` is 0.

    Raises
    ------
    MNISTNotFoundError
        No folder holds the files and downloading is off or failed; the
        message lists where it looked.
    MNISTFileError
        A file is damaged or differs from the official one.

    Examples
    --------
    With ``NN_SCRATCH_DATA`` pointing at the folder of the four files:

    >>> m = load_mnist(download=False, validation_size=10000, n_test=500)
    >>> m.X_train.shape, m.X_val.shape, m.X_test.shape, m.Y_train.dtype
    ((784, 50000), (784, 10000), (784, 500), dtype('int64'))
    >>> m.X_train.dtype, float(m.X_train.min()), float(m.X_train.max())
    (dtype('float32'), 0.0, 1.0)
    >>> m.X_train.flags.f_contiguous      # each image's 784 pixels are contiguous
    True
    >>> m.Y_test[:10]
    array([7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
    """
    dt = check_dtype(dtype)
    n_official = MNIST_FILES["train-images-idx3-ubyte"].count
    check_count("validation_size", validation_size, minimum=0, maximum=n_official - 1)
    n_train = _count_or_all("n_train", n_train, n_official - validation_size)
    n_test = _count_or_all("n_test", n_test, MNIST_FILES["t10k-images-idx3-ubyte"].count)

    places = _search_path(data_dir, cache_dir)
    label, folder, files = _first_complete(places)
    if files is None:
        if not download:
            raise _not_found(places)
        try:
            files = _fetch_into(folder, mirrors, progress=progress, timeout=timeout)
        except MNISTDownloadError as e:
            raise _not_found(places, [str(e)]) from None
    arrays = _read_checked(
        files, verify, label, folder, refetch=download, mirrors=mirrors, progress=progress, timeout=timeout
    )
    train_images, train_labels = arrays["train-images-idx3-ubyte"], arrays["train-labels-idx1-ubyte"]
    test_images, test_labels = arrays["t10k-images-idx3-ubyte"], arrays["t10k-labels-idx1-ubyte"]

    m = train_images.shape[0]
    X_val = Y_val = None
    if validation_size:
        held_out = np.zeros(m, dtype=bool)
        held_out[np.random.default_rng(seed).permutation(m)[:validation_size]] = True
        X_val = _to_columns(train_images[held_out], dt)
        Y_val = train_labels[held_out].astype(np.int64)
        train_images, train_labels = train_images[~held_out], train_labels[~held_out]
    return MNIST(
        X_train=_to_columns(train_images[:n_train], dt),
        Y_train=train_labels[:n_train].astype(np.int64),
        X_val=X_val,
        Y_val=Y_val,
        X_test=_to_columns(test_images[:n_test], dt),
        Y_test=test_labels[:n_test].astype(np.int64),
    )
