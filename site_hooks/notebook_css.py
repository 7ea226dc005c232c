"""MkDocs hook: a notebook page keeps only the Jupyter style rules that can match something on it.

mkdocs-jupyter puts JupyterLab's whole stylesheet in a ``<style>`` at the top
of every notebook page: about 570 kB (88 kB gzipped) of rules for JupyterLab's
menus, panels and widgets, which a phone must download and parse before it
shows the first line. A rendered notebook uses a few dozen of its classes.
This hook drops every rule with a selector that names a class absent from the
page, and keeps everything else: rules without classes, ``@font-face`` and
``@keyframes``. Classes under ``:not()``, ``:is()``, ``:where()`` and ``:has()``
are not required, so a rule is only dropped when no element of the page can
match it. Then JupyterLab's custom properties (``--jp-*``) that no kept rule
uses, directly or through another property, go too. Nothing on a notebook page
adds Jupyter's classes later: the page runs no Jupyter script.
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)
_CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_ANY_OF = re.compile(r":(?:not|is|where|has)\((?:[^()]|\([^()]*\))*\)")
_JUPYTER = re.compile(r"\.jp-|\.jupyter-wrapper|\.highlight-ipynb")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_VAR = re.compile(r"var\(\s*(--jp-[\w-]+)")
_ATTRIBUTE = re.compile(r"\[[^\]]*\]")
# Rules whose body is not a selector's declarations: kept whole.
_KEEP_AT = ("@font-face", "@keyframes", "@-webkit-keyframes", "@page", "@property", "@charset", "@import", "@layer")


def _past(css: str, i: int) -> int:
    """The index just past the string or comment that starts at ``css[i]``, or ``i + 1``."""
    c = css[i]
    if c in "\"'":
        j = i + 1
        while j < len(css) and css[j] != c:
            j += 2 if css[j] == "\\" else 1
        return j + 1
    if css.startswith("/*", i):
        j = css.find("*/", i + 2)
        if j < 0:
            raise PluginError("an unclosed comment in a notebook's stylesheet")
        return j + 2
    return i + 1


def _blocks(css: str):
    """Yield ``(prelude, body)`` for each top-level rule of ``css``; ``body`` is None for a statement (``@charset …;``).

    Examples
    --------
    >>> list(_blocks('@charset "x;y";a{content:"}"}@media print{b{c:d}}'))
    [('@charset "x;y"', None), ('a', 'content:"}"'), ('@media print', 'b{c:d}')]
    """
    i, start, depth, brace = 0, 0, 0, 0
    while i < len(css):
        c = css[i]
        if c == ";" and depth == 0:
            yield css[start:i].strip(), None
            start = i + 1
        elif c == "{":
            brace = i if depth == 0 else brace
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                yield css[start:brace].strip(), css[brace + 1 : i]
                start = i + 1
        i = _past(css, i)
    if css[start:].strip():
        yield css[start:].strip(), None


def _split(text: str, sep: str) -> list[str]:
    """``text`` split at each ``sep`` outside brackets, strings and comments: a selector list at its
    commas, a rule's body at its semicolons.

    Examples
    --------
    >>> _split(".a, .b :is(.c:hover, .d) .e", ",")
    ['.a', ' .b :is(.c:hover, .d) .e']
    >>> _split('a:1;b:url("x;y");c:f(1;2)', ";")
    ['a:1', 'b:url("x;y")', 'c:f(1;2)']
    """
    out, start, depth, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        depth += (c in "([") - (c in ")]")
        if c == sep and depth == 0:
            out.append(text[start:i])
            start = i + 1
        i = _past(text, i)
    return [*out, text[start:]]


def can_match(selector: str, classes: set[str]) -> bool:
    """Whether every class ``selector`` requires is in ``classes``.

    Examples
    --------
    >>> can_match(".jp-Cell .jp-InputArea", {"jp-Cell", "jp-InputArea"})
    True
    >>> can_match(".jp-Toolbar > button", {"jp-Cell"})
    False
    >>> can_match("pre:not(.jp-Toolbar)", set()), can_match("[data-md-color-scheme=slate] .x", {"x"})
    (True, True)
    """
    required = _CLASS.findall(_ATTRIBUTE.sub("", _ANY_OF.sub("", _COMMENT.sub("", selector))))
    return all(name in classes for name in required)


def prune(css: str, classes: set[str]) -> str:
    """``css`` without the rules none of whose selectors can match an element with ``classes``.

    Examples
    --------
    >>> css = ".a{color:red}.b,.a .c{x:1}@media (min-width:1px){.d{y:2}.a{z:3}}@font-face{src:url(f)}"
    >>> prune(css, {"a"})
    '.a{color:red}@media (min-width:1px){.a{z:3}}@font-face{src:url(f)}'
    """
    out = []
    for prelude, body in _blocks(css):
        if body is None:
            out.append(prelude + ";")
        elif prelude.startswith(_KEEP_AT):
            out.append(f"{prelude}{{{body}}}")
        elif prelude.startswith("@"):  # @media, @supports, @container: prune what is inside
            inner = prune(body, classes)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        else:
            kept = [s for s in _split(prelude, ",") if can_match(s.strip(), classes)]
            if kept:
                out.append(f"{','.join(s.strip() for s in kept)}{{{body}}}")
    return "".join(out)


def drop_unused_properties(css: str, elsewhere: str = "") -> str:
    """``css`` without its JupyterLab custom properties (``--jp-*``) that nothing uses, directly or through another.

    Examples
    --------
    >>> drop_unused_properties(":root{--jp-a:1px;--jp-b:var(--jp-a);--jp-c:2px}.x{margin:var(--jp-b)}")
    ':root{--jp-a:1px;--jp-b:var(--jp-a)}.x{margin:var(--jp-b)}'
    """
    definitions: dict[str, list[str]] = {}
    used = set(_VAR.findall(elsewhere))
    for decl in _all_declarations(css):
        name, _, value = decl.partition(":")
        if name.strip().startswith("--jp-"):
            definitions.setdefault(name.strip(), []).append(value)
        else:
            used.update(_VAR.findall(value))
    todo = list(used)
    while todo:
        for value in definitions.get(todo.pop(), []):
            for name in _VAR.findall(value):
                if name not in used:
                    used.add(name)
                    todo.append(name)
    return _rewrite_bodies(css, lambda decl: not decl.strip().startswith("--jp-") or decl.split(":")[0].strip() in used)


def _all_declarations(css: str):
    """Every declaration of every rule of ``css``, inside ``@media`` and the like too."""
    for prelude, body in _blocks(css):
        if body is None:
            continue
        if prelude.startswith("@") and not prelude.startswith(_KEEP_AT):
            yield from _all_declarations(body)
        else:
            yield from (d for d in _split(body, ";") if d.strip())


def _rewrite_bodies(css: str, keep) -> str:
    """``css`` with only the declarations for which ``keep(declaration)`` is true."""
    out = []
    for prelude, body in _blocks(css):
        if body is None:
            out.append(prelude + ";")
        elif prelude.startswith("@") and not prelude.startswith(_KEEP_AT):
            out.append(f"{prelude}{{{_rewrite_bodies(body, keep)}}}")
        elif prelude.startswith(_KEEP_AT):
            out.append(f"{prelude}{{{body}}}")
        else:
            kept = [d for d in _split(body, ";") if d.strip() and keep(d)]
            out.append(f"{prelude}{{{';'.join(kept)}}}")
    return "".join(out)


def page_classes(page_html: str) -> set[str]:
    """Every class named in a ``class`` attribute of ``page_html``.

    Examples
    --------
    >>> sorted(page_classes('<div class="jp-Cell  jp-CodeCell"><p class="x">'))
    ['jp-Cell', 'jp-CodeCell', 'x']
    """
    return {name for attr in _CLASS_ATTR.findall(page_html) for name in attr.split()}


def prune_styles(page_html: str) -> str:
    """``page_html`` with each of mkdocs-jupyter's ``<style>`` elements pruned to the rules that can match the page.

    Other ``<style>`` elements are left whole: their rules may be for classes a script adds.

    Examples
    --------
    >>> page = '<style>.jp-Cell{a:1}.jp-Toolbar{b:2}</style><style>.x{c:3}</style><div class="jp-Cell">'
    >>> prune_styles(page)
    '<style>.jp-Cell{a:1}</style><style>.x{c:3}</style><div class="jp-Cell">'
    """
    classes = page_classes(page_html)

    def pruned(m):
        css = m.group(2)
        if not _JUPYTER.search(css):
            return m.group(0)
        return m.group(1) + drop_unused_properties(prune(css, classes), outside) + m.group(3)

    outside = _STYLE.sub("", page_html)
    return _STYLE.sub(pruned, page_html)


def on_post_page(output, page, config):
    if page.file.src_uri.startswith("notebooks/") and page.file.src_uri.endswith(".py"):
        return prune_styles(output)
    return output
