"""benchmarks.pitfalls and benchmarks.reproduce_tutorial still run, on a small subset, and record provenance."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks import pitfalls

REPO = Path(__file__).resolve().parents[1]


def _run(module, out, *args, mnist_folder):
    cmd = [
        sys.executable,
        "-m",
        module,
        "--out",
        str(out),
        "--data",
        str(mnist_folder),
        "--n-train",
        "500",
        "--n-test",
        "200",
        *args,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def test_one_pitfall_one_seed_on_a_subset(tmp_path, mnist_folder):
    report = _run(
        "benchmarks.pitfalls",
        tmp_path / "p.json",
        "--only",
        "bias_summed_over_matrix",
        "--seeds",
        "1",
        "--iterations",
        "3",
        mnist_folder=mnist_folder,
    )
    assert report["format"] == pitfalls.FORMAT and report["n_train"] == 500 and report["n_test"] == 200
    measured = report["results"]["bias_summed_over_matrix"]["full_batch"]
    assert measured["class"] in pitfalls.SEVERITY and measured["seeds"] == 1
    kinds = {(r["pitfall"], r["init"]) for r in report["runs"]}
    assert kinds == {(None, "uniform"), ("bias_summed_over_matrix", "uniform")}
    p = report["provenance"]
    assert (
        p["command"].startswith("python -m benchmarks.pitfalls ") and len(p["data_sha256"]) == 64 and p["finished_utc"]
    )


def test_a_crash_is_classified_as_one(tmp_path, mnist_folder):
    report = _run(
        "benchmarks.pitfalls",
        tmp_path / "p.json",
        "--only",
        "dW1_of_shape_10x10",
        "--seeds",
        "1",
        "--iterations",
        "2",
        mnist_folder=mnist_folder,
    )
    measured = report["results"]["dW1_of_shape_10x10"]["full_batch"]
    assert measured["class"] == "crashes" and "ValueError" in measured["error"]


def test_the_committed_measurements_cover_every_pitfall():
    report = json.loads((REPO / "docs" / "data" / "pitfalls.json").read_text(encoding="utf-8"))
    assert set(report["results"]) == set(pitfalls.PITFALLS)
    assert len(report["seeds"]) >= 3
    assert report["network"]["layer_sizes"] == [784, 10, 10] and report["settings"]["full_batch"]["alpha"] == 0.1


def test_the_tutorial_as_written_on_a_subset(tmp_path, mnist_folder):
    report = _run("benchmarks.reproduce_tutorial", tmp_path / "t.json", "--iterations", "2", mnist_folder=mnist_folder)
    assert report["training"]["m_as_written"] == 500 + 1000
    run = report["runs"][0]
    assert 0 <= run["as_written_test_accuracy"] <= 1 and 0 <= run["nn_scratch_test_accuracy"] <= 1
    assert len(report["provenance"]["data_sha256"]) == 64
