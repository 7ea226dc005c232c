"""Rerun the Kaggle tutorial's 784-10-10 network twice: its code as written, bugs included, and nn_scratch.

Both runs start from the same U(−0.5, 0.5) weights and biases (the tutorial's
``init_params``), compute in float64 as the tutorial does, and take the same
full-batch gradient-descent steps (α = 0.1, 500 iterations by default) on the
official MNIST training set; both are tested on the official test set. The
first is ``benchmarks/tutorial_reference.py`` — the tutorial's functions line
for line, with its bugs: ``m`` counting the 1,000 dev rows of its CSV, the bias
gradient summed over the whole matrix, softmax without the maximum subtracted.
The second is :func:`nn_scratch.gradient_descent`, the corrected equations.
The difference is what the fixes change. The page "Reproducing the tutorials"
reads the JSON this writes.

Usage (from the repository root; about a minute per seed on an idle machine)::

    python -m benchmarks.reproduce_tutorial --out docs/data/tutorial-784-10-10.json
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from benchmarks import tutorial_reference as tutorial
from benchmarks.provenance import Run, command_line, write_json
from nn_scratch import Network, gradient_descent
from nn_scratch.data import load_mnist

FORMAT = "nn-scratch/tutorial-as-written/1"
KAGGLE_DEV = 1000  # the tutorial's m counts the dev rows it sets aside afterwards
SOURCE = 'Samson Zhang, "Simple MNIST NN from scratch (numpy, no TF/Keras)", Kaggle notebook'


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, required=True, help="JSON file to write")
    p.add_argument("--seeds", type=int, default=1, help="seeds 0 … N-1 of the initial weights (1)")
    p.add_argument("--iterations", type=int, default=500, help="full-batch iterations, as the tutorial (500)")
    p.add_argument("--alpha", type=float, default=0.1, help="learning rate, as the tutorial (0.1)")
    p.add_argument("--n-train", type=int, default=None, help="use only the first N training images")
    p.add_argument("--n-test", type=int, default=None, help="use only the first N test images")
    p.add_argument("--data", type=Path, default=None, help="folder of the MNIST IDX files")
    args = p.parse_args(argv)
    for name in ("seeds", "iterations"):
        if getattr(args, name) <= 0:
            p.error(f"--{name} must be positive, got {getattr(args, name)}")
    if args.alpha <= 0:
        p.error(f"--alpha must be positive, got {args.alpha}")
    return args


def main(argv=None) -> dict:
    from threadpoolctl import threadpool_limits

    args = parse_args(argv)
    command = command_line("benchmarks.reproduce_tutorial", argv)
    data = load_mnist(args.data, dtype=np.float64, n_train=args.n_train, n_test=args.n_test, progress=False)
    X, Y, X_test, Y_test = data.X_train, data.Y_train, data.X_test, data.Y_test
    m_as_written = X.shape[1] + KAGGLE_DEV
    run = Run(command)
    runs = []
    for seed in range(args.seeds):
        params = tutorial.init_params(np.random.default_rng(seed))
        with threadpool_limits(limits=1, user_api="blas"), np.errstate(over="ignore", invalid="ignore"):
            W1, b1, W2, b2 = tutorial.gradient_descent(
                X, Y, args.alpha, args.iterations, [P.copy() for P in params], m=m_as_written
            )
            _, _, _, A2 = tutorial.forward_prop(W1, b1, W2, b2, X_test)
            as_written = float(np.mean(tutorial.get_predictions(A2) == Y_test))
            net = Network.from_params(dict(zip(("W1", "b1", "W2", "b2"), (P.copy() for P in params), strict=True)))
            gradient_descent(net, X, Y, alpha=args.alpha, iterations=args.iterations, log_every=args.iterations)
            corrected = net.accuracy(X_test, Y_test)
        runs.append({"seed": seed, "as_written_test_accuracy": as_written, "nn_scratch_test_accuracy": corrected})
        print(f"seed {seed}: the tutorial as written {as_written:.4f}, nn_scratch {corrected:.4f}", flush=True)
    report = {
        "format": FORMAT,
        "source": SOURCE,
        "network": {
            "layer_sizes": [784, 10, 10],
            "init": "the tutorial's init_params: U(-0.5, 0.5) weights and biases",
            "dtype": "float64",
        },
        "training": {
            "method": "full-batch gradient descent",
            "alpha": args.alpha,
            "iterations": args.iterations,
            "m_as_written": m_as_written,
            "n_train": int(X.shape[1]),
            "n_test": int(X_test.shape[1]),
        },
        "runs": runs,
        "provenance": run.provenance(X, Y, X_test, Y_test),
    }
    write_json(args.out, report)
    return report


if __name__ == "__main__":
    main()
