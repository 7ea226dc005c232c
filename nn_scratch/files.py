"""Writing a file so that no reader ever sees half of it.

Every file the project writes — models, exported weights, histories, benchmark
results, pages of the built site — goes through :func:`atomic_write`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


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
