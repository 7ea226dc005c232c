"""Measure what each pitfall of docs/pitfalls.md does when a network trains with it.

The tutorials' own setting: the 784-10-10 network, weights and biases from
U(−0.5, 0.5), full-batch gradient descent with α = 0.1 on the official MNIST
training set, tested on the official test set; and, for the pitfalls that
depend on the batch, mini-batch SGD (batches of 64, one epoch, same α). Every
run trains through the package's own loop — :func:`nn_scratch.gradient_descent`
or :func:`nn_scratch.sgd` — with the wrong forward or backward pass of
``benchmarks/pitfall_variants.py`` passed as its ``forward=``/``backward=``
hook; each seed's right and wrong runs start from the same weights (and see
the same batches), so their difference is the bug's.

Each pitfall is then classified by what the runs show, in this order:
``crashes`` (an exception in some seed), ``nonfinite`` (NaN or inf loss),
``costs``/``gains`` (the mean paired difference in test accuracy is larger
than the spread between the seeds of the right version), else ``no_effect``.
The docs build (``site_hooks/measurements.py``) writes the pitfalls page's
sentences from that classification, so a different result changes the words.

Usage (from the repository root; about 10 minutes on 2 idle cores)::

    python -m benchmarks.pitfalls --out docs/data/pitfalls.json --jobs 2

Smoke run, as the tests do::

    python -m benchmarks.pitfalls --out /tmp/p.json --only bias_summed_over_matrix --seeds 1 \\
        --iterations 2 --n-train 500 --n-test 200
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from benchmarks.pitfall_variants import backward_prop_with, forward_prop_with
from benchmarks.provenance import Run, command_line, write_json
from nn_scratch import DivergenceError, Network, gradient_descent, sgd
from nn_scratch.data import load_mnist

FORMAT = "nn-scratch/pitfalls/1"
LAYER_SIZES = (784, 10, 10)
KAGGLE_DEV = 1000  # the Kaggle notebook reads m before setting aside its 1,000-image dev split

# key -> what the wrong run changes, and in which settings it is measured.
PITFALLS = {
    "bias_summed_over_matrix": {"backward": "bias_summed_over_matrix", "settings": ("full_batch",)},
    "m_from_whole_dataset": {"backward": "m_from_whole_dataset", "settings": ("full_batch", "sgd")},
    "softmax_without_max": {"forward": "softmax_without_max", "settings": ("full_batch",)},
    "softmax_over_whole_matrix": {"forward": "softmax_over_whole_matrix", "settings": ("full_batch",)},
    "one_hot_sized_by_max": {"backward": "one_hot_sized_by_max", "settings": ("full_batch", "sgd")},
    "uniform_init": {"right_init": "he", "settings": ("full_batch",)},
    "relu_prime_at_dZ2": {"backward": "relu_prime_at_dZ2", "settings": ("full_batch",)},
    "db1_from_dZ2": {"backward": "db1_from_dZ2", "settings": ("full_batch",)},
    "dW1_of_shape_10x10": {"backward": "dW1_of_shape_10x10", "settings": ("full_batch",)},
}
SEVERITY = {"crashes": 0, "nonfinite": 1, "costs": 2, "gains": 3, "no_effect": 4}


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, required=True, help="JSON file to write")
    p.add_argument("--only", default=None, help=f"comma-separated pitfalls (default all: {', '.join(PITFALLS)})")
    p.add_argument("--seeds", type=int, default=3, help="seeds 0 … N-1 (3)")
    p.add_argument("--iterations", type=int, default=500, help="full-batch iterations, as the Kaggle tutorial (500)")
    p.add_argument("--epochs", type=int, default=1, help="epochs of mini-batch SGD (1)")
    p.add_argument("--batch-size", type=int, default=64, help="SGD batch size (64)")
    p.add_argument("--alpha", type=float, default=0.1, help="learning rate (0.1)")
    p.add_argument("--n-train", type=int, default=None, help="use only the first N training images")
    p.add_argument("--n-test", type=int, default=None, help="use only the first N test images")
    p.add_argument("--data", type=Path, default=None, help="folder of the MNIST IDX files")
    p.add_argument("--jobs", type=int, default=1, help="runs in parallel, one BLAS thread each (1)")
    args = p.parse_args(argv)
    for name in ("seeds", "iterations", "epochs", "batch_size", "jobs"):
        if getattr(args, name) <= 0:
            p.error(f"--{name.replace('_', '-')} must be positive, got {getattr(args, name)}")
    if args.alpha <= 0:
        p.error(f"--alpha must be positive, got {args.alpha}")
    args.only = list(PITFALLS) if args.only is None else [k.strip() for k in args.only.split(",") if k.strip()]
    unknown = [k for k in args.only if k not in PITFALLS]
    if unknown:
        p.error(f"--only: unknown pitfalls {unknown}; known: {', '.join(PITFALLS)}")
    return args


_data: dict = {}


def _mnist(args):
    key = (args.data, args.n_train, args.n_test)
    if key not in _data:
        _data.clear()
        _data[key] = load_mnist(args.data, n_train=args.n_train, n_test=args.n_test, progress=False)
    return _data[key]


def run_one(args, setting: str, pitfall: str | None, seed: int, init: str = "uniform") -> dict:
    """Train once — right (``pitfall=None``) or with one pitfall — and report how it ended."""
    from threadpoolctl import threadpool_limits

    data = _mnist(args)
    spec = PITFALLS.get(pitfall, {})
    hooks = {}
    if "forward" in spec:
        hooks["forward"] = functools.partial(forward_prop_with, spec["forward"])
    if "backward" in spec:
        m_total = None
        if spec["backward"] == "m_from_whole_dataset":
            # full batch: the Kaggle notebook's m, read before its dev split was set aside;
            # SGD: the same line, now dividing each batch's gradient by the whole training set
            m = data.X_train.shape[1]
            m_total = m + KAGGLE_DEV if setting == "full_batch" else m
        hooks["backward"] = functools.partial(backward_prop_with, spec["backward"], m_total=m_total)
    net = Network(LAYER_SIZES, init=init, seed=seed)
    t0 = time.perf_counter()
    out = {"setting": setting, "pitfall": pitfall, "init": init, "seed": seed}
    try:
        with threadpool_limits(limits=1, user_api="blas"), np.errstate(over="ignore", invalid="ignore"):
            if setting == "full_batch":
                gradient_descent(
                    net,
                    data.X_train,
                    data.Y_train,
                    alpha=args.alpha,
                    iterations=args.iterations,
                    log_every=args.iterations,
                    **hooks,
                )
            else:
                sgd(
                    net,
                    data.X_train,
                    data.Y_train,
                    alpha=args.alpha,
                    epochs=args.epochs,
                    batch_size=args.batch_size,
                    seed=seed,
                    **hooks,
                )
    except DivergenceError as err:
        out.update(outcome="nonfinite", error=str(err).splitlines()[0])
    except ValueError as err:
        out.update(outcome="crashes", error=f"{type(err).__name__}: {str(err).splitlines()[0]}")
    else:
        out.update(outcome="ok", test_accuracy=net.accuracy(data.X_test, data.Y_test))
    out["seconds"] = round(time.perf_counter() - t0, 2)
    return out


def _run_task(task):
    return run_one(*task)


def classify(right: list[dict], wrong: list[dict]) -> dict:
    """What the paired runs show: crashes, nonfinite, costs, gains or no_effect, with the numbers.

    Examples
    --------
    >>> r = [{"seed": s, "outcome": "ok", "test_accuracy": a} for s, a in enumerate([0.90, 0.91, 0.92])]
    >>> w = [{"seed": s, "outcome": "ok", "test_accuracy": a - 0.05} for s, a in enumerate([0.90, 0.91, 0.92])]
    >>> c = classify(r, w)
    >>> c["class"], round(c["cost_points"], 2), round(c["seed_spread_points"], 2)
    ('costs', 5.0, 2.0)
    >>> classify(r, r)["class"]
    'no_effect'
    """
    failed = [w for w in wrong if w["outcome"] != "ok"]
    out = {"seeds": len(wrong)}
    for kind in ("crashes", "nonfinite"):
        hit = [w for w in failed if w["outcome"] == kind]
        if hit:
            out.update({"class": kind, "failed_seeds": len(hit), "error": hit[0]["error"]})
            return out
    by_seed = {r["seed"]: r["test_accuracy"] for r in right}
    diffs = [100 * (by_seed[w["seed"]] - w["test_accuracy"]) for w in wrong]
    rights = [100 * a for a in by_seed.values()]
    cost = statistics.fmean(diffs)
    spread = max(rights) - min(rights)
    out.update(
        cost_points=cost,
        cost_sd_points=statistics.stdev(diffs) if len(diffs) > 1 else 0.0,
        seed_spread_points=spread,
        right_mean=statistics.fmean(rights) / 100,
        wrong_mean=statistics.fmean(w["test_accuracy"] for w in wrong),
    )
    out["class"] = "no_effect" if abs(cost) <= spread else ("costs" if cost > 0 else "gains")
    return out


def main(argv=None) -> dict:
    args = parse_args(argv)
    command = command_line("benchmarks.pitfalls", argv)
    data = _mnist(args)
    run = Run(command)

    # The right runs each setting needs (the tutorials' uniform init, and He for uniform_init), then the wrong ones.
    needed = {
        (setting, PITFALLS[k].get("right_init", "uniform")) for k in args.only for setting in PITFALLS[k]["settings"]
    }
    needed |= {(setting, "uniform") for setting, _ in needed}  # uniform_init's wrong run is the uniform right run
    tasks = [(args, setting, None, seed, init) for setting, init in sorted(needed) for seed in range(args.seeds)]
    for k in args.only:
        if "right_init" not in PITFALLS[k]:
            tasks += [
                (args, setting, k, seed, "uniform") for setting in PITFALLS[k]["settings"] for seed in range(args.seeds)
            ]
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            runs = list(pool.map(_run_task, tasks))
    else:
        runs = [_run_task(t) for t in tasks]
    for r in runs:
        print(
            f"{r['setting']:10} {r['pitfall']!s:26} init={r['init']:7} seed {r['seed']}: {r['outcome']:9} "
            f"{r.get('test_accuracy', float('nan')):.4f} ({r['seconds']:.0f} s)",
            flush=True,
        )

    def right(setting, init):
        return [r for r in runs if r["setting"] == setting and r["pitfall"] is None and r["init"] == init]

    results = {}
    for k in args.only:
        spec = PITFALLS[k]
        results[k] = {}
        for setting in spec["settings"]:
            if "right_init" in spec:
                measured = classify(right(setting, spec["right_init"]), right(setting, "uniform"))
            else:
                measured = classify(
                    right(setting, "uniform"), [r for r in runs if r["setting"] == setting and r["pitfall"] == k]
                )
            results[k][setting] = measured
    order = sorted(
        results, key=lambda k: min((SEVERITY[m["class"]], -abs(m.get("cost_points", 0))) for m in results[k].values())
    )

    report = {
        "format": FORMAT,
        "network": {
            "layer_sizes": list(LAYER_SIZES),
            "init": "uniform: weights and biases U(-0.5, 0.5)",
            "dtype": "float32",
        },
        "settings": {
            "full_batch": {"method": "full-batch gradient descent", "alpha": args.alpha, "iterations": args.iterations},
            "sgd": {
                "method": "mini-batch SGD",
                "alpha": args.alpha,
                "epochs": args.epochs,
                "batch_size": args.batch_size,
            },
        },
        "seeds": list(range(args.seeds)),
        "n_train": int(data.X_train.shape[1]),
        "n_test": int(data.X_test.shape[1]),
        "kaggle_dev": KAGGLE_DEV,
        "runs": runs,
        "results": results,
        "order": order,
        "provenance": run.provenance(data.X_train, data.Y_train, data.X_test, data.Y_test),
    }
    write_json(args.out, report)
    return report


if __name__ == "__main__":
    main()
