"""MkDocs hook: the Performance page's figures and tables, drawn from the committed benchmark JSON.

``python benchmarks/run.py`` measures and writes ``docs/data/benchmarks.json``;
the build never re-runs the benchmarks (they take minutes and their numbers
depend on the machine). This hook reads that file, draws the figures into the
site as ``assets/performance/*.png`` and registers the ``perf`` namespace of
``site_hooks/fields.py``: each ``{{ perf.<name> }}`` field of
``docs/performance.md`` becomes a table or a number from it — so the
page can only show what the run measured, labelled with the machine and the
date. A field the hook does not know, or a missing or quick-mode JSON file,
fails the build.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import fields
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from quantities import flops_per_step

DATA = Path(__file__).resolve().parents[1] / "docs" / "data" / "benchmarks.json"
TARGETS = Path(__file__).resolve().parents[1] / "benchmarks" / "targets.json"
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


def tables(report: dict) -> dict:
    """The page's fields, as Markdown, from one benchmark report."""
    peak = max(p["gflops"] for p in report["machine"]["matmul_peak"].values())
    out = {"machine": _machine(report), "peak": f"{peak:.0f} GFLOP/s"}
    b = report["benchmarks"]
    for part in (_race_fields, _full_batch_fields, _wide_fields, _scaling_fields, _accuracy_fields):
        out.update(part(b))
    out.update(_issue12_fields(b, peak))
    r = b["time_to_92"]["recipe"]
    step_flops = flops_per_step((784, 10, 10), r["batch_size"])
    out["race_batch"] = str(r["batch_size"])
    out["race_step_flops"] = f"{step_flops / 1e6:.1f} million"
    out["race_step_arithmetic"] = f"{step_flops / (peak * 1e3):.0f} µs"
    out["targets_table"] = _targets(report)
    return out


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
    r = race["recipe"]
    return {
        "race_table": _table(header, rows),
        "race_steps": f"{steps:,}",
        "race_recipe": f"{r['epochs']} epochs, batch size {r['batch_size']}, learning rate {r['alpha']:g}",
    }


def _full_batch_fields(b: dict) -> dict:
    full = b["full_batch"]
    best, ratios = full["best_seconds"], full["ratios"]
    eq = full["equivalence_float64"]
    prod = full["products_seconds"]
    flops = 2 * 10 * 784 * full["m_train"]
    return {
        "full_table": _table(
            ["", "one iteration", "tutorial's time ÷ this"],
            [
                [
                    "nn_scratch, float32 (the default)",
                    f"{1e3 * best['nn_scratch_float32']:.1f} ms",
                    f"{ratios['tutorial_over_nn_scratch']:.1f}×",
                ],
                [
                    "nn_scratch, float64",
                    f"{1e3 * best['nn_scratch_float64']:.1f} ms",
                    f"{ratios['tutorial_over_nn_scratch_float64']:.1f}×",
                ],
                ["the tutorial's code, float64", f"{1e3 * best['tutorial_float64']:.1f} ms", "1.0×"],
            ],
        ),
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


_NOT_RUN = "This benchmark is not in the committed results (they predate it): run `python benchmarks/run.py`."


def _issue12_fields(b: dict, peak: float) -> dict:
    """The step race with its floor, the X-read limit, Nielsen's peer and the memory table."""
    out = {"step_table": _NOT_RUN, "x_read_sentence": _NOT_RUN, "nielsen_table": _NOT_RUN, "memory_table": _NOT_RUN}
    if "step" in b:
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
        out["step_table"] = _table(
            [
                "threads",
                "floor: the five products alone",
                "nn_scratch step",
                "PyTorch step",
                "nn_scratch ÷ floor",
                "PyTorch ÷ nn_scratch",
            ],
            rows,
        )
    full = b["full_batch"]
    if "x_read_limit" in full:
        parts = [
            f"in {dtype} the two products moved {r['gb_per_second']:.1f} GB/s of $X$ and did "
            f"{r['gflops_per_second']:.0f} GFLOP/s ({r['flops_per_byte']:.1f} operations per byte)"
            for dtype, r in full["x_read_limit"].items()
        ]
        out["x_read_sentence"] = "; ".join(parts) + f", against a matrix-multiply peak of {peak:.0f} GFLOP/s"
    if "nielsen" in b:
        ni = b["nielsen"]
        theirs, ours = ni["nielsen"], ni["nn_scratch"]
        rows = [
            [str(e + 1), f"{t1:.2f} s", _pct(a1), f"{t2:.2f} s", _pct(a2)]
            for e, (t1, a1, t2, a2) in enumerate(
                zip(theirs["seconds"], theirs["test_accuracy"], ours["seconds"], ours["test_accuracy"], strict=True)
            )
        ]
        out["nielsen_table"] = (
            _table(
                [
                    "epoch",
                    "network.py: time",
                    "network.py: test accuracy",
                    "nn_scratch: time",
                    "nn_scratch: test accuracy",
                ],
                rows,
            )
            + f"\n\nFastest epoch of network.py ÷ fastest epoch of nn_scratch: {ni['nielsen_over_nn_scratch']:.1f}×"
            f" ({theirs['m_train']:,} training images, {ni['threads']} thread)."
        )
    if "memory" in b:
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
        out["memory_table"] = _table(
            ["work", "dtype", "size of X", "peak extra, tracemalloc", "peak extra, resident set"], rows
        )
    return out


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
    return {
        "scaling_table": scaling_table,
        "breakdown_table": _table(["µs per step"] + phases + ["total"], rows),
        "scaling_summary": summary,
    }


def _accuracy_fields(b: dict) -> dict:
    acc = b["accuracy"]
    rows = []
    for run in [acc["wide"], *acc["small"]["runs"]]:
        rc = run["recipe"]
        recipe = (
            f"{rc['epochs']} epochs, batch {rc['batch_size']}, α = {rc['alpha']:g}, μ = {rc['momentum']:g}, "
            f"λ = {rc['weight_decay']:g}, {rc['schedule']} schedule, seed {rc['seed']}"
            + (", standardised inputs" if run.get("inputs") == "standardised" else "")
        )
        rows.append(
            [
                "-".join(map(str, rc["layer_sizes"])),
                recipe,
                f"{run['training_seconds']:.0f} s",
                _pct(run["train_accuracy"]),
                _pct(run["test_accuracy"]),
            ]
        )
    header = ["network", "recipe", "training time", "training accuracy", "test accuracy"]
    return {"accuracy_table": _table(header, rows)}


def target_labels(path: Path = TARGETS) -> dict:
    """``(benchmark, target) → label`` with the bound filled in, from the benchmarks' own targets file.

    Examples
    --------
    >>> target_labels()["full_batch", "nn_scratch_seconds_at_most"]
    'full-batch iteration ≤ 50 ms'
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
    return step_rows + [
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
        (
            "full_batch",
            "nn_scratch_seconds_at_most",
            f"{1e3 * full['best_seconds']['nn_scratch_float32']:.1f} ms",
            met["full_batch"]["nn_scratch_seconds_at_most"],
        ),
        (
            "full_batch",
            "tutorial_over_nn_scratch_at_least",
            f"{full['ratios']['tutorial_over_nn_scratch']:.1f}",
            met["full_batch"]["tutorial_over_nn_scratch_at_least"],
        ),
        (
            "full_batch",
            "tutorial_over_nn_scratch_float64_at_least",
            f"{full['ratios']['tutorial_over_nn_scratch_float64']:.2f}",
            met["full_batch"].get("tutorial_over_nn_scratch_float64_at_least"),
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


def _targets(report: dict) -> str:
    yes = {True: "met", False: "**not met**", None: "not measured"}
    labels = target_labels()
    rows = []
    for name, key, measured, met in _target_rows(report):
        verdict = ", ".join(f"seed {s}: {yes[v]}" for s, v in met.items()) if isinstance(met, dict) else yes[met]
        rows.append([labels[name, key], measured, verdict])
    return _table(["target", "this run", ""], rows)


def figures(report: dict) -> dict[str, bytes]:
    """PNG figures of the report: the races, the scaling curves, the accuracy curves."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    b = report["benchmarks"]
    label = f"{report['machine']['cpu']}, {report['machine']['cores']} cores — {report['machine']['date_utc']}"
    pngs = {}

    def save(fig, name):
        fig.text(0.99, 0.01, label, ha="right", va="bottom", fontsize=7, color="0.4")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        pngs[name] = buffer.getvalue()

    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
    for ax, key, title, unit, scale in (
        (axes[0], "time_to_92", "784-10-10 to ≥ 92 % test accuracy", "seconds", 1),
        (axes[2], "wide", "784-800-10, one epoch", "seconds", 1),
    ):
        peers = [(PEER_NAMES[n], p["best"]["seconds"] * scale) for n, p in b[key]["peers"].items() if "best" in p]
        ax.barh([n for n, _ in peers][::-1], [t for _, t in peers][::-1], color=["C1", "C2", "C0"][-len(peers) :])
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(unit)
    best = b["full_batch"]["best_seconds"]
    names = ["tutorial, float64", "nn_scratch, float64", "nn_scratch, float32"]
    keys = ("tutorial_float64", "nn_scratch_float64", "nn_scratch_float32")
    axes[1].barh(names, [1e3 * best[k] for k in keys], color=["C3", "C0", "C0"])
    axes[1].set_title("one full-batch iteration, 60,000 images", fontsize=10)
    axes[1].set_xlabel("milliseconds")
    fig.tight_layout()
    save(fig, "races.png")

    sc = b["scaling"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    w = sc["by_width"]
    axes[0].loglog([r["width"] for r in w], [r["seconds"] for r in w], "o-", label="seconds per epoch")
    axes[0].set_xlabel("hidden units $n_1$ (784-$n_1$-10, 60,000 examples)")
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
    save(fig, "scaling.png")

    fig, ax = plt.subplots(figsize=(9, 2.6))
    for i, br in enumerate(sc["step_breakdown"]):
        us = br["microseconds_per_step"]
        total, left = sum(us.values()), 0.0
        for j, (phase, v) in enumerate(us.items()):
            ax.barh(i, 100 * v / total, left=left, color=f"C{j}", label=phase if i == 0 else None)
            left += 100 * v / total
    ax.set_yticks(range(len(sc["step_breakdown"])))
    ax.set_yticklabels(
        ["-".join(map(str, br["layer_sizes"])) + f"\nbatch {br['batch_size']}" for br in sc["step_breakdown"]]
    )
    ax.set_xlabel("share of one sgd step (%)")
    ax.set_xlim(0, 100)
    ax.legend(ncol=6, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, 1.3))
    fig.tight_layout()
    save(fig, "breakdown.png")

    acc = b["accuracy"]
    fig, ax = plt.subplots(figsize=(8, 3.6))
    for run in [acc["wide"], *acc["small"]["runs"]]:
        rc = run["recipe"]
        ax.plot(
            [c["epoch"] for c in run["curve"]],
            [100 * c["test_accuracy"] for c in run["curve"]],
            marker=".",
            label="-".join(map(str, rc["layer_sizes"])) + f", seed {rc['seed']}",
        )
    ax.set_xlabel("epoch")
    ax.set_ylabel("test accuracy (%)")
    ax.set_ylim(90, 100)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    save(fig, "accuracy.png")
    return pngs


def load_report(path: Path = DATA) -> dict:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PluginError(f"{path} is missing: run `python benchmarks/run.py` to measure and write it") from None
    if report.get("quick"):
        raise PluginError(f"{path} holds a --quick smoke run, not measurements: run `python benchmarks/run.py`")
    return report


def on_files(files, config):
    report = load_report()
    _results["fields"] = tables(report)
    for name, png in figures(report).items():
        files.append(File.generated(config, f"{FIGURES}/{name}", content=png))
    return files
