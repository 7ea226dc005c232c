"""The site reads as a course: the nav's order, each maths page's opening and closing, the glossary, Start here.

Issue 19: a learner meets the picture first, gradient descent before backpropagation,
initialisation before the experiments, and the engineering pages last; every maths page
says what it needs and teaches, ends with what to remember and where to read more; and
the glossary's terms explain themselves on every page.
"""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import jupytext
import needs
import numpy as np
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
MATHS_PAGES = sorted((DOCS / "maths").glob("*.md"))
MATHS_NOTEBOOKS = [DOCS / "notebooks" / f"{n}.py" for n in ("computational_graph", "backprop_speed", "initialisation")]


class _Loader(yaml.SafeLoader):
    pass


# mkdocs.yml uses !ENV and Python tags; the nav does not, so read every tag as plain data.
_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def config() -> dict:
    return yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)


def flat(nav, out=None) -> list[str]:
    """The nav's pages in reading order."""
    out = [] if out is None else out
    for item in nav:
        if isinstance(item, str):
            out.append(item)
        else:
            for value in item.values():
                flat(value, out) if isinstance(value, list) else out.append(value)
    return out


def test_the_nav_is_a_course():
    pages = flat(config()["nav"])
    order = [
        "index.md",
        "start.md",
        "maths/notation.md",
        "maths/forward.md",
        "maths/activations.md",
        "maths/loss.md",
        "maths/training.md",
        "notebooks/computational_graph.py",
        "maths/backprop.md",
        "maths/general.md",
        "notebooks/backprop_speed.py",
        "notebooks/initialisation.py",
        "notebooks/train_mnist.py",
        "draw.md",
        "playground.md",
        "pitfalls.md",
        "performance.md",
        "gpu.md",
        "reference/index.md",
    ]
    positions = [pages.index(page) for page in order]
    assert positions == sorted(positions), [p for _, p in sorted(zip(positions, order, strict=True))]
    assert pages[:2] == ["index.md", "start.md"]


def test_engineering_is_last_and_the_api_reference_is_one_entry():
    nav = config()["nav"]
    assert list(nav[-1]) == ["Engineering"]
    engineering = nav[-1]["Engineering"]
    reference = next(
        item["API reference"] for item in engineering if isinstance(item, dict) and "API reference" in item
    )
    assert reference[0] == "reference/index.md"  # the section's own page (navigation.indexes)
    top_level = [page for item in nav for page in ([item] if isinstance(item, str) else item.values())]
    assert not any(isinstance(p, str) and p.startswith("reference/") for p in top_level)
    assert "navigation.indexes" in config()["theme"]["features"]


def _opening_and_closing(text: str, name: str):
    head = text.split("\n## ", 1)[0]
    assert "You'll need" in head and "You'll learn" in head, f"{name}: no 'You'll need / You'll learn' box at the top"
    assert "\n## In short\n" in text, f"{name}: no 'In short'"
    summary = text.split("\n## In short\n", 1)[1].split("\n## ", 1)[0]
    bullets = re.findall(r"^- ", summary, re.MULTILINE)
    assert 2 <= len(bullets) <= 4, f"{name}: 'In short' has {len(bullets)} bullets"
    assert "\n## Further reading\n" in text, f"{name}: no 'Further reading'"
    reading = text.split("\n## Further reading\n", 1)[1].split("\n## ", 1)[0]
    links = re.findall(r"\]\((https?://[^)]+)\)", reading)
    assert len(links) >= 2, f"{name}: 'Further reading' needs real links, found {links}"


@pytest.mark.parametrize("md", MATHS_PAGES, ids=lambda p: p.name)
def test_each_maths_page_says_what_it_needs_teaches_and_leaves_you_with(md):
    _opening_and_closing(md.read_text(encoding="utf-8"), md.name)


@pytest.mark.parametrize("path", MATHS_NOTEBOOKS, ids=lambda p: p.name)
def test_each_maths_notebook_says_what_it_needs_teaches_and_leaves_you_with(path):
    cells = [c.source for c in jupytext.read(path).cells if c.cell_type == "markdown"]
    assert "You'll need" in cells[0] and "You'll learn" in cells[0], f"{path.name}: no opening box"
    _opening_and_closing(cells[0] + "\n" + "\n".join(cells[-2:]), path.name)


GLOSSARY = DOCS / "includes" / "glossary.md"
ABBR = re.compile(r"^\*\[(?P<term>[^\]]+)\]: (?P<text>.+)$", re.MULTILINE)


def test_the_glossary_covers_the_terms_a_learner_meets():
    terms = {m["term"] for m in ABBR.finditer(GLOSSARY.read_text(encoding="utf-8"))}
    wanted = {
        "logits",
        "one-hot",
        "epoch",
        "subgradient",
        "He initialisation",
        "softmax",
        "ReLU",
        "cross-entropy",
        "mini-batch",
        "learning rate",
        "validation split",
    }
    assert wanted <= terms, wanted - terms


def test_the_glossary_is_appended_to_every_page_and_is_no_page_itself():
    cfg = config()
    snippets = next(
        e["pymdownx.snippets"] for e in cfg["markdown_extensions"] if isinstance(e, dict) and "pymdownx.snippets" in e
    )
    assert "docs/includes/glossary.md" in snippets["auto_append"]
    assert "abbr" in cfg["markdown_extensions"]
    assert "content.tooltips" in cfg["theme"]["features"]
    assert "includes/" in cfg["exclude_docs"]


def test_abbr_marks_prose_but_not_code_or_maths():
    import markdown

    md = markdown.Markdown(
        extensions=["abbr", "pymdownx.arithmatex", "pymdownx.superfences", "toc"],
        extension_configs={"pymdownx.arithmatex": {"generic": True}},
    )
    glossary = GLOSSARY.read_text(encoding="utf-8")
    html = md.convert(
        "## ReLU and softmax\n\nThe ReLU keeps positives; `relu` and $\\mathrm{softmax}(z)$ stay.\n\n"
        "```python\nsoftmax = ReLU\n```\n\n" + glossary
    )
    assert html.count("<abbr") == 3, html  # heading twice, the prose once
    assert "<code>relu</code>" in html
    code = html.split("<pre>", 1)[1].split("</pre>", 1)[0]
    assert "ReLU" in code and "<abbr" not in code  # the code block is left alone
    assert re.search(r'<span class="arithmatex">\\\(\\mathrm\{softmax\}\(z\)\\\)</span>', html), html


@pytest.fixture
def start_hook(monkeypatch):
    # The hook registers its namespace with site_hooks/fields.py; a stand-in registry keeps the real one untouched.
    registry = types.ModuleType("fields")
    registry.register = lambda namespace, compute, source: None
    monkeypatch.setitem(sys.modules, "fields", registry)
    monkeypatch.syspath_prepend(str(REPO / "site_hooks"))  # where mkdocs runs it: it imports demo.py beside it
    return needs.module_at(REPO / "site_hooks" / "start.py", "site_hooks_start")


def test_start_page_figures_are_svg_with_real_text(start_hook):
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"
    rng = np.random.default_rng(0)
    x = rng.random(784)
    A2 = np.full(10, 0.02)
    A2[3] = 0.82
    svg = start_hook.network_figure(
        x, rng.random(10), A2, rng.standard_normal((10, 784)), rng.standard_normal((10, 10)), 3
    )
    text = svg.decode()
    assert text.startswith("<?xml") and "<svg" in text
    assert "784 pixels" in text and "network says 3" in text  # text, not outlines: legible and searchable
    neuron = start_hook.neuron_figure(x, rng.standard_normal(784), 0.5, 4).decode()
    assert "weights of unit 4" in neuron and "z = " in neuron
    templates = start_hook.templates_figure(rng.standard_normal((10, 784))).decode()
    assert all(f"unit {k}" in templates for k in range(10))
