"""MkDocs hook: the pitfalls page, written from the measurements of ``docs/data/pitfalls.json``.

``python -m benchmarks.pitfalls`` trains the 784-10-10 network with each
pitfall (several seeds, the tutorials' setting) and classifies what it does:
``crashes``, ``nonfinite``, ``costs``, ``gains`` or ``no_effect``. The build
never retrains (the runs take minutes); this hook

* registers the ``pitfalls`` namespace of ``site_hooks/fields.py``: for each
  pitfall ``<key>_measured``, the sentences its classification calls for,
  and ``table``, ``setting``, ``provenance`` for the page's summary;
* orders the sections of ``docs/pitfalls.md`` by measured effect — the
  crashes first, then NaN, then the largest cost — and numbers them. A
  section says which pitfalls it shows with a line
  ``<!-- pitfall: key[, key] -->`` under its heading; sections without one
  keep their place after the measured ones.

A pitfall the page names but the JSON lacks (or the reverse) fails the build.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import fields
from mkdocs.exceptions import PluginError

PAGE = "pitfalls.md"
DATA = Path(__file__).resolve().parents[1] / "docs" / "data" / "pitfalls.json"
SEVERITY = {"crashes": 0, "nonfinite": 1, "costs": 2, "gains": 3, "no_effect": 4}
SETTING_NAMES = {"full_batch": "full-batch gradient descent", "sgd": "mini-batch SGD"}
_MARKER = re.compile(r"^<!-- pitfall: ([\w, ]+) -->$", re.MULTILINE)


def load(path: Path = DATA) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PluginError(f"{path} is missing: run `python -m benchmarks.pitfalls --out {path} --jobs 2`") from None


def _setting(report: dict, name: str) -> str:
    s = report["settings"][name]
    if name == "full_batch":
        return f"full-batch gradient descent, α = {s['alpha']:g}, {s['iterations']:,} iterations"
    return f"mini-batch SGD, batches of {s['batch_size']}, α = {s['alpha']:g}, {s['epochs']} epoch{'s' * (s['epochs'] != 1)}"


def sentence(m: dict) -> str:
    """What one measurement shows, in words that follow its class.

    Examples
    --------
    >>> sentence({"class": "no_effect", "seeds": 3, "cost_points": 0.12, "cost_sd_points": 0.2,
    ...           "seed_spread_points": 0.9, "right_mean": 0.85, "wrong_mean": 0.8488})
    'no measurable effect: the test accuracy changed by 0.12 ± 0.20 points (85.00 % right, 84.88 % wrong, mean of 3 seeds), within the 0.90-point spread between the seeds of the right version'
    >>> sentence({"class": "crashes", "seeds": 3, "failed_seeds": 3, "error": "ValueError: shapes"})
    'it crashes, in 3 of 3 seeds: `ValueError: shapes`'
    """
    c = m["class"]
    if c == "crashes":
        return f"it crashes, in {m['failed_seeds']} of {m['seeds']} seeds: `{m['error']}`"
    if c == "nonfinite":
        return f"the loss becomes NaN or infinite and training stops, in {m['failed_seeds']} of {m['seeds']} seeds"
    numbers = f"({100 * m['right_mean']:.2f} % right, {100 * m['wrong_mean']:.2f} % wrong, mean of {m['seeds']} seeds)"
    spread = f"the {m['seed_spread_points']:.2f}-point spread between the seeds of the right version"
    if c == "costs":
        return (
            f"it runs without complaint and costs {m['cost_points']:.2f} ± {m['cost_sd_points']:.2f} points of test "
            f"accuracy {numbers}, more than {spread}"
        )
    if c == "gains":
        return (
            f"it runs and, in this short training, *raises* the test accuracy by {-m['cost_points']:.2f} ± "
            f"{m['cost_sd_points']:.2f} points {numbers}, more than {spread}: the gradient is still wrong"
        )
    return (
        f"no measurable effect: the test accuracy changed by {m['cost_points']:.2f} ± {m['cost_sd_points']:.2f} "
        f"points {numbers}, within {spread}"
    )


def effect(results: dict, key: str) -> tuple:
    """Sort key: crashes first, then NaN, then the largest cost."""
    return min((SEVERITY[m["class"]], -abs(m.get("cost_points", 0.0))) for m in results[key].values())


def numbers(report: dict) -> dict:
    """The ``pitfalls`` namespace: one paragraph per pitfall, the summary table, the setting and the provenance."""
    out = {}
    results = report["results"]
    for key, by_setting in results.items():
        parts = [f"with {_setting(report, name)}, {sentence(m)}" for name, m in by_setting.items()]
        out[f"{key}_measured"] = "**Measured** on the official test set: " + "; ".join(parts) + "."
    rows = ["| pitfall | setting | what the measurement shows |", "|---|---|---|"]
    for key in sorted(results, key=lambda k: effect(results, k)):
        for name, m in results[key].items():
            label = {
                "crashes": "crashes",
                "nonfinite": "NaN / inf",
                "costs": f"costs {m.get('cost_points', 0):.2f} points",
                "gains": f"raises accuracy {-m.get('cost_points', 0):.2f} points",
                "no_effect": "no measurable effect",
            }[m["class"]]
            rows.append(f"| `{key}` | {SETTING_NAMES[name]} | {label} |")
    out["table"] = "\n".join(rows)
    net = report["network"]
    # --n-train keeps the first N images of the training file (a subset, when the machine was too busy for all)
    subset = f"the first {report['n_train']:,} of " if "--n-train" in report["provenance"]["command"] else "all "
    out["setting"] = (
        f"the {'-'.join(map(str, net['layer_sizes']))} network with weights and biases from U(−0.5, 0.5), "
        f"{_setting(report, 'full_batch')} on {subset}the official training images, "
        f"seeds {', '.join(map(str, report['seeds']))}; the batch-size pitfalls also with {_setting(report, 'sgd')}"
    )
    p = report["provenance"]
    out["provenance"] = (
        f"`{p['command']}`, run {p['started_utc']} on {p['processor']} ({p['cpu_count']} cores, one-minute load average "
        f"{p['load_average_start']:.1f} at the start), NumPy {p['numpy_version']}, {p['wall_time_s']:.0f} s; "
        f"SHA-256 of the MNIST arrays trained and tested on: `{p['data_sha256'][:16]}…`"
    )
    out["seeds"] = str(len(report["seeds"]))
    out["kaggle_dev"] = f"{report['kaggle_dev']:,}"
    out["full_batch_m_scale"] = f"{report['n_train'] / (report['n_train'] + report['kaggle_dev']):.3f}"
    out["sgd_m_scale"] = f"{report['settings']['sgd']['batch_size'] / report['n_train']:.4f}"
    return out


def order_sections(markdown: str, results: dict) -> str:
    """Reorder the ``## `` sections that carry a pitfall marker by measured effect, and number every section.

    Examples
    --------
    >>> page = "# P\\n\\nintro\\n\\n## A\\n<!-- pitfall: a -->\\nx\\n\\n## B\\n<!-- pitfall: b -->\\ny\\n\\n## Other\\nz\\n"
    >>> res = {"a": {"full_batch": {"class": "no_effect"}}, "b": {"full_batch": {"class": "crashes"}}}
    >>> print(order_sections(page, res))
    # P
    <BLANKLINE>
    intro
    <BLANKLINE>
    ## 1. B
    <!-- pitfall: b -->
    y
    <BLANKLINE>
    ## 2. A
    <!-- pitfall: a -->
    x
    <BLANKLINE>
    ## 3. Other
    z
    <BLANKLINE>
    """
    head, *sections = re.split(r"(?m)^(?=## )", markdown)
    measured, other = [], []
    named = set()
    for section in sections:
        marker = _MARKER.search(section)
        if marker is None:
            other.append(section)
            continue
        keys = [k.strip() for k in marker.group(1).split(",")]
        unknown = [k for k in keys if k not in results]
        if unknown:
            raise PluginError(
                f"docs/{PAGE} shows pitfalls {unknown} that {DATA.name} does not measure: rerun python -m benchmarks.pitfalls"
            )
        named.update(keys)
        measured.append((min(effect(results, k) for k in keys), section))
    missing = sorted(set(results) - named)
    if missing:
        raise PluginError(
            f"{DATA.name} measures {missing}, which no section of docs/{PAGE} shows (<!-- pitfall: key -->)"
        )
    ordered = [s for _, s in sorted(measured, key=lambda t: t[0])] + other
    return head + "".join(re.sub(r"^## ", f"## {i}. ", s, count=1) for i, s in enumerate(ordered, start=1))


_report: dict = {}


def _numbers() -> dict:
    _report.setdefault("data", load())
    return numbers(_report["data"])


fields.register("pitfalls", _numbers, source="site_hooks/measurements.py (docs/data/pitfalls.json)")


def on_pre_build(config):
    _report.clear()


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri != PAGE:
        return markdown
    _report.setdefault("data", load())
    return order_sections(markdown, _report["data"]["results"])
