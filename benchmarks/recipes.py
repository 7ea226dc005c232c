"""Choose every recipe the site recommends or benchmarks on a validation split — never on the test set.

The split: :data:`VALIDATION_SIZE` of the 60,000 official training images,
drawn at random with :data:`VALIDATION_SEED` (``load_mnist(validation_size=...,
seed=...)``), are held out; every candidate trains on the rest and is scored on
them. Each search of :data:`SEARCHES` asks one question — which recipe is the
cheapest to reach 92 %, which learning rate and input preparation suit the small
network, and so on — and answers it by its rule:

* ``cheapest``: of the candidates whose validation accuracy reached ``goal``
  from every seed, the one with the fewest steps (for a network this small the
  count of steps, not their size, sets the time: see the Performance page);
* ``median``: the highest median validation accuracy over the seeds;
* ``best``: the highest validation accuracy (one seed).

The JSON written records every candidate, its validation accuracy after every
epoch, and the winner of each search. The test images are never read here:
``benchmarks.run`` trains each winner on all 60,000 training images and scores
the test set once (``tests/test_recipes.py`` runs this search with test arrays
that raise on any access).

Usage (from the repository root; a few minutes on 2 idle cores)::

    python -m benchmarks.recipes --out docs/data/recipes.json --jobs 2

Smoke run::

    python -m benchmarks.recipes --out /tmp/r.json --only time_to_92 --n-train 1000
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import SimpleNamespace

from benchmarks.accuracy import INPUTS
from benchmarks.common import threads
from benchmarks.provenance import Run, command_line, write_json
from nn_scratch import DivergenceError, Network, sgd
from nn_scratch.data import load_mnist

FORMAT = "nn-scratch/recipes/1"
VALIDATION_SIZE = 10_000
VALIDATION_SEED = 0
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "docs" / "data" / "recipes.json"

# Each search: the network, what every candidate shares (base), what varies
# (grid: every combination), the seeds each candidate trains from, and the rule
# that picks the winner. The keys of base and grid are sgd's keywords, plus
# "inputs" (benchmarks.accuracy.INPUTS) and "init" (Network's initialisation).
# The candidate sets are small enough for a shared two-core machine: the wide
# network's epochs are the expensive ones, so it has two candidates.
SEARCHES = {
    "time_to_92": {
        "question": "the cheapest plain-SGD recipe that takes 784-10-10 past 92 % from each of four seeds",
        "layer_sizes": (784, 10, 10),
        "base": {"momentum": 0.0},
        # A first grid of at most three epochs (batch 64 too, α 0.1 too) left every candidate short of
        # 92 % from some seed: the second grid, this one, goes further.
        "grid": {"batch_size": (100, 128), "alpha": (0.2, 0.3), "epochs": tuple(range(1, 11))},
        "seeds": (0, 1, 2, 3),
        "rule": "cheapest",
        "goal": 0.92,
    },
    "better": {
        "question": "learning rate and momentum for five epochs of 784-10-10 with He initialisation "
        "(the better recipe of the Reproductions pages)",
        "layer_sizes": (784, 10, 10),
        "base": {"init": "he", "epochs": 5, "batch_size": 64},
        "grid": {"alpha": (0.02, 0.05, 0.1), "momentum": (0.0, 0.9)},
        "seeds": (0,),
        "rule": "best",
    },
    "small": {
        "question": "learning rate and input preparation for the long 784-10-10 recipe (median of three seeds)",
        "layer_sizes": (784, 10, 10),
        "base": {"epochs": 40, "batch_size": 64, "momentum": 0.9, "weight_decay": 1e-4, "schedule": "cosine"},
        "grid": {"inputs": ("pixels", "standardised"), "alpha": (0.02, 0.05)},
        "seeds": (0, 1, 2),
        "rule": "median",
    },
    "wide": {
        "question": "weight decay for ten epochs of 784-800-10",
        "layer_sizes": (784, 800, 10),
        "base": {"epochs": 10, "batch_size": 128, "alpha": 0.1, "momentum": 0.9, "schedule": "cosine"},
        "grid": {"weight_decay": (1e-4, 5e-4)},
        "seeds": (0,),
        "rule": "best",
    },
}


def candidates(search: dict) -> list[dict]:
    """Every combination of the search's grid, each merged into its base.

    Examples
    --------
    >>> [c["weight_decay"] for c in candidates(SEARCHES["wide"])]
    [0.0001, 0.0005]
    >>> len(candidates(SEARCHES["time_to_92"]))
    40
    """
    keys = list(search["grid"])
    return [
        dict(search["base"], **dict(zip(keys, values, strict=True)))
        for values in itertools.product(*search["grid"].values())
    ]


def training_run(candidate: dict, search: dict) -> dict:
    """The run that measures ``candidate``: itself, or — for plain SGD without a schedule — its longest version.

    Without a schedule, the first ``e`` epochs of a longer run are exactly an
    ``e``-epoch run (the same batches, the same steps: ``tests/test_recipes.py``
    checks it), so candidates that differ only in ``epochs`` share one run and
    read their accuracy off its curve.

    Examples
    --------
    >>> training_run({"epochs": 1, "alpha": 0.1}, {"grid": {"epochs": (1, 2, 3)}})
    {'epochs': 3, 'alpha': 0.1}
    >>> training_run({"epochs": 5, "schedule": "cosine"}, SEARCHES["small"])["epochs"]
    5
    """
    epochs = search["grid"].get("epochs")
    if epochs is None or "schedule" in candidate:
        return candidate
    return dict(candidate, epochs=max(epochs))


def train_candidate(split, layer_sizes, recipe: dict, seed: int) -> dict:
    """Train one recipe from one seed on ``split.X_train``; its validation accuracy after every epoch.

    A run whose loss stops being finite scores 0 from then on (and says it diverged).
    """
    recipe = dict(recipe)
    inputs, init = recipe.pop("inputs", "pixels"), recipe.pop("init", "he")
    curve, diverged = [], False
    with threads(1):
        X, X_val = INPUTS[inputs](split.X_train, split.X_val)
        net = Network(tuple(layer_sizes), init=init, seed=seed)
        start = time.perf_counter()
        try:
            sgd(
                net,
                X,
                split.Y_train,
                **recipe,
                seed=seed,
                callback=lambda _: curve.append(net.accuracy(X_val, split.Y_val)),
            )
        except DivergenceError:
            diverged = True
            curve += [0.0] * (recipe["epochs"] - len(curve))
    return {"seed": seed, "curve": curve, "seconds": time.perf_counter() - start, "diverged": diverged}


def steps(candidate: dict, m: int) -> int:
    """Steps of ``sgd`` over ``m`` examples: ``epochs`` × ⌈m / batch size⌉.

    Examples
    --------
    >>> steps({"epochs": 2, "batch_size": 100}, 50_000)
    1000
    """
    return candidate["epochs"] * math.ceil(m / candidate["batch_size"])


def choose(search: dict, results: list[dict]) -> int | None:
    """Index of the winner among ``results`` (one per candidate, in order) under the search's rule.

    ``None`` when the rule is ``cheapest`` and no candidate reached the goal from every seed.

    Examples
    --------
    >>> rows = [{"steps": 500, "validation_accuracy": [0.93, 0.91]},
    ...         {"steps": 900, "validation_accuracy": [0.93, 0.94]},
    ...         {"steps": 1200, "validation_accuracy": [0.95, 0.95]}]
    >>> choose({"rule": "cheapest", "goal": 0.92}, rows), choose({"rule": "median"}, rows)
    (1, 2)
    >>> choose({"rule": "cheapest", "goal": 0.99}, rows) is None
    True
    """
    if search["rule"] == "cheapest":
        reached = [i for i, r in enumerate(results) if min(r["validation_accuracy"]) >= search["goal"]]
        if not reached:
            return None
        # Fewest steps; between equally cheap ones, the higher worst seed.
        return min(reached, key=lambda i: (results[i]["steps"], -min(results[i]["validation_accuracy"])))
    if search["rule"] in ("median", "best"):
        return max(range(len(results)), key=lambda i: statistics.median(results[i]["validation_accuracy"]))
    raise ValueError(f"unknown rule {search['rule']!r}")


def _key(recipe: dict) -> str:
    return repr(sorted(recipe.items()))


def run_searches(names, split, *, jobs: int = 1, log=print) -> dict:
    """Train every candidate of the named searches from each of their seeds; every result and each winner.

    The runs are independent, so ``jobs`` processes share them (one BLAS thread each), longest first.
    """
    tasks = {}
    for name in names:
        search = SEARCHES[name]
        for candidate in candidates(search):
            run = training_run(candidate, search)
            for seed in search["seeds"]:
                tasks[name, _key(run), seed] = (search["layer_sizes"], run)
    order = sorted(tasks, key=lambda k: -_cost(*tasks[k]))
    work = [(split, *tasks[k], k[2]) for k in order]
    if jobs > 1:
        with ProcessPoolExecutor(jobs, initializer=_share, initargs=(split,)) as pool:
            done = dict(zip(order, pool.map(_train_task, [w[1:] for w in work]), strict=True))
    else:
        done = {k: train_candidate(*w) for k, w in zip(order, work, strict=True)}
    return {name: _results(name, split.X_train.shape[1], done, log) for name in names}


def _cost(layer_sizes, recipe) -> float:
    # The order of the work: the wide network's runs first, so that the last ones are short.
    return math.prod(layer_sizes[:2]) * recipe["epochs"]


_shared: dict = {}


def _share(split):
    _shared["split"] = split


def _train_task(task):
    return train_candidate(_shared["split"], *task)


def _results(name: str, m: int, done: dict, log) -> dict:
    search = SEARCHES[name]
    results = []
    for candidate in candidates(search):
        key = _key(training_run(candidate, search))
        runs = []
        for seed in search["seeds"]:
            run = done[name, key, seed]
            curve = run["curve"][: candidate["epochs"]]
            runs.append(
                {
                    "seed": seed,
                    "validation_accuracy": curve[-1],
                    "curve": curve,
                    "seconds": run["seconds"],
                    # A shared run that diverged later than this candidate's last epoch did not diverge for it.
                    "diverged": run["diverged"] and 0.0 in curve,
                }
            )
        scores = [r["validation_accuracy"] for r in runs]
        results.append(
            {
                "recipe": candidate,
                "steps": steps(candidate, m),
                "validation_accuracy": scores,
                "median_validation_accuracy": statistics.median(scores),
                "runs": runs,
            }
        )
        log(f"[{name}] {candidate}: validation {' '.join(f'{s:.4f}' for s in scores)}")
    winner = choose(search, results)
    if winner is None:
        log(f"[{name}] no candidate reached {search['goal']:.0%} from every seed: no winner")
    return {
        "question": search["question"],
        "layer_sizes": list(search["layer_sizes"]),
        "rule": search["rule"],
        **({"goal": search["goal"]} if "goal" in search else {}),
        "seeds": list(search["seeds"]),
        "candidates": results,
        "winner": winner,
        "recipe": None if winner is None else results[winner]["recipe"],
    }


def load_split(data_dir=None, n_train=None) -> SimpleNamespace:
    """The official training images split into training and validation parts; the test images are dropped here."""
    data = load_mnist(
        data_dir, validation_size=VALIDATION_SIZE, seed=VALIDATION_SEED, n_train=n_train, download=False, progress=False
    )
    return SimpleNamespace(X_train=data.X_train, Y_train=data.Y_train, X_val=data.X_val, Y_val=data.Y_val)


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON file to write (docs/data/recipes.json)")
    p.add_argument("--only", default=None, help=f"comma-separated searches (default all: {', '.join(SEARCHES)})")
    p.add_argument("--n-train", type=int, default=None, help="train on only the first N images left after the split")
    p.add_argument("--data", type=Path, default=None, help="folder of the MNIST IDX files")
    p.add_argument("--jobs", type=int, default=1, help="runs in parallel, one BLAS thread each (1)")
    args = p.parse_args(argv)
    args.only = list(SEARCHES) if args.only is None else [k.strip() for k in args.only.split(",") if k.strip()]
    unknown = [k for k in args.only if k not in SEARCHES]
    if unknown:
        p.error(f"--only: unknown searches {unknown}; known: {', '.join(SEARCHES)}")
    for name in ("n_train", "jobs"):
        value = getattr(args, name)
        if value is not None and value <= 0:
            p.error(f"--{name.replace('_', '-')} must be positive, got {value}")
    return args


def _earlier(path: Path, validation: dict, provenance: dict) -> dict:
    """The searches of an earlier run in ``path`` on the same split and data, each with its run's provenance."""
    try:
        earlier = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    same = (
        earlier.get("format") == FORMAT
        and earlier["validation"] == validation
        and earlier["provenance"]["data_sha256"] == provenance["data_sha256"]
    )
    if not same:
        return {}
    return {
        name: {**s, "provenance": s.get("provenance", earlier["provenance"])} for name, s in earlier["searches"].items()
    }


def with_earlier(search: dict, before: dict | None) -> dict:
    """``search``, keeping ``before`` — the same search run earlier on other candidates — under ``earlier``.

    Every candidate ever tried stays on record, with the run that tried it.

    Examples
    --------
    >>> old = {"candidates": [{"recipe": {"epochs": 1}}], "winner": None}
    >>> new = with_earlier({"candidates": [{"recipe": {"epochs": 5}}], "winner": 0}, old)
    >>> [e["candidates"][0]["recipe"] for e in new["earlier"]]
    [{'epochs': 1}]
    >>> "earlier" in with_earlier(new, new)  # a rerun of the same candidates keeps what came before them
    True
    """
    if before is None:
        return search
    earlier = list(before.get("earlier", []))
    if [c["recipe"] for c in before["candidates"]] != [c["recipe"] for c in search["candidates"]]:
        earlier.append({k: v for k, v in before.items() if k != "earlier"})
    return {**search, "earlier": earlier} if earlier else search


def main(argv=None) -> dict:
    """Run the searches; a run of some of them (``--only``) keeps the others of the file it replaces."""
    args = parse_args(argv)
    run = Run(command_line(__name__ if __name__ != "__main__" else "benchmarks.recipes", argv))
    split = load_split(args.data, args.n_train)
    searches = run_searches(args.only, split, jobs=args.jobs)
    validation = {
        "size": int(split.X_val.shape[1]),
        "seed": VALIDATION_SEED,
        "from": "the official training images",
        "m_train": int(split.X_train.shape[1]),
    }
    provenance = run.provenance(split.X_train, split.Y_train, split.X_val, split.Y_val)
    for search in searches.values():
        search["provenance"] = provenance
    before = _earlier(args.out, validation, provenance)
    searches = {name: with_earlier(search, before.get(name)) for name, search in searches.items()}
    kept = {k: v for k, v in before.items() if k not in searches}
    report = {
        "format": FORMAT,
        "validation": validation,
        "searches": {name: searches.get(name) or kept[name] for name in SEARCHES if name in searches or name in kept},
        "provenance": provenance,
    }
    write_json(args.out, report)
    for name, s in searches.items():
        print(f"[{name}] winner: {s['recipe']}")
    print(f"wrote {args.out}")
    return report


if __name__ == "__main__":
    main()
