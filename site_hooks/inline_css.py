"""MkDocs hook: every page carries its stylesheets in ``<style>`` elements instead of linking them.

Two costs went with six linked stylesheets:

* a phone on a slow network waits for each before it draws anything (they
  block rendering), which Lighthouse counted as most of the first paint;
* Material's instant navigation makes every relative address of the page
  absolute once, when it loads — ``href`` included. For a ``<link
  rel="stylesheet">`` that reloads the sheet and restyles the whole page: in
  a Chromium trace of the Backpropagation page, thousands of formula boxes
  restyled for nothing, the longest style recalculation of the page's load.

A ``<style>`` has no address to rewrite and nothing to wait for. The price is
that each page carries its styles (about 30 kB gzipped) instead of a cached
file; at the sizes of this site the page still arrives sooner. Each
``<style>`` names its file in ``data-href``; ``url(...)`` inside it is
rewritten relative to the page, and source-map comments are dropped. Runs
after every plugin has written its stylesheet (mkdocstrings writes its own at
the end of the build).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError

from nn_scratch.saving import atomic_write

_LINK = re.compile(r'<link rel="stylesheet" href="(?P<href>[^"]+)"\s*/?>')
_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<url>[^'")]+)(?P=q)\s*\)""")
_ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", re.I)
_SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")


def rebase(css: str, css_path: str, page_dir: str | None, root: str = "/") -> str:
    """``css`` from ``css_path`` with each relative ``url()`` rewritten relative to ``page_dir`` (site paths).

    With ``page_dir`` None (a page served at any address, like 404.html) the
    rewritten addresses start from the site's ``root`` path instead.

    Examples
    --------
    >>> rebase("@font-face{src:url(fonts/A.woff2)}", "assets/vendor/katex/katex.min.css", "maths/backprop")
    '@font-face{src:url("../../assets/vendor/katex/fonts/A.woff2")}'
    >>> rebase('a{b:url("data:image/svg+xml;x")}/*# sourceMappingURL=m.css.map */', "a/m.css", "")
    'a{b:url("data:image/svg+xml;x")}'
    >>> rebase("a{b:url(f/A.woff2)}", "k/k.css", None, "/nn-scratch/")
    'a{b:url("/nn-scratch/k/f/A.woff2")}'
    """

    def rewrite(m):
        url = m.group("url")
        if _ABSOLUTE.match(url):
            return m.group(0)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(css_path), url))
        return f'url("{root + target if page_dir is None else posixpath.relpath(target, page_dir or ".")}")'

    return _URL.sub(rewrite, _SOURCE_MAP.sub("", css))


def inline_stylesheets(page_html: str, page_dir: str, read, root: str = "/") -> str:
    """``page_html`` (at ``page_dir`` in the site) with each linked stylesheet put in a ``<style>``.

    ``read(site_path)`` returns a stylesheet's text. A page that links its styles
    from the site's ``root`` path (Material's 404 page, served at any address)
    keeps addresses from the root.

    Examples
    --------
    >>> page = '<head><link rel="stylesheet" href="../css/a.css"></head>'
    >>> inline_stylesheets(page, "notes", {"css/a.css": "p{background:url(i.png)}"}.__getitem__)
    '<head><style data-href="css/a.css">p{background:url("../css/i.png")}</style></head>'
    """

    def style(m):
        href = m.group("href")
        if href.startswith(root):
            css_path, base = href[len(root) :], None
        elif _ABSOLUTE.match(href):
            raise PluginError(f"{page_dir or 'the home page'}: a stylesheet from outside the site ({href})")
        else:
            css_path, base = posixpath.normpath(posixpath.join(page_dir, href)), page_dir
        css = rebase(read(css_path), css_path, base, root)
        if "</style" in css.lower():
            raise PluginError(f"{css_path} contains '</style', which would end the <style> early")
        return f'<style data-href="{css_path}">{css}</style>'

    return _LINK.sub(style, page_html)


def on_post_build(config):
    site = Path(config["site_dir"])
    root = urlsplit(config["site_url"] or "/").path or "/"
    root = root if root.endswith("/") else root + "/"
    cache: dict[str, str] = {}

    def read(css_path: str) -> str:
        if css_path not in cache:
            file = site / css_path
            if not file.is_file():
                raise PluginError(f"site_hooks/inline_css.py: a page links {css_path}, which the build did not write")
            cache[css_path] = file.read_text(encoding="utf-8")
        return cache[css_path]

    for page in site.rglob("*.html"):
        rel = page.relative_to(site).as_posix()
        if rel.startswith("assets/"):
            continue
        text = page.read_text(encoding="utf-8")
        inlined = inline_stylesheets(text, posixpath.dirname(rel), read, root)
        if inlined != text:
            atomic_write(page, inlined)
