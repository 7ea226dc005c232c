"""MkDocs hook: the glossary's terms explain themselves once per page, on hover and on keyboard focus.

``docs/includes/glossary.md`` is appended to every Markdown page (pymdownx.snippets
``auto_append``), and the ``abbr`` extension then wraps *every* occurrence of each
term in ``<abbr title=…>``. Material's ``content.tooltips`` shows the title as a
tooltip. This hook keeps that readable: a term is marked at its first occurrence
in the page's text only (as an encyclopedia links a word once), never inside a
heading (the title and the table of contents stay plain), and the marked term is
made focusable (``tabindex="0"``) so that a keyboard user reaches its tooltip too.
"""

from __future__ import annotations

import re

_ABBR = re.compile(r'<abbr title="(?P<title>[^"]*)">(?P<term>.*?)</abbr>', re.DOTALL)
_HEADING = re.compile(r"<h([1-6])\b[^>]*>.*?</h\1>", re.DOTALL)


def once_per_page(html: str) -> str:
    """Unwrap the glossary's ``abbr`` in headings and after a term's first use; make the first one focusable.

    Examples
    --------
    >>> page = ('<h1><abbr title="max(0, z)">ReLU</abbr> and more</h1>'
    ...         '<p>The <abbr title="max(0, z)">ReLU</abbr> and the <abbr title="max(0, z)">ReLU</abbr>.</p>')
    >>> once_per_page(page)
    '<h1>ReLU and more</h1><p>The <abbr title="max(0, z)" tabindex="0">ReLU</abbr> and the ReLU.</p>'
    """
    html = _HEADING.sub(lambda heading: _ABBR.sub(r"\g<term>", heading.group(0)), html)
    seen: set[str] = set()

    def first_only(match: re.Match) -> str:
        term = match["term"]
        if term in seen:
            return term
        seen.add(term)
        return f'<abbr title="{match["title"]}" tabindex="0">{term}</abbr>'

    return _ABBR.sub(first_only, html)


def on_page_content(html, page, config, files):
    return once_per_page(html)
