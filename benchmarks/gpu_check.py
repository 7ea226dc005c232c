"""Run nn_scratch on a CUDA GPU: the GPU tests, then Ananda Biswas's 784-500-150-10 network.

Ananda Biswas's tutorial "Neural Network from Scratch" trains its network with
CuPy on a GPU. This script reruns that configuration with nn_scratch on the GPU
— the same code as on the CPU, given PyTorch CUDA tensors or CuPy arrays — in
float32 and in float64: 1,000 full-batch gradient-descent iterations on all
60,000 training images, the official test set evaluated every 10 iterations,
with the wall time of each run. It first runs the tests marked ``cuda``
(``tests/test_backends.py``), which compare the GPU's numbers with NumPy's.

The result goes to ``docs/data/biswas-784-500-150-10-gpu.json``, beside the CPU
run of ``benchmarks.reproduce_biswas``; the site's pages read it when it is
there and say that no GPU run has been measured when it is not.

One iteration is about 140 GFLOP, so a modern GPU does the 1,000 in seconds
to a few minutes per dtype; ``--budget`` (default 540 s) caps the whole script
so that it ends within 10 minutes, stopping a run cleanly (status ``stopped``)
rather than overrunning. Without a CUDA GPU it exits at once with status 2 and
a message saying so.

Usage (from the repository root, on a machine with a GPU)::

    python -m pip install -e ".[test,torch]"     # or ".[test,gpu]" for CuPy
    python -m benchmarks.gpu_check
"""

from __future__ import annotations

import argparse
import platform
import shlex
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import nn_scratch
from benchmarks.provenance import command_line, utc_now, write_json
from benchmarks.reproduce_biswas import LAYER_SIZES, REPORTED_TEST_ACCURACY, SOURCE
from nn_scratch import Network, gradient_descent
from nn_scratch.data import load_mnist

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "docs" / "data" / "biswas-784-500-150-10-gpu.json"
FORMAT = "nn-scratch/gpu-check/1"


def find_gpus() -> tuple[dict, list[str]]:
    """The CUDA libraries usable here, ``{name: (module, device, description)}``, and why others are not."""
    found, missing = {}, []
    try:
        import torch
    except ImportError:
        missing.append("PyTorch is not installed")
    else:
        if torch.cuda.is_available():
            found["torch"] = (torch, "cuda", torch.cuda.get_device_name(0))
        else:
            missing.append(f"PyTorch {torch.__version__} finds no CUDA GPU (torch.cuda.is_available() is False)")
    try:
        import cupy
    except ImportError:
        missing.append("CuPy is not installed")
    else:
        try:
            props = cupy.cuda.runtime.getDeviceProperties(0)
            found["cupy"] = (cupy, None, props["name"].decode())
        except Exception as err:  # no driver or no device: CuPy raises its own CUDA errors
            missing.append(f"CuPy {cupy.__version__} finds no CUDA GPU ({err})")
    return found, missing


def _synchronize(lib, device) -> None:
    # GPU work is queued: wait for it before reading the clock.
    if lib.__name__ == "torch":
        if str(device).startswith("cuda"):
            lib.cuda.synchronize()
    else:
        lib.cuda.Device().synchronize()


def run_tests() -> dict:
    """The tests marked ``cuda``, as a subprocess; their summary line and exit code."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-m",
        "cuda",
        "-rs",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/test_backends.py",
    ]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    print(done.stdout[-3000:], done.stderr[-2000:], sep="\n", flush=True)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return {"command": shlex.join(command[1:]), "exit_code": done.returncode, "summary": lines[-1] if lines else ""}


class _OutOfTime(Exception):
    pass


def train_once(lib, device, dtype, data, iterations, eval_every, seed, deadline) -> dict:
    """Biswas's network on ``lib``/``device`` in ``dtype``: its history, result and wall time."""
    X_train, X_test = data.X_train.astype(dtype), data.X_test.astype(dtype)
    net = Network(LAYER_SIZES, init="normal", seed=seed, dtype=dtype, xp=lib, device=device)
    history = {"step": [], "loss": [], "train_accuracy": [], "test_loss": [], "test_accuracy": [], "elapsed_s": []}
    _synchronize(lib, device)
    t0 = time.perf_counter()

    def callback(entry):
        # Every logged value was read back from the GPU as a Python float: the clock is honest.
        history["step"].append(entry["step"])
        history["loss"].append(entry["loss"])
        history["train_accuracy"].append(entry["train_accuracy"])
        history["test_loss"].append(entry["val_loss"])
        history["test_accuracy"].append(entry["val_accuracy"])
        history["elapsed_s"].append(round(time.perf_counter() - t0, 3))
        if entry["step"] < iterations and time.perf_counter() > deadline:
            raise _OutOfTime

    status = "complete"
    try:
        gradient_descent(
            net,
            X_train,
            data.Y_train,
            alpha=0.1,
            iterations=iterations,
            log_every=eval_every,
            X_val=X_test,
            Y_val=data.Y_test,
            callback=callback,
        )
    except _OutOfTime:
        status = "stopped"
    _synchronize(lib, device)
    wall = time.perf_counter() - t0
    print(
        f"  {np.dtype(dtype).name}: {history['step'][-1]} iterations in {wall:.1f} s, "
        f"test accuracy {history['test_accuracy'][-1]:.4f} ({status})",
        flush=True,
    )
    return {
        "dtype": np.dtype(dtype).name,
        "status": status,
        "completed_iterations": history["step"][-1],
        "wall_time_s": round(wall, 2),
        "result": {
            "train_accuracy": history["train_accuracy"][-1],
            "test_accuracy": history["test_accuracy"][-1],
            "test_loss": history["test_loss"][-1],
        },
        "history": history,
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON file to write ({DEFAULT_OUT.name})")
    p.add_argument(
        "--library",
        choices=["auto", "torch", "cupy"],
        default="auto",
        help="the GPU array library (auto: PyTorch if it sees a GPU, else CuPy)",
    )
    p.add_argument("--iterations", type=int, default=1000)
    p.add_argument("--eval-every", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--budget", type=float, default=540.0, help="seconds for the whole script (540)")
    p.add_argument("--no-tests", action="store_true", help="skip the tests marked cuda")
    p.add_argument("--data", type=Path, default=None, help="folder of the MNIST IDX files")
    p.add_argument("--n-train", type=int, default=None, help="only the first N training images (smoke runs)")
    p.add_argument("--n-test", type=int, default=None, help="only the first N test images (smoke runs)")
    args = p.parse_args(argv)
    start = time.perf_counter()

    found, missing = find_gpus()
    if not found:
        print(
            "gpu_check: no CUDA GPU here, so nothing was run or written.\n  "
            + "\n  ".join(missing)
            + "\nRun it on a machine with an NVIDIA GPU and PyTorch (CUDA build) or CuPy installed.",
            file=sys.stderr,
        )
        return 2
    name = next(iter(found)) if args.library == "auto" else args.library
    if name not in found:
        print(f"gpu_check: --library {name} finds no GPU: {'; '.join(missing)}", file=sys.stderr)
        return 2
    lib, device, gpu_name = found[name]
    print(f"gpu_check: {name} {lib.__version__} on {gpu_name}", flush=True)

    tests = None if args.no_tests else run_tests()
    data = load_mnist(args.data, dtype=np.float64, n_train=args.n_train, n_test=args.n_test)
    result = {
        "format": FORMAT,
        "source": SOURCE,
        "reported_test_accuracy": REPORTED_TEST_ACCURACY,
        "network": {"layer_sizes": list(LAYER_SIZES), "init": "normal: weights N(0, 1) x 0.01, biases 0"},
        "training": {
            "method": "full-batch gradient descent",
            "alpha": 0.1,
            "iterations": args.iterations,
            "eval_every": args.eval_every,
            "seed": args.seed,
            "n_train": int(data.X_train.shape[1]),
            "n_test": int(data.X_test.shape[1]),
        },
        "cuda_tests": tests,
        "runs": [],
        "provenance": {
            "command": command_line("benchmarks.gpu_check", argv),
            "started_utc": utc_now(),
            "library": f"{name} {lib.__version__}",
            "gpu": gpu_name,
            "numpy_version": np.__version__,
            "nn_scratch_version": nn_scratch.__version__,
            "python_version": platform.python_version(),
            "machine": f"{platform.system()} {platform.machine()}",
        },
    }
    dtypes = (np.float32, np.float64)
    for i, dtype in enumerate(dtypes):
        # What is left of the budget, shared among the runs still to do.
        left = args.budget - (time.perf_counter() - start)
        deadline = time.perf_counter() + left / (len(dtypes) - i)
        run = train_once(lib, device, dtype, data, args.iterations, args.eval_every, args.seed, deadline)
        result["runs"].append({"library": name, "device": gpu_name, **run})
        result["provenance"]["finished_utc"] = utc_now()
        write_json(args.out, result)
    print(f"gpu_check: wrote {args.out}", flush=True)
    return 0 if tests is None or tests["exit_code"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
