"""MkDocs hook: code inside a collapsed block is left alone by the theme's scripts until it is opened.

Material mounts every code block (``pre > code``) when a page loads: it adds a
copy button, then asks the block's width to decide whether it scrolls. For a
block inside a closed ``<details>`` — an "Implementation note", a "Check
yourself" answer, the API reference's source listings — that question makes
the browser lay out content the reader cannot see, once per block (a
Chromium trace of an API page, with a source listing under every function,
shows one forced layout per listing).

This hook wraps the ``<code>`` of each block inside a closed ``<details>`` in a
``<span class="collapsed-code">``, which Material's ``pre > code`` does not
match; ``docs/stylesheets/load.css`` gives it the look of any code block, and
``docs/javascripts/a11y.js`` makes it focusable when it is opened and scrolls.
Such a block has no copy button: select the text to copy it.
"""

from __future__ import annotations

import re

# A <details> tag opening or closing, or the start of a code block's <code>
# (pymdownx.highlight writes <pre><span></span><code>, a fence without a language <pre><code>).
_TOKENS = re.compile(r"<details\b[^>]*>|</details>|<pre\b[^>]*>(?:<span></span>)?<code\b[^>]*>")
_OPEN = re.compile(r"\bopen\b")


def wrap_collapsed_code(html: str) -> str:
    """``html`` with the code blocks inside closed ``<details>`` wrapped so Material does not mount them.

    Blocks outside any ``<details>``, or inside one that starts open, are left as they are.

    Examples
    --------
    >>> wrap_collapsed_code('<details class="note"><pre><span></span><code>x = 1</code></pre></details>')
    '<details class="note"><pre><span></span><span class="collapsed-code"><code>x = 1</code></span></pre></details>'
    >>> wrap_collapsed_code('<pre><code>y</code></pre><details open><pre><code>z</code></pre></details>')
    '<pre><code>y</code></pre><details open><pre><code>z</code></pre></details>'
    """
    out, stack, last = [], [], 0
    for m in _TOKENS.finditer(html):
        token = m.group(0)
        if token.startswith("<details"):
            stack.append(not _OPEN.search(token.split(">", 1)[0][len("<details") :]))
        elif token == "</details>":
            if stack:
                stack.pop()
        elif any(stack):  # some enclosing <details> is closed
            code_at = token.rindex("<code")
            out.append(html[last : m.start() + code_at] + '<span class="collapsed-code">')
            end = html.index("</code>", m.end()) + len("</code>")
            out.append(html[m.start() + code_at : end] + "</span>")
            last = end
    out.append(html[last:])
    return "".join(out)


def on_page_content(html, page, config, files):
    return wrap_collapsed_code(html)
