"""What the browser does while a page loads: the theme's script adds little styling; the first screen is whole.

Lighthouse's blocking time (test_lighthouse.py) is a timing, recorded but not
asserted. What made it long is counted here instead, from a Chromium trace:
the elements that each style recalculation touched, summed over the load, with
the theme's script (Material's bundle) and without it. The script used to
restyle a whole page several times as it loaded (site_hooks/restyles.py lists
the causes), which made the sum two to five times what the page costs without
it, on every kind of page. Now most elements are styled once.
"""

from __future__ import annotations

import json

import pytest

PAGES = [
    "maths/backprop/",
    "maths/forward/",
    "reference/network/",
    "reference/training/",
    "notebooks/train_mnist/",
    "playground/",
    "",
]


def styled_while_loading(browser, url: str, theme_script: bool) -> tuple[int, list[int]]:
    """(elements styled in all, the largest recalculations) while ``url`` loads, with or without the theme's script."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = context.new_page()
        if not theme_script:
            page.route("**/assets/javascripts/bundle.*.min.js", lambda route: route.abort())
        browser.start_tracing(page=page, categories=["devtools.timeline"])
        page.goto(url, wait_until="load")
        page.wait_for_timeout(1500)  # the theme's set-up, and a11y.js's, after the load event
        events = json.loads(browser.stop_tracing())["traceEvents"]
    finally:
        context.close()
    counts = [
        e["args"]["elementCount"]
        for e in events
        if e.get("name") == "UpdateLayoutTree" and e.get("ph") == "X" and "elementCount" in e.get("args", {})
    ]
    assert counts, "the trace holds no style recalculation: did the trace categories change?"
    return sum(counts), sorted(counts)[-4:]


@pytest.mark.parametrize("path", PAGES)
def test_the_theme_script_does_not_restyle_the_page_again(site_url, browser, path):
    with_theme, largest = styled_while_loading(browser, site_url + path, theme_script=True)
    without, _ = styled_while_loading(browser, site_url + path, theme_script=False)
    # Before, the theme's script made it 2.3 to 5.4 times. One more restyle can still happen, from
    # load to load, when the parser pauses between two of the page's stylesheets and the browser
    # styles what it has (Chromium's trace: "Style rule change"): up to 1.7 times was seen.
    assert with_theme <= 2 * without, (
        f"/{path}: {with_theme} elements styled while the page loads, {without} without the theme's script "
        f"(largest recalculations {largest}): something restyles the whole page again"
    )


def test_first_screen_is_drawn_whole_and_the_rest_later(site_url, new_page):
    """site_hooks/lazy_draw.py: nothing on a phone's first screen waits; formulas further down do."""
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(site_url + "maths/backprop/", wait_until="load")
    state = page.evaluate(
        """() => {
          const skipped = (el) => !el.checkVisibility({ contentVisibilityAuto: true });
          const onScreen = [...document.querySelectorAll("article *")].filter((el) => {
            const r = el.getBoundingClientRect();
            return r.bottom > 0 && r.top < innerHeight && r.height > 0;
          });
          const lazy = [...document.querySelectorAll("article [data-lazy-draw]")];
          return {
            onScreenSkipped: onScreen.filter(skipped).length,
            lazy: lazy.length,
            lazySkipped: lazy.filter((el) => [...el.children].some(skipped)).length,
          };
        }"""
    )
    assert state["onScreenSkipped"] == 0, state
    assert state["lazy"] >= 10 and state["lazySkipped"] >= state["lazy"] // 2, state
    # Reaching a block draws it: scroll to the last one.
    page.locator("article [data-lazy-draw]").last.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const el = [...document.querySelectorAll('article [data-lazy-draw]')].pop();"
        " return [...el.querySelectorAll('*')].every((x) => x.checkVisibility({ contentVisibilityAuto: true })"
        " || !x.checkVisibility()); }",
        timeout=5000,
    )
    assert page.console_errors == []


def test_dark_mode_reaches_the_page_itself(site_url, new_page):
    """site_hooks/restyles.py: the theme's color-scheme meta is gone; <html> takes <body>'s scheme instead."""
    page = new_page(viewport={"width": 1280, "height": 800}, color_scheme="light")
    page.goto(site_url + "maths/backprop/", wait_until="load")

    def scheme():
        return page.evaluate(
            "() => [document.body.dataset.mdColorScheme, document.documentElement.dataset.nnScheme,"
            " getComputedStyle(document.documentElement).colorScheme,"
            " document.querySelectorAll('meta[name=color-scheme]').length]"
        )

    page.wait_for_function("() => document.documentElement.dataset.nnScheme === 'default'")
    assert scheme() == ["default", "default", "light", 0]
    page.locator("label[for^='__palette']:visible").first.click()
    page.wait_for_function("() => document.documentElement.dataset.nnScheme === 'slate'")
    assert scheme() == ["slate", "slate", "dark", 0]
    # The switch turned transitions off for two frames, and on again.
    page.wait_for_timeout(200)
    assert page.evaluate("() => document.body.hasAttribute('data-nn-switching')") is False
    page.reload(wait_until="load")  # the choice is remembered, and the page opens dark
    page.wait_for_function("() => document.documentElement.dataset.nnScheme === 'slate'")
    assert scheme() == ["slate", "slate", "dark", 0]
    assert page.console_errors == []


def test_the_search_index_is_asked_for_once_the_page_has_loaded_and_search_works(site_url, new_page):
    """site_hooks/search_index.py: the index does not compete with the page for a phone's connection."""
    page = new_page(viewport={"width": 1280, "height": 800})
    page.goto(site_url + "maths/backprop/", wait_until="load")
    page.wait_for_function("() => performance.getEntriesByType('resource').some(e => /search_index/.test(e.name))")
    asked, loaded = page.evaluate(
        "() => [performance.getEntriesByType('resource').find(e => /search_index/.test(e.name)).startTime,"
        " performance.getEntriesByType('navigation')[0].loadEventStart]"
    )
    assert asked >= loaded > 0, (asked, loaded)
    page.locator("input.md-search__input").fill("softmax")
    page.locator(".md-search-result__item").first.wait_for(timeout=10000)
    assert page.console_errors == []
