"""benchmarks.gpu_check: a clear exit without a GPU, and the JSON the pages read.

The real run needs a CUDA GPU. Here the script runs on this machine as it is
(no GPU: it must say so, exit with status 2 and write nothing), and once with
PyTorch's CPU standing in for the GPU on a small subset, to check the format
of its output against what site_hooks/gpu.py and the reproductions page read.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import needs
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "site_hooks"))  # where mkdocs runs the hooks: gpu.py registers into fields.py
COMMITTED = REPO / "docs" / "data" / "biswas-784-500-150-10-gpu.json"


@pytest.fixture
def gpu_check(monkeypatch):
    return importlib.import_module("benchmarks.gpu_check")


def test_without_a_gpu_it_says_so_and_writes_nothing(tmp_path, gpu_check):
    if gpu_check.find_gpus()[0]:
        pytest.skip(
            "this machine has a CUDA GPU, so the script would run for real: this test is for machines without one"
        )
    out = tmp_path / "gpu.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.gpu_check", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "no CUDA GPU here, so nothing was run or written" in done.stderr
    assert not out.exists()


def test_a_run_writes_both_dtypes_in_the_format_the_pages_read(tmp_path, monkeypatch, gpu_check, mnist_folder):
    torch = needs.library("torch")  # skipped on a developer's machine without it, a failure in CI
    from gpu import gpu_result

    # PyTorch's CPU stands in for the GPU: the same code path, a few iterations on a subset.
    monkeypatch.setattr(gpu_check, "find_gpus", lambda: ({"torch": (torch, "cpu", "CPU stand-in")}, []))
    out = tmp_path / "gpu.json"
    argv = ["--out", str(out), "--no-tests", "--iterations", "3", "--eval-every", "1"]
    argv += ["--n-train", "300", "--n-test", "200", "--data", str(mnist_folder)]
    assert gpu_check.main(argv) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    check_format(result)
    assert [r["dtype"] for r in result["runs"]] == ["float32", "float64"]
    assert all(r["status"] == "complete" and r["completed_iterations"] == 3 for r in result["runs"])
    table = gpu_result(result, 3773.3)
    assert table.count("| torch | CPU stand-in |") == 2


def check_format(result: dict) -> None:
    """Everything site_hooks/gpu.py and docs/notebooks/reproductions.py read from the file."""
    assert result["format"] == "nn-scratch/gpu-check/1"
    assert result["network"]["layer_sizes"] == [784, 500, 150, 10]
    assert result["provenance"]["finished_utc"]
    for run in result["runs"]:
        assert run["status"] in ("complete", "stopped")
        assert run["wall_time_s"] > 0
        assert 0 <= run["result"]["test_accuracy"] <= 1
        h = run["history"]
        assert h["step"][0] == 0 and h["step"][-1] == run["completed_iterations"]
        assert len(h["test_accuracy"]) == len(h["step"])


def test_the_gpu_page_reports_exactly_what_is_committed():
    from gpu import numbers

    result = numbers(REPO / "docs")["result"]
    if COMMITTED.exists():
        check_format(json.loads(COMMITTED.read_text(encoding="utf-8")))
        assert result.startswith("| library | GPU |")
    else:  # no GPU run yet: the page must say so, not show a number
        assert result.startswith("**Not measured yet.**")
