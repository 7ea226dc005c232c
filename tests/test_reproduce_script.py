"""benchmarks.reproduce_biswas: a few iterations on a subset, and the format of its JSON output.

The full run (1000 full-batch iterations of 784-500-150-10) is far too slow
for the tests; it was run once and its output committed as
docs/data/biswas-784-500-150-10.json, which the reproductions page plots. Here
the same script runs for three iterations on a small subset, and both its
output and the committed file are checked against the format the page reads.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "docs" / "data" / "biswas-784-500-150-10.json"
HISTORY_KEYS = ("step", "loss", "train_accuracy", "test_loss", "test_accuracy", "elapsed_s")


def check_format(result: dict) -> None:
    """Everything docs/notebooks/reproductions.py reads, with its type and range."""
    assert result["format"] == "nn-scratch/reproduction/1"
    assert result["status"] in ("complete", "partial", "stopped")
    assert result["network"]["layer_sizes"] == [784, 500, 150, 10]
    cfg = result["training"]
    assert cfg["method"] == "full-batch gradient descent" and cfg["alpha"] > 0
    assert cfg["dtype"] in ("float32", "float64")
    assert isinstance(cfg["n_train"], int) and isinstance(cfg["n_test"], int)
    h = result["history"]
    n = len(h["step"])
    assert n >= 1 and all(len(h[k]) == n for k in HISTORY_KEYS)
    assert h["step"][0] == 0 and h["step"] == sorted(h["step"])
    assert h["step"][-1] == result["completed_iterations"] <= cfg["iterations"]
    assert all(0 <= a <= 1 for a in h["train_accuracy"] + h["test_accuracy"])
    assert all(np.isfinite(h["loss"] + h["test_loss"]))
    if result["status"] == "complete":
        assert result["completed_iterations"] == cfg["iterations"]
    assert result["result"]["test_accuracy"] == h["test_accuracy"][-1]
    assert result["result"]["train_accuracy"] == h["train_accuracy"][-1]
    prov = result["provenance"]
    # The committed run predates the package (``python benchmarks/reproduce_biswas.py``).
    assert prov["command"].startswith("python ") and "reproduce_biswas" in prov["command"]
    datetime.strptime(prov["started_utc"], "%Y-%m-%dT%H:%M:%SZ")
    if result["status"] != "partial":
        datetime.strptime(prov["finished_utc"], "%Y-%m-%dT%H:%M:%SZ")
    assert isinstance(prov["cpu_count"], int) and prov["cpu_count"] >= 1
    assert prov["wall_time_s"] >= 0
    assert prov["numpy_version"] and prov["python_version"] and prov["processor"]
    assert len(prov["data_sha256"]) == 64


def run_script(tmp_path, mnist_folder, *extra):
    out = tmp_path / "out" / "biswas.json"
    args = [
        sys.executable,
        "-m",
        "benchmarks.reproduce_biswas",
        "--out",
        str(out),
        "--n-train",
        "300",
        "--n-test",
        "100",
        "--data",
        str(mnist_folder),
        *extra,
    ]
    done = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out, done.stdout


def test_a_few_iterations_on_a_subset(tmp_path, mnist_folder):
    out, stdout = run_script(tmp_path, mnist_folder, "--iterations", "3", "--eval-every", "1")
    result = json.loads(out.read_text(encoding="utf-8"))
    check_format(result)
    assert result["status"] == "complete" and result["completed_iterations"] == 3
    assert result["history"]["step"] == [0, 1, 2, 3]
    assert result["training"]["n_train"] == 300 and result["training"]["n_test"] == 100
    assert result["provenance"]["numpy_version"] == np.__version__
    assert "--iterations 3" in result["provenance"]["command"]
    assert stdout.count("iteration") == 4  # one progress line per evaluation
    # written through a temporary file and os.replace: nothing else is left behind
    assert [p.name for p in out.parent.iterdir()] == ["biswas.json"]
    # the loss is the mean cross-entropy of 10 classes near a uniform output: close to log 10
    assert abs(result["history"]["loss"][0] - np.log(10)) < 0.01


def test_time_limit_stops_cleanly(tmp_path, mnist_folder):
    out, _ = run_script(tmp_path, mnist_folder, "--iterations", "50", "--eval-every", "1", "--time-limit", "0")
    result = json.loads(out.read_text(encoding="utf-8"))
    check_format(result)
    assert result["status"] == "stopped"
    assert result["completed_iterations"] < 50


def test_bad_arguments_are_rejected(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.reproduce_biswas", "--out", str(tmp_path / "x.json"), "--iterations", "0"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "--iterations must be positive" in done.stderr
    assert not (tmp_path / "x.json").exists()


def test_committed_result_has_the_format():
    if not COMMITTED.exists():
        pytest.fail(f"{COMMITTED} is missing: the reproductions page plots it")
    result = json.loads(COMMITTED.read_text(encoding="utf-8"))
    check_format(result)
    assert result["training"]["n_train"] == 60000 and result["training"]["n_test"] == 10000
    assert result["training"]["alpha"] == 0.1 and result["training"]["iterations"] == 1000
