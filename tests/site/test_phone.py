"""Every page at phone width (390 CSS pixels): no sideways scroll, no equation cut off.

A page may not scroll sideways, and nothing on it may stick out of the screen
unless it sits in a box that scrolls by itself. Each display equation either
fits, or scrolls inside a box of its own (a box holding that equation and
nothing else) that the keyboard can reach (``tabindex="0"``) and a screen
reader can name (a ``role`` and an ``aria-label``; docs/javascripts/a11y.js
marks such boxes), or the equation itself is focusable, as MathJax makes its
containers. Display maths is found by
what the renderers write — MathJax's ``mjx-container[display="true"]`` and
KaTeX's ``.katex-display`` — so the test holds whichever the site uses.
"""

from __future__ import annotations

import pytest
from sitepages import expected_pages

PHONE = {"width": 390, "height": 844}

# Runs in the page; returns what is wrong, one line per problem.
_CHECK = """
() => {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  const root = document.scrollingElement || document.documentElement;
  if (root.scrollWidth > vw + 1) problems.push(`the page scrolls sideways: ${root.scrollWidth} px wide in ${vw}`);
  const scrolls = (el) => /(auto|scroll)/.test(getComputedStyle(el).overflowX);
  const clips = (el) => getComputedStyle(el).overflowX !== "visible";
  const scroller = (el) => {
    for (let box = el; box && box !== document.body; box = box.parentElement) if (scrolls(box)) return box;
    return null;
  };
  const describe = (el) => (el.textContent || "").replace(/\\s+/g, " ").trim().slice(0, 60);
  const EQUATIONS = 'mjx-container[display="true"], .katex-display';
  for (const eq of document.querySelectorAll(EQUATIONS)) {
    const r = eq.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;  // hidden (a closed <details>, another tab)
    const box = scroller(eq);
    if (box === null) {
      if (r.left < -1 || r.right > vw + 1) problems.push(`equation cut off, in no scrolling box: ${describe(eq)}`);
      continue;
    }
    const b = box.getBoundingClientRect();
    if (b.left < -1 || b.right > vw + 1) problems.push(`equation's box wider than the screen: ${describe(eq)}`);
    if (box.scrollWidth <= box.clientWidth + 1) continue;  // it fits in its box
    const equations = box.querySelectorAll(EQUATIONS).length + (box.matches(EQUATIONS) ? 1 : 0);
    if (equations !== 1 || box.querySelector("p, pre, table, li"))
      problems.push(`equation scrolls with other content, not in a box of its own: ${describe(eq)}`);
    // Reachable: the box itself is focusable and named, or the equation is (MathJax's containers take
    // tabindex="0" and carry their MathML for screen readers; arrow keys then scroll the box around them).
    const named = box.getAttribute("tabindex") === "0" && box.getAttribute("role") && box.getAttribute("aria-label");
    if (!named && eq.getAttribute("tabindex") !== "0")
      problems.push(`equation scrolls in a box the keyboard cannot reach or that has no name: ${describe(eq)}`);
  }
  // Anything else that sticks out of the screen must be inside a box that scrolls or clips it.
  const main = document.querySelector("article") || document.body;
  for (const el of main.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= vw + 1) continue;
    let held = false;
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement)
      if (clips(box) && box.getBoundingClientRect().right <= vw + 1) { held = true; break; }
    if (!held) { problems.push(`<${el.tagName.toLowerCase()} class="${el.className}"> sticks out to ${Math.round(r.right)} px: ${describe(el)}`); break; }
  }
  return problems;
}
"""


@pytest.mark.parametrize("url", [u for u in expected_pages() if u != "404.html"])
def test_page_fits_a_phone(site_url, new_page, url):
    page = new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(site_url + url, wait_until="load")
    # MathJax lays the formulas out after the load event; a11y.js marks scrolling boxes after a resize pass.
    page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.wait_for_timeout(400)
    problems = page.evaluate(_CHECK)
    assert not problems, f"{url or 'home'} at {PHONE['width']} px:\n" + "\n".join(problems)
