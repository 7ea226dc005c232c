"""The built site in Chromium, offline: every page, its maths, its images, search.

Each page is opened with every request that does not go to 127.0.0.1 blocked
and recorded, and must load without a single outside request, console error
or HTTP error; every image must have loaded. Every formula was typeset at
build time by KaTeX (site_hooks/katex.py): each page shows as many formulas as
its source holds, each with its MathML, none left as raw TeX, and no page
loads a maths script.
"""

from __future__ import annotations

import re

import pytest
from sitepages import DOCS, expected_pages, has_math, html_file

PAGES = expected_pages()

# The formulas on the page as the reader gets them: every arithmatex box (the hook marks each formula
# with one) with KaTeX's HTML and MathML inside, and any TeX left outside a formula.
MATH_REPORT = r"""() => {
  const textOutsideMath = (root) => {
    const texts = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode()); ) {
      if (!node.parentElement.closest(".katex, code, pre")) texts.push(node.textContent);
    }
    return texts.join(" ");
  };
  const regions = [...document.querySelectorAll(".md-content .arithmatex, .md-content .jp-MarkdownOutput")];
  const leftover = regions
    .map(textOutsideMath)
    .filter((t) => /\\\(|\\\[|\$\$|\$[^$\s][^$]*\$/.test(t))
    .map((t) => t.trim().slice(0, 120));
  const boxes = [...document.querySelectorAll(".md-content .arithmatex")];
  return {
    formulas: boxes.length,
    in_markdown_cells: document.querySelectorAll(".jp-MarkdownCell .arithmatex").length,
    untypeset: boxes
      .filter((el) => !el.querySelector(":scope > .katex .katex-mathml math, :scope > .katex-display .katex-mathml math"))
      .map((el) => el.textContent.slice(0, 120)),
    leftover,
    errors: [...document.querySelectorAll(".katex-error")].map((el) => el.textContent),
    scripts: [...document.scripts].map((s) => s.src).filter((src) => /katex|mathjax/i.test(src)),
    mathjax: typeof window.MathJax !== "undefined" || typeof window.katex !== "undefined",
  };
}"""

_FENCE = re.compile(r"^([ \t]*)(```|~~~).*?^\1\2[ \t]*$", re.S | re.M)
_INLINE_CODE = re.compile(r"(`+).+?\1", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# What pymdownx.arithmatex takes for a formula (its default delimiters), block forms first.
_FORMULA = re.compile(
    r"\$\$.+?\$\$|\\\[.+?\\\]|\\begin\{(\w+\*?)\}.+?\\end\{\1\}|\\\(.+?\\\)"
    r"|(?<!\\)\$(?!\s)(?:\\.|[^\\$])+?(?<!\s)\$",
    re.S,
)


def source_formulas(text: str) -> int:
    r"""How many formulas a Markdown text holds, outside code and comments.

    Examples
    --------
    >>> source_formulas("Let $x$ and \\(y\\), costs \\$5 or $ 6, `$z$`:\n$$\na = b\n$$\n```\n$q$\n```")
    3
    """
    for pattern in (_FENCE, _COMMENT, _INLINE_CODE):
        text = pattern.sub(" ", text)
    return len(_FORMULA.findall(text))


def notebook_markdown(script: str) -> str:
    r"""The Markdown cells of a jupytext percent script, without their "# " prefixes.

    Examples
    --------
    >>> notebook_markdown("# %% [markdown]\n# Some $x$\n#\n# more\n\n# %%\nx = 1  # $no$\n")
    'Some $x$\n\nmore\n'
    """
    cells = re.split(r"^# %%", script, flags=re.M)
    lines = []
    for cell in cells:
        if cell.startswith(" [markdown]"):
            lines += [line[2:] if line.startswith("# ") else line.lstrip("#") for line in cell.splitlines()[1:]]
    return "\n".join(lines).strip("\n") + "\n"


def expected_formulas(path: str) -> tuple[str, int] | None:
    """(what to count on the page, how many formulas the page's source holds), or None if the source
    is not the whole story: API pages (docstrings) and pages with fields or quoted snippets."""
    if path.startswith("notebooks/"):
        script = (DOCS / path.rstrip("/")).with_suffix(".py").read_text(encoding="utf-8")
        return "in_markdown_cells", source_formulas(notebook_markdown(script))
    if path == "404.html" or path.startswith("reference/"):
        return None
    src = DOCS / (f"{path.rstrip('/')}.md" if path else "index.md")
    if not src.exists():
        src = DOCS / path / "index.md"
    text = src.read_text(encoding="utf-8")
    if "{{" in text or "--8<--" in text:
        return None
    return "formulas", source_formulas(text)


# Every image decoded (a broken one rejects decode()) and has a size. A notebook's figures load lazily,
# when the reader scrolls near them (site_hooks/notebook_images.py): they are all asked for first.
BROKEN_IMAGES = """async () => {
  const images = [...document.images];
  images.forEach((img) => { img.loading = "eager"; });
  const failed = await Promise.all(images.map((img) => img.decode().then(() => null, () => img.src)));
  return images
    .filter((img, i) => failed[i] !== null || !(img.complete && img.naturalWidth > 0))
    .map((img) => img.src.slice(0, 120));
}"""


def open_page(new_page, url):
    page = new_page()
    page.goto(url, wait_until="load")
    return page


def assert_clean(page):
    assert page.external_requests == [], "requests left 127.0.0.1"
    assert page.console_errors == [], "console errors"
    assert page.bad_responses == [], "HTTP errors"


def test_every_built_page_is_tested(built_site):
    built = sorted(
        p.relative_to(built_site).as_posix().removesuffix("index.html")
        for p in built_site.rglob("*.html")
        if not p.relative_to(built_site).as_posix().startswith("assets/")
    )
    assert built == PAGES


@pytest.mark.parametrize("path", PAGES)
def test_page_works_offline(built_site, site_url, new_page, path):
    html = html_file(built_site, path).read_text(encoding="utf-8")
    page = open_page(new_page, site_url + path)

    assert page.evaluate(BROKEN_IMAGES) == []
    report = page.evaluate(MATH_REPORT)
    if has_math(html):
        assert report["formulas"] > 0, "the page has formulas but none was typeset"
    expected = expected_formulas(path)
    if expected:
        count, n = expected
        assert report[count] == n, f"{n} formulas in the source, {report[count]} on the page"
    assert report["untypeset"] == []
    assert report["leftover"] == []
    assert report["errors"] == []
    assert report["scripts"] == [] and report["mathjax"] is False, "a maths script was loaded"
    assert_clean(page)


def test_search_finds_softmax(site_url, new_page):
    page = open_page(new_page, site_url)
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("softmax", delay=30)
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=20_000)
    hrefs = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any("reference/maths/" in h for h in hrefs), hrefs
    assert "softmax" in page.locator(".md-search-result").inner_text().lower()
    assert_clean(page)


def test_instant_navigation_shows_the_new_pages_formulas(site_url, new_page):
    page = open_page(new_page, site_url)
    # Links are taken over once Material has fetched sitemap.xml, shortly after the load.
    page.wait_for_load_state("networkidle")
    page.evaluate("() => { window.__sameDocument = true }")
    # Material makes the links it will load in place absolute, hence the suffix match.
    page.locator('.md-content a[href$="maths/forward/"]').first.click()
    page.wait_for_url(site_url + "maths/forward/")
    page.wait_for_function("() => document.querySelector('article h1')?.textContent.includes('Forward')")
    # Material swapped the content in place: the window (and its variables) survived.
    assert page.evaluate("() => window.__sameDocument") is True
    report = page.evaluate(MATH_REPORT)
    assert report["formulas"] > 0
    assert report["untypeset"] == [] and report["leftover"] == [] and report["errors"] == []
    assert_clean(page)


def test_training_notebook_screenshot(site_url, new_page, artifacts):
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto(site_url + "notebooks/train_mnist/", wait_until="load")
    target = artifacts / "notebook-train_mnist.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    assert_clean(page)
