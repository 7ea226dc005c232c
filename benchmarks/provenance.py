"""Where and how a committed result was made: the provenance block of every result JSON.

The scripts that write the site's committed measurements (``reproduce_biswas.py``,
``reproduce_tutorial.py``, ``pitfalls.py``, ``gpu_check.py``) record the same facts —
the command, when it ran and for how long, the load on the machine, its processor,
the versions, and a fingerprint of the data — so a reader can tell a quiet run
from a busy one and rerun it.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

import nn_scratch


def utc_now() -> str:
    """The time now, as ``2026-12-03T19:29:18Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def command_line(script: str | Path, argv=None) -> str:
    """The command that reruns ``script`` with these arguments, relative to the working folder if it can be."""
    script = Path(script).resolve()
    try:
        script = script.relative_to(Path.cwd())
    except ValueError:
        pass
    given = sys.argv[1:] if argv is None else list(argv)
    return "python " + " ".join(shlex.quote(str(a)) for a in [script, *given])


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
