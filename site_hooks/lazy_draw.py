"""MkDocs hook: a page's formulas and code below its first screen are drawn when the reader nears them.

A typeset formula is dozens of boxes (its HTML) beside a hidden MathML copy,
and a highlighted code block a box per word; the Backpropagation page has
about 6,000 such elements. The browser styles and lays out all of them as the
page loads, and again at each restyle of the whole page, unless a block is
marked ``content-visibility: auto`` (``docs/stylesheets/load.css``): then it
is skipped until it comes near the screen. Skipped content stays in the
accessibility tree and is found by find-in-page.

This hook marks with ``data-lazy-draw`` each block of a page's article that
holds a formula or a code block, except:

* the first twelve blocks, more than a phone's first screen: a skipped block is
  drawn first at its placeholder height and then grows, which would move
  everything under it while the reader looks (Lighthouse measured a layout
  shift of 0.27 on a notebook page when every block was skipped);
* the last three: a tool that measures a skipped paragraph's text sees it spill
  out of its placeholder, onto the footer (Lighthouse's colour-contrast audit
  did);
* headings, whose positions the theme reads for the table of contents (asking
  where skipped content is makes the browser lay it out after all).

The blocks are marked here, at build time, rather than chosen in the
stylesheet by position (``:nth-child(n + 13)``): a rule that counts siblings
makes the browser restyle every block after any block the theme inserts or
moves, as it does when it wraps a table in its scrolling box — 4,600 elements
restyled for one table on the Backpropagation page. An attribute, not a class:
the theme styles and wraps only tables without a class.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

FIRST, LAST = 12, 3
MARK = "data-lazy-draw"
_HEAVY = (
    'class="arithmatex"',
    'class="highlight',
    ' highlight"',
)  # a formula; a code block (language class first or not)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class _TopLevel(HTMLParser):
    """Where each top-level element of a fragment starts, its tag and its opening tag's text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        # getpos() gives (line, column); lines are counted at "\n" only.
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", html))]
        self.depth, self.blocks = 0, []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            line, col = self.getpos()
            self.blocks.append((self.line_starts[line - 1] + col, tag, self.get_starttag_text()))
        if tag not in _VOID:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag not in _VOID:
            self.depth = max(0, self.depth - 1)


def mark_lazy_blocks(html: str) -> str:
    """``html`` (an article's content) with :data:`MARK` on each top-level block that holds a formula or
    code, but for the first :data:`FIRST` blocks, the last :data:`LAST` and headings.

    Examples
    --------
    >>> page = "".join(f"<p>{k}</p>" for k in range(12))
    >>> page += '<h2>Then</h2><p>So <span class="arithmatex">y</span>.</p><table><tr><td>a</td></tr></table>'
    >>> page += '<div class="language-python highlight"><pre>x</pre></div>' + "<p>end</p>" * 3
    >>> out = mark_lazy_blocks(page)
    >>> print(out[out.index("<h2>"):out.index("<p>end</p>")])
    <h2>Then</h2><p data-lazy-draw>So <span class="arithmatex">y</span>.</p><table><tr><td>a</td></tr></table><div
    class="language-python highlight" data-lazy-draw><pre>x</pre></div>
    >>> mark_lazy_blocks(page[:200]) == page[:200]  # the first screen
    True
    """
    blocks = _TopLevel(html).blocks
    ends = [start for start, _, _ in blocks[1:]] + [len(html)]
    out, last = [], 0
    for k, ((start, tag, start_tag), end) in enumerate(zip(blocks, ends, strict=True)):
        if FIRST <= k < len(blocks) - LAST and tag not in _HEADINGS and any(h in html[start:end] for h in _HEAVY):
            cut = len(start_tag) - (2 if start_tag.endswith("/>") else 1)
            out.append(html[last:start] + start_tag[:cut] + " " + MARK + start_tag[cut:])
            last = start + len(start_tag)
    out.append(html[last:])
    return "".join(out)


_ARTICLE = '<article class="md-content__inner md-typeset">'


def on_post_page(output, page, config):
    # After katex.py, whose formulas are found by their exact `class="arithmatex"`.
    start = output.find(_ARTICLE)
    if start < 0:
        return output
    start += len(_ARTICLE)
    end = output.rindex("</article>")
    return output[:start] + mark_lazy_blocks(output[start:end]) + output[end:]
