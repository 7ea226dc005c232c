"""Accessibility of the built site: axe-core on every page, in light and dark mode; figure descriptions.

axe-core (Deque's rule engine, the one behind Lighthouse's accessibility
audit) comes with the Python package ``axe-playwright-python`` (the ``test``
extra), which ships it as ``axe.min.js`` — no separate ``npm`` step. The file
is injected into every page the build wrote — pages are found in the built
folder, so a page added tomorrow is checked too. Its
WCAG 2.0 and 2.1 level A and AA rules run in both colour schemes, with
Material's palette really switched (the test waits for the scheme to be
applied and checks the page's background); any *serious* or *critical*
violation fails, naming the page, the rule and the elements.

A figure must say what it shows: no image on any page may have an empty alt
text or nbconvert's placeholder.
"""

from __future__ import annotations

import time
from html.parser import HTMLParser
from pathlib import Path

from needs import library
from sitepages import html_file

AXE_PACKAGE = "axe_playwright_python"  # pip: axe-playwright-python, pinned in pyproject.toml's test extra
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("serious", "critical")
# Material's palette for each emulated prefers-color-scheme (mkdocs.yml, theme.palette).
SCHEMES = {"light": "default", "dark": "slate"}
PLACEHOLDER_ALT = "No description has been provided for this image"

# Starts axe on the page; its result (every violation and the elements it found) is awaited later,
# so that the two colour schemes' pages are checked at the same time.
START_AXE = """(tags) => {
  window.__axe = axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  }).then((results) => results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 160), impact: n.impact })),
  })));
}"""

# The scheme Material applied, and how dark the page is (relative luminance of the body's background).
PALETTE = """() => {
  const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/[\\d.]+/g).map(Number);
  const lin = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return { scheme: document.body.dataset.mdColorScheme, luminance: 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b) };
}"""


def axe_script() -> Path:
    """The ``axe.min.js`` inside the installed axe-playwright-python (skipped, or failed in CI, without it)."""
    script = Path(library(AXE_PACKAGE).__file__).parent / "axe.min.js"
    assert script.is_file(), f"{script} is missing: the package no longer ships axe-core where this test reads it"
    return script


def built_pages(site: Path) -> list[str]:
    """URLs (relative to the site root) of every HTML page the build wrote, outside assets/."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if not rel.startswith("assets/"):
            pages.append(rel.removesuffix("index.html"))
    return pages


def axe_version(script: Path) -> str:
    """The version line of an ``axe.min.js`` (its first line, ``/*! axe v4.12.1``).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     js = Path(folder) / "axe.min.js"
    ...     _ = js.write_text("/*! axe v4.12.1\\n * Copyright", encoding="utf-8")
    ...     axe_version(js)
    'axe v4.12.1'
    """
    with script.open(encoding="utf-8") as file:
        first = file.readline()
    if not first.startswith("/*! axe v"):
        raise ValueError(f"{script} does not start with axe-core's version banner: {first[:60]!r}")
    return first.removeprefix("/*! ").strip()


def start_audit(page, url: str, scheme: str) -> None:
    """Open ``url`` in ``scheme``, inject axe and start its WCAG A/AA rules."""
    page.goto(url, wait_until="load")
    # The palette is chosen by Material's bundle from prefers-color-scheme.
    page.wait_for_function("s => document.body.dataset.mdColorScheme === s", arg=SCHEMES[scheme])
    palette = page.evaluate(PALETTE)
    dark = palette["luminance"] < 0.05
    assert dark == (scheme == "dark"), f"{url}: the {scheme} scheme is not applied: {palette}"
    # Paragraphs below the first screen are drawn only when the reader scrolls near them
    # (content-visibility, docs/stylesheets/load.css). axe reads colours from what is drawn,
    # so the whole page is drawn first: as each part looks once the reader reaches it.
    page.add_style_tag(content="* { content-visibility: visible !important; }")
    # a11y.js makes scrolling boxes focusable as they are drawn; on a resize it looks at all of them again.
    page.evaluate("() => window.dispatchEvent(new Event('resize'))")
    page.wait_for_timeout(400)
    page.add_script_tag(path=str(axe_script()))
    page.evaluate(START_AXE, WCAG_TAGS)


def audit_result(page) -> list[dict]:
    """The violations found by the run ``start_audit`` started."""
    return page.evaluate("() => window.__axe")


def describe(url: str, violation: dict) -> str:
    nodes = "\n".join(f"      {n['target']}  {n['html']}" for n in violation["nodes"][:5])
    more = len(violation["nodes"]) - 5
    nodes += f"\n      … and {more} more" if more > 0 else ""
    return f"  {url or '/'}: {violation['id']} ({violation['impact']}, {violation['help']}) on:\n{nodes}"


def test_no_serious_axe_violation_on_any_page(built_site, site_url, browser):
    print(f"\n{axe_version(axe_script())}")
    pages = built_pages(built_site)
    assert len(pages) > 20, pages
    outside, tabs = [], {}
    for scheme in SCHEMES:
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(site_url)
                else (outside.append(route.request.url), route.abort())
            ),
        )
        tabs[scheme] = context.new_page()
    failures, counts = [], {scheme: {} for scheme in SCHEMES}
    start = time.perf_counter()
    try:
        for url in pages:
            for scheme, page in tabs.items():
                start_audit(page, site_url + url, scheme)
            for scheme, page in tabs.items():
                for violation in audit_result(page):
                    counts[scheme][violation["id"]] = counts[scheme].get(violation["id"], 0) + len(violation["nodes"])
                    if violation["impact"] in FAILING_IMPACTS:
                        failures.append(f"[{scheme}] " + describe(url, violation).lstrip())
    finally:
        for page in tabs.values():
            page.context.close()
    print(
        f"\naxe-core on {len(pages)} pages, light and dark, in {time.perf_counter() - start:.1f} s; "
        f"violations (elements) by rule: {counts}"
    )
    assert outside == [], "requests left 127.0.0.1"
    assert not failures, "serious or critical WCAG A/AA violations:\n" + "\n".join(failures)


def test_fixes_hold_after_instant_navigation(site_url, new_page):
    """a11y.js runs again for each page Material's instant navigation shows (document$)."""
    script = axe_script()
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto(site_url, wait_until="networkidle")  # Material reads sitemap.xml before it takes links over
    page.evaluate("() => { window.__sameDocument = true }")
    page.locator("a.md-nav__link", has_text="Performance").first.click()
    page.wait_for_function("() => document.querySelector('article h1')?.textContent.includes('Performance')")
    assert page.evaluate("() => window.__sameDocument") is True, "a full page load happened"
    # On a narrow screen the performance tables scroll: each becomes a named stop for Tab.
    page.set_viewport_size({"width": 600, "height": 900})
    page.wait_for_selector('article [role="region"][tabindex="0"]')
    assert page.locator('article [role="region"]').first.get_attribute("aria-label") == "Scrollable table"
    # Let the resize pass (debounced) settle before the audit.
    page.wait_for_timeout(1000)
    page.add_script_tag(path=str(script))
    page.evaluate(START_AXE, ["wcag2a", "wcag2aa"])
    found = {v["id"]: v["nodes"] for v in audit_result(page)}
    assert "scrollable-region-focusable" not in found and "aria-progressbar-name" not in found, found
    assert "aria-dialog-name" not in found and page.locator(".md-search").get_attribute("aria-label") == "Search"
    assert page.console_errors == [] and page.external_requests == []


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.alts: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.alts.append(dict(attrs).get("alt"))


def image_alts(html: str) -> list[str | None]:
    """The alt text of every ``<img>`` in ``html`` (None where there is none).

    Examples
    --------
    >>> image_alts('<p><img src="a.png" alt="Loss falls"><img src="b.png"></p>')
    ['Loss falls', None]
    """
    parser = _Images()
    parser.feed(html)
    return parser.alts


def test_every_figure_has_a_description(built_site):
    bad, figures = [], 0
    for url in built_pages(built_site):
        html = html_file(built_site, url).read_text(encoding="utf-8")
        for k, alt in enumerate(image_alts(html)):
            figures += 1
            text = (alt or "").strip()
            if len(text) < 15 or PLACEHOLDER_ALT.lower() in text.lower():
                bad.append(f"{url or '/'} image {k + 1}: alt={alt!r}")
    assert figures > 10, "the site should show the notebooks' figures"
    assert not bad, "figures without a real description:\n" + "\n".join(bad)


def test_code_in_a_closed_block_is_set_up_when_opened_then_focusable(site_url, new_page):
    """Material sets up a code block (its copy button) once it is seen (``content.lazy``, mkdocs.yml), so
    not while it is hidden in a closed block; opened, the block gets its button, and a11y.js makes it
    focusable and names it if it scrolls."""
    page = new_page(viewport={"width": 390, "height": 800})
    page.goto(site_url + "reference/network/", wait_until="networkidle")
    source = page.locator("details.mkdocstrings-source").first
    code = source.locator("pre > code").last
    assert code.count() == 1
    # Material numbers every block it sets up (<pre id="__code_N">) and gives it a copy button.
    assert source.locator('pre[id^="__code_"], .md-code__nav').count() == 0
    assert code.get_attribute("tabindex") is None
    source.locator("summary").click()
    page.wait_for_function("el => el.getAttribute('tabindex') === '0'", arg=code.element_handle(), timeout=5000)
    assert code.get_attribute("role") == "group" and code.get_attribute("aria-label") == "Scrollable code"
    code.scroll_into_view_if_needed()
    source.locator('.md-code__nav button[data-md-type="copy"]').last.wait_for(state="attached", timeout=5000)
    assert page.console_errors == [] and page.external_requests == []
