"""Downloading the four MNIST files with pooch, into the per-user cache, verified.

Each file is fetched from the first mirror that delivers it intact; pooch
streams it (with a progress bar) into a temporary file, and it is renamed into
place only after its IDX structure and the SHA-256 of its unpacked bytes have
been checked by :func:`~nn_scratch.idx.read_idx`.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import urllib.parse
import uuid
from pathlib import Path
from typing import NamedTuple

from .idx import MNISTFileError, read_idx

__all__ = [
    "MNIST_FILES",
    "DEFAULT_MIRRORS",
    "ENV_MIRRORS",
    "MNISTDownloadError",
    "default_cache_dir",
    "file_in",
    "files_in",
    "download_mnist",
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

MAX_DOWNLOAD_BYTES = 64 * 2**20  # the largest official .gz is under 10 MB


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


class _Meter:
    """The progress object pooch's downloader reports to: caps the size, moves a tqdm bar if asked."""

    def __init__(self, desc: str, enabled: bool):
        self.got, self.bar = 0, None
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                pass
            else:
                self.bar = tqdm(desc=desc, unit="B", unit_scale=True, unit_divisor=1024, leave=False)

    @property
    def total(self):
        return None if self.bar is None else self.bar.total

    @total.setter
    def total(self, total):
        if total and total > MAX_DOWNLOAD_BYTES:
            raise MNISTDownloadError(f"announces {total} bytes, more than the {MAX_DOWNLOAD_BYTES} allowed")
        if self.bar is not None:
            self.bar.total = total or None

    def update(self, n: int) -> None:
        self.got += n
        if self.got > MAX_DOWNLOAD_BYTES + 2**16:
            raise MNISTDownloadError(f"more than {MAX_DOWNLOAD_BYTES} bytes, refusing the rest")
        if self.bar is not None:
            self.bar.update(n)

    def reset(self) -> None:
        if self.bar is not None:
            self.bar.reset()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _fetch(url: str, folder: Path, name: str, *, timeout: float, progress: bool) -> Path:
    """Download ``url`` with pooch into a fresh temporary name in ``folder``; return that path."""
    import pooch

    # A loopback test server must not be routed through a proxy from the environment.
    proxies = {"http": None, "https": None} if _is_loopback(urllib.parse.urlsplit(url).hostname) else None
    meter = _Meter(name, progress)
    downloader = pooch.HTTPDownloader(progressbar=meter, timeout=timeout, proxies=proxies, chunk_size=2**16)
    # pooch streams into a temporary file of its own and moves it to fname only when complete.
    part = f".{name}.{uuid.uuid4().hex}.part"
    level = pooch.get_logger().level
    pooch.get_logger().setLevel(logging.WARNING)  # no "Downloading ..." lines on stderr
    try:
        # The hash is checked on the unpacked bytes (read_idx): mirrors compress differently.
        return Path(pooch.retrieve(url, known_hash=None, fname=part, path=folder, downloader=downloader))
    finally:
        pooch.get_logger().setLevel(level)
        meter.close()


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
