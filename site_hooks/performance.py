"""MkDocs hook: the Performance page's figures and tables, drawn from the committed benchmark JSON.

``python -m benchmarks.run`` measures and writes ``docs/data/benchmarks.json``;
``python -m benchmarks.recipes`` chooses its recipes on a validation split and
writes ``docs/data/recipes.json``. The build never re-runs either (they take
minutes and their numbers depend on the machine). This hook reads both files,
draws the figures into the site as ``assets/performance/*.png`` and registers
the ``perf`` namespace of ``site_hooks/fields.py``: each ``{{ perf.<name> }}``
field of ``docs/performance.md`` becomes a table or a number from them — so
the page can only show what the runs measured, labelled with the machine and
the date. A field the hook does not know, or a missing or quick-mode JSON
file, fails the build; a benchmark run whose recipes are not the search's
winners is said to be so on the page.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import fields
import numpy as np
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from quantities import flops_per_step

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "docs" / "data" / "benchmarks.json"
RECIPES = REPO / "docs" / "data" / "recipes.json"
TARGETS = REPO / "benchmarks" / "targets.json"
FIGURES = "assets/performance"
_results: dict = {}
fields.register("perf", lambda: _results["fields"], source="site_hooks/performance.py")

PEER_NAMES = {"nn_scratch": "nn_scratch", "pytorch": "PyTorch (CPU)", "sklearn": "scikit-learn MLPClassifier"}


def _pct(x: float) -> str:
    return f"{100 * x:.2f} %"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _machine(report: dict) -> str:
    m = report["machine"]
    blas = ", ".join(
        f"{b['internal_api']} {b['version']} ({b['architecture']})" for b in m["blas"] if b.get("internal_api")
    )
    versions = (("PyTorch", "torch"), ("scikit-learn", "scikit_learn"))
    peers = ", ".join(f"{name} {m[key]}" for name, key in versions if m.get(key))
    load0 = m["load_average_start"][0] if m.get("load_average_start") else None
    load1 = m["load_average_end"][0] if m.get("load_average_end") else None
    return (
        f"{m['cpu']}, {m['cores']} cores; Python {m['python']}, NumPy {m['numpy']} with {blas}"
        + (f"; {peers}" if peers else "")
        + f". Measured {m['date_utc']}, one-minute load average {load0:.1f} at the start and {load1:.1f} at the end"
        + f" on {m['cores']} cores."
    )


def tables(report: dict, search: dict) -> dict:
    """The page's fields, as Markdown, from one benchmark report and the recipe search that chose its recipes."""
    peak = max(p["gflops"] for p in report["machine"]["matmul_peak"].values())
    out = {
        "machine": _machine(report),
        "peak": f"{peak:.0f} GFLOP/s",
        "peak_size": " × ".join([str(next(iter(report["machine"]["matmul_peak"].values()))["n"])] * 2),
    }
    b = report["benchmarks"]
    for part in (_race_fields, _full_batch_fields, _wide_fields, _scaling_fields, _accuracy_fields):
        out.update(part(b))
    for key, part in (("step", _step_fields), ("nielsen", _nielsen_fields), ("memory", _memory_fields)):
        out.update(part(b) if key in b else {f"{key}_table": NOT_RUN})
    out.update(_x_read_fields(b["full_batch"], peak))
    out.update(search_fields(search, b))
    r = b["time_to_92"]["recipe"]
    step_flops = flops_per_step((784, 10, 10), r["batch_size"])
    out["race_batch"] = str(r["batch_size"])
    out["race_step_flops"] = f"{step_flops / 1e6:.1f} million"
    out["race_step_arithmetic"] = f"{step_flops / (peak * 1e3):.0f} µs"
    out["targets_table"] = _targets(report)
    return out


def _recipe_text(r: dict) -> str:
    """A recipe in words, from its sgd keywords.

    Examples
    --------
    >>> _recipe_text({"epochs": 3, "batch_size": 100, "alpha": 0.2, "momentum": 0.0})
    '3 epochs, batch size 100, learning rate α = 0.2, no momentum'
    >>> _recipe_text({"epochs": 1, "batch_size": 64, "alpha": 0.1, "momentum": 0.9, "schedule": "cosine",
    ...               "weight_decay": 1e-4, "inputs": "standardised"})
    '1 epoch, batch size 64, learning rate α = 0.1, momentum μ = 0.9, cosine schedule, weight decay λ = 0.0001, standardised inputs'
    """
    words = [
        f"{r['epochs']} epoch" + ("s" if r["epochs"] != 1 else ""),
        f"batch size {r['batch_size']}",
        f"learning rate α = {r['alpha']:g}",
        f"momentum μ = {r['momentum']:g}" if r.get("momentum") else "no momentum",
    ]
    if r.get("schedule"):
        words.append(f"{r['schedule']} schedule")
    if r.get("weight_decay"):
        words.append(f"weight decay λ = {r['weight_decay']:g}")
    if r.get("inputs") == "standardised":
        words.append("standardised inputs")
    return ", ".join(words)


def _race_fields(b: dict) -> dict:
    race = b["time_to_92"]
    steps = race["recipe"]["epochs"] * -(-race["m_train"] // race["recipe"]["batch_size"])
    rows = []
    for name, peer in race["peers"].items():
        if "skipped" in peer:
            rows.append([PEER_NAMES[name], "skipped: not installed", "", "", "", ""])
            continue
        ratio = race["ratios"].get(f"{name}_over_nn_scratch", 1.0)
        seconds = peer["best"]["seconds"]
        rows.append(
            [
                PEER_NAMES[name],
                f"{seconds:.3f} s",
                f"{1e6 * seconds / steps:.0f} µs",
                str(peer["best"]["threads"]),
                _pct(peer["test_accuracy"]),
                f"{ratio:.1f}×",
            ]
        )
    header = ["", "training time", "per step", "threads", "test accuracy", "time ÷ nn_scratch's"]
    return {
        "race_table": _table(header, rows),
        "race_steps": f"{steps:,}",
        "race_recipe": _recipe_text(race["recipe"]),
        "race_m_train": f"{race['m_train']:,}",
    }


def _full_batch_fields(b: dict) -> dict:
    full = b["full_batch"]
    best, ratios = full["best_seconds"], full["ratios"]
    eq = full["equivalence_float64"]
    prod = full["products_seconds"]
    flops = 2 * 10 * 784 * full["m_train"]
    rows = [
        ["nn_scratch, float32 (the default)", "nn_scratch_float32", "tutorial_over_nn_scratch"],
        ["nn_scratch, float64", "nn_scratch_float64", "tutorial_over_nn_scratch_float64"],
    ]
    table = [[label, f"{1e3 * best[key]:.1f} ms", f"{ratios[ratio]:.1f}×"] for label, key, ratio in rows]
    table.append(["the tutorial's code, float64", f"{1e3 * best['tutorial_float64']:.1f} ms", "1.0×"])
    return {
        "full_table": _table(["", "one iteration", "tutorial's time ÷ this"], table),
        "equivalence": (
            f"after {eq['iterations']} iterations the largest relative difference between the two codes' "
            f"parameters was {max(eq['max_relative_difference'].values()):.1e}"
        ),
        "products_sentence": (
            f"alone, on the same data, $W^{{[1]}} X$ took {1e3 * prod['W1 @ X']:.0f} ms and "
            f"$dZ^{{[1]}} X^\\top$ {1e3 * prod['dZ1 @ X.T']:.0f} ms of nn_scratch's "
            f"{1e3 * best['nn_scratch_float32']:.0f} ms iteration, "
            f"{flops / prod['W1 @ X'] / 1e9:.0f} and {flops / prod['dZ1 @ X.T'] / 1e9:.0f} GFLOP/s"
        ),
        "float64_sentence": (
            f"in float64 nn_scratch took {1e3 * best['nn_scratch_float64']:.0f} ms and the tutorial "
            f"{1e3 * best['tutorial_float64']:.0f} ms"
        ),
    }


NOT_RUN = "This benchmark is not in the committed results (they predate it): run `python -m benchmarks.run`."


def _step_fields(b: dict) -> dict:
    st = b["step"]
    steps = -(-st["m_train"] // st["recipe"]["batch_size"])
    rows = []
    for n, row in st["by_threads"].items():
        torch_s = row.get("pytorch_seconds")
        rows.append(
            [
                n,
                f"{1e6 * row['floor_seconds'] / steps:.0f} µs",
                f"{1e6 * row['nn_scratch_seconds'] / steps:.0f} µs",
                f"{1e6 * torch_s / steps:.0f} µs" if torch_s else "—",
                f"{row['nn_scratch_over_floor']:.1f}×",
                f"{row['pytorch_over_nn_scratch']:.1f}×" if torch_s else "—",
            ]
        )
    header = ["threads", "floor: the five products alone", "nn_scratch step", "PyTorch step"]
    return {
        "step_table": _table(header + ["nn_scratch ÷ floor", "PyTorch ÷ nn_scratch"], rows),
        "step_recipe": _recipe_text(st["recipe"]),
        "step_batch": str(st["recipe"]["batch_size"]),
    }


def _x_read_fields(full: dict, peak: float) -> dict:
    """What the two products that read X reached, and which limit the measurements rule out."""
    limit = full["x_read_limit"]
    f32, f64 = limit["float32"], limit["float64"]
    measured = "; ".join(
        f"in {dtype} the two products moved {r['gb_per_second']:.1f} GB/s of $X$ and did "
        f"{r['gflops_per_second']:.0f} GFLOP/s ({r['flops_per_byte']:.1f} operations per byte)"
        for dtype, r in limit.items()
    )
    speedup = f64["seconds"] / f32["seconds"]
    fraction = max(f32["gflops_per_second"], f64["gflops_per_second"]) / peak
    if f64["gb_per_second"] > f32["gb_per_second"]:
        bandwidth = (
            f"float64 streamed $X$ faster ({f64['gb_per_second']:.1f} GB/s) than float32 did "
            f"({f32['gb_per_second']:.1f} GB/s), which rules out memory bandwidth as what holds float32 back: "
            f"halving the bytes made the two products only {speedup:.2f} times faster"
        )
    else:
        bandwidth = (
            f"float64 streamed $X$ no faster ({f64['gb_per_second']:.1f} GB/s) than float32 "
            f"({f32['gb_per_second']:.1f} GB/s), as a bandwidth limit would have it: halving the bytes made "
            f"the two products {speedup:.2f} times faster"
        )
    arithmetic = (
        f"at {100 * fraction:.0f} % of the matrix-multiply peak at most, they are far from the arithmetic limit too"
        if fraction < 0.5
        else f"they reach {100 * fraction:.0f} % of the matrix-multiply peak"
    )
    conclusion = f"So {bandwidth}; and {arithmetic}."
    if f64["gb_per_second"] > f32["gb_per_second"] and fraction < 0.5:
        conclusion += (
            " Neither limit explains their time: it is set by how the BLAS library runs a product of this "
            "shape, which these measurements do not break down further."
        )
    return {
        "x_read_sentence": measured + f", against a matrix-multiply peak of {peak:.0f} GFLOP/s",
        "x_read_conclusion": conclusion,
        "x_read_bandwidth_for_peak": f"{peak / f32['flops_per_byte']:.0f} GB/s",
    }


def _nielsen_fields(b: dict) -> dict:
    ni = b["nielsen"]
    theirs, ours = ni["nielsen"], ni["nn_scratch"]
    rows = [
        [str(e + 1), f"{t1:.2f} s", _pct(a1), f"{t2:.2f} s", _pct(a2)]
        for e, (t1, a1, t2, a2) in enumerate(
            zip(theirs["seconds"], theirs["test_accuracy"], ours["seconds"], ours["test_accuracy"], strict=True)
        )
    ]
    header = ["epoch", "network.py: time", "network.py: test accuracy", "nn_scratch: time", "nn_scratch: test accuracy"]
    r = ours["recipe"]
    return {
        "nielsen_ours": f"{'He' if r['init'] == 'he' else r['init']} initialisation, {r['dtype']}, α = {r['alpha']:g}",
        "nielsen_table": _table(header, rows)
        + f"\n\nFastest epoch of network.py ÷ fastest epoch of nn_scratch: {ni['nielsen_over_nn_scratch']:.1f}×"
        f" ({theirs['m_train']:,} training images, {ni['threads']} thread).",
    }


def _memory_fields(b: dict) -> dict:
    rows = []
    for dtype, mem in b["memory"].items():
        if not isinstance(mem, dict):  # wall_seconds
            continue
        for work, row in mem["work"].items():
            rss = row.get("rss_peak_extra_bytes")
            rows.append(
                [
                    work.replace("_", " "),
                    dtype,
                    f"{mem['X_bytes'] / 1e6:.1f} MB",
                    f"{row['tracemalloc_peak_extra_bytes'] / 1e6:.1f} MB "
                    f"({row['tracemalloc_peak_extra_over_X']:.2f} × X)",
                    f"{rss / 1e6:.1f} MB ({row['rss_peak_extra_over_X']:.2f} × X)" if rss is not None else "—",
                ]
            )
    header = ["work", "dtype", "size of X", "peak extra, tracemalloc", "peak extra, resident set"]
    return {"memory_table": _table(header, rows)}


def _wide_fields(b: dict) -> dict:
    wide = b["wide"]
    rows = []
    for name, peer in wide["peers"].items():
        if "skipped" in peer:
            rows.append([PEER_NAMES[name], "skipped: not installed", "", ""])
            continue
        rows.append(
            [
                PEER_NAMES[name],
                f"{peer['best']['seconds']:.2f} s",
                f"{peer['gflops_per_second']:.1f} GFLOP/s",
                f"{100 * peer['fraction_of_matmul_peak']:.0f} %",
            ]
        )
    ratio = wide["ratios"].get("pytorch_over_nn_scratch")
    return {
        "wide_table": _table(["", "one epoch", "achieved", "of the matmul peak"], rows),
        "wide_ratio": f"{1 / ratio:.2f}" if ratio else "not measured (PyTorch was not installed)",
        "wide_recipe": _recipe_text(wide["recipe"]),
        "wide_batch": str(wide["recipe"]["batch_size"]),
    }


def _scaling_fields(b: dict) -> dict:
    sc = b["scaling"]
    scaling_table = _table(
        ["hidden units", "examples", "one epoch", "GFLOP/s", "µs per step"],
        [
            [
                str(row["width"]),
                f"{row['m']:,}",
                f"{row['seconds']:.3f} s",
                f"{row['gflops_per_second']:.1f}",
                f"{row['microseconds_per_step']:.0f}",
            ]
            for row in sc["by_width"] + sc["by_examples"]
        ],
    )
    rows = []
    for br in sc["step_breakdown"]:
        us = br["microseconds_per_step"]
        total = sum(us.values())
        rows.append(
            ["-".join(map(str, br["layer_sizes"])) + f", batch {br['batch_size']}"]
            + [f"{v:.0f} ({100 * v / total:.0f} %)" for v in us.values()]
            + [f"{total:.0f}"]
        )
    phases = list(sc["step_breakdown"][0]["microseconds_per_step"])
    w = sc["by_width"]
    first, last = w[0], w[-1]
    wide_rates = [r["gflops_per_second"] for r in w[2:] or w[-1:]]
    summary = (
        f"From {first['width']} to {last['width']:,} hidden units the arithmetic grows "
        f"{last['width'] / first['width']:.0f}-fold but an epoch takes only "
        f"{last['seconds'] / first['seconds']:.0f} times longer "
        f"({first['seconds']:.2f} s → {last['seconds']:.1f} s): the narrow network runs at "
        f"{first['gflops_per_second']:.0f} GFLOP/s, the wide ones at "
        f"{min(wide_rates):.0f}–{max(r['gflops_per_second'] for r in w):.0f} GFLOP/s"
    )
    narrow, wide = sc["step_breakdown"][0], sc["step_breakdown"][-1]
    wide_us = wide["microseconds_per_step"]
    return {
        "scaling_table": scaling_table,
        "breakdown_table": _table(["µs per step"] + phases + ["total"], rows),
        "scaling_summary": summary,
        "breakdown_batch": str(narrow["batch_size"]),
        "wide_update_share": f"{100 * wide_us['update'] / sum(wide_us.values()):.0f} %",
    }


def _accuracy_fields(b: dict) -> dict:
    acc = b["accuracy"]
    rows = []
    for run in [acc["wide"], *acc["small"]["runs"]]:
        rc = run["recipe"]
        rows.append(
            [
                "-".join(map(str, rc["layer_sizes"])),
                _recipe_text({**rc, "inputs": run.get("inputs")}) + f", seed {rc['seed']}",
                f"{run['training_seconds']:.0f} s",
                _pct(run["train_accuracy"]),
                _pct(run["test_accuracy"]),
            ]
        )
    header = ["network", "recipe", "training time", "training accuracy", "test accuracy"]
    small = sorted(100 * r["test_accuracy"] for r in acc["small"]["runs"])
    return {
        "accuracy_table": _table(header, rows),
        "small_seeds": str(len(small)),
        "small_seed_spread": (
            f"their test accuracies span {small[-1] - small[0]:.2f} points ({small[0]:.2f} % to {small[-1]:.2f} %)"
        ),
    }


def _same_recipe(ran: dict, chosen: dict, inputs: str | None = None) -> bool:
    """Whether the benchmark ran the recipe the search chose (every keyword the search set; inputs too).

    Examples
    --------
    >>> _same_recipe({"epochs": 3, "alpha": 0.2, "seed": 0}, {"epochs": 3, "alpha": 0.2})
    True
    >>> _same_recipe({"epochs": 3, "alpha": 0.2}, {"epochs": 3, "alpha": 0.1})
    False
    """
    chosen = dict(chosen)
    if chosen.pop("inputs", "pixels") != (inputs or "pixels"):
        return False
    chosen.pop("init", None)
    return all(ran.get(k) == v for k, v in chosen.items())


# The names the page gives sgd's keywords (and the input preparation) in tables and legends.
SYMBOLS = {"alpha": "α", "momentum": "μ", "weight_decay": "λ", "batch_size": "batch size", "epochs": "epochs"}


def _varied(search: dict) -> list[str]:
    """The recipe keys whose value differs between the search's candidates."""
    candidates = search["candidates"]
    return [k for k in candidates[0]["recipe"] if len({str(c["recipe"][k]) for c in candidates}) > 1]


def _candidates_table(search: dict, *, steps: bool = False) -> str:
    varied = _varied(search)
    seeds = search["seeds"]
    header = (
        [SYMBOLS.get(k, k) for k in varied] + (["steps"] if steps else []) + [f"validation, seed {s}" for s in seeds]
    )
    if len(seeds) > 1:
        header.append("median")
    rows = []
    for i, c in enumerate(search["candidates"]):
        mark = "**" if i == search["winner"] else ""
        cells = [f"{c['recipe'][k]:g}" if isinstance(c["recipe"][k], float) else str(c["recipe"][k]) for k in varied]
        cells += [f"{c['steps']:,}"] if steps else []
        cells += [_pct(a) for a in c["validation_accuracy"]]
        cells += [_pct(c["median_validation_accuracy"])] if len(seeds) > 1 else []
        rows.append([f"{mark}{cell}{mark}" if mark else cell for cell in cells])
    return _table(header, rows)


def _how_chosen(search: dict, ran: dict, inputs: str | None, what: str) -> str:
    rule = {
        "cheapest": f"the candidate with the fewest steps whose validation accuracy reached "
        f"{100 * search.get('goal', 0):g} % from every seed",
        "median": "the candidate with the highest median validation accuracy over the seeds",
        "best": "the candidate with the highest validation accuracy",
    }[search["rule"]]
    if search["recipe"] is None:
        return f"No candidate met the rule ({rule}); {what} below was not chosen by the search."
    text = (
        f"The search chose {rule}: {_recipe_text(search['recipe'])} (in bold below, "
        f"{len(search['candidates'])} candidates)."
    )
    if not _same_recipe(ran, search["recipe"], inputs):
        text += (
            f" **The committed benchmark run predates this choice:** {what} below trained "
            f"{_recipe_text({**ran, 'inputs': inputs})}. Rerun `python -m benchmarks.run` to measure the chosen recipe."
        )
    return text


def _earlier_grids(search: dict) -> str:
    """The candidates of the same search run before on another grid, each in a folded note, winner or not."""
    notes = []
    for before in search.get("earlier", []):
        outcome = (
            f"chose {_recipe_text(before['recipe'])}"
            if before["recipe"] is not None
            else "found no candidate that met the rule, so the grid above was tried next"
        )
        table = _candidates_table(before, steps="steps" in before["candidates"][0]).replace("\n", "\n    ")
        notes.append(
            f'??? note "An earlier grid of {len(before["candidates"])} candidates ({before["provenance"]["started_utc"]})"\n\n'
            f"    `{before['provenance']['command']}` {outcome}:\n\n    {table}"
        )
    return "".join("\n\n" + n for n in notes)


def _search_runs(searches: dict) -> str:
    """Which run of the search chose which recipes: command, start, duration, cores and load."""
    runs: dict[str, list[str]] = {}
    for name, search in searches.items():
        prov = search["provenance"]
        key = (
            f"`{prov['command']}` ({prov['started_utc']}, {prov['wall_time_s'] / 60:.0f} min on "
            f"{prov['cpu_count']} cores at load {prov['load_average_start']:.1f})"
        )
        runs.setdefault(key, []).append(f"`{name}`")
    return "; ".join(f"{key} for {', '.join(names)}" for key, names in runs.items())


def search_fields(search: dict, b: dict) -> dict:
    """How each benchmarked recipe was chosen: the validation split, every candidate, the winner."""
    s, v = search["searches"], search["validation"]
    acc = b["accuracy"]
    small_run = acc["small"]["runs"][0]
    return {
        "validation": (
            f"{v['size']:,} of the official training images, drawn at random with seed {v['seed']}, held out "
            f"(the other {v['m_train']:,} train each candidate)"
        ),
        "search_runs": _search_runs(s),
        "race_how_chosen": _how_chosen(s["time_to_92"], b["time_to_92"]["recipe"], None, "the race"),
        "race_candidates": _candidates_table(s["time_to_92"], steps=True) + _earlier_grids(s["time_to_92"]),
        "small_how_chosen": _how_chosen(s["small"], small_run["recipe"], small_run.get("inputs"), "the 784-10-10 run"),
        "small_candidates": _candidates_table(s["small"]),
        "wide_how_chosen": _how_chosen(
            s["wide"], acc["wide"]["recipe"], acc["wide"].get("inputs"), "the 784-800-10 run"
        ),
        "wide_candidates": _candidates_table(s["wide"]),
    }


def target_labels(path: Path = TARGETS) -> dict:
    """``(benchmark, target) → label`` with the bound filled in, from the benchmarks' own targets file.

    Examples
    --------
    >>> target_labels()["full_batch", "over_floor_at_most"]
    'full-batch iteration ÷ its two products that read X (the floor) ≤ 1.1, float32 and float64'
    """
    labels = {}
    for name, targets in json.loads(path.read_text(encoding="utf-8")).items():
        for key, t in targets.items():
            b = t["bound"]
            labels[name, key] = t["label"].format(bound=b, bound_ms=1e3 * b, bound_pct=100 * b, bound_min=b / 60)
    return labels


def _target_rows(report: dict) -> list[tuple[str, str, str, object]]:
    """(benchmark, target, what this run measured, met) for every target, in the page's order."""
    b, met = report["benchmarks"], report["targets_met"]
    race, full, acc = b["time_to_92"], b["full_batch"], b["accuracy"]
    nn = race["peers"]["nn_scratch"]
    ratio_torch = race["ratios"].get("pytorch_over_nn_scratch")
    wide_ratio = b["wide"]["ratios"].get("pytorch_over_nn_scratch")
    small = acc["small"]["runs"]
    differences = full["equivalence_float64"]["max_relative_difference"].values()
    step_rows = []
    for n, row in b.get("step", {}).get("by_threads", {}).items():
        ratio = row.get("pytorch_over_nn_scratch")
        step_rows.append(
            (
                "step",
                "pytorch_over_nn_scratch_at_least",
                f"{n} thread(s): {ratio:.1f}" if ratio else "—",
                met.get("step", {}).get(f"pytorch_over_nn_scratch_{n}_threads_at_least"),
            )
        )
    if not step_rows:
        step_rows = [("step", "pytorch_over_nn_scratch_at_least", "—", None)]
    floor_rows = [
        (
            "full_batch",
            "over_floor_at_most",
            f"{n} thread(s): " + ", ".join(f"{dtype} {ratio:.2f}" for dtype, ratio in by_dtype.items()),
            all(met["full_batch"].get(f"over_floor_{dtype}_{n}_threads_at_most") for dtype in by_dtype),
        )
        for n, by_dtype in full["over_floor"].items()
    ]
    return (
        step_rows
        + floor_rows
        + [
            (
                "time_to_92",
                "nn_scratch_seconds_at_most",
                f"{nn['best']['seconds']:.3f} s, {_pct(nn['test_accuracy'])}",
                met["time_to_92"].get("nn_scratch_seconds_at_most"),
            ),
            (
                "time_to_92",
                "pytorch_over_nn_scratch_at_least",
                f"{ratio_torch:.1f}" if ratio_torch else "—",
                met["time_to_92"].get("pytorch_over_nn_scratch_at_least"),
            ),
            ("full_batch", "equal_within_1e-10", f"{max(differences):.0e}", met["full_batch"]["equal_within_1e-10"]),
            (
                "wide",
                "nn_scratch_over_pytorch_at_most",
                f"{1 / wide_ratio:.2f}" if wide_ratio else "—",
                met["wide"].get("nn_scratch_over_pytorch_at_most"),
            ),
            (
                "accuracy",
                "wide_test_accuracy_at_least",
                _pct(acc["wide"]["test_accuracy"]),
                met["accuracy"]["wide_test_accuracy_at_least"],
            ),
            (
                "accuracy",
                "wide_training_seconds_at_most",
                f"{acc['wide']['training_seconds']:.0f} s",
                met["accuracy"]["wide_training_seconds_at_most"],
            ),
            (
                "accuracy",
                "small_test_accuracy_at_least",
                ", ".join(f"seed {r['recipe']['seed']}: {_pct(r['test_accuracy'])}" for r in small),
                met["accuracy"]["small_test_accuracy_at_least"],
            ),
            (
                "accuracy",
                "small_median_test_accuracy_at_least",
                _pct(acc["small"]["median_test_accuracy"]),
                met["accuracy"].get("small_median_test_accuracy_at_least"),
            ),
        ]
    )


def _targets(report: dict) -> str:
    yes = {True: "met", False: "**not met**", None: "not measured"}
    labels = target_labels()
    rows = []
    for name, key, measured, met in _target_rows(report):
        verdict = ", ".join(f"seed {s}: {yes[v]}" for s, v in met.items()) if isinstance(met, dict) else yes[met]
        rows.append([labels[name, key], measured, verdict])
    return _table(["target", "this run", ""], rows)


def figures(report: dict, search: dict) -> dict[str, bytes]:
    """PNG figures of the report: the races, the scaling curves, the step's phases, the searches' validation curves."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m = report["machine"]
    label = f"{m['cpu']}, {m['cores']} cores — {m['date_utc']}"
    pngs = {}
    for name, draw in (
        ("races.png", _races_figure),
        ("scaling.png", _scaling_figure),
        ("breakdown.png", _breakdown_figure),
    ):
        fig = draw(plt, report["benchmarks"])
        fig.text(0.99, 0.01, label, ha="right", va="bottom", fontsize=7, color="0.4")
        pngs[name] = _png(plt, fig)
    pngs["validation.png"] = _png(plt, _validation_figure(plt, search))
    return pngs


def _png(plt, fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _races_figure(plt, b: dict):
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
    for ax, key, title in (
        (axes[0], "time_to_92", "784-10-10 to ≥ 92 % test accuracy"),
        (axes[2], "wide", "784-800-10, one epoch"),
    ):
        peers = [(PEER_NAMES[n], p["best"]["seconds"]) for n, p in b[key]["peers"].items() if "best" in p]
        ax.barh([n for n, _ in peers][::-1], [t for _, t in peers][::-1], color=["C1", "C2", "C0"][-len(peers) :])
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("seconds")
    best = b["full_batch"]["best_seconds"]
    names = ["tutorial, float64", "nn_scratch, float64", "nn_scratch, float32"]
    keys = ("tutorial_float64", "nn_scratch_float64", "nn_scratch_float32")
    axes[1].barh(names, [1e3 * best[k] for k in keys], color=["C3", "C0", "C0"])
    axes[1].set_title(f"one full-batch iteration, {b['full_batch']['m_train']:,} images", fontsize=10)
    axes[1].set_xlabel("milliseconds")
    fig.tight_layout()
    return fig


def _scaling_figure(plt, b: dict):
    sc = b["scaling"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    w = sc["by_width"]
    axes[0].loglog([r["width"] for r in w], [r["seconds"] for r in w], "o-", label="seconds per epoch")
    axes[0].set_xlabel(f"hidden units $n_1$ (784-$n_1$-10, {w[0]['m']:,} examples)")
    axes[0].set_ylabel("seconds per epoch")
    twin = axes[0].twinx()
    twin.semilogx([r["width"] for r in w], [r["gflops_per_second"] for r in w], "s--", color="C1", label="GFLOP/s")
    twin.set_ylabel("GFLOP/s achieved", color="C1")
    e = sc["by_examples"]
    axes[1].plot([r["m"] for r in e], [r["seconds"] for r in e], "o-")
    axes[1].set_xlabel(f"training examples m (784-{e[0]['width']}-10)")
    axes[1].set_ylabel("seconds per epoch")
    axes[1].set_ylim(bottom=0)
    axes[1].set_xlim(left=0)
    fig.tight_layout()
    return fig


def _breakdown_figure(plt, b: dict):
    breakdown = b["scaling"]["step_breakdown"]
    fig, ax = plt.subplots(figsize=(9, 2.6))
    for i, br in enumerate(breakdown):
        us = br["microseconds_per_step"]
        total, left = sum(us.values()), 0.0
        for j, (phase, v) in enumerate(us.items()):
            ax.barh(i, 100 * v / total, left=left, color=f"C{j}", label=phase if i == 0 else None)
            left += 100 * v / total
    ax.set_yticks(range(len(breakdown)))
    ax.set_yticklabels(["-".join(map(str, br["layer_sizes"])) + f"\nbatch {br['batch_size']}" for br in breakdown])
    ax.set_xlabel("share of one sgd step (%)")
    ax.set_xlim(0, 100)
    ax.legend(ncol=6, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, 1.3))
    fig.tight_layout()
    return fig


def _validation_figure(plt, search: dict):
    """Validation accuracy after each epoch of every candidate of the two accuracy searches; the winner bold.

    With several seeds, each curve is the median over the seeds, epoch by epoch: at the last
    epoch, the median the search chose by.
    """
    names = [n for n in ("wide", "small") if n in search["searches"]]
    fig, axes = plt.subplots(len(names), 1, figsize=(6.4, 3.2 * len(names)), squeeze=False)
    for ax, name in zip(axes[:, 0], names, strict=True):
        s = search["searches"][name]
        varied = _varied(s)
        top = 0.0
        for i, c in enumerate(s["candidates"]):
            curve = 100 * np.median([run["curve"] for run in c["runs"]], axis=0)
            top = max(top, float(curve.max()))
            label = ", ".join(
                f"{SYMBOLS[k]} = {c['recipe'][k]}" if k in SYMBOLS else str(c["recipe"][k]) for k in varied
            )
            ax.plot(
                range(1, len(curve) + 1),
                curve,
                lw=2.4 if i == s["winner"] else 1.0,
                label=label + (" (chosen)" if i == s["winner"] else ""),
            )
        seeds = ", ".join(map(str, s["seeds"]))
        where = f"median of seeds {seeds}" if len(s["seeds"]) > 1 else f"seed {seeds}"
        ax.set_title("-".join(map(str, s["layer_sizes"])) + f", {where}", fontsize=10)
        ax.set_xlabel("epoch")
        ax.set_ylabel("validation accuracy (%)")
        ax.set_ylim(top - 4, top + 0.5)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def load_json(path: Path, command: str) -> dict:
    """A committed result file, or a build failure that says how to make it."""
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PluginError(f"{path} is missing: run `{command}` to measure and write it") from None
    if report.get("quick"):
        raise PluginError(f"{path} holds a --quick smoke run, not measurements: run `{command}`")
    return report


def load_report(path: Path = DATA) -> dict:
    return load_json(path, "python -m benchmarks.run")


def load_search(path: Path = RECIPES) -> dict:
    return load_json(path, "python -m benchmarks.recipes --jobs 2")


def on_files(files, config):
    report, search = load_report(), load_search()
    _results["fields"] = tables(report, search)
    for name, png in figures(report, search).items():
        files.append(File.generated(config, f"{FIGURES}/{name}", content=png))
    return files
