"""MkDocs hook: fill every ``{{ namespace.name }}`` field of every page from the code that computes it.

A number in a page's prose is never typed in: the page writes a field, and
the build replaces it. Each namespace is registered by the code that computes
its values — ``home`` by ``site_hooks/home.py`` (the home page's training
run), ``perf`` by ``site_hooks/performance.py`` (the benchmark JSON), ``net``
by ``site_hooks/quantities.py`` (counts and FLOPs computed from
``nn_scratch``), ``pitfalls`` and ``repro`` by ``site_hooks/measurements.py``
(the committed pitfall and reproduction JSON). A field whose namespace or
name nobody registered fails the strict build, naming the page and the field.

This hook must come first in ``mkdocs.yml``: it makes itself importable as
``fields``, so the hooks after it register into this one registry.
Its ``on_page_markdown`` runs after every hook's ``on_files``, so a namespace
may compute its values late (lazily, on the first page that asks).

Notebooks are filled differently: they print their prose numbers from code
(``IPython.display.Markdown`` of an f-string), so a Markdown cell holds no
number at all. ``tests/test_prose_numbers.py`` checks both.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping

from mkdocs.exceptions import PluginError

# mkdocs loads a hook under its path ("site_hooks/fields.py"); the hooks after
# this one do `import fields`. Point that name at this very module so there is
# one registry (reassigned, not setdefault: `mkdocs serve` reloads the hooks).
sys.modules["fields"] = sys.modules[__name__]

FIELD = re.compile(r"\{\{\s*(\w+)\.(\w+)\s*\}\}")
"""A field: ``{{ namespace.name }}``, spaces inside the braces optional."""

_providers: dict[str, tuple[Callable[[], Mapping[str, str]], str]] = {}
_values: dict[str, Mapping[str, str]] = {}


def register(namespace: str, compute: Callable[[], Mapping[str, str]], source: str) -> None:
    """Register ``namespace``: ``compute()`` returns its fields as ``{name: text}``; ``source`` names who computes them.

    ``compute`` is called once per build, on the first page that asks for the
    namespace. Registering a namespace again replaces it (a rebuild reloads the hooks).

    Examples
    --------
    >>> register("demo", lambda: {"n": "7,960"}, source="a doctest")
    >>> fill("{{ demo.n }} parameters", "x.md")
    '7,960 parameters'
    >>> register("Bad-name", dict, source="a doctest")
    Traceback (most recent call last):
    ...
    ValueError: a namespace is a Python identifier, got 'Bad-name'
    """
    if not namespace.isidentifier():
        raise ValueError(f"a namespace is a Python identifier, got {namespace!r}")
    _providers[namespace] = (compute, source)
    _values.pop(namespace, None)


def values(namespace: str) -> Mapping[str, str]:
    """The fields of ``namespace``, computed on first use in this build."""
    if namespace not in _values:
        compute, source = _providers[namespace]
        computed = compute()
        bad = [name for name, text in computed.items() if not isinstance(text, str)]
        if bad:
            raise PluginError(
                f"{source} gave fields {bad} of {namespace!r} as non-text; format them where they are computed"
            )
        _values[namespace] = computed
    return _values[namespace]


def fill(markdown: str, page: str) -> str:
    """Replace every field of ``markdown`` (the source of ``docs/<page>``) by its value.

    Examples
    --------
    >>> register("demo", lambda: {"alpha": "0.1"}, source="a doctest")
    >>> fill(r"$\\alpha = {{demo.alpha}}$", "x.md")
    '$\\\\alpha = 0.1$'
    >>> fill("{{ demo.beta }}", "x.md")
    Traceback (most recent call last):
    ...
    mkdocs.exceptions.PluginError: docs/x.md line 1 asks for {{ demo.beta }}, but a doctest computes only: alpha
    >>> fill("ok\\n{{ nobody.n }}", "x.md")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mkdocs.exceptions.PluginError: docs/x.md line 2 asks for {{ nobody.n }}, but no hook registers the namespace 'nobody' (known: ...)
    """

    def value(match: re.Match) -> str:
        namespace, name = match.groups()
        line = markdown.count("\n", 0, match.start()) + 1
        where = f"docs/{page} line {line} asks for {match.group(0)}"
        if namespace not in _providers:
            raise PluginError(
                f"{where}, but no hook registers the namespace {namespace!r} (known: {', '.join(sorted(_providers))})"
            )
        known = values(namespace)
        if name not in known:
            raise PluginError(
                f"{where}, but {_providers[namespace][1]} computes only: {', '.join(sorted(known)) or 'none'}"
            )
        return known[name]

    return FIELD.sub(value, markdown)


def on_pre_build(config):
    _values.clear()  # every build computes afresh


def on_page_markdown(markdown, page, config, files):
    return fill(markdown, page.file.src_uri)
