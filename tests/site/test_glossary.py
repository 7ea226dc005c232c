"""The glossary in the browser: a term explains itself on keyboard focus, and never sits in a heading, link or code.

``site_hooks/glossary.py`` marks each glossary term once per page, focusable;
Material's ``content.tooltips`` shows its explanation. This checks both on the
built site, on a Markdown page and on a notebook page.
"""

from __future__ import annotations

import pytest

PAGES = ["start/", "maths/loss/", "notebooks/initialisation/"]


@pytest.mark.parametrize("path", PAGES)
def test_a_glossary_term_shows_its_explanation_on_focus(site_url, new_page, path):
    page = new_page(viewport={"width": 390, "height": 900})
    page.goto(site_url + path, wait_until="load")
    terms = page.locator("article abbr")
    assert terms.count() >= 3, f"{path}: only {terms.count()} glossary terms"
    misplaced = page.evaluate(
        "() => [...document.querySelectorAll('article abbr')]"
        ".filter(a => a.closest('h1, h2, h3, h4, h5, h6, a, code, pre, .arithmatex'))"
        ".map(a => a.textContent)"
    )
    assert not misplaced, f"{path}: glossary terms in a heading, link, code or maths: {misplaced}"
    names = page.evaluate("() => [...document.querySelectorAll('article abbr')].map(a => a.textContent.toLowerCase())")
    assert len(names) == len(set(names)), f"{path}: a term is marked more than once: {names}"
    first = terms.first
    first.scroll_into_view_if_needed()
    first.focus()
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.first.wait_for(state="visible", timeout=5000)
    assert len(tooltip.first.inner_text().strip()) > 10
