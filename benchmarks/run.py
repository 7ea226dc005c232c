"""Run every benchmark and write the results as JSON for the site's performance page.

Usage, from the repository root::

    python benchmarks/run.py                 # the full suite, a few minutes on 2 cores
    python benchmarks/run.py --quick         # a smoke run on 2,000 images, a few seconds
                                             # (written to the temporary folder)
    python benchmarks/run.py --only full_batch,wide --out /tmp/b.json

PyTorch and scikit-learn are optional peers (``pip install -e '.[bench]'``);
without them their columns are skipped with a note, never faked. Nothing here
asserts a speed: the targets are recorded next to the measurements, with
whether this run met them, because on a shared machine a timing is evidence,
not a test.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import memory  # noqa: E402
import nielsen  # noqa: E402

from accuracy import run_recipe  # noqa: E402
from common import DEFAULT_OUT, REPO, load_average, load_data, machine, matmul_peak, threads  # noqa: E402
from nn_scratch.saving import atomic_write  # noqa: E402
from scaling import scaling, step_breakdown  # noqa: E402
from speed import full_batch, minibatch_race, step_race, time_to_accuracy  # noqa: E402

QUICK_OUT = Path(tempfile.gettempdir()) / "nn-scratch-benchmarks-quick.json"
BENCHMARKS = ("time_to_92", "step", "full_batch", "wide", "nielsen", "memory", "scaling", "accuracy")

# The 784-10-10 race: plain mini-batch SGD. Of the short recipes we tried, the
# cheapest whose test accuracy cleared 92 % from each of the seeds 0–3.
RECIPE_92 = {"epochs": 3, "batch_size": 100, "alpha": 0.2, "momentum": 0.0, "seed": 0}
# The step race of issue 12: one epoch of plain SGD at batch 64, against PyTorch and the products alone.
RECIPE_STEP = {"epochs": 1, "batch_size": 64, "alpha": 0.1, "momentum": 0.0, "seed": 0}
RECIPE_WIDE = {"epochs": 1, "batch_size": 128, "alpha": 0.1, "momentum": 0.0, "seed": 0}
RECIPE_SCALING = {"batch_size": 128, "alpha": 0.1}
# Network sizes and sgd keywords: each run is Network(sizes, seed=...) then sgd(net, X, Y, **recipe).
ACCURACY_RECIPES = {
    "wide": (
        (784, 800, 10),
        {
            "epochs": 20,
            "batch_size": 128,
            "alpha": 0.1,
            "momentum": 0.9,
            "weight_decay": 5e-4,
            "schedule": "cosine",
            "seed": 0,
        },
    ),
    "small": (
        (784, 10, 10),
        {
            "epochs": 40,
            "batch_size": 64,
            "alpha": 0.02,
            "momentum": 0.9,
            "weight_decay": 1e-4,
            "schedule": "cosine",
            "seed": 0,
        },
    ),
}
# How each recipe's images are prepared (accuracy.INPUTS): the small network learns
# best from standardised pixels (per-pixel mean, one std, both from the training set).
ACCURACY_INPUTS = {"wide": "pixels", "small": "standardised"}
# Ten hidden units make the small network's result depend on its initial
# weights as much as on the recipe, so it is trained from several seeds and
# every result is reported.
SMALL_SEEDS = (0, 1, 2)
# The targets, their bounds and their labels: data read here and by the Performance page's hook.
TARGETS_FILE = Path(__file__).resolve().parent / "targets.json"
TARGETS = {
    name: {key: target["bound"] for key, target in targets.items()}
    for name, targets in json.loads(TARGETS_FILE.read_text(encoding="utf-8")).items()
}


def _targets_met(name: str, result: dict) -> dict:
    bound = TARGETS.get(name, {})
    met = {}
    if name == "time_to_92":
        nn = result["peers"]["nn_scratch"]
        met["nn_scratch_seconds_at_most"] = (
            nn["best"]["seconds"] <= bound["nn_scratch_seconds_at_most"] and nn["reached_goal"]
        )
        if "pytorch_over_nn_scratch" in result["ratios"]:
            ratio = result["ratios"]["pytorch_over_nn_scratch"]
            met["pytorch_over_nn_scratch_at_least"] = ratio >= bound["pytorch_over_nn_scratch_at_least"]
    elif name == "full_batch":
        seconds = result["best_seconds"]["nn_scratch_float32"]
        met["nn_scratch_seconds_at_most"] = seconds <= bound["nn_scratch_seconds_at_most"]
        ratio = result["ratios"]["tutorial_over_nn_scratch"]
        met["tutorial_over_nn_scratch_at_least"] = ratio >= bound["tutorial_over_nn_scratch_at_least"]
        differences = result["equivalence_float64"]["max_relative_difference"].values()
        met["equal_within_1e-10"] = max(differences) < bound["equal_within_1e-10"]
        ratio64 = result["ratios"]["tutorial_over_nn_scratch_float64"]
        met["tutorial_over_nn_scratch_float64_at_least"] = ratio64 >= bound["tutorial_over_nn_scratch_float64_at_least"]
    elif name == "step":
        for n, row in result["by_threads"].items():
            if "pytorch_over_nn_scratch" in row:
                met[f"pytorch_over_nn_scratch_{n}_threads_at_least"] = (
                    row["pytorch_over_nn_scratch"] >= bound["pytorch_over_nn_scratch_at_least"]
                )
    elif name == "wide" and "pytorch_over_nn_scratch" in result["ratios"]:
        ratio = 1 / result["ratios"]["pytorch_over_nn_scratch"]
        met["nn_scratch_over_pytorch_at_most"] = ratio <= bound["nn_scratch_over_pytorch_at_most"]
    elif name == "accuracy":
        wide, small = result["wide"], result["small"]
        met["wide_test_accuracy_at_least"] = wide["test_accuracy"] >= bound["wide_test_accuracy_at_least"]
        met["wide_training_seconds_at_most"] = wide["training_seconds"] <= bound["wide_training_seconds_at_most"]
        met["small_test_accuracy_at_least"] = {
            str(run["recipe"]["seed"]): run["test_accuracy"] >= bound["small_test_accuracy_at_least"]
            for run in small["runs"]
        }
        met["small_median_test_accuracy_at_least"] = (
            small["median_test_accuracy"] >= bound["small_median_test_accuracy_at_least"]
        )
    return met


def _quick_recipe(recipe: dict) -> dict:
    return dict(recipe, epochs=1)


def _header(data, quick: bool, repeats: int, thread_counts) -> dict:
    machine_info = machine()
    machine_info["matmul_peak"] = {str(n): _peak(n, quick) for n in thread_counts}
    return {
        "schema": 2,
        "quick": quick,
        "command": " ".join(["python", "benchmarks/run.py", *sys.argv[1:]]),
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


def _wide(data, *, repeats, thread_counts, peak) -> dict:
    result = minibatch_race(
        data,
        RECIPE_WIDE,
        layer_sizes=(784, 800, 10),
        repeats=max(1, repeats // 2),
        thread_counts=thread_counts,
        peers=("pytorch",),
    )
    for peer in result["peers"].values():
        if "gflops_per_second" in peer:
            peer["fraction_of_matmul_peak"] = peer["gflops_per_second"] / peak
    return result


def _scaling(data, *, quick, n_threads) -> dict:
    result = scaling(
        data,
        widths=(10, 100) if quick else (10, 100, 800, 2000),
        sizes=(500, 1000, 2000) if quick else (7500, 15000, 30000, 60000),
        width_for_sizes=100,
        recipe=RECIPE_SCALING,
        repeats=1 if quick else 2,
        n_threads=n_threads,
    )
    result["step_breakdown"] = [
        step_breakdown(data, sizes, batch_size=r["batch_size"], alpha=r["alpha"], n_threads=n_threads)
        for sizes, r in (((784, 10, 10), RECIPE_92), ((784, 800, 10), RECIPE_WIDE))
    ]
    return result


def _accuracy(data, *, quick, n_threads) -> dict:
    recipes = {k: (sizes, _quick_recipe(r) if quick else r) for k, (sizes, r) in ACCURACY_RECIPES.items()}
    small_sizes, small_recipe = recipes["small"]
    runs = [
        run_recipe(data, small_sizes, dict(small_recipe, seed=s), n_threads=n_threads, inputs=ACCURACY_INPUTS["small"])
        for s in SMALL_SEEDS[: 2 if quick else None]
    ]
    accuracies = sorted(run["test_accuracy"] for run in runs)
    return {
        "wide": run_recipe(data, *recipes["wide"], n_threads=n_threads, inputs=ACCURACY_INPUTS["wide"]),
        "small": {
            "runs": runs,
            "best_test_accuracy": accuracies[-1],
            "median_test_accuracy": accuracies[len(accuracies) // 2],
        },
    }


def run(args) -> dict:
    quick = args.quick
    data = load_data(n_train=2000 if quick else None, n_test=1000 if quick else None)
    repeats = args.repeats or (1 if quick else 3)
    thread_counts = args.threads or ((1,) if quick else (1, 2))
    report = _header(data, quick, repeats, thread_counts)
    # The long single runs (scaling, accuracy) use the thread count that made
    # nn_scratch fastest in the wide race: on a busy machine, often just one.
    long_threads = max(thread_counts)
    for name in args.only or BENCHMARKS:
        start = time.perf_counter()
        print(f"[{name}] running …", flush=True)
        if name == "step":
            result = step_race(data, RECIPE_STEP, repeats=repeats, thread_counts=thread_counts)
        elif name == "nielsen":
            # Nielsen's own split: 50,000 training images (all of a quick run's), one thread.
            result = nielsen.compare_with_nn_scratch(
                data, epochs=1 if quick else 3, n_train=min(50_000, data.X_train.shape[1]), threads=1
            )
        elif name == "memory":
            n_train = data.X_train.shape[1] if quick else None
            result = {dtype: memory.measure(dtype, n_train, rss=not quick) for dtype in ("float32", "float64")}
        elif name == "time_to_92":
            result = time_to_accuracy(data, RECIPE_92, goal=0.92, repeats=repeats, thread_counts=thread_counts)
        elif name == "full_batch":
            result = full_batch(data, repeats=repeats, thread_counts=thread_counts)
        elif name == "wide":
            peak = max(p["gflops"] for p in report["machine"]["matmul_peak"].values())
            result = _wide(data, repeats=repeats, thread_counts=thread_counts, peak=peak)
            long_threads = result["peers"]["nn_scratch"]["best"]["threads"]
        elif name == "scaling":
            result = _scaling(data, quick=quick, n_threads=long_threads)
        elif name == "accuracy":
            result = _accuracy(data, quick=quick, n_threads=long_threads)
        else:
            raise ValueError(f"unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}")
        result["wall_seconds"] = time.perf_counter() - start
        _record(report, name, result, quick)
        print(f"[{name}] done in {result['wall_seconds']:.1f} s", flush=True)
    report["machine"]["load_average_end"] = load_average()
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


def _clean(obj):
    # JSON has no NaN/inf: a missing number is null.
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def write_json(report: dict, path: Path) -> None:
    """Write atomically: a temporary file in the same folder, then ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(_clean(report), indent=1, allow_nan=False) + "\n")


def summary(report: dict) -> str:
    lines = [
        f"machine: {report['machine']['cpu']}, {report['machine']['cores']} cores, "
        f"load {report['machine']['load_average_start']}"
    ]
    b = report["benchmarks"]
    if "time_to_92" in b:
        for peer, info in b["time_to_92"]["peers"].items():
            if "best" in info:
                lines.append(
                    f"time_to_92  {peer:11} {info['best']['seconds']:8.3f} s  test acc {info['test_accuracy']:.4f}"
                )
        lines += [f"time_to_92  {k} = {v:.2f}" for k, v in b["time_to_92"]["ratios"].items()]
    if "step" in b:
        for n, row in b["step"]["by_threads"].items():
            lines.append(
                f"step        {n} thread(s): nn_scratch {row['nn_scratch_seconds']:.3f} s/epoch, floor "
                f"{row['floor_seconds']:.3f} s ({row['nn_scratch_over_floor']:.2f}× floor)"
                + (
                    f", PyTorch ÷ nn_scratch = {row['pytorch_over_nn_scratch']:.2f}"
                    if "pytorch_over_nn_scratch" in row
                    else ""
                )
            )
    if "nielsen" in b:
        r = b["nielsen"]
        lines.append(
            f"nielsen     network.py {min(r['nielsen']['seconds']):.2f} s/epoch, "
            f"nn_scratch {min(r['nn_scratch']['seconds']):.2f} s/epoch (÷ {r['nielsen_over_nn_scratch']:.1f}); "
            f"test acc {r['nielsen']['test_accuracy']} vs {r['nn_scratch']['test_accuracy']}"
        )
    if "memory" in b:
        for dtype, r in b["memory"].items():
            if not isinstance(r, dict):  # wall_seconds
                continue
            for work, row in r["work"].items():
                lines.append(
                    f"memory      {dtype} {work:22} peak extra {row['tracemalloc_peak_extra_bytes'] / 1e6:7.1f} MB "
                    f"({row['tracemalloc_peak_extra_over_X']:.3f} × X of {r['X_bytes'] / 1e6:.1f} MB)"
                )
    if "full_batch" in b:
        for dtype, r in b["full_batch"]["x_read_limit"].items():
            lines.append(
                f"full_batch  X read by the two products, {dtype}: {r['gb_per_second']:.1f} GB/s, "
                f"{r['gflops_per_second']:.1f} GFLOP/s"
            )
        lines += [f"full_batch  {k:20} {v * 1e3:8.1f} ms" for k, v in b["full_batch"]["best_seconds"].items()]
        lines += [f"full_batch  {k} = {v:.2f}" for k, v in b["full_batch"]["ratios"].items()]
        lines.append(
            f"full_batch  float64 equivalence: {b['full_batch']['equivalence_float64']['max_relative_difference']}"
        )
    if "wide" in b:
        for peer, info in b["wide"]["peers"].items():
            if "best" in info:
                lines.append(
                    f"wide        {peer:11} {info['best']['seconds']:8.3f} s/epoch  "
                    f"{info['gflops_per_second']:.1f} GFLOP/s"
                )
    if "scaling" in b:
        for row in b["scaling"]["by_width"] + b["scaling"]["by_examples"]:
            lines.append(
                f"scaling     width {row['width']:5} m {row['m']:6}  {row['seconds']:7.3f} s  "
                f"{row['gflops_per_second']:6.1f} GFLOP/s"
            )
    if "accuracy" in b:
        for r in [b["accuracy"]["wide"], *b["accuracy"]["small"]["runs"]]:
            label = "-".join(map(str, r["recipe"]["layer_sizes"])) + f" seed {r['recipe']['seed']}"
            lines.append(f"accuracy    {label:22} {r['training_seconds']:7.1f} s  test acc {r['test_accuracy']:.4f}")
    for name, met in report["targets_met"].items():
        lines.append(f"targets     {name}: {met}")
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
    for name in args.only or ():
        if name not in BENCHMARKS:
            parser.error(f"--only: unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}")
    # A smoke run never overwrites the measurements the site plots.
    args.out = args.out or (QUICK_OUT if args.quick else DEFAULT_OUT)
    report = run(args)
    write_json(report, args.out)
    print(summary(report))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
