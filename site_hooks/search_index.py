"""MkDocs hook: what the search index leaves out — the source listings of the API reference.

Every API entry shows its function's source in a collapsed "Source code" block
(mkdocstrings' ``show_source``). Those listings made up over a third of the
search index, which every page downloads when it loads, and a search for a
name already finds the entry by its heading, signature and docstring. Each
listing gets Material's ``data-search-exclude`` attribute, which the search
plugin honours and then removes from the page; the listings stay on the page.
"""

from __future__ import annotations

import re

_SOURCE = re.compile(r'<details class="mkdocstrings-source"')


def exclude_sources(html: str) -> str:
    """Mark every mkdocstrings source listing in ``html`` as left out of the search index.

    Examples
    --------
    >>> exclude_sources('<details class="mkdocstrings-source"><summary>Source code</summary>')
    '<details data-search-exclude="source" class="mkdocstrings-source"><summary>Source code</summary>'
    """
    return _SOURCE.sub('<details data-search-exclude="source" class="mkdocstrings-source"', html)


def on_page_content(html, page, config, files):
    return exclude_sources(html)
