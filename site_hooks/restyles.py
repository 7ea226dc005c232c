"""MkDocs hook: the theme's restyles of the whole page as it loads, kept to the one it needs.

A browser restyles every element of a page when the root element's classes
change, when the page's ``<meta name="color-scheme">`` is inserted or set (even
to the value it has), and when ``<body>`` gains or loses an attribute that a
rule of the form ``[attribute] *`` names. On a page of typeset formulas or
signatures, thousands of elements, each restyle blocks a phone for about a
tenth of a second (Lighthouse's mobile profile runs the processor four times
slower). The theme's script caused five of them before the reader could do
anything, besides the first styling of the page:

* it swaps ``no-js`` for ``js`` on ``<html>``, and its focus-visible polyfill
  adds ``js-focus-visible``. A line in ``<head>`` sets both before there is a
  page to restyle, so the theme's own changes change nothing. A browser
  without JavaScript runs neither and keeps ``no-js``;
* its palette inserts a ``<meta name="color-scheme">`` and then fills it in
  from the header's ``color-scheme``, which the colour scheme's rules set
  already. The meta is renamed here in the theme's script, so the browser
  ignores it. What it did for the page itself (a dark scrollbar and canvas in
  the dark scheme) the line in ``<head>`` does: it copies ``<body>``'s scheme
  to ``<html>`` whenever it changes, and a rule gives ``<html>`` its
  ``color-scheme``. (Not ``:root:has(> body[…])``: with it, the browser
  restyled the whole page whenever the theme inserted an element anywhere.)
* its palette sets ``data-md-color-switching`` on ``<body>`` while it applies
  the scheme, and removes it a frame later: the one rule that names the
  attribute stops transitions, so that a switch of scheme does not fade. The
  palette applies the scheme on every load, though the page has it already.
  The rule is keyed here on ``data-nn-switching``, which the line in
  ``<head>`` sets only when the reader switches the scheme, for two frames.

* it wraps each table without a class in its scrolling box, taking the table
  out of its parent and putting the box in its place. A rule that counts
  siblings (the theme's tabs have hundreds) makes that a restyle of every
  sibling and all it holds: the whole article, when the table is one of its
  blocks. Each such table is put here in a ``<div>`` of its own, so the
  theme's move happens among no siblings. The ``<div>`` has no box of its own
  to speak of: no margin, no padding, and the box's margins pass through it.

The theme's files are patched by exact text; if an update of the theme
changes that text, the build fails and says which.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from nn_scratch.saving import atomic_write

SWITCHING_RULE = (
    "[data-md-color-switching] *,[data-md-color-switching] :after,[data-md-color-switching] :before"
    "{transition-duration:0s!important}"
)
# The colour scheme of the page itself (its scrollbars, the canvas), which the meta carried.
ROOT_SCHEME = ":root[data-nn-scheme=default]{color-scheme:light}:root[data-nn-scheme=slate]{color-scheme:dark}"
PATCHES = {
    "palette.*.min.css": [(SWITCHING_RULE, SWITCHING_RULE.replace("md-color-switching", "nn-switching") + ROOT_SCHEME)],
    "bundle.*.min.js": [('x("meta",{name:"color-scheme"})', 'x("meta",{name:"nn-unused-color-scheme"})')],
}

# Runs before <body> is parsed.
HEAD_SCRIPT = """<script>(function () {
  var root = document.documentElement;
  root.classList.replace("no-js", "js");
  root.classList.add("js-focus-visible");
  root.setAttribute("data-js-focus-visible", "");
  // <body>'s colour scheme, copied to <html> when the theme sets it (the first time before the page has content).
  new MutationObserver(function () {
    var scheme = document.body && document.body.getAttribute("data-md-color-scheme");
    if (scheme && root.getAttribute("data-nn-scheme") !== scheme) root.setAttribute("data-nn-scheme", scheme);
  }).observe(root, { subtree: true, attributes: true, attributeFilter: ["data-md-color-scheme"] });
  // The palette's radio buttons are named __palette. "change" is caught on its way down,
  // before the theme's own listener applies the scheme; transitions stay off for two frames.
  document.addEventListener("change", function (event) {
    if (event.target.name !== "__palette") return;
    var body = document.body;
    body.setAttribute("data-nn-switching", "");
    requestAnimationFrame(function () {
      requestAnimationFrame(function () { body.removeAttribute("data-nn-switching"); });
    });
  }, true);
})();</script>"""
_CHARSET = '<meta charset="utf-8">'


def first_in_head(html: str, element: str, who: str) -> str:
    """``html`` with ``element`` first in its ``<head>``, right after the ``<meta charset>``.

    ``who`` (the hook asking) names the culprit if the page has no ``<meta charset>``.

    Examples
    --------
    >>> first_in_head('<head><meta charset="utf-8"><title>T</title>', "<script>1</script>", "x.py")
    '<head><meta charset="utf-8"><script>1</script><title>T</title>'
    """
    if _CHARSET not in html:
        raise PluginError(f"{who}: no {_CHARSET} to put the early script after")
    return html.replace(_CHARSET, _CHARSET + element, 1)


_TABLE = re.compile(r"<table\b[^>]*>|</table>")


def hold_tables(html: str) -> str:
    """``html`` with each table the theme will wrap (one without a class) inside a ``<div>`` of its own.

    Examples
    --------
    >>> hold_tables('<p>a</p><table><tr><td>1</td></tr></table><table class="dataframe"></table>')
    '<p>a</p><div class="table-holder"><table><tr><td>1</td></tr></table></div><table class="dataframe"></table>'
    """
    out, held, last = [], [], 0
    for m in _TABLE.finditer(html):
        tag = m.group(0)
        if tag == "</table>":
            out.append(html[last : m.end()] + ("</div>" if held and held.pop() else ""))
        else:
            held.append(" class=" not in tag)
            out.append(html[last : m.start()] + ('<div class="table-holder">' if held[-1] else "") + tag)
        last = m.end()
    out.append(html[last:])
    return "".join(out)


def patch(text: str, name: str, replacements) -> str:
    """``text`` of the theme's file ``name`` with each ``(old, new)`` made, each ``old`` found exactly once.

    Text patched already is left as it is (``mkdocs serve --dirty`` keeps the last build's copy).

    Examples
    --------
    >>> patch("a{x:1}b{y:2}", "t.css", [("b{y:2}", "b{y:3}")])
    'a{x:1}b{y:3}'
    >>> patch("a{x:1}", "t.css", [("b{y:2}", "b{y:3}")])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    mkdocs.exceptions.PluginError: site_hooks/restyles.py: the theme's t.css no longer holds 'b{y:2}'; ...
    """
    for old, new in replacements:
        if new in text and old not in text:
            continue
        if text.count(old) != 1:
            raise PluginError(
                f"site_hooks/restyles.py: the theme's {name} no longer holds {old!r}; "
                "see what its new version does and update the patch"
            )
        text = text.replace(old, new)
    return text


def on_post_page(output, page, config):
    return hold_tables(first_in_head(output, HEAD_SCRIPT, "site_hooks/restyles.py"))


def on_post_template(output_content, template_name, config):
    # The theme's 404 page is rendered from a template, not as a page.
    if template_name != "404.html":
        return output_content
    return first_in_head(output_content, HEAD_SCRIPT, "site_hooks/restyles.py")


def on_post_build(config):
    """Patch the theme's palette stylesheet and script (before inline_css copies the stylesheet into the pages)."""
    site = Path(config["site_dir"], "assets")
    for pattern, replacements in PATCHES.items():
        files = sorted(site.rglob(pattern))
        if len(files) != 1:
            raise PluginError(f"site_hooks/restyles.py: expected one {pattern} in the theme, found {len(files)}")
        text = files[0].read_text(encoding="utf-8")
        patched = patch(text, files[0].name, replacements)
        if patched != text:
            atomic_write(files[0], patched)
