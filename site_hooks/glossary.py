"""MkDocs hook: the glossary's terms explain themselves once per page, on hover and on keyboard focus.

``docs/includes/glossary.md`` is appended to every Markdown page (pymdownx.snippets
``auto_append``), and the ``abbr`` extension then wraps *every* occurrence of each
term in ``<abbr title=…>``. Material's ``content.tooltips`` shows the title as a
tooltip. This hook keeps that readable: a term is marked at its first occurrence
in the page's text only (as an encyclopedia links a word once), never inside a
heading (the title and the table of contents stay plain), and the marked term is
made focusable (``tabindex="0"``) so that a keyboard user reaches its tooltip too.

Notebook pages are rendered by mkdocs-jupyter, without the Markdown extensions, so
the glossary reaches them here: the first occurrence of each term in their prose
(a paragraph or a list item, outside code, links, headings and maths) is marked the
same way.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

GLOSSARY = Path(__file__).resolve().parents[1] / "docs" / "includes" / "glossary.md"
_DEFINITION = re.compile(r"^\*\[(?P<term>[^\]]+)\]: (?P<title>.+)$", re.MULTILINE)
_TOKEN = re.compile(r"(<[^>]*>)")
_MATH = re.compile(r"(\$\$.*?\$\$|\$[^$]*\$|\\\(.*?\\\)|\\\[.*?\\\])", re.DOTALL)
_SKIP = {"code", "pre", "a", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style", "svg", "abbr", "button"}

_ABBR = re.compile(r'<abbr title="(?P<title>[^"]*)">(?P<term>.*?)</abbr>', re.DOTALL)
_HEADING = re.compile(r"<h([1-6])\b[^>]*>.*?</h\1>", re.DOTALL)
_LINK = re.compile(r"<a\b[^>]*>.*?</a>", re.DOTALL)


def _unwrap(outer: re.Match) -> str:
    return _ABBR.sub(r"\g<term>", outer.group(0))


def once_per_page(html: str) -> str:
    """Unwrap the glossary's ``abbr`` in headings and after a term's first use; make the first one focusable.

    Examples
    --------
    >>> page = ('<h1><abbr title="max(0, z)">ReLU</abbr> and more</h1><p><a href="x/">the <abbr title="max(0, z)">ReLU</abbr></a>, '
    ...         'the <abbr title="max(0, z)">ReLU</abbr> and the <abbr title="max(0, z)">ReLU</abbr>.</p>')
    >>> once_per_page(page)
    '<h1>ReLU and more</h1><p><a href="x/">the ReLU</a>, the <abbr title="max(0, z)" tabindex="0">ReLU</abbr> and the ReLU.</p>'
    """
    html = _LINK.sub(_unwrap, _HEADING.sub(_unwrap, html))  # a link or a heading is no place for a tooltip
    seen: set[str] = set()

    def first_only(match: re.Match) -> str:
        term = match["term"]
        if term.lower() in seen:  # "Softmax" and "softmax" are one term
            return term
        seen.add(term.lower())
        return f'<abbr title="{match["title"]}" tabindex="0">{term}</abbr>'

    return _ABBR.sub(first_only, html)


def glossary(text: str | None = None) -> dict[str, str]:
    """The glossary's terms and their explanations, from ``docs/includes/glossary.md``.

    Examples
    --------
    >>> glossary("*[ReLU]: max(0, z).\\n*[epoch]: One pass over the data.\\n")
    {'ReLU': 'max(0, z).', 'epoch': 'One pass over the data.'}
    """
    text = GLOSSARY.read_text(encoding="utf-8") if text is None else text
    return {m["term"]: m["title"].strip() for m in _DEFINITION.finditer(text)}


def mark_prose(html: str, terms: dict[str, str]) -> str:
    """Wrap the first occurrence of each term in the prose of rendered HTML in a focusable ``abbr``.

    Examples
    --------
    >>> page = "<h2>ReLU</h2><p>A <code>ReLU</code>, $ReLU(z)$ and the ReLU.</p><p>ReLU.</p>"
    >>> mark_prose(page, {"ReLU": "max(0, z)"})
    '<h2>ReLU</h2><p>A <code>ReLU</code>, $ReLU(z)$ and the <abbr title="max(0, z)" tabindex="0">ReLU</abbr>.</p><p>ReLU.</p>'
    """
    left = {term: re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])") for term in terms}
    skip, prose, out = [], 0, []
    for token in _TOKEN.split(html):
        if token.startswith("<"):
            prose += _enter(token, skip)
        elif not skip and prose > 0 and left:
            # Maths stays as it is: only the text between the $…$ (or \\( … \\)) spans is searched.
            pieces = _MATH.split(token)
            pieces[::2] = [_mark_first(text, terms, left) for text in pieces[::2]]
            token = "".join(pieces)
        out.append(token)
    return "".join(out)


def _enter(tag_token: str, skip: list[str]) -> int:
    """Follow one HTML tag: push or pop the elements whose text is never marked; +1/−1 for a paragraph or list item."""
    name = re.match(r"</?\s*([a-zA-Z0-9]+)", tag_token)
    tag = name.group(1).lower() if name else ""
    closing = tag_token.startswith("</")
    if tag in _SKIP:
        if not closing:
            skip.append(tag)
        elif skip and skip[-1] == tag:
            skip.pop()
    elif tag in ("p", "li"):
        return -1 if closing else 1
    return 0


def _mark_first(text: str, terms: dict[str, str], left: dict[str, re.Pattern]) -> str:
    """Mark in ``text`` each term still in ``left``, and take it (in every capitalisation) out of ``left``."""
    for term, pattern in list(left.items()):
        if term not in left:  # its other capitalisation was just marked
            continue
        match = pattern.search(text)
        if match and "<abbr" not in text[: match.start()]:
            title = html_lib.escape(terms[term], quote=True)
            text = f'{text[: match.start()]}<abbr title="{title}" tabindex="0">{term}</abbr>{text[match.end() :]}'
            for same in [t for t in left if t.lower() == term.lower()]:  # "Softmax" and "softmax": once
                del left[same]
    return text


def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith(".py"):  # a notebook page: no Markdown extensions ran
        return mark_prose(html, glossary())
    return once_per_page(html)
