"""MkDocs hook: the search index — what it leaves out, and when a page asks for it.

What it leaves out: the source listings of the API reference. Every API entry shows its function's source in a collapsed "Source code" block
(mkdocstrings' ``show_source``). Those listings made up over a third of the
search index, which every page downloads when it loads, and a search for a
name already finds the entry by its heading, signature and docstring. Each
listing gets Material's ``data-search-exclude`` attribute, which the search
plugin honours and then removes from the page; the listings stay on the page.

When: once the page has loaded. The theme's script requests the index (about
130 kB gzipped) as it starts, while a phone is still receiving the page and
its fonts; on a slow connection the index then delays the first screen.
Lighthouse's mobile simulation counted it in the time to the largest paint
whenever the request began before that paint, which made the time jump
between about 2 and 3 seconds from one run to the next. A line in each page's
``<head>`` holds back that one request until the ``load`` event; a reader who
searches before then gets the results once the index arrives.
"""

from __future__ import annotations

import re

from restyles import first_in_head

_SOURCE = re.compile(r'<details class="mkdocstrings-source"')


def exclude_sources(html: str) -> str:
    """Mark every mkdocstrings source listing in ``html`` as left out of the search index.

    Examples
    --------
    >>> exclude_sources('<details class="mkdocstrings-source"><summary>Source code</summary>')
    '<details data-search-exclude="source" class="mkdocstrings-source"><summary>Source code</summary>'
    """
    return _SOURCE.sub('<details data-search-exclude="source" class="mkdocstrings-source"', html)


# The theme fetches the index with XMLHttpRequest (its script's own helper); the request
# to search/search_index.json is opened as usual and sent once the page has loaded.
HEAD_SCRIPT = """<script>(function () {
  var open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send, waiting = [];
  XMLHttpRequest.prototype.open = function (method, url) {
    this.nnAfterLoad = /(^|\\/)search\\/search_index\\.json$/.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (!this.nnAfterLoad || document.readyState === "complete") return send.apply(this, arguments);
    var request = this, args = arguments;
    waiting.push(function () { send.apply(request, args); });
  };
  window.addEventListener("load", function () {
    setTimeout(function () { waiting.splice(0).forEach(function (go) { go(); }); }, 0);
  });
})();</script>"""


def on_page_content(html, page, config, files):
    return exclude_sources(html)


def on_post_page(output, page, config):
    return first_in_head(output, HEAD_SCRIPT, "site_hooks/search_index.py")


def on_post_template(output_content, template_name, config):
    # The theme's 404 page is rendered from a template, not as a page; it has the search box too.
    if template_name != "404.html":
        return output_content
    return first_in_head(output_content, HEAD_SCRIPT, "site_hooks/search_index.py")
