"""What every benchmark shares: the data, the clock, thread limits, the machine's description.

Timings on a shared two-core machine are noisy, so every measurement is
repeated and reported as its minimum (the run least disturbed by other
processes) together with its median; ratios are always between peers measured
in the same process, one after the other, under the same thread limit.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import importlib
import importlib.metadata
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "docs" / "data" / "benchmarks.json"


def optional(name: str):
    """Import ``name`` or return ``None`` when it is not installed (an optional peer).

    Examples
    --------
    >>> optional("json").__name__, optional("no_such_module_here")
    ('json', None)
    """
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def load_data(n_train: int | None = None, n_test: int | None = None):
    """The official MNIST split (float32, ``784 × m`` columns), optionally its first examples."""
    from nn_scratch.data import load_mnist

    return load_mnist(n_train=n_train, n_test=n_test, download=False, progress=False)


@contextlib.contextmanager
def threads(n: int, torch=None):
    """Limit NumPy's BLAS (and PyTorch, when given) to ``n`` threads inside the block."""
    from threadpoolctl import threadpool_limits

    previous = torch.get_num_threads() if torch is not None else None
    with threadpool_limits(limits=n):
        if torch is not None:
            torch.set_num_threads(n)
        try:
            yield
        finally:
            if torch is not None:
                torch.set_num_threads(previous)


def timed(fn, repeats: int, setup=None) -> dict:
    """Call ``fn()`` ``repeats`` times (after ``setup()``, untimed) and summarise the seconds.

    Returns ``{"min", "median", "runs", "result"}`` where ``result`` is what the
    last call returned (for example the trained model, to check its accuracy).

    Examples
    --------
    >>> t = timed(lambda: sum(range(1000)), repeats=3)
    >>> len(t["runs"]), t["min"] <= t["median"], t["result"]
    (3, True, 499500)
    """
    runs, result = [], None
    for _ in range(repeats):
        state = setup() if setup is not None else None
        start = time.perf_counter()
        result = fn(state) if setup is not None else fn()
        runs.append(time.perf_counter() - start)
    return {"min": min(runs), "median": statistics.median(runs), "runs": runs, "result": result}


def matmul_peak(n: int = 2048, repeats: int = 5) -> dict:
    """This machine's float32 matrix-multiply speed: ``n × n`` by ``n × n`` with NumPy's BLAS.

    ``2 n³`` floating-point operations per product; the best of ``repeats`` is
    the peak a network's products can hope to approach.
    """
    rng = np.random.default_rng(0)
    A = rng.random((n, n), dtype=np.float32)
    B = rng.random((n, n), dtype=np.float32)
    A @ B  # warm up the BLAS threads
    t = timed(lambda: A @ B, repeats)
    return {"n": n, "gflops": 2 * n**3 / t["min"] / 1e9, "seconds_min": t["min"]}


def blas_description() -> list[dict]:
    from threadpoolctl import threadpool_info

    keep = ("internal_api", "version", "num_threads", "threading_layer", "architecture")
    return [{k: info.get(k) for k in keep} for info in threadpool_info()]


def machine() -> dict:
    """Who measured what: cores, CPU, Python, NumPy and BLAS, the peers' versions, the load."""
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "date_utc": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "blas": blas_description(),
        "nn_scratch": version("nn-scratch"),
        "torch": version("torch") if optional("torch") else None,
        "scikit_learn": version("scikit-learn") if optional("sklearn") else None,
        "load_average_start": list(load) if load else None,
    }


def load_average() -> list[float] | None:
    return list(os.getloadavg()) if hasattr(os, "getloadavg") else None
