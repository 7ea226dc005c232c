"""MkDocs hook for the notebook pages: a downloadable ``.ipynb`` next to each one.

The notebooks live in ``docs/notebooks/`` as jupytext *percent* scripts
(``*.py``): plain text, readable diffs, never any outputs in git.
mkdocs-jupyter executes them at build time and renders the page; this hook
then writes the same notebook converted to ``.ipynb`` (inputs only, so the
reader runs it) into the built site beside the page, under the script's own
name — ``notebooks/train_mnist/train_mnist.ipynb`` — where the relative link
``train_mnist.ipynb`` in the notebook's first cell finds it.

It also pins the BLAS of the notebook kernels to one thread unless the caller
chose otherwise. The kernels inherit this process's environment, and on a small
shared machine OpenBLAS's worker threads mostly wait for each other: on the
2-core build machine one product of the backward pass, ``dZ1 @ X.T`` over
60,000 images, took 46 ms with one thread and over a second with two.

Two fixes to the rendered page (``on_page_content``):

* **Folded code.** A code cell tagged ``collapse`` is shown folded: its input
  is wrapped in ``<details class="nn-code"><summary>…</summary>``, so the
  page shows the figure or the printout first and the code is one click
  away. The cell still runs and stays, tag and all, in the downloadable
  ``.ipynb``. In a jupytext script the tag goes on the cell marker::

      # %% tags=["collapse"]
      # Draw the graph: boxes for arrays, circles for gates.
      fig, ax = plt.subplots(...)

  The summary is the cell's first line when it is a comment (here "Draw the
  graph: boxes for arrays, circles for gates."), else "Show the code", with
  the number of lines. Fold set-up and plotting code; leave visible the
  lines the page is about. tests/site/test_notebook_layout.py fails when a
  page shows more than 40 lines of code before its first figure. (Every tag
  also becomes a class of the cell, ``celltag_<tag>``. A cell tagged
  ``phone-alternative`` draws a figure twice, for wide screens and then laid
  out for a phone; docs/stylesheets/a11y.css shows each screen one of them.)
* **Heading ids the contents can find.** nbconvert gives notebook headings
  ids like ``The-data`` while the table of contents (Python-Markdown's, from
  the same headings) links ``#the-data``; each heading takes its contents
  entry's id, matched in order and by title. A heading the contents lack
  keeps Python-Markdown's slug of its text.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path, PurePosixPath

from mkdocs.exceptions import PluginError

from nn_scratch.saving import atomic_write

NOTEBOOKS = "notebooks/*.py"  # the same pattern as mkdocs-jupyter's ``include`` in mkdocs.yml

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

COLLAPSE = "collapse"  # the cell tag that folds a code cell's input
_CELL = re.compile(r'<div class="jp-Cell jp-CodeCell[^"]*\bcelltag_' + COLLAPSE + r'\b[^"]*">')
_INPUT = re.compile(r'<div class="jp-Cell-inputWrapper"[^>]*>')
LAYOUT_TAGS = {COLLAPSE, "phone-alternative"}  # tags about the page's layout, not shown as labels on the cells
_TOOLBAR = re.compile(r'<div class="celltoolbar">')
_CELL_TAG = re.compile(r'<span class="cell-tag">([^<]*)</span>')
_PRE = re.compile(r"<pre>(.*?)</pre>", re.S)
_TAG = re.compile(r"<[^>]+>")
_DIV = re.compile(r"<div\b|</div>")
_HEADING = re.compile(r'<h([1-6]) id="([^"]*)">(.*?)</h\1>', re.S)


def is_notebook(src_uri: str) -> bool:
    """Whether the docs file at ``src_uri`` is a notebook page.

    Examples
    --------
    >>> is_notebook("notebooks/inside.py"), is_notebook("maths/forward.md")
    (True, False)
    """
    return PurePosixPath(src_uri).match(NOTEBOOKS)


def write_ipynb(source: Path, folder: Path) -> Path:
    """Convert the jupytext script ``source`` to ``folder/<name>.ipynb``, atomically.

    The file is written under a temporary name and renamed into place, so a
    failed conversion never leaves half a notebook in the site.
    """
    import jupytext

    notebook = jupytext.read(source)
    notebook.metadata.pop("jupytext", None)  # the pairing information is about the source, not the download
    notebook.metadata["kernelspec"] = KERNELSPEC
    text = jupytext.writes(notebook, fmt="ipynb")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (Path(source).stem + ".ipynb")
    return atomic_write(target, text)


def on_config(config):
    """Before any notebook runs: one BLAS thread for the kernels, unless already chosen."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    return config


def on_post_page(output, page, config):
    """After a notebook page is written: put its ``.ipynb`` beside it."""
    if is_notebook(page.file.src_uri):
        write_ipynb(Path(page.file.abs_src_path), Path(page.file.abs_dest_path).parent)
    return output


def element_end(page_html: str, start: int) -> int:
    """The index just past the ``</div>`` that closes the ``<div`` at ``start``.

    Examples
    --------
    >>> text = '<div a><div b></div>x</div><div c></div>'
    >>> text[: element_end(text, 0)]
    '<div a><div b></div>x</div>'
    """
    depth = 0
    for tag in _DIV.finditer(page_html, start):
        depth += 1 if tag.group(0) == "<div" else -1
        if depth == 0:
            return tag.end()
    raise PluginError(f"unbalanced <div> in a notebook page near {page_html[start : start + 80]!r}")


def code_text(cell_html: str) -> str:
    """The source code shown in a rendered cell's ``<pre>``, as plain text."""
    found = _PRE.search(cell_html)
    return html.unescape(_TAG.sub("", found.group(1))) if found else ""


def fold_code(page_html: str, where: str = "a notebook") -> str:
    r"""Wrap the input of every code cell tagged ``collapse`` in ``<details>``.

    Examples
    --------
    >>> cell = ('<div class="jp-Cell jp-CodeCell celltag_collapse">'
    ...         '<div class="jp-Cell-inputWrapper"><pre># Draw it\nplt.show()</pre></div>'
    ...         '<div class="jp-Cell-outputWrapper">figure</div></div>')
    >>> print(fold_code(cell))
    <div class="jp-Cell jp-CodeCell celltag_collapse"><details class="nn-code">
    <summary>Draw it (2 lines of code)</summary><div class="jp-Cell-inputWrapper"><pre># Draw it
    plt.show()</pre></div></details><div class="jp-Cell-outputWrapper">figure</div></div>
    """
    out, done = [], 0
    for cell in _CELL.finditer(page_html):
        if cell.start() < done:
            continue  # the template nests two divs of the same classes: this input is folded already
        wrapper = _INPUT.search(page_html, cell.end())
        if wrapper is None or wrapper.start() > element_end(page_html, cell.start()):
            raise PluginError(f"{where}: a cell tagged {COLLAPSE!r} has no input to fold")
        end = element_end(page_html, wrapper.start())
        inner = page_html[wrapper.start() : end]
        lines = code_text(inner).rstrip("\n").split("\n")
        first = lines[0].strip()
        title = first.lstrip("#").strip() if first.startswith("#") and first.lstrip("#").strip() else "Show the code"
        summary = f"{html.escape(title)} ({len(lines)} line{'s' * (len(lines) != 1)} of code)"
        out += [page_html[done : wrapper.start()], f'<details class="nn-code">\n<summary>{summary}</summary>', inner]
        out.append("</details>")
        done = end
    return "".join(out) + page_html[done:]


def hide_layout_tags(page_html: str) -> str:
    """Remove the tag labels the notebook template shows above a cell when all its tags are layout tags.

    Examples
    --------
    >>> bar = '<div class="celltoolbar"><div><span class="cell-tag">{}</span></div></div>'
    >>> hide_layout_tags("<pre>" + bar.format("collapse") + "x</pre>")
    '<pre>x</pre>'
    >>> hide_layout_tags(bar.format("exercise")) == bar.format("exercise")
    True
    """
    out, done = [], 0
    for bar in _TOOLBAR.finditer(page_html):
        end = element_end(page_html, bar.start())
        if set(_CELL_TAG.findall(page_html, bar.start(), end)) <= LAYOUT_TAGS:
            out.append(page_html[done : bar.start()])
            done = end
    return "".join(out) + page_html[done:]


def _toc_entries(toc) -> list:
    entries = []
    for item in toc:
        entries.append(item)
        entries += _toc_entries(item.children)
    return entries


def _plain(text: str) -> str:
    """A heading's text without tags, anchor mark or spacing differences, for matching."""
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub("", text)).replace("¶", "")).strip()


def heading_ids(page_html: str, toc, where: str = "a notebook") -> str:
    """Give each notebook heading the id its table-of-contents entry links to.

    ``toc`` is the page's table of contents (``page.toc``): entries with
    ``id``, ``title`` and ``children``. Headings are matched to entries in
    order by their text; a heading with no entry (one printed by a cell) gets
    Python-Markdown's slug of its text, made unique on the page.

    Examples
    --------
    >>> from types import SimpleNamespace as E
    >>> toc = [E(id="the-data", title="The data", children=[E(id="dw1", title="dW1", children=[])])]
    >>> page = ('<h2 id="The-data">The data<a class="anchor-link" href="#The-data">¶</a></h2>'
    ...         '<h3 id="dW1">dW1<a class="anchor-link" href="#dW1">¶</a></h3><h4 id="Out">Out</h4>')
    >>> print(heading_ids(page, toc))
    <h2 id="the-data">The data<a class="anchor-link" href="#the-data">¶</a></h2><h3 id="dw1">dW1<a class="anchor-link" href="#dw1">¶</a></h3><h4 id="out">Out</h4>
    """
    from markdown.extensions.toc import slugify, unique

    entries = _toc_entries(toc)
    used = {entry.id for entry in entries}
    position = 0

    def fix(match):
        nonlocal position
        level, text = match.group(1), match.group(3)
        title = _plain(text)
        ahead = [i for i in range(position, len(entries)) if _plain(entries[i].title) == title]
        if ahead:
            position = ahead[0] + 1
            new = entries[ahead[0]].id
        else:
            new = unique(slugify(title, "-"), used)
        text = text.replace(f'href="#{match.group(2)}"', f'href="#{new}"')
        return f'<h{level} id="{new}">{text}</h{level}>'

    page_html = _HEADING.sub(fix, page_html)
    if position < len(entries) and any(e.id not in page_html for e in entries[position:]):
        missing = [e.title for e in entries[position:]]
        raise PluginError(f"{where}: contents entries with no heading on the page: {missing}")
    return page_html


def on_page_content(page_html, page, config, files):
    """Fold the cells tagged ``collapse``; give the headings the ids their contents links use."""
    if not is_notebook(page.file.src_uri):
        return page_html
    page_html = fold_code(hide_layout_tags(page_html), page.file.src_uri)
    return heading_ids(page_html, page.toc, page.file.src_uri)
