"""The benchmark suite runs end to end (``--quick``) and writes the JSON the site plots.

No timing is asserted — timings belong to benchmarks/, not to tests. What is
checked is that every benchmark ran, produced positive times, finite ratios and
real accuracies, and that a missing optional peer (PyTorch, scikit-learn) is
skipped with a note instead of failing or being faked. The second run hides
both peers behind stand-in packages that raise ``ImportError``, so the skip
path is exercised whether or not they are installed here.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import needs
import pytest

REPO = Path(__file__).resolve().parents[1]
ALL = {"time_to_92", "step", "full_batch", "wide", "nielsen", "memory", "scaling", "accuracy"}


def _run(tmp_path, mnist_folder, *args, pythonpath=None):
    out = tmp_path / "bench.json"
    env = dict(os.environ, NN_SCRATCH_DATA=str(mnist_folder))
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")])
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(out), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"wrote {out}" in proc.stdout
    return json.loads(out.read_text())


def _positive(x):
    return isinstance(x, float) and math.isfinite(x) and x > 0


def test_quick_run_writes_complete_json(tmp_path, mnist_folder):
    report = _run(tmp_path, mnist_folder)
    assert report["quick"] is True and report["m_train"] == 2000
    machine = report["machine"]
    assert machine["cores"] >= 1 and machine["numpy"] and machine["blas"]
    assert len(machine["load_average_start"]) == 3
    assert all(_positive(p["gflops"]) for p in machine["matmul_peak"].values())
    assert set(report["benchmarks"]) == ALL
    b = report["benchmarks"]

    race = b["time_to_92"]
    nn = race["peers"]["nn_scratch"]
    assert _positive(nn["best"]["seconds"]) and 0.1 < nn["test_accuracy"] <= 1
    for peer, module in (("pytorch", "torch"), ("sklearn", "sklearn")):
        installed = importlib.util.find_spec(module) is not None
        assert ("best" in race["peers"][peer]) == installed
        assert ("skipped" in race["peers"][peer]) == (not installed)
        assert (f"{peer}_over_nn_scratch" in race["ratios"]) == installed
    assert all(_positive(r) for r in race["ratios"].values())

    step = b["step"]
    for row in step["by_threads"].values():
        assert _positive(row["nn_scratch_seconds"]) and _positive(row["floor_seconds"])
        # The floor is the step's five products alone: less than the whole step.
        assert row["nn_scratch_over_floor"] > 1
        assert ("pytorch_over_nn_scratch" in row) == (importlib.util.find_spec("torch") is not None)
    assert step["floor"]["1"]["products_per_step"] == 5

    ni = b["nielsen"]
    assert len(ni["nielsen"]["seconds"]) == len(ni["nn_scratch"]["test_accuracy"]) == 1
    assert _positive(ni["nielsen_over_nn_scratch"]) and ni["nielsen"]["m_train"] == 2000
    assert all(0.1 < a <= 1 for a in ni["nielsen"]["test_accuracy"] + ni["nn_scratch"]["test_accuracy"])

    for dtype in ("float32", "float64"):
        mem = b["memory"][dtype]
        assert mem["X_bytes"] == 784 * 2000 * (4 if dtype == "float32" else 8)
        assert all(row["tracemalloc_peak_extra_bytes"] > 0 for row in mem["work"].values())

    full = b["full_batch"]
    for limit in full["x_read_limit"].values():
        assert _positive(limit["gb_per_second"]) and _positive(limit["gflops_per_second"])
    assert all(_positive(t) for t in full["best_seconds"].values())
    assert set(full["best_seconds"]) == {"nn_scratch_float32", "nn_scratch_float64", "tutorial_float64"}
    assert full["equivalence_float64"]["equal_within_1e-10"] is True

    assert all(_positive(row["seconds"]) for row in b["scaling"]["by_width"] + b["scaling"]["by_examples"])
    assert [row["width"] for row in b["scaling"]["by_width"]] == [10, 100]
    for breakdown in b["scaling"]["step_breakdown"]:
        assert all(_positive(us) for us in breakdown["microseconds_per_step"].values())
    runs = [b["accuracy"]["wide"], *b["accuracy"]["small"]["runs"]]
    assert [r["recipe"]["layer_sizes"] for r in runs] == [[784, 800, 10], [784, 10, 10], [784, 10, 10]]
    for run in runs:
        assert _positive(run["training_seconds"]) and len(run["curve"]) == run["recipe"]["epochs"]
        assert 0.1 < run["test_accuracy"] <= 1
        # The test set is scored once, after training: the curve holds the training loss only.
        assert all(set(point) == {"epoch", "train_loss"} for point in run["curve"])
    # The recipes are the validation search's winners, not chosen here.
    chosen = json.loads((REPO / "docs" / "data" / "recipes.json").read_text())["searches"]
    wide, small = b["accuracy"]["wide"], b["accuracy"]["small"]["runs"][0]
    assert wide["recipe"]["weight_decay"] == chosen["wide"]["recipe"]["weight_decay"]
    assert small["inputs"] == chosen["small"]["recipe"].get("inputs", "pixels")
    assert small["recipe"]["alpha"] == chosen["small"]["recipe"]["alpha"]
    race_recipe = {k: race["recipe"][k] for k in ("epochs", "batch_size", "alpha")}
    assert race_recipe == {k: chosen["time_to_92"]["recipe"][k] for k in race_recipe}
    assert report["provenance"]["command"].startswith("python -m benchmarks.run --quick")
    assert b["accuracy"]["small"]["best_test_accuracy"] == max(r["test_accuracy"] for r in runs[1:])


def test_missing_peers_are_skipped_with_a_note(tmp_path, mnist_folder):
    hidden = tmp_path / "hide"
    for name in ("torch", "sklearn"):
        (hidden / name).mkdir(parents=True)
        (hidden / name / "__init__.py").write_text(f"raise ImportError('{name} hidden by the smoke test')\n")
    report = _run(tmp_path, mnist_folder, "--only", "time_to_92,wide", pythonpath=hidden)
    assert set(report["benchmarks"]) == {"time_to_92", "wide"}
    race = report["benchmarks"]["time_to_92"]
    assert "skipped" in race["peers"]["pytorch"] and "skipped" in race["peers"]["sklearn"]
    assert race["ratios"] == {} and _positive(race["peers"]["nn_scratch"]["best"]["seconds"])
    assert report["machine"]["torch"] is None
    assert any("pytorch skipped" in note for note in report["notes"])


def test_unknown_benchmark_is_refused(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--only", "nope", "--out", str(tmp_path / "x.json")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "unknown benchmark 'nope'" in proc.stderr
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize(
    "module", ["common", "speed", "accuracy", "tutorial_reference", "memory", "provenance", "recipes"]
)
def test_benchmark_doctests_pass(module):
    import doctest
    import importlib

    import numpy as np

    result = doctest.testmod(importlib.import_module(f"benchmarks.{module}"), extraglobs={"np": np})
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("benchmark", sorted(ALL))
def test_every_benchmark_is_documented(benchmark):
    # The performance page explains each benchmark the JSON holds.
    assert benchmark in (REPO / "docs" / "performance.md").read_text()


def _performance_hook():
    import sys

    sys.path.insert(0, str(REPO / "site_hooks"))  # where mkdocs runs it: it registers into fields.py
    return needs.module_at(REPO / "site_hooks" / "performance.py", "site_hooks_performance")


def test_committed_results_fill_every_field_of_the_performance_page():
    hook = _performance_hook()
    report = hook.load_report()  # docs/data/benchmarks.json: a full run, not --quick
    # A schema-1 file predates the step, nielsen and memory benchmarks; the page says so for each.
    assert report["quick"] is False
    assert set(report["benchmarks"]) == ALL if report["schema"] >= 2 else set(report["benchmarks"]) < ALL
    search = hook.load_search()  # docs/data/recipes.json: the validation search that chose the recipes
    fields = hook.tables(report, search)
    page = (REPO / "docs" / "performance.md").read_text()
    hook._results["fields"] = fields
    import lighthouse  # noqa: F401  (registers the page's other namespace, the committed Lighthouse scores)

    filled = hook.fields.fill(page, "performance.md")  # raises on a field the hook does not compute
    assert "{{" not in filled and "perf." not in filled
    assert report["machine"]["cpu"] in filled and report["machine"]["date_utc"] in filled
    # Every candidate of every search is on the page, with its validation accuracy.
    for name in ("time_to_92", "small", "wide"):
        for candidate in search["searches"][name]["candidates"]:
            assert (
                hook._pct(candidate["validation_accuracy"][0])
                in fields[f"{'race' if name == 'time_to_92' else name}_candidates"]
            )
    pngs = hook.figures(report, search)
    assert set(pngs) == {"races.png", "scaling.png", "breakdown.png", "validation.png"}
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") for png in pngs.values())
    for name in pngs:
        assert f"assets/performance/{name}" in page


def test_the_page_says_when_the_benchmark_run_did_not_train_the_chosen_recipe():
    hook = _performance_hook()
    report, search = hook.load_report(), hook.load_search()
    chosen = search["searches"]["time_to_92"]["recipe"]
    race = report["benchmarks"]["time_to_92"]
    race["recipe"] = {**chosen, "seed": 0}
    assert "predates this choice" not in hook.search_fields(search, report["benchmarks"])["race_how_chosen"]
    race["recipe"] = {**chosen, "alpha": 2 * chosen["alpha"], "seed": 0}
    assert "predates this choice" in hook.search_fields(search, report["benchmarks"])["race_how_chosen"]


def test_performance_hook_refuses_a_quick_run(tmp_path):
    from mkdocs.exceptions import PluginError

    hook = _performance_hook()
    quick = tmp_path / "quick.json"
    quick.write_text(json.dumps({"quick": True}))
    with pytest.raises(PluginError, match="--quick smoke run"):
        hook.load_report(quick)
    with pytest.raises(PluginError, match="is missing"):
        hook.load_report(tmp_path / "absent.json")
    import doctest

    assert doctest.testmod(hook).failed == 0


def test_the_x_read_conclusion_follows_the_measurements():
    # The page's sentence about what limits the two X-reading products is computed, so a
    # rerun that contradicts it changes the words instead of leaving them wrong.
    hook = _performance_hook()

    def limit(gb32, gb64, gflops):
        rows = {"float32": (gb32, 5.0), "float64": (gb64, 2.5)}
        return {
            "x_read_limit": {
                dtype: {"gb_per_second": gb, "gflops_per_second": gflops, "flops_per_byte": fpb, "seconds": 1 / gb}
                for dtype, (gb, fpb) in rows.items()
            }
        }

    faster64 = hook._x_read_fields(limit(6.0, 10.0, 30.0), peak=200.0)["x_read_conclusion"]
    assert "rules out memory bandwidth" in faster64 and "Neither limit explains" in faster64
    slower64 = hook._x_read_fields(limit(10.0, 6.0, 30.0), peak=200.0)["x_read_conclusion"]
    assert "as a bandwidth limit would have it" in slower64 and "Neither limit" not in slower64
    near_peak = hook._x_read_fields(limit(6.0, 10.0, 150.0), peak=200.0)["x_read_conclusion"]
    assert "75 % of the matrix-multiply peak" in near_peak and "Neither limit" not in near_peak
