"""Which pages the built site must have, and which of them carry maths.

Used by the site tests to parametrize over every page before the site is
built, and to check afterwards that the build produced exactly those pages.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import pathspec

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"

# Notebook pages: the jupytext scripts that mkdocs-jupyter includes (mkdocs.yml).
NOTEBOOKS = "notebooks/*.py"

# A warning logged by MkDocs or a plugin ("WARNING -  …"); under --strict each one fails the build.
# (The notebook kernels' own log lines, "[IPKernelApp] WARNING | …", are not about the site.)
MKDOCS_WARNING = re.compile(r"^WARNING\b")

_MARKDOWN_OUTPUT = re.compile(r'<div class="[^"]*\bjp-MarkdownOutput\b[^"]*"[^>]*>(.*?)</div>', re.S)
_TEX = re.compile(r"\$[^$]+\$|\\\(|\\\[")


def page_url(src: str) -> str:
    """The URL (relative to the site root) of the docs file ``src``, with directory URLs.

    Examples
    --------
    >>> page_url("index.md"), page_url("maths/loss.md"), page_url("reference/index.md")
    ('', 'maths/loss/', 'reference/')
    >>> page_url("notebooks/train_mnist.py")
    'notebooks/train_mnist/'
    """
    path = PurePosixPath(src).with_suffix("")
    if path.name == "index":
        path = path.parent
    return "" if str(path) == "." else f"{path}/"


def excluded(config: Path = REPO / "mkdocs.yml") -> pathspec.GitIgnoreSpec:
    """mkdocs.yml's ``exclude_docs``: files of docs/ that are no page (the glossary snippet, say)."""
    block = re.search(r"^exclude_docs: \|\n((?:  .*\n)+)", config.read_text(encoding="utf-8"), re.M)
    lines = block.group(1).split("\n") if block else []
    return pathspec.GitIgnoreSpec.from_lines([line.strip() for line in lines if line.strip()])


def source_pages(docs: Path = DOCS) -> list[str]:
    """Every page source in ``docs``: the Markdown files and the notebook scripts, less ``exclude_docs``."""
    sources = [p.relative_to(docs).as_posix() for p in docs.rglob("*.md")]
    sources += [p.relative_to(docs).as_posix() for p in docs.glob("notebooks/*.py")]
    skip = excluded()
    return sorted(src for src in sources if not skip.match_file(src))


def expected_pages(docs: Path = DOCS) -> list[str]:
    """URLs of all pages the site must have, ``404.html`` included."""
    return sorted([page_url(src) for src in source_pages(docs)] + ["404.html"])


def html_file(site: Path, url: str) -> Path:
    """The built file that serves ``url``."""
    return site / url if url.endswith(".html") else site / url / "index.html"


def has_math(html: str) -> bool:
    """Whether a built page holds formulas: arithmatex output, or TeX in notebook Markdown.

    Examples
    --------
    >>> has_math('<span class="arithmatex">x</span>')
    True
    >>> has_math('<div class="jp-RenderedHTMLCommon jp-MarkdownOutput"><p>$W^{[1]}$</p></div>')
    True
    >>> has_math('<p>costs $5</p>')
    False
    """
    if 'class="arithmatex"' in html:
        return True
    return any(_TEX.search(block) for block in _MARKDOWN_OUTPUT.findall(html))
