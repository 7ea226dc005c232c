"""MkDocs hook: the Performance page's Lighthouse scores, from the committed run in docs/data/lighthouse.json.

The build does not run Lighthouse (it needs the built site, Chromium and a
minute a page). ``python scripts/lighthouse_scores.py SITE`` measures the five
kinds of page and writes the JSON with its provenance; tests/site/test_lighthouse.py
measures the tests' own build, asserts accessibility and layout shift, and records
the timings. This hook registers
the ``lighthouse`` namespace of ``site_hooks/fields.py``: ``{{ lighthouse.scores }}``
becomes a table of the scores and a sentence saying when, where and with which
versions they were measured. A missing file, or one without a page of each
kind, fails the build.
"""

from __future__ import annotations

import json
from pathlib import Path

import fields
from mkdocs.exceptions import PluginError

DATA = Path(__file__).resolve().parents[1] / "docs" / "data" / "lighthouse.json"
KINDS = {
    "home": "Home",
    "maths": "A maths page",
    "notebook": "A notebook page",
    "playground": "Playground",
    "api": "An API page",
}


def scores_field(report: dict) -> str:
    """The Markdown table and provenance sentence of a run written by scripts/lighthouse_scores.py.

    Examples
    --------
    >>> page = {"path": "", "performance": 99, "accessibility": 100, "total_blocking_time_ms": 20,
    ...         "cumulative_layout_shift": 0.0, "largest_contentful_paint_ms": 1510, "transfer_kb": 60.3}
    >>> report = {"lighthouse": "13.5.0", "chromium": "Chromium 140", "date_utc": "2026-12-06 00:30 UTC",
    ...           "machine": {"cpu": "Xeon", "cores": 2, "load_average_start": [3.5, 2, 1],
    ...                       "load_average_end": [4.25, 3, 2]},
    ...           "pages": {k: dict(page, path=k + "/") for k in KINDS}}
    >>> print(scores_field(report).splitlines()[2])
    | Home (`/home/`) | 99 | 100 | 20 ms | 0.000 | 1.5 s | 60 KiB |
    """
    pages = report["pages"]
    missing = sorted(set(KINDS) - set(pages))
    if missing:
        raise PluginError(f"{DATA.name} has no Lighthouse run for the page kinds {missing}")
    rows = [
        "| Page | Performance | Accessibility | Total blocking time | Layout shift "
        "| Largest contentful paint | Transferred (gzip) |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, label in KINDS.items():
        p = pages[kind]
        rows.append(
            f"| {label} (`/{p['path']}`) | {p['performance']} | {p['accessibility']} "
            f"| {p['total_blocking_time_ms']} ms | {p['cumulative_layout_shift']:.3f} "
            f"| {p['largest_contentful_paint_ms'] / 1000:.1f} s | {p['transfer_kb']:.0f} KiB |"
        )
    m = report["machine"]
    rows += [
        "",
        f"Lighthouse {report['lighthouse']} (mobile profile, simulated throttling) in {report['chromium']}, "
        f"the site served with gzip{_runs_phrase(report)}; measured {report['date_utc']} on {m['cpu']}, {m['cores']} cores, "
        f"one-minute load average {m['load_average_start'][0]:.1f} at the start and "
        f"{m['load_average_end'][0]:.1f} at the end. Lighthouse scales the main-thread work it observed "
        "to a phone's CPU, so a busy machine shows longer blocking times and lower scores than a quiet one.",
    ]
    targets = report.get("targets")
    if targets:
        rows += ["", _targets_sentence(targets, pages)]
    return "\n".join(rows)


def _runs_phrase(report: dict) -> str:
    """The words ", the median of N runs per page" for a run that kept a median, else nothing.

    Examples
    --------
    >>> _runs_phrase({"runs_per_page": 3}), _runs_phrase({})
    (', the median of 3 runs per page (by performance score)', '')
    """
    runs = report.get("runs_per_page", 1)
    return f", the median of {runs} runs per page (by performance score)" if runs > 1 else ""


def _targets_sentence(targets: dict, pages: dict) -> str:
    """Which page kinds meet the site's own targets in this run, and which miss which."""
    missed = {}
    for kind, label in KINDS.items():
        p = pages[kind]
        low = [k for k in ("performance", "accessibility") if p[k] < targets[k]]
        high = [k for k in ("total_blocking_time_ms", "cumulative_layout_shift") if p[k] > targets[k]]
        if low or high:
            missed[label] = ", ".join(k.replace("_ms", "").replace("_", " ") for k in low + high)
    goal = (
        f"The site's targets are performance at least {targets['performance']}, accessibility "
        f"{targets['accessibility']}, total blocking time at most {targets['total_blocking_time_ms']} ms and "
        f"layout shift at most {targets['cumulative_layout_shift']}."
    )
    if not missed:
        return goal + " Every page kind meets them in this run."
    return goal + " In this run they are missed by " + "; ".join(f"{k} ({v})" for k, v in missed.items()) + "."


def _compute() -> dict[str, str]:
    try:
        report = json.loads(DATA.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise PluginError(f"{DATA}: {err}; run scripts/lighthouse_scores.py on a built site") from err
    return {"scores": scores_field(report)}


fields.register("lighthouse", _compute, source="site_hooks/lighthouse.py")
