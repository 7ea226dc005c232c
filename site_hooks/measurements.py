"""MkDocs hook: the pitfalls page, written from the measurements of ``docs/data/pitfalls.json``.

``python -m benchmarks.pitfalls`` trains the 784-10-10 network with each
pitfall (several seeds, the tutorials' setting) and classifies what it does:
``crashes``, ``nonfinite``, ``costs``, ``gains`` or ``no_effect``. The build
never retrains (the runs take minutes); this hook

* registers the ``pitfalls`` namespace of ``site_hooks/fields.py``: for each
  pitfall ``<key>_measured``, the sentences its classification calls for,
  and ``table``, ``setting``, ``provenance`` for the page's summary;
* orders the sections of each pitfalls page by measured effect — the
  crashes first, then NaN, then the largest cost — and numbers them. A
  section says which pitfalls it shows with a line
  ``<!-- pitfall: key[, key] -->`` under its heading; sections without one
  keep their place after the measured ones. Each measured section gets the
  id of its first key (``bias_summed_over_matrix`` → ``#bias-summed-over-matrix``),
  and the summary ``table`` links every row to its section.

The pitfalls are on two pages (``PAGES``): ``docs/pitfalls.md``, with the
summary table, holds the mistakes in the forward pass, the loss, the
initialisation and the data; ``docs/pitfalls_backprop.md`` those in the
gradients. A pitfall a page names but the JSON lacks, or one the JSON
measures and no page shows, fails the build.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import fields
from mkdocs.exceptions import PluginError

PAGES = ("pitfalls.md", "pitfalls_backprop.md")  # docs/ pages with pitfall sections, the summary table on the first
PAGE = PAGES[0]
DOCS = Path(__file__).resolve().parents[1] / "docs"
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


def anchor(key: str) -> str:
    """The id of the section that shows pitfall ``key``.

    Examples
    --------
    >>> anchor("dW1_of_shape_10x10")
    'dw1-of-shape-10x10'
    """
    return key.lower().replace("_", "-")


def shown_keys(markdown: str) -> dict[str, str]:
    r"""The pitfalls a page's sections show: ``{key: its section's title}``.

    Examples
    --------
    >>> shown_keys("# P\n\n## `one_hot` sized by max\n<!-- pitfall: a, b -->\nx\n\n## Other\ny\n")
    {'a': '`one_hot` sized by max', 'b': '`one_hot` sized by max'}
    """
    shown = {}
    for section in re.split(r"(?m)^(?=## )", markdown)[1:]:
        marker = _MARKER.search(section)
        if marker:
            title = section.splitlines()[0][3:].strip()
            shown |= {k.strip(): title for k in marker.group(1).split(",")}
    return shown


def sections_on_pages(docs: Path = DOCS) -> dict[str, tuple[str, str]]:
    """Where each pitfall is shown: ``{key: (page, title)}`` over ``PAGES``."""
    where = {}
    for page in PAGES:
        for key, title in shown_keys((docs / page).read_text(encoding="utf-8")).items():
            if key in where:
                raise PluginError(f"pitfall {key!r} has a section on both docs/{where[key][0]} and docs/{page}")
            where[key] = (page, title)
    return where


def check_coverage(results: dict, where: dict) -> None:
    """Fail when the JSON measures a pitfall that no page shows."""
    missing = sorted(set(results) - set(where))
    if missing:
        raise PluginError(
            f"{DATA.name} measures {missing}, which no section of docs/{' or docs/'.join(PAGES)} shows "
            "(<!-- pitfall: key -->)"
        )


def numbers(report: dict) -> dict:
    """The ``pitfalls`` namespace: one paragraph per pitfall, the summary table, the setting and the provenance."""
    out = {}
    results = report["results"]
    for key, by_setting in results.items():
        parts = [f"with {_setting(report, name)}, {sentence(m)}" for name, m in by_setting.items()]
        out[f"{key}_measured"] = "**Measured** on the official test set: " + "; ".join(parts) + "."
    where = sections_on_pages()
    check_coverage(results, where)
    rows = ["| pitfall | setting | what the measurement shows |", "|---|---|---|"]
    for key in sorted(results, key=lambda k: effect(results, k)):
        page, title = where[key]
        first = shown_keys((DOCS / page).read_text(encoding="utf-8"))  # the section's id is its first key's
        section = anchor(next(k for k, t in first.items() if t == title))
        link = f"[{title}]({'' if page == PAGE else page}#{section})"
        for name, m in results[key].items():
            label = {
                "crashes": "crashes",
                "nonfinite": "NaN / inf",
                "costs": f"costs {m.get('cost_points', 0):.2f} points",
                "gains": f"raises accuracy {-m.get('cost_points', 0):.2f} points",
                "no_effect": "no measurable effect",
            }[m["class"]]
            rows.append(f"| {link} | {SETTING_NAMES[name]} | {label} |")
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


def order_sections(markdown: str, results: dict, page: str = PAGE) -> str:
    """Reorder the ``## `` sections that carry a pitfall marker by measured effect, and number every section.

    ``results`` are the measurements of the pitfalls this page shows (all of
    them must be shown); each measured section's heading gets the id of its
    first key.

    Examples
    --------
    >>> page = "# P\\n\\nintro\\n\\n## A\\n<!-- pitfall: a -->\\nx\\n\\n## B\\n<!-- pitfall: b -->\\ny\\n\\n## Other\\nz\\n"
    >>> res = {"a": {"full_batch": {"class": "no_effect"}}, "b": {"full_batch": {"class": "crashes"}}}
    >>> print(order_sections(page, res))
    # P
    <BLANKLINE>
    intro
    <BLANKLINE>
    ## 1. B { #b }
    <!-- pitfall: b -->
    y
    <BLANKLINE>
    ## 2. A { #a }
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
                f"docs/{page} shows pitfalls {unknown} that {DATA.name} does not measure: rerun python -m benchmarks.pitfalls"
            )
        named.update(keys)
        heading, rest = section.split("\n", 1)
        section = f"{heading} {{ #{anchor(keys[0])} }}\n{rest}"
        measured.append((min(effect(results, k) for k in keys), section))
    missing = sorted(set(results) - named)
    if missing:
        raise PluginError(
            f"{DATA.name} measures {missing}, which no section of docs/{page} shows (<!-- pitfall: key -->)"
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
    if page.file.src_uri not in PAGES:
        return markdown
    results = _report.setdefault("data", load())["results"]
    check_coverage(results, sections_on_pages())
    here = {k: results[k] for k in shown_keys(markdown) if k in results}
    unknown = sorted(set(shown_keys(markdown)) - set(results))
    if unknown:
        raise PluginError(
            f"docs/{page.file.src_uri} shows pitfalls {unknown} that {DATA.name} does not measure: "
            "rerun benchmarks/pitfalls.py"
        )
    return order_sections(markdown, here, page.file.src_uri)
