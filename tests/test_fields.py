"""site_hooks/fields.py fills every page's fields from the code that computes them; the pitfalls page from its JSON."""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "site_hooks"))

import fields  # noqa: E402
import measurements  # noqa: E402  (registers the "pitfalls" namespace)
import quantities  # noqa: E402, F401  (registers the "net" namespace)
from mkdocs.exceptions import PluginError  # noqa: E402


def test_an_unknown_field_fails_naming_the_page_and_line():
    with pytest.raises(PluginError, match=r"docs/p\.md line 3 asks for \{\{ net\.nope \}\}"):
        fields.fill("a\nb\n{{ net.nope }}", "p.md")


def test_package_quantities_are_computed_from_nn_scratch():
    from nn_scratch import Network

    net = Network((784, 10, 10))
    values = fields.values("net")
    assert values["params"] == f"{sum(P.size for P in net.params.values()):,}" == "7,960"
    assert values["weights"] == "7,940" and values["biases"] == "20"


def _shown(page: str, results: dict) -> tuple[str, dict]:
    """A pitfalls page's source, and the measurements of the pitfalls it shows."""
    text = (REPO / "docs" / page).read_text(encoding="utf-8")
    return text, {k: results[k] for k in measurements.shown_keys(text)}


def test_the_pitfalls_pages_are_filled_and_ordered_from_the_committed_measurements():
    results = measurements.load()["results"]
    fields.on_pre_build(None)
    measured = 0
    for name in measurements.PAGES:
        page, shown = _shown(name, results)
        filled = measurements.order_sections(fields.fill(page, name), shown, name)
        assert "{{" not in filled
        headings = re.findall(r"(?m)^## (\d+)\. ", filled)
        assert headings == [str(i) for i in range(1, len(headings) + 1)]
        measured += filled.count("**Measured** on the official test set")
    assert measured == len(results)  # every pitfall measured, on one page or the other


def test_every_row_of_the_summary_links_to_its_section():
    table = measurements.numbers(measurements.load())["table"]
    rows = table.splitlines()[2:]
    links = [re.match(r"\| \[.+\]\(((?:pitfalls_backprop\.md)?#[\w-]+)\) \|", row) for row in rows]
    assert rows and all(links), rows
    where = measurements.sections_on_pages()
    ids = {("" if page == measurements.PAGE else page) + "#" + measurements.anchor(k) for k, (page, _) in where.items()}
    assert {m.group(1) for m in links} <= ids


def test_a_different_measurement_changes_the_words_and_the_order():
    report = measurements.load()
    flipped = copy.deepcopy(report)
    key = next(k for k, v in report["results"].items() if all(m["class"] != "crashes" for m in v.values()))
    for m in flipped["results"][key].values():
        m.update({"class": "crashes", "failed_seeds": 3, "error": "ValueError: made up"})
    words = measurements.numbers(flipped)[f"{key}_measured"]
    assert "it crashes, in 3 of 3 seeds" in words and words != measurements.numbers(report)[f"{key}_measured"]
    name = next(n for n in measurements.PAGES if key in _shown(n, report["results"])[1])
    page, shown = _shown(name, flipped["results"])
    first = re.search(r"(?m)^## 1\. .*\n<!-- pitfall: ([\w, ]+) -->", measurements.order_sections(page, shown, name))
    assert first is not None
    crashing = [k for k, v in flipped["results"].items() if any(m["class"] == "crashes" for m in v.values())]
    assert any(k in crashing for k in first.group(1).split(", "))


def test_a_page_without_a_measured_pitfall_fails():
    results = measurements.load()["results"]
    with pytest.raises(PluginError, match="which no section"):
        measurements.order_sections("# P\n\n## Only\n<!-- pitfall: uniform_init -->\n", results)
