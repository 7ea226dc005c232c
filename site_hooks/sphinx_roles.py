"""MkDocs hook: turn the docstrings' Sphinx roles into links of the API reference.

The package's docstrings name other objects the way ``help()`` readers and
Sphinx expect — ``:func:`gradient_descent```, ``:class:`~nn_scratch.network.Network``` —
but Markdown renders that as the literal text ``:func:`` followed by code.
This hook rewrites each role in the rendered pages into an autorefs
cross-reference to the object's entry in the API reference, so the
docstrings stay plain reStructuredText-style text and the site still links.

A name is looked up among the public objects of ``nn_scratch`` (those in each
module's ``__all__``, and their methods). A short name must be unambiguous; a
name that matches nothing (``numpy.exp``) keeps its code formatting, without
the role and without a link.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from functools import lru_cache

_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|data|attr|exc|obj):<code>(~?)([\w.]+?)(\(\))?</code>")


@lru_cache(maxsize=1)
def public_objects(package: str = "nn_scratch") -> dict[str, str]:
    """Every public object of ``package``: each way to name it → its full dotted path.

    Examples
    --------
    >>> names = public_objects()
    >>> names["gradient_descent"], names["nn_scratch.training.sgd"]
    ('nn_scratch.training.gradient_descent', 'nn_scratch.training.sgd')
    >>> names["Network.predict"], names["nn_scratch.Network"]
    ('nn_scratch.network.Network.predict', 'nn_scratch.network.Network')
    """
    pkg = importlib.import_module(package)
    full: dict[str, set[str]] = {}

    def add(name, path):
        full.setdefault(name, set()).add(path)

    modules = [pkg] + [
        importlib.import_module(m.name)
        for m in pkgutil.iter_modules(pkg.__path__, package + ".")
        if not m.name.split(".")[-1].startswith("_")
    ]
    for module in modules:
        add(module.__name__, module.__name__)
        add(module.__name__.rsplit(".", 1)[-1], module.__name__)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            home = getattr(obj, "__module__", None) or module.__name__
            path = f"{home}.{name}" if home.startswith(package) else f"{module.__name__}.{name}"
            for alias in (name, f"{module.__name__}.{name}", path):
                add(alias, path)
            if inspect.isclass(obj):
                for member, value in vars(obj).items():
                    if not member.startswith("_") and (callable(value) or isinstance(value, property)):
                        for alias in (f"{name}.{member}", f"{path}.{member}"):
                            add(alias, f"{path}.{member}")
    return {name: paths.pop() for name, paths in full.items() if len(paths) == 1}


def link_roles(html: str) -> str:
    """Replace ``:role:<code>name</code>`` by an autorefs reference to ``name``.

    Examples
    --------
    >>> link_roles("see :func:<code>sgd</code>.")
    'see <autoref identifier="nn_scratch.training.sgd" optional><code>sgd</code></autoref>.'
    >>> link_roles(":class:<code>~nn_scratch.network.Network</code>")
    '<autoref identifier="nn_scratch.network.Network" optional><code>Network</code></autoref>'
    >>> link_roles(":func:<code>numpy.exp</code>")
    '<code>numpy.exp</code>'
    """
    names = public_objects()

    def replace(match):
        tilde, name, call = match.groups()
        shown = (name.rsplit(".", 1)[-1] if tilde else name) + (call or "")
        target = names.get(name)
        if target is None:
            return f"<code>{shown}</code>"
        return f'<autoref identifier="{target}" optional><code>{shown}</code></autoref>'

    return _ROLE.sub(replace, html)


def on_page_content(html, page, config, files):
    return link_roles(html)
