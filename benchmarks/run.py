"""Run every benchmark and write the results as JSON for the site's performance page.

Usage, from the repository root::

    python -m benchmarks.run                 # the full suite, a few minutes on 2 cores
    python -m benchmarks.run --quick         # a smoke run on 2,000 images, a few seconds
                                             # (written to the temporary folder)
    python -m benchmarks.run --only full_batch,wide --out /tmp/b.json

PyTorch and scikit-learn are optional peers (``pip install -e '.[bench]'``);
without them their columns are skipped with a note, never faked. Nothing here
asserts a speed: the targets are recorded next to the measurements, with
whether this run met them, because on a shared machine a timing is evidence,
not a test.

The recipes of the races and of the accuracy runs are not chosen here: they are
the winners of ``python -m benchmarks.recipes``, read from
``docs/data/recipes.json``, chosen on a validation split of the training
images. This suite trains each on all the training images and scores the test
set once.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import memory, nielsen
from benchmarks.accuracy import run_recipe
from benchmarks.common import DEFAULT_OUT, REPO, load_average, load_data, machine, matmul_peak, threads
from benchmarks.provenance import Run, command_line, write_json
from benchmarks.recipes import DEFAULT_OUT as RECIPES_FILE
from benchmarks.scaling import scaling, step_breakdown
from benchmarks.speed import full_batch, minibatch_race, step_race, time_to_accuracy

QUICK_OUT = Path(tempfile.gettempdir()) / "nn-scratch-benchmarks-quick.json"

# Timing workloads, not recommendations: the time of a step does not depend on α, and the
# batch sizes are those the targets (targets.json) and the scaling curves are defined at.
# The step race of issue 12: one epoch of plain SGD at batch 64, against PyTorch and the products alone.
RECIPE_STEP = {"epochs": 1, "batch_size": 64, "alpha": 0.1, "momentum": 0.0, "seed": 0}
RECIPE_WIDE = {"epochs": 1, "batch_size": 128, "alpha": 0.1, "momentum": 0.0, "seed": 0}
RECIPE_SCALING = {"batch_size": 128, "alpha": 0.1}
# The small network's accuracy recipe is trained from these seeds (those of its search), and every result is reported.
SMALL_SEEDS = (0, 1, 2)


def chosen_recipes(path: Path = RECIPES_FILE) -> dict:
    """The recipes that ``benchmarks.recipes`` chose on the validation split: name → (layer sizes, inputs, sgd keywords).

    ``time_to_92`` is the race's recipe; ``wide`` and ``small`` are the accuracy runs'. Their
    seed is 0 (the small network's runs replace it with each of :data:`SMALL_SEEDS`).
    """
    try:
        searches = json.loads(path.read_text(encoding="utf-8"))["searches"]
    except FileNotFoundError:
        raise SystemExit(f"{path} is missing: run `python -m benchmarks.recipes` to choose the recipes") from None
    out = {}
    for name in ("time_to_92", "wide", "small"):
        if searches.get(name, {}).get("recipe") is None:
            raise SystemExit(f"{path} has no winner for {name!r}: rerun `python -m benchmarks.recipes --only {name}`")
        recipe = dict(searches[name]["recipe"])
        inputs = recipe.pop("inputs", "pixels")
        recipe.pop("init", None)  # He, Network's default, in every search these runs take
        out[name] = (tuple(searches[name]["layer_sizes"]), inputs, {**recipe, "seed": 0})
    return out


# The targets, their bounds and their labels: data read here and by the Performance page's hook.
TARGETS_FILE = Path(__file__).resolve().parent / "targets.json"
TARGETS = {
    name: {key: target["bound"] for key, target in targets.items()}
    for name, targets in json.loads(TARGETS_FILE.read_text(encoding="utf-8")).items()
}


def floor_ratios(full_batch: dict) -> dict:
    """``{threads: {dtype: iteration ÷ (W1 X + dZ1 Xᵀ)}}``: each full-batch iteration against its floor, the
    two products that read all of X (best times of the same run)."""
    ratios = {}
    for n, row in full_batch["by_threads"].items():
        ratios[n] = {}
        for dtype, suffix in (("float32", ""), ("float64", "_float64")):
            floor = row[f"product_W1_X{suffix}"]["min"] + row[f"product_dZ1_XT{suffix}"]["min"]
            ratios[n][dtype] = row[f"nn_scratch_{dtype}"]["min"] / floor
    return ratios


def _met_time_to_92(result: dict, bound: dict) -> dict:
    nn = result["peers"]["nn_scratch"]
    met = {
        "nn_scratch_seconds_at_most": nn["best"]["seconds"] <= bound["nn_scratch_seconds_at_most"]
        and nn["reached_goal"]
    }
    if "pytorch_over_nn_scratch" in result["ratios"]:
        met["pytorch_over_nn_scratch_at_least"] = (
            result["ratios"]["pytorch_over_nn_scratch"] >= bound["pytorch_over_nn_scratch_at_least"]
        )
    return met


def _met_full_batch(result: dict, bound: dict) -> dict:
    met = {
        f"over_floor_{dtype}_{n}_threads_at_most": ratio <= bound["over_floor_at_most"]
        for n, ratios in result["over_floor"].items()
        for dtype, ratio in ratios.items()
    }
    differences = result["equivalence_float64"]["max_relative_difference"].values()
    met["equal_within_1e-10"] = max(differences) < bound["equal_within_1e-10"]
    return met


def _met_step(result: dict, bound: dict) -> dict:
    return {
        f"pytorch_over_nn_scratch_{n}_threads_at_least": row["pytorch_over_nn_scratch"]
        >= bound["pytorch_over_nn_scratch_at_least"]
        for n, row in result["by_threads"].items()
        if "pytorch_over_nn_scratch" in row
    }


def _met_wide(result: dict, bound: dict) -> dict:
    if "pytorch_over_nn_scratch" not in result["ratios"]:
        return {}
    return {
        "nn_scratch_over_pytorch_at_most": 1 / result["ratios"]["pytorch_over_nn_scratch"]
        <= bound["nn_scratch_over_pytorch_at_most"]
    }


def _met_accuracy(result: dict, bound: dict) -> dict:
    wide, small = result["wide"], result["small"]
    return {
        "wide_test_accuracy_at_least": wide["test_accuracy"] >= bound["wide_test_accuracy_at_least"],
        "wide_training_seconds_at_most": wide["training_seconds"] <= bound["wide_training_seconds_at_most"],
        "small_test_accuracy_at_least": {
            str(run["recipe"]["seed"]): run["test_accuracy"] >= bound["small_test_accuracy_at_least"]
            for run in small["runs"]
        },
        "small_median_test_accuracy_at_least": small["median_test_accuracy"]
        >= bound["small_median_test_accuracy_at_least"],
    }


_TARGET_CHECKS = {
    "time_to_92": _met_time_to_92,
    "full_batch": _met_full_batch,
    "step": _met_step,
    "wide": _met_wide,
    "accuracy": _met_accuracy,
}


def _targets_met(name: str, result: dict) -> dict:
    """Which of ``targets.json``'s targets for benchmark ``name`` this run's ``result`` meets."""
    check = _TARGET_CHECKS.get(name)
    return check(result, TARGETS[name]) if check else {}


def _header(data, quick: bool, repeats: int, thread_counts) -> dict:
    machine_info = machine()
    machine_info["matmul_peak"] = {str(n): _peak(n, quick) for n in thread_counts}
    return {
        "schema": 3,
        "quick": quick,
        "machine": machine_info,
        "m_train": int(data.X_train.shape[1]),
        "m_test": int(data.X_test.shape[1]),
        "repeats": repeats,
        "thread_counts": list(thread_counts),
        "notes": [
            "Times are the minimum over the repeats (median also given), in seconds, measured on a machine "
            "shared with other jobs: see load_average_start/end. Ratios compare peers measured one after "
            "the other in this process, each at its fastest thread setting.",
        ],
        "targets": TARGETS,
        "benchmarks": {},
        "targets_met": {},
    }


def _step(ctx) -> dict:
    return step_race(ctx.data, RECIPE_STEP, repeats=ctx.repeats, thread_counts=ctx.thread_counts)


def _nielsen(ctx) -> dict:
    # Nielsen's own split: 50,000 training images (all of a quick run's), one thread.
    n_train = min(50_000, ctx.data.X_train.shape[1])
    return nielsen.compare_with_nn_scratch(ctx.data, epochs=1 if ctx.quick else 3, n_train=n_train, threads=1)


def _memory(ctx) -> dict:
    n_train = ctx.data.X_train.shape[1] if ctx.quick else None
    return {dtype: memory.measure(dtype, n_train, rss=not ctx.quick) for dtype in ("float32", "float64")}


def _time_to_92(ctx) -> dict:
    _, _, recipe = ctx.recipes["time_to_92"]
    result = time_to_accuracy(ctx.data, recipe, goal=0.92, repeats=ctx.repeats, thread_counts=ctx.thread_counts)
    result["chosen_by"] = "benchmarks.recipes (validation split)"
    return result


def _full_batch(ctx) -> dict:
    result = full_batch(ctx.data, repeats=ctx.repeats, thread_counts=ctx.thread_counts)
    result["over_floor"] = floor_ratios(result)
    return result


def _wide(ctx) -> dict:
    result = minibatch_race(
        ctx.data,
        RECIPE_WIDE,
        layer_sizes=(784, 800, 10),
        repeats=max(1, ctx.repeats // 2),
        thread_counts=ctx.thread_counts,
        peers=("pytorch",),
    )
    for peer in result["peers"].values():
        if "gflops_per_second" in peer:
            peer["fraction_of_matmul_peak"] = peer["gflops_per_second"] / ctx.peak
    # The long single runs after it (scaling, accuracy) use the thread count that made
    # nn_scratch fastest here: on a busy machine, often just one.
    ctx.long_threads = result["peers"]["nn_scratch"]["best"]["threads"]
    return result


def _scaling(ctx) -> dict:
    result = scaling(
        ctx.data,
        widths=(10, 100) if ctx.quick else (10, 100, 800, 2000),
        sizes=(500, 1000, 2000) if ctx.quick else (7500, 15000, 30000, 60000),
        width_for_sizes=100,
        recipe=RECIPE_SCALING,
        repeats=1 if ctx.quick else 2,
        n_threads=ctx.long_threads,
    )
    race = ctx.recipes["time_to_92"][2]
    result["step_breakdown"] = [
        step_breakdown(ctx.data, sizes, batch_size=r["batch_size"], alpha=r["alpha"], n_threads=ctx.long_threads)
        for sizes, r in (((784, 10, 10), race), ((784, 800, 10), RECIPE_WIDE))
    ]
    return result


def _accuracy(ctx) -> dict:
    def train(name, seed=0):
        sizes, inputs, recipe = ctx.recipes[name]
        recipe = dict(recipe, seed=seed, epochs=1 if ctx.quick else recipe["epochs"])
        return run_recipe(ctx.data, sizes, recipe, n_threads=ctx.long_threads, inputs=inputs)

    runs = [train("small", seed) for seed in SMALL_SEEDS[: 2 if ctx.quick else None]]
    accuracies = sorted(run["test_accuracy"] for run in runs)
    return {
        "chosen_by": "benchmarks.recipes (validation split)",
        "wide": train("wide"),
        "small": {
            "runs": runs,
            "best_test_accuracy": accuracies[-1],
            "median_test_accuracy": accuracies[len(accuracies) // 2],
        },
    }


RUNS = {
    "time_to_92": _time_to_92,
    "step": _step,
    "full_batch": _full_batch,
    "wide": _wide,
    "nielsen": _nielsen,
    "memory": _memory,
    "scaling": _scaling,
    "accuracy": _accuracy,
}
BENCHMARKS = tuple(RUNS)


def run(args) -> dict:
    quick = args.quick
    data = load_data(n_train=2000 if quick else None, n_test=1000 if quick else None)
    repeats = args.repeats or (1 if quick else 3)
    thread_counts = args.threads or ((1,) if quick else (1, 2))
    clock = Run(command_line("benchmarks.run", args.argv))
    report = _header(data, quick, repeats, thread_counts)
    ctx = argparse.Namespace(
        data=data,
        quick=quick,
        repeats=repeats,
        thread_counts=thread_counts,
        peak=max(p["gflops"] for p in report["machine"]["matmul_peak"].values()),
        long_threads=max(thread_counts),
        recipes=chosen_recipes(),
    )
    for name in args.only or BENCHMARKS:
        start = time.perf_counter()
        print(f"[{name}] running …", flush=True)
        result = RUNS[name](ctx)
        result["wall_seconds"] = time.perf_counter() - start
        _record(report, name, result, quick)
        print(f"[{name}] done in {result['wall_seconds']:.1f} s", flush=True)
    report["machine"]["load_average_end"] = load_average()
    report["provenance"] = clock.provenance(data.X_train, data.Y_train, data.X_test, data.Y_test)
    return report


def _record(report: dict, name: str, result: dict, quick: bool) -> None:
    report["benchmarks"][name] = result
    if not quick:
        report["targets_met"][name] = _targets_met(name, result)
    for peer, info in result.get("peers", {}).items():
        if "skipped" in info:
            note = f"{name}: {peer} skipped — {info['skipped']}"
            if note not in report["notes"]:
                report["notes"].append(note)


def _peak(n: int, quick: bool) -> dict:
    with threads(n):
        return matmul_peak(n=1024 if quick else 2048, repeats=3 if quick else 5)


def _race_lines(r: dict) -> list[str]:
    lines = [
        f"time_to_92  {peer:11} {info['best']['seconds']:8.3f} s  test acc {info['test_accuracy']:.4f}"
        for peer, info in r["peers"].items()
        if "best" in info
    ]
    return lines + [f"time_to_92  {k} = {v:.2f}" for k, v in r["ratios"].items()]


def _step_lines(r: dict) -> list[str]:
    return [
        f"step        {n} thread(s): nn_scratch {row['nn_scratch_seconds']:.3f} s/epoch, floor "
        f"{row['floor_seconds']:.3f} s ({row['nn_scratch_over_floor']:.2f}× floor)"
        + (f", PyTorch ÷ nn_scratch = {row['pytorch_over_nn_scratch']:.2f}" if "pytorch_over_nn_scratch" in row else "")
        for n, row in r["by_threads"].items()
    ]


def _nielsen_lines(r: dict) -> list[str]:
    return [
        f"nielsen     network.py {min(r['nielsen']['seconds']):.2f} s/epoch, "
        f"nn_scratch {min(r['nn_scratch']['seconds']):.2f} s/epoch (÷ {r['nielsen_over_nn_scratch']:.1f}); "
        f"test acc {r['nielsen']['test_accuracy']} vs {r['nn_scratch']['test_accuracy']}"
    ]


def _memory_lines(r: dict) -> list[str]:
    return [
        f"memory      {dtype} {work:22} peak extra {row['tracemalloc_peak_extra_bytes'] / 1e6:7.1f} MB "
        f"({row['tracemalloc_peak_extra_over_X']:.3f} × X of {m['X_bytes'] / 1e6:.1f} MB)"
        for dtype, m in r.items()
        if isinstance(m, dict)  # not wall_seconds
        for work, row in m["work"].items()
    ]


def _full_batch_lines(r: dict) -> list[str]:
    lines = [
        f"full_batch  {n} thread(s): iteration ÷ its floor (W1 X + dZ1 Xᵀ): "
        + ", ".join(f"{dtype} {ratio:.2f}" for dtype, ratio in by_dtype.items())
        for n, by_dtype in r["over_floor"].items()
    ] + [
        f"full_batch  X read by the two products, {dtype}: {x['gb_per_second']:.1f} GB/s, "
        f"{x['gflops_per_second']:.1f} GFLOP/s"
        for dtype, x in r["x_read_limit"].items()
    ]
    lines += [f"full_batch  {k:20} {v * 1e3:8.1f} ms" for k, v in r["best_seconds"].items()]
    lines += [f"full_batch  {k} = {v:.2f}" for k, v in r["ratios"].items()]
    return lines + [f"full_batch  float64 equivalence: {r['equivalence_float64']['max_relative_difference']}"]


def _wide_lines(r: dict) -> list[str]:
    return [
        f"wide        {peer:11} {info['best']['seconds']:8.3f} s/epoch  {info['gflops_per_second']:.1f} GFLOP/s"
        for peer, info in r["peers"].items()
        if "best" in info
    ]


def _scaling_lines(r: dict) -> list[str]:
    return [
        f"scaling     width {row['width']:5} m {row['m']:6}  {row['seconds']:7.3f} s  "
        f"{row['gflops_per_second']:6.1f} GFLOP/s"
        for row in r["by_width"] + r["by_examples"]
    ]


def _accuracy_lines(r: dict) -> list[str]:
    return [
        f"accuracy    {'-'.join(map(str, run['recipe']['layer_sizes']))} seed {run['recipe']['seed']:<10}"
        f"{run['training_seconds']:7.1f} s  test acc {run['test_accuracy']:.4f}"
        for run in [r["wide"], *r["small"]["runs"]]
    ]


SUMMARY_LINES = {
    "time_to_92": _race_lines,
    "step": _step_lines,
    "nielsen": _nielsen_lines,
    "memory": _memory_lines,
    "full_batch": _full_batch_lines,
    "wide": _wide_lines,
    "scaling": _scaling_lines,
    "accuracy": _accuracy_lines,
}


def summary(report: dict) -> str:
    """The report in a few lines for the terminal: each benchmark's headline numbers, the targets, the notes."""
    m = report["machine"]
    lines = [f"machine: {m['cpu']}, {m['cores']} cores, load {m['load_average_start']}"]
    for name, result in report["benchmarks"].items():
        lines += SUMMARY_LINES[name](result)
    lines += [f"targets     {name}: {met}" for name, met in report["targets_met"].items()]
    lines += [f"note: {n}" for n in report["notes"][1:]]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run on 2,000 training images, seconds")
    parser.add_argument(
        "--out",
        type=Path,
        help=f"JSON file to write (default {DEFAULT_OUT.relative_to(REPO)}; with --quick, {QUICK_OUT})",
    )
    parser.add_argument(
        "--only", type=lambda s: tuple(s.split(",")), help=f"comma-separated subset of {','.join(BENCHMARKS)}"
    )
    parser.add_argument("--repeats", type=int, help="timed repetitions per measurement (default 3, quick 1)")
    parser.add_argument(
        "--threads", type=lambda s: tuple(int(n) for n in s.split(",")), help="thread limits to try, e.g. 1,2"
    )
    args = parser.parse_args(argv)
    args.argv = argv
    for name in args.only or ():
        if name not in BENCHMARKS:
            parser.error(f"--only: unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}")
    # A smoke run never overwrites the measurements the site plots.
    args.out = args.out or (QUICK_OUT if args.quick else DEFAULT_OUT)
    report = run(args)
    write_json(args.out, report)
    print(summary(report))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
