"""MkDocs hook: typeset every formula at build time with KaTeX, so no maths script runs in the reader's browser.

The vendored KaTeX (``docs/assets/vendor/katex/katex.min.js``, from
``scripts/vendor_katex.py``) runs inside Python through mini-racer (V8) and
turns each formula into HTML with MathML beside it (``output: "htmlAndMathml"``:
the HTML is what the eye sees, the MathML what a screen reader reads). Pages
then need only KaTeX's stylesheet and fonts, served from the site.

Where formulas come from:

* Markdown pages and the API reference's docstrings: ``pymdownx.arithmatex``
  (generic mode) writes ``<span class="arithmatex">\\(…\\)</span>`` and
  ``<div class="arithmatex">\\[…\\]</div>``.
* Notebooks: mkdocs-jupyter leaves ``$…$`` and ``$$…$$`` as text inside the
  ``jp-MarkdownOutput`` blocks of Markdown cells and Markdown outputs (``\\$``
  is a literal dollar sign). They are wrapped in the same ``arithmatex``
  elements once typeset, so every page marks its formulas the same way.

It runs on ``on_post_page``, after the search plugin has indexed the page, so
the search index keeps the formulas' TeX rather than three copies of their
glyphs. A display formula wider than the screen scrolls inside its own box,
which is focusable and named so a keyboard can scroll it (docs/stylesheets/katex.css).
A formula KaTeX cannot render fails the build, naming the page and the formula.
Renders are cached by formula for the whole process (a ``mkdocs serve`` session).
"""

from __future__ import annotations

import atexit
import html
import json
import logging
import re
import sys
import types
from pathlib import Path

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.katex")

KATEX_JS = Path(__file__).resolve().parents[1] / "docs" / "assets" / "vendor" / "katex" / "katex.min.js"

# TeX macros for every formula (``\\name: expansion``). The pages use only macros KaTeX defines.
MACROS: dict[str, str] = {}

# A formula as pymdownx.arithmatex writes it (generic mode); its TeX is HTML-escaped.
_ARITHMATEX = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">(?P<open>\\\(|\\\[)(?P<tex>.*?)(?:\\\)|\\\])</(?P=tag)>', re.S
)
# The start of a notebook's Markdown block (a Markdown cell, or a Markdown output of a code cell).
_MARKDOWN_BLOCK = re.compile(r'<div class="[^"]*\bjp-MarkdownOutput\b[^"]*"[^>]*>')
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*?(/?)>")
# $$…$$ before $…$; a backslash-escaped dollar is text. Inline maths may not start or end with a space
# (so "costs $5 and $6" is prose), as in Pandoc and Jupyter.
_DOLLARS = re.compile(
    r"(?<!\\)\$\$(?P<display>.+?)(?<!\\)\$\$|(?<![\\$])\$(?P<inline>[^\s$](?:[^$]*?[^\s\\$])?)\$", re.S
)
_LITERAL = ("code", "pre", "script", "style")

# mini-racer passes strings and numbers both ways; the macros go in, and the result comes out, as JSON.
_RENDER = r"""(tex, display, macros) => {
  try {
    return JSON.stringify([true, katex.renderToString(tex, {
      displayMode: display, output: "htmlAndMathml", throwOnError: true, strict: "error", macros: JSON.parse(macros),
    })]);
  } catch (e) {
    return JSON.stringify([false, String((e && e.message) || e)]);
  }
}"""

# `mkdocs serve` imports the hooks afresh for every rebuild. The V8 context and the renders live in one
# holder for the whole process, so a rebuild neither starts V8 again nor renders a formula twice.
_holder = sys.modules.setdefault("site_hooks.katex.state", types.ModuleType("site_hooks.katex.state"))
_state: dict = _holder.__dict__.setdefault("state", {"ctx": None, "render": None})
_cache: dict[tuple[str, bool], str] = _holder.__dict__.setdefault("cache", {})


def _engine():
    """The V8 context with KaTeX loaded, created on the first formula of the build."""
    if _state["render"] is None:
        try:
            from py_mini_racer import MiniRacer
        except ImportError as err:  # the docs extra brings it: pip install -e ".[docs]"
            raise PluginError("site_hooks/katex.py needs mini-racer (pip install -e '.[docs]')") from err
        if not KATEX_JS.is_file():
            raise PluginError(f"{KATEX_JS} is missing; run scripts/vendor_katex.py")
        ctx = MiniRacer()
        # V8 keeps a thread alive: a process that never closes the context never exits.
        atexit.register(on_shutdown)
        ctx.eval(KATEX_JS.read_text(encoding="utf-8"))
        _state["ctx"], _state["render"] = ctx, ctx.eval(_RENDER)
    return _state["render"]


def render(tex: str, display: bool, where: str = "a page") -> str:
    """KaTeX's HTML (with MathML) for the TeX ``tex``; a formula it cannot render raises a PluginError.

    A display formula's box is focusable and named, since it scrolls sideways when wider than the screen.

    Examples
    --------
    >>> 'class="katex"' in render("W^{[1]}", display=False) and "<mi>W</mi>" in render("W^{[1]}", False)
    True
    >>> render(r"\\hat{y}", display=True).startswith('<span class="katex-display" tabindex="0" role="group"')
    True
    >>> render(r"\\frac{1}{", display=False, where="maths/loss.md")
    Traceback (most recent call last):
    ...
    mkdocs.exceptions.PluginError: maths/loss.md: KaTeX cannot render the formula '\\\\frac{1}{': KaTeX parse error:
    Unexpected end of input in a macro argument, expected '}' at end of input: \\frac{1}{
    """
    key = (tex, display)
    if key not in _cache:
        ok, out = json.loads(_engine()(tex, display, json.dumps(MACROS)))
        if not ok:
            message = out.split("\n")[0]
            raise PluginError(f"{where}: KaTeX cannot render the formula {tex!r}: {message}")
        if display:
            out = out.replace(
                '<span class="katex-display">',
                '<span class="katex-display" tabindex="0" role="group" aria-label="Formula, scrolls sideways">',
                1,
            )
        _cache[key] = out
    return _cache[key]


def _wrap(tex: str, display: bool, where: str, tag: str = "span") -> str:
    # A span even around a display formula in running text: a div would end the paragraph it sits in.
    return f'<{tag} class="arithmatex">{render(tex, display, where)}</{tag}>'


def typeset_arithmatex(text: str, where: str) -> str:
    """Replace every pymdownx.arithmatex formula in ``text`` by its KaTeX rendering.

    Examples
    --------
    >>> out = typeset_arithmatex('<p>Let <span class="arithmatex">\\\\(a &lt; b\\\\)</span>.</p>', "x.md")
    >>> out.startswith('<p>Let <span class="arithmatex"><span class="katex">') and "<mo>&lt;</mo>" in out
    True
    """
    return _ARITHMATEX.sub(lambda m: _wrap(html.unescape(m["tex"]), m["open"] == "\\[", where, m["tag"]), text)


def _typeset_dollars(text: str, where: str) -> str:
    """The TeX between dollar signs of one HTML text node, typeset; ``\\$`` becomes a dollar sign."""

    def one(m: re.Match) -> str:
        display = m["display"] is not None
        return _wrap(html.unescape(m["display"] if display else m["inline"]), display, where)

    return _DOLLARS.sub(one, text).replace("\\$", "$")


def typeset_notebook_markdown(page_html: str, where: str) -> str:
    """Typeset the ``$…$`` and ``$$…$$`` formulas in a notebook page's Markdown blocks.

    Text inside code, ``pre``, scripts and styles is left alone.

    Examples
    --------
    >>> page = '<div class="jp-MarkdownOutput"><p>$x_1$ costs \\\\$5, <code>$y$</code></p></div><p>$z$</p>'
    >>> out = typeset_notebook_markdown(page, "n.py")
    >>> out.count('class="katex"'), "costs $5" in out, "<code>$y$</code>" in out, out.endswith("<p>$z$</p>")
    (1, True, True, True)
    """
    parts, pos = [], 0
    for start in _MARKDOWN_BLOCK.finditer(page_html):
        if start.start() < pos:  # a block nested in one already typeset
            continue
        parts.append(page_html[pos : start.end()])
        pos, depth, literal = start.end(), 1, 0
        for tag in _TAG.finditer(page_html, pos):
            parts.append(
                page_html[pos : tag.start()] if literal else _typeset_dollars(page_html[pos : tag.start()], where)
            )
            parts.append(tag.group(0))
            pos = tag.end()
            closing, name, selfclosing = tag.group(1) == "/", tag.group(2).lower(), tag.group(3) == "/"
            if name in _LITERAL and not selfclosing:
                literal += -1 if closing else 1
            if name == "div" and not selfclosing:
                depth += -1 if closing else 1
                if depth == 0:
                    break
    parts.append(page_html[pos:])
    return "".join(parts)


# The fonts a page's formulas need, each with the KaTeX class that asks for it. They are preloaded, so
# they arrive with the stylesheets and the formulas are drawn once, in their own font: without that the
# browser finds them only once it lays the page out, and the text around each formula moves when they come.
_FONTS = {
    "KaTeX_Main-Regular": 'class="katex"',
    "KaTeX_Math-Italic": "mathnormal",
    "KaTeX_Size1-Regular": "small-op",
    "KaTeX_Size2-Regular": "large-op",
}
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="(?P<base>[^"]*)assets/vendor/katex/katex\.min\.css"')
_CHARSET = '<meta charset="utf-8">'


def preload_fonts(page_html: str, where: str) -> str:
    """Preload, first in the page's head, the KaTeX fonts its formulas use (none on a page without formulas).

    First, because the page's styles come next, inlined (site_hooks/inline_css.py): a font
    asked for after them arrives after the formulas are drawn, and its arrival makes the
    browser restyle every formula that uses it.

    Examples
    --------
    >>> head = '<head><meta charset="utf-8"><link rel="stylesheet" href="../assets/vendor/katex/katex.min.css"></head>'
    >>> out = preload_fonts(head + '<span class="katex"><span class="mord mathnormal">x</span></span>', "a.md")
    >>> re.findall(r'<link rel="preload" href="([^"]+)"', out)
    ['../assets/vendor/katex/fonts/KaTeX_Main-Regular.woff2', '../assets/vendor/katex/fonts/KaTeX_Math-Italic.woff2']
    >>> out.startswith('<head><meta charset="utf-8"><link rel="preload"')
    True
    >>> preload_fonts(head + "<p>no maths</p>", "b.md") == head + "<p>no maths</p>"
    True
    """
    if 'class="katex"' not in page_html:
        return page_html
    css = _STYLESHEET.search(page_html)
    if css is None:
        raise PluginError(f"{where}: the page has formulas but does not link katex.min.css (mkdocs.yml extra_css)")
    links = "".join(
        f'<link rel="preload" href="{css["base"]}assets/vendor/katex/fonts/{font}.woff2" as="font" '
        'type="font/woff2" crossorigin>'
        for font, marker in _FONTS.items()
        if marker in page_html
    )
    at = page_html.find(_CHARSET)
    at = css.start() if at < 0 else at + len(_CHARSET)
    return page_html[:at] + links + page_html[at:]


def on_post_page(output: str, page, config) -> str:
    where = page.file.src_uri
    if page.file.src_uri.endswith(".py") or page.file.src_uri.endswith(".ipynb"):
        output = typeset_notebook_markdown(output, where)
    return preload_fonts(typeset_arithmatex(output, where), where)


def on_shutdown() -> None:
    if _state["ctx"] is not None:
        _state["ctx"].close()
    _state["ctx"] = _state["render"] = None
