"""Head-to-head speed benchmarks: nn_scratch against PyTorch, scikit-learn and the tutorial.

Each function runs its peers one after the other in this process, on the same
data, under each thread limit in ``thread_counts``, and returns a plain dict
for the JSON file. Every peer's time is the minimum over ``repeats`` runs;
its ``best`` is the fastest thread setting, so a peer that copes badly with
two busy cores is not penalised for it — the ratios compare best with best.
"""

from __future__ import annotations

import numpy as np

from benchmarks import tutorial_reference as tutorial
from benchmarks.common import optional, threads, timed
from benchmarks.peers import (
    sklearn_accuracy,
    sklearn_model,
    torch_accuracy,
    torch_model,
    torch_tensors,
    train_nn_scratch,
    train_sklearn,
    train_torch,
)
from nn_scratch import Network, gradient_descent, init_params, train_step
from nn_scratch.network import matmul_flops

NOT_INSTALLED = "{} is not installed (pip install -e '.[bench]'); this peer was skipped"


def _best(per_thread: dict) -> dict:
    n, t = min(per_thread.items(), key=lambda item: item[1]["min"])
    return {"seconds": t["min"], "threads": int(n)}


def _summary(t: dict) -> dict:
    return {"min": t["min"], "median": t["median"], "runs": t["runs"]}


def mlp_flops(layer_sizes, m: int) -> float:
    """FLOPs of one epoch's matrix products on ``m`` examples: :func:`nn_scratch.network.matmul_flops`."""
    return float(matmul_flops(layer_sizes, m))


def minibatch_race(data, recipe: dict, *, layer_sizes, repeats: int, thread_counts, peers=("pytorch", "sklearn")):
    """Train ``layer_sizes`` with ``recipe`` in each peer; times, test accuracies and ratios.

    nn_scratch and PyTorch start from the same ``Network(seed=recipe["seed"])`` weights.
    """
    X, Y, X_test, Y_test = data.X_train, data.Y_train, data.X_test, data.Y_test
    seed = recipe.get("seed", 0)
    torch = optional("torch") if "pytorch" in peers else None
    sklearn = optional("sklearn") if "sklearn" in peers else None
    out = {
        "recipe": dict(recipe, layer_sizes=list(layer_sizes)),
        "m_train": int(X.shape[1]),
        "note": "nn_scratch and PyTorch start from the same initial weights (nn_scratch's He-normal draw); "
        "scikit-learn from its own Glorot-uniform draw. Each shuffles with its own generator.",
        "peers": {},
    }
    times = {"nn_scratch": {}, "pytorch": {}, "sklearn": {}}
    accuracy = {}
    warm = dict(recipe, epochs=1)
    X_warm, Y_warm = X[:, :1000], Y[:1000]
    for n in thread_counts:
        with threads(n, torch):
            # Untimed warm-up on 1,000 examples: first calls pay for lazy
            # initialisation (BLAS threads, PyTorch's kernels), not for training.
            train_nn_scratch(warm, X_warm, Y_warm, Network(layer_sizes, seed=seed))
            if torch is not None:
                train_torch(
                    torch,
                    warm,
                    *torch_tensors(torch, X_warm, Y_warm),
                    torch_model(torch, Network(layer_sizes, seed=seed)),
                )
            t = timed(
                lambda net: train_nn_scratch(recipe, X, Y, net),
                repeats,
                setup=lambda: Network(layer_sizes, seed=seed),
            )
            times["nn_scratch"][str(n)] = _summary(t)
            accuracy["nn_scratch"] = t["result"].accuracy(X_test, Y_test)
            if torch is not None:
                torch.manual_seed(seed)
                X_rows, Y_t = torch_tensors(torch, X, Y)
                t = timed(
                    lambda model, X_rows=X_rows, Y_t=Y_t: train_torch(torch, recipe, X_rows, Y_t, model),
                    repeats,
                    setup=lambda: torch_model(torch, Network(layer_sizes, seed=seed)),
                )
                times["pytorch"][str(n)] = _summary(t)
                accuracy["pytorch"] = torch_accuracy(torch, t["result"], X_test, Y_test)
            if sklearn is not None:
                hidden = tuple(layer_sizes[1:-1])
                t = timed(
                    lambda model: train_sklearn(model, X, Y),
                    max(1, repeats // 2),
                    setup=lambda hidden=hidden: sklearn_model(recipe, hidden),
                )
                times["sklearn"][str(n)] = _summary(t)
                accuracy["sklearn"] = sklearn_accuracy(t["result"], X_test, Y_test)
    for name, module, dist in (
        ("nn_scratch", True, None),
        ("pytorch", torch, "torch"),
        ("sklearn", sklearn, "scikit-learn"),
    ):
        if name != "nn_scratch" and name not in peers:
            continue
        if module is None:
            out["peers"][name] = {"skipped": NOT_INSTALLED.format(dist)}
            continue
        out["peers"][name] = {
            "seconds_by_threads": times[name],
            "best": _best(times[name]),
            "test_accuracy": accuracy[name],
        }
    nn = out["peers"]["nn_scratch"]["best"]["seconds"]
    out["ratios"] = {
        f"{name}_over_nn_scratch": peer["best"]["seconds"] / nn
        for name, peer in out["peers"].items()
        if name != "nn_scratch" and "best" in peer
    }
    flops = mlp_flops(layer_sizes, X.shape[1]) * recipe["epochs"]
    out["gflop"] = flops / 1e9
    for peer in out["peers"].values():
        if "best" in peer:
            peer["gflops_per_second"] = flops / peer["best"]["seconds"] / 1e9
    return out


def time_to_accuracy(data, recipe: dict, *, goal: float, repeats: int, thread_counts) -> dict:
    """The 784-10-10 race: the time of a recipe that takes nn_scratch past ``goal`` test accuracy."""
    out = minibatch_race(data, recipe, layer_sizes=(784, 10, 10), repeats=repeats, thread_counts=thread_counts)
    out["goal_test_accuracy"] = goal
    for peer in out["peers"].values():
        if "test_accuracy" in peer:
            peer["reached_goal"] = peer["test_accuracy"] >= goal
    return out


def _tutorial_iteration(params, X, Y, alpha):
    W1, b1, W2, b2 = params
    Z1, A1, Z2, A2 = tutorial.forward_prop(W1, b1, W2, b2, X)
    grads = tutorial.backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y, X.shape[1])
    return tutorial.update_params(W1, b1, W2, b2, *grads, alpha)


def equivalence(X64, Y, iterations: int = 5, alpha: float = 0.1) -> dict:
    """Run both codes in float64 from the same parameters; how far apart do they end up?

    The tutorial's loop uses :func:`tutorial_reference.backward_prop_per_unit`
    (its bias bug corrected), so both compute the same equations.
    """
    params = init_params((784, 10, 10), init="uniform", seed=0, dtype=np.float64)
    start = tuple(params[k].copy() for k in ("W1", "b1", "W2", "b2"))
    net = Network.from_params(params)
    gradient_descent(net, X64, Y, alpha=alpha, iterations=iterations, log_every=iterations)
    theirs = tutorial.gradient_descent(X64, Y, alpha, iterations, start, per_unit_bias=True)
    diffs = {
        k: float(np.max(np.abs(net.params[k] - P)) / max(float(np.max(np.abs(P))), 1e-300))
        for k, P in zip(("W1", "b1", "W2", "b2"), theirs, strict=True)
    }
    return {
        "iterations": iterations,
        "max_relative_difference": diffs,
        "equal_within_1e-10": max(diffs.values()) < 1e-10,
    }


def full_batch(data, *, repeats: int, thread_counts, alpha: float = 0.1) -> dict:
    """One full-batch gradient-descent iteration on every training image, 784-10-10."""
    X, Y = data.X_train, data.Y_train
    X64 = X.astype(np.float64)  # the tutorial's data: float64, one column per example
    out = {
        "m_train": int(X.shape[1]),
        "alpha": alpha,
        "note": "One iteration = gradient_descent's step (forward, backward, update; its loss only at logged steps). "
        "nn_scratch in float32 (its default) and float64; "
        "the tutorial's faithful code in float64 (as written), including its one-hot matrix.",
        "by_threads": {},
    }
    for n in thread_counts:
        with threads(n):
            row = {}
            for name, dtype, Xd in (("nn_scratch_float32", np.float32, X), ("nn_scratch_float64", np.float64, X64)):
                net = Network(init="uniform", seed=0, dtype=dtype)
                Xd = net.check_X(Xd)  # checked once, as gradient_descent does; its steps are train_step
                train_step(net.params, Xd, Y, alpha)  # warm-up: first-touch of the temporaries
                row[name] = _summary(timed(lambda net=net, Xd=Xd: train_step(net.params, Xd, Y, alpha), repeats))
                if dtype is np.float32:
                    net32 = net
            # The two products that read all of X, alone: how much of the iteration they are.
            for suffix, Xd in (("", X), ("_float64", X64)):
                W1, dZ1 = net32.params["W1"].astype(Xd.dtype), np.ones((10, X.shape[1]), dtype=Xd.dtype)
                row["product_W1_X" + suffix] = _summary(timed(lambda W1=W1, Xd=Xd: W1 @ Xd, repeats))
                row["product_dZ1_XT" + suffix] = _summary(timed(lambda dZ1=dZ1, Xd=Xd: dZ1 @ Xd.T, repeats))
            params = tutorial.init_params(np.random.default_rng(0))
            _tutorial_iteration(params, X64, Y, alpha)
            row["tutorial_float64"] = _summary(
                timed(lambda params=params: _tutorial_iteration(params, X64, Y, alpha), repeats)
            )
            out["by_threads"][str(n)] = row
    best = {name: min(out["by_threads"][n][name]["min"] for n in out["by_threads"]) for name in row}
    out["products_seconds"] = {"W1 @ X": best.pop("product_W1_X"), "dZ1 @ X.T": best.pop("product_dZ1_XT")}
    out["products_seconds_float64"] = {
        "W1 @ X": best.pop("product_W1_X_float64"),
        "dZ1 @ X.T": best.pop("product_dZ1_XT_float64"),
    }
    # Which limit holds: the two X-reading products against memory bandwidth and the matmul peak.
    out["x_read_limit"] = {
        "float32": x_read_limit(X, sum(out["products_seconds"].values())),
        "float64": x_read_limit(X64, sum(out["products_seconds_float64"].values())),
    }
    out["best_seconds"] = best
    out["ratios"] = {
        "tutorial_over_nn_scratch": best["tutorial_float64"] / best["nn_scratch_float32"],
        "tutorial_over_nn_scratch_float64": best["tutorial_float64"] / best["nn_scratch_float64"],
    }
    out["equivalence_float64"] = equivalence(X64, Y)
    return out


def products_floor(X, layer_sizes, *, batch_size: int, repeats: int) -> dict:
    """Seconds of the matrix products alone of one epoch of steps at ``batch_size``: the step's floor.

    Per step, 784-10-10 has five products (two per layer, plus ``W2ᵀ dZ2``); they are
    run on one batch already in cache, with nothing else, as many times as an epoch has steps.

    Examples
    --------
    >>> X = np.random.default_rng(0).random((6, 40), dtype=np.float32)
    >>> out = products_floor(X, (6, 5, 3), batch_size=8, repeats=1)
    >>> out["products_per_step"], out["steps"]
    (5, 5)
    """
    params = init_params(layer_sizes, seed=0, dtype=X.dtype)
    m, B = X.shape[1], batch_size
    steps = -(-m // B)
    Xb = np.asfortranarray(X[:, :B])
    L = len(layer_sizes) - 1
    A = [Xb] + [np.ones((n, B), X.dtype) for n in layer_sizes[1:]]
    W = [params[f"W{l}"] for l in range(1, L + 1)]

    def epoch():
        for _ in range(steps):
            for l in range(L):  # forward: Z[l] = W[l] A[l-1]
                W[l] @ A[l]
            for l in range(L - 1, -1, -1):  # backward: dW[l] = dZ[l] A[l-1]ᵀ, and Wᵀ dZ below the top
                A[l + 1] @ A[l].T
                if l > 0:
                    W[l].T @ A[l + 1]

    epoch()
    t = timed(epoch, repeats)
    return {"steps": steps, "products_per_step": 3 * L - 1, **_summary(t)}


def step_race(data, recipe: dict, *, repeats: int, thread_counts) -> dict:
    """784-10-10 at a small batch: one epoch of ``sgd``, of PyTorch and of the products alone, per thread count.

    The ratios are per thread count (not best against best): PyTorch ÷ nn_scratch,
    and nn_scratch ÷ the floor of its matrix products.
    """
    out = minibatch_race(
        data, recipe, layer_sizes=(784, 10, 10), repeats=repeats, thread_counts=thread_counts, peers=("pytorch",)
    )
    out["floor"] = {}
    for n in thread_counts:
        with threads(n):
            out["floor"][str(n)] = products_floor(
                data.X_train, (784, 10, 10), batch_size=recipe["batch_size"], repeats=repeats
            )
    nn = out["peers"]["nn_scratch"]["seconds_by_threads"]
    torch_times = out["peers"].get("pytorch", {}).get("seconds_by_threads", {})
    out["by_threads"] = {
        n: {
            "nn_scratch_seconds": nn[n]["min"],
            "floor_seconds": out["floor"][n]["min"],
            "nn_scratch_over_floor": nn[n]["min"] / out["floor"][n]["min"],
            **(
                {
                    "pytorch_seconds": torch_times[n]["min"],
                    "pytorch_over_nn_scratch": torch_times[n]["min"] / nn[n]["min"],
                }
                if n in torch_times
                else {}
            ),
        }
        for n in nn
    }
    return out


def x_read_limit(X, seconds: float) -> dict:
    """Bandwidth and arithmetic rate of the two products that read all of ``X`` (10 rows each) in ``seconds``.

    Examples
    --------
    >>> out = x_read_limit(np.ones((784, 1000), dtype=np.float32), 1e-3)
    >>> round(out["gb_per_second"], 2), round(out["gflops_per_second"], 2)
    (6.27, 31.36)
    """
    moved = 2 * X.nbytes  # W1 @ X and dZ1 @ X.T each read X once
    flops = 2 * 2 * 10 * X.shape[0] * X.shape[1]
    return {
        "bytes": moved,
        "flops": flops,
        "seconds": seconds,
        "gb_per_second": moved / seconds / 1e9,
        "gflops_per_second": flops / seconds / 1e9,
        "flops_per_byte": flops / moved,
    }
