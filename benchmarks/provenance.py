"""Where and how a committed result was made: the provenance block of every result JSON, and its one writer.

The scripts that write the site's committed measurements (``run``, ``recipes``,
``reproduce_biswas``, ``reproduce_tutorial``, ``pitfalls``, ``gpu_check``) record
the same facts — the command, when it ran and for how long, the load on the
machine, its processor, the versions, and a fingerprint of the data — so a
reader can tell a quiet run from a busy one and rerun it; and they all write
their JSON through :func:`write_json`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

import nn_scratch
from nn_scratch.saving import atomic_write


def utc_now() -> str:
    """The time now, as ``2026-12-03T19:29:18Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def command_line(module: str, argv=None) -> str:
    """The command that reruns the benchmark ``module`` (its ``__name__``) with these arguments.

    Examples
    --------
    >>> command_line("benchmarks.pitfalls", ["--out", "a b.json"])
    "python -m benchmarks.pitfalls --out 'a b.json'"
    """
    given = sys.argv[1:] if argv is None else list(argv)
    return " ".join(["python", "-m", module, *(shlex.quote(str(a)) for a in given)])


def _finite(obj):
    # JSON has no NaN or infinity: a number that is not finite is written as null.
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def write_json(path: Path, report: dict) -> None:
    """Write ``report`` as JSON to ``path``, atomically (a temporary file, then ``os.replace``).

    A reader, or a killed run, never sees a half-written file. Numbers that are
    not finite become ``null``.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "sub" / "r.json"
    >>> write_json(out, {"loss": float("nan"), "seeds": (0, 1)})
    >>> json.loads(out.read_text())
    {'loss': None, 'seeds': [0, 1]}
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(_finite(report), indent=1, allow_nan=False) + "\n")


def fingerprint(*arrays) -> str:
    """SHA-256 of the arrays as loaded — values, dtype and shape — so two runs can tell they used the same data.

    Examples
    --------
    >>> fingerprint(np.zeros(2)) == fingerprint(np.zeros(2)), fingerprint(np.zeros(2)) == fingerprint(np.zeros(3))
    (True, False)
    """
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(f"{a.dtype.str}{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def cpu_model() -> str:
    """The processor's model name (from /proc/cpuinfo where there is one)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


class Run:
    """The clock and load of a run, started when made; :meth:`provenance` closes it into the JSON block."""

    def __init__(self, command: str):
        self.command = command
        self.started = utc_now()
        self.t0 = time.perf_counter()
        self.load0 = os.getloadavg()[0]

    def provenance(self, *arrays) -> dict:
        """The provenance block, with a fingerprint of the data ``arrays`` trained and tested on."""
        return {
            "command": self.command,
            "started_utc": self.started,
            "finished_utc": utc_now(),
            "wall_time_s": round(time.perf_counter() - self.t0, 1),
            "load_average_start": round(self.load0, 2),
            "load_average_end": round(os.getloadavg()[0], 2),
            "cpu_count": os.cpu_count(),
            "processor": cpu_model(),
            "machine": f"{platform.system()} {platform.machine()}",
            "python_version": platform.python_version(),
            "numpy_version": np.__version__,
            "nn_scratch_version": nn_scratch.__version__,
            # Fingerprint of the arrays trained and tested on, as loaded (values and dtype).
            "data_sha256": fingerprint(*arrays),
        }
