r"""Peak memory of training 784-10-10 on the 60,000 training images, beside the size of X.

Two measurements of the same work, because each sees something the other does not:

* ``tracemalloc`` — NumPy reports every array buffer it allocates to Python's
  allocation tracer, so the traced peak during one call, minus what was traced
  before it, is the extra memory the call's arrays needed at their worst
  moment. It does not see what the BLAS library allocates for itself.
* the resident set of a fresh process — Linux keeps a high-water mark of
  each process's resident memory (``VmHWM``) that writing ``5`` to
  ``/proc/self/clear_refs`` resets; after loading the data the child resets
  it, runs the work, and reports the mark minus the resident size before.
  This sees everything (BLAS buffers, freed-and-reused pages) but only on Linux.

Run ``python -m benchmarks.memory`` for a JSON report.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = ("full_batch_iteration", "sgd_epoch")


def full_batch_iteration(net, X, Y, alpha=0.1):
    """One full-batch iteration: :func:`nn_scratch.train_step` on all of ``X``, as ``gradient_descent`` takes it."""
    from nn_scratch import train_step

    train_step(net.params, X, Y, alpha)


def sgd_epoch(net, X, Y, alpha=0.1, batch_size=64):
    """One epoch of :func:`nn_scratch.sgd` at ``batch_size``."""
    from nn_scratch import sgd

    sgd(net, X, Y, alpha=alpha, epochs=1, batch_size=batch_size, seed=0)


def traced_peak(fn) -> int:
    """Bytes that ``fn()`` needed beyond what was allocated before it, at its peak (``tracemalloc``).

    Examples
    --------
    >>> import numpy as np
    >>> traced_peak(lambda: np.ones(1_000_000).sum()) >= 8_000_000
    True
    """
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _work(name: str, dtype: str, n_train: int | None = None):
    from benchmarks.common import load_data
    from nn_scratch import Network

    data = load_data(n_train=n_train, n_test=1000 if n_train else None)
    X = data.X_train.astype(dtype, copy=False)
    net = Network((784, 10, 10), seed=0, dtype=dtype)
    fn = {"full_batch_iteration": full_batch_iteration, "sgd_epoch": sgd_epoch}[name]
    return X, lambda: fn(net, X, data.Y_train)


def _child(name: str, dtype: str, n_train: int | None) -> dict:
    _, run = _work(name, dtype, n_train)
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current resident size
    before = _status_kib("VmRSS")
    run()
    return {"rss_before_bytes": before * 1024, "peak_extra_bytes": (_status_kib("VmHWM") - before) * 1024}


def measure(dtype: str = "float32", n_train: int | None = None, rss: bool = True) -> dict:
    """Both measurements of both kinds of work, in ``dtype``; bytes and multiples of X's size.

    ``rss=False`` skips the fresh-process measurement (a smoke run's few seconds).
    """
    out = {"dtype": dtype, "work": {}}
    for name in WORK:
        X, run = _work(name, dtype, n_train)
        out["X_bytes"] = int(X.nbytes)
        row = {"tracemalloc_peak_extra_bytes": traced_peak(run)}
        if rss and Path("/proc/self/clear_refs").exists():
            proc = subprocess.run(
                [sys.executable, "-m", "benchmarks.memory", "--child", name, dtype, str(n_train or 0)],
                capture_output=True,
                text=True,
                check=True,
                cwd=REPO,
            )
            row["rss_peak_extra_bytes"] = json.loads(proc.stdout)["peak_extra_bytes"]
        for key in list(row):
            row[key.replace("bytes", "over_X")] = row[key] / X.nbytes
        out["work"][name] = row
    return out


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(_child(sys.argv[2], sys.argv[3], int(sys.argv[4]) or None)))
    else:
        print(json.dumps([measure("float32"), measure("float64")], indent=1))
