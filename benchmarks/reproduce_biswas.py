"""Reproduce Ananda Biswas's 784-500-150-10 network with nn_scratch, on the official MNIST split.

The configuration of "Neural Network from Scratch" (CuPy): ReLU hidden layers,
a softmax output, weights N(0, 1) × 0.01 and zero biases, full-batch gradient
descent with learning rate 0.1 for 1000 iterations on all 60,000 training
images. One iteration is over a hundred GFLOP, far too much for the docs build, so
this script runs it once and writes its history and result to a JSON file
that the page "Reproducing the tutorials" plots.

The accuracy on the official 10,000-image test set is evaluated every
``--eval-every`` iterations, so the curves are available, and the JSON file
is rewritten (atomically) at each evaluation: an interrupted run leaves a
valid file whose ``status`` is ``"partial"`` and whose
``completed_iterations`` says how far it got. ``--time-limit`` stops the run
cleanly after that many seconds, with status ``"stopped"``.

Usage (from the repository root)::

    python -m benchmarks.reproduce_biswas --out docs/data/biswas-784-500-150-10.json

Small smoke run, as the tests do::

    python -m benchmarks.reproduce_biswas --out /tmp/b.json --iterations 3 --eval-every 1 \\
        --n-train 500 --n-test 200
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np

import nn_scratch
from benchmarks.provenance import command_line, cpu_model, fingerprint, utc_now, write_json
from nn_scratch import Network, gradient_descent
from nn_scratch.data import load_mnist
from nn_scratch.history import History

FORMAT = "nn-scratch/reproduction/1"
LAYER_SIZES = (784, 500, 150, 10)
SOURCE = 'Ananda Biswas, "Neural Network from Scratch" (CuPy)'
REPORTED_TEST_ACCURACY = 0.9095


class _TimeLimit(Exception):
    """Raised from the logging callback when the time budget is spent."""


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, required=True, help="JSON file to write")
    p.add_argument("--iterations", type=int, default=1000, help="gradient-descent iterations (1000)")
    p.add_argument("--alpha", type=float, default=0.1, help="learning rate (0.1)")
    p.add_argument("--eval-every", type=int, default=10, help="log train and test metrics every N iterations")
    p.add_argument("--seed", type=int, default=0, help="seed of the N(0,1)x0.01 initialisation")
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    p.add_argument("--n-train", type=int, default=None, help="use only the first N training images")
    p.add_argument("--n-test", type=int, default=None, help="use only the first N test images")
    p.add_argument("--data", type=Path, default=None, help="folder of the MNIST IDX files")
    p.add_argument("--time-limit", type=float, default=None, help="stop cleanly after this many seconds")
    args = p.parse_args(argv)
    for name in ("iterations", "eval_every"):
        if getattr(args, name) <= 0:
            p.error(f"--{name.replace('_', '-')} must be positive, got {getattr(args, name)}")
    if args.alpha <= 0:
        p.error(f"--alpha must be positive, got {args.alpha}")
    return args


def _result_header(args, command: str, data) -> dict:
    """What the JSON file says before any iteration: the claim, the setup, the provenance."""
    X_train, Y_train, X_test, Y_test = data.X_train, data.Y_train, data.X_test, data.Y_test
    return {
        "format": FORMAT,
        "source": SOURCE,
        "reported_test_accuracy": REPORTED_TEST_ACCURACY,
        "network": {
            "layer_sizes": list(LAYER_SIZES),
            "hidden_activation": "relu",
            "output": "softmax",
            "init": "normal: weights N(0, 1) x 0.01, biases 0",
        },
        "training": {
            "method": "full-batch gradient descent",
            "alpha": args.alpha,
            "iterations": args.iterations,
            "eval_every": args.eval_every,
            "seed": args.seed,
            "dtype": args.dtype,
            "n_train": int(X_train.shape[1]),
            "n_test": int(X_test.shape[1]),
        },
        "status": "partial",
        "completed_iterations": 0,
        "history": {},
        "result": {},
        "provenance": {
            "command": command,
            "started_utc": utc_now(),
            "finished_utc": None,
            "wall_time_s": None,
            "cpu_count": os.cpu_count(),
            "numpy_version": np.__version__,
            "nn_scratch_version": nn_scratch.__version__,
            "python_version": platform.python_version(),
            "machine": f"{platform.system()} {platform.machine()}",
            "processor": cpu_model(),
            # Fingerprint of the arrays trained and tested on, as loaded (values and dtype).
            "data_sha256": fingerprint(X_train, Y_train, X_test, Y_test),
        },
    }


def _snapshot(result: dict, history: History, elapsed: list, status: str, wall: float, out: Path) -> None:
    """Put what was logged so far into ``result`` and write it: a stopped run still leaves its numbers."""
    h = history.to_dict()
    result["history"] = {
        "step": h["step"],
        "loss": h["loss"],
        "train_accuracy": h["train_accuracy"],
        "test_loss": h["val_loss"],
        "test_accuracy": h["val_accuracy"],
        "elapsed_s": list(elapsed),
    }
    result["status"] = status
    result["completed_iterations"] = h["step"][-1] if h["step"] else 0
    if h["step"]:
        result["result"] = {
            "train_accuracy": h["train_accuracy"][-1],
            "test_accuracy": h["val_accuracy"][-1],
            "test_loss": h["val_loss"][-1],
        }
    result["provenance"]["wall_time_s"] = round(wall, 1)
    if status != "partial":
        result["provenance"]["finished_utc"] = utc_now()
    write_json(out, result)


def main(argv=None) -> dict:
    args = parse_args(argv)
    dtype = np.dtype(args.dtype)
    data = load_mnist(args.data, dtype=dtype, n_train=args.n_train, n_test=args.n_test)
    result = _result_header(args, command_line("benchmarks.reproduce_biswas", argv), data)
    net = Network(LAYER_SIZES, init="normal", seed=args.seed, dtype=dtype)
    t0 = time.perf_counter()
    elapsed: list[float] = []
    live = History()

    def callback(entry):
        live.append(**{k: entry[k] for k in ("step", "epoch", "loss", "train_accuracy", "val_loss", "val_accuracy")})
        elapsed.append(round(time.perf_counter() - t0, 2))
        print(
            f"[{utc_now()}] iteration {entry['step']:>5}  loss {entry['loss']:.4f}  "
            f"train {entry['train_accuracy']:.4f}  test {entry['val_accuracy']:.4f}  ({elapsed[-1]:.0f} s)",
            flush=True,
        )
        done = entry["step"] == args.iterations
        _snapshot(result, live, elapsed, "complete" if done else "partial", time.perf_counter() - t0, args.out)
        if not done and args.time_limit is not None and elapsed[-1] > args.time_limit:
            raise _TimeLimit

    try:
        gradient_descent(
            net,
            data.X_train,
            data.Y_train,
            alpha=args.alpha,
            iterations=args.iterations,
            log_every=args.eval_every,
            X_val=data.X_test,
            Y_val=data.Y_test,
            callback=callback,
        )
    except _TimeLimit:
        _snapshot(result, live, elapsed, "stopped", time.perf_counter() - t0, args.out)
    return result


if __name__ == "__main__":
    main()
