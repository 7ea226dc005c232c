"""The built site in Chromium, offline: every page, its maths, its images, search.

Each page is opened with every request that does not go to 127.0.0.1 blocked
and recorded, and must load without a single outside request, console error
or HTTP error; every image must have loaded, and every formula must have been
typeset by the vendored MathJax without an error.
"""

from __future__ import annotations

import pytest
from sitepages import expected_pages, has_math, html_file

PAGES = expected_pages()

# After MathJax has finished: what it typeset, and what it should have but did not.
MATH_REPORT = r"""() => {
  const textOutsideMath = (root) => {
    const texts = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode()); ) {
      if (!node.parentElement.closest("mjx-container, code, pre")) texts.push(node.textContent);
    }
    return texts.join(" ");
  };
  const regions = [...document.querySelectorAll(".arithmatex, .jp-MarkdownOutput, .jp-RenderedLatex")];
  const leftover = regions
    .map(textOutsideMath)
    .filter((t) => /\\\(|\\\[|\$\$|\$[^$\s][^$]*\$/.test(t))
    .map((t) => t.trim().slice(0, 120));
  const mathml = Array.from(MathJax.startup.document.math, (m) => MathJax.startup.toMML(m.root));
  return {
    containers: document.querySelectorAll("mjx-container").length,
    untypeset: [...document.querySelectorAll(".arithmatex")]
      .filter((el) => !el.querySelector("mjx-container"))
      .map((el) => el.textContent.slice(0, 120)),
    leftover,
    merrors: [...document.querySelectorAll("mjx-merror")].map((el) => el.textContent),
    // \undefinedmacro is not an error for MathJax's noundefined package: it is drawn in red.
    undefined_macros: mathml.filter((s) => s.includes('mathcolor="red"')).map((s) => s.slice(0, 200)),
  };
}"""

# Every image decoded (a broken one rejects decode()) and has a size.
BROKEN_IMAGES = """async () => {
  const images = [...document.images];
  const failed = await Promise.all(images.map((img) => img.decode().then(() => null, () => img.src)));
  return images
    .filter((img, i) => failed[i] !== null || !(img.complete && img.naturalWidth > 0))
    .map((img) => img.src.slice(0, 120));
}"""


def open_page(new_page, url):
    page = new_page()
    page.goto(url, wait_until="load")
    # mathjax.js chains every typeset onto startup.promise; this waits for the last one.
    page.evaluate("() => MathJax.startup.promise")
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
        assert report["containers"] > 0, "the page has formulas but MathJax typeset none"
    assert report["untypeset"] == []
    assert report["leftover"] == []
    assert report["merrors"] == []
    assert report["undefined_macros"] == []
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


def test_instant_navigation_typesets_the_new_page(site_url, new_page):
    page = open_page(new_page, site_url)
    # Links are taken over once Material has fetched sitemap.xml, shortly after the load.
    page.wait_for_load_state("networkidle")
    page.evaluate("() => { window.__sameDocument = true }")
    # Material makes the links it will load in place absolute, hence the suffix match.
    page.locator('.md-content a[href$="maths/forward/"]').first.click()
    page.wait_for_url(site_url + "maths/forward/")
    page.wait_for_function("() => document.querySelector('article h1')?.textContent.includes('Forward')")
    page.evaluate("() => MathJax.startup.promise")
    # Material swapped the content in place: the window (and its variables) survived.
    assert page.evaluate("() => window.__sameDocument") is True
    report = page.evaluate(MATH_REPORT)
    assert report["containers"] > 0
    assert report["untypeset"] == [] and report["leftover"] == [] and report["merrors"] == []
    assert_clean(page)


def test_training_notebook_screenshot(site_url, new_page, artifacts):
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto(site_url + "notebooks/train_mnist/", wait_until="load")
    page.evaluate("() => MathJax.startup.promise")
    target = artifacts / "notebook-train_mnist.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    assert_clean(page)
