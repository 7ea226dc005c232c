"""Notebook pages show the result before the code.

Set-up and plotting code is folded (a code cell tagged ``collapse``, see
site_hooks/notebooks.py): it still runs at build and stays in the downloadable
``.ipynb``, one click away on the page. This test reads every built notebook
page and counts the lines of code a reader sees — not folded — before the
page's first figure; more than ``MAX_LINES`` fails.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sitepages import DOCS, NOTEBOOKS, html_file, page_url

MAX_LINES = 40
PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.glob(NOTEBOOKS))


def code_before_first_figure(page_html: str) -> tuple[int, bool]:
    """Lines of visible (not folded) code before the first figure, and whether the page has a figure.

    Examples
    --------
    >>> cell = '<div class="jp-Cell jp-CodeCell"><div class="jp-Cell-inputWrapper"><pre>{}</pre></div>{}</div>'
    >>> figure = '<div class="jp-OutputArea"><img src="data:image/png;base64,AA"/></div>'
    >>> code_before_first_figure(cell.format("x = 1\\ny = 2\\n", "") + cell.format("plot()", figure))
    (3, True)
    >>> code_before_first_figure(cell.format("x = 1", ""))
    (1, False)
    """
    soup = BeautifulSoup(page_html, "html.parser")
    lines = 0
    # In document order: the code of each input, and the images of the outputs (the template nests two
    # divs per cell, so cells are not counted, their contents are).
    for element in soup.find_all(["pre", "img", "svg"]):
        if element.name == "pre":
            if element.find_parent(class_="jp-Cell-inputWrapper") and element.find_parent("details") is None:
                lines += len(element.get_text().rstrip("\n").split("\n"))
        elif element.find_parent(class_="jp-OutputArea"):
            return lines, True
    return lines, False


@pytest.mark.parametrize("src", PAGES)
def test_at_most_40_lines_of_code_before_the_first_figure(built_site, src):
    page_html = html_file(built_site, page_url(src)).read_text(encoding="utf-8")
    lines, has_figure = code_before_first_figure(page_html)
    where = "before its first figure" if has_figure else "in all (it has no figure)"
    assert lines <= MAX_LINES, (
        f"{src} shows {lines} lines of code {where}; fold set-up and plotting cells "
        '(# %% tags=["collapse"], site_hooks/notebooks.py)'
    )


def test_folded_code_is_not_counted():
    cell = '<div class="jp-Cell jp-CodeCell"><div class="jp-Cell-inputWrapper"><pre>{}</pre></div>{}</div>'
    figure = '<div class="jp-OutputArea"><img src="data:image/png;base64,AA"/></div>'
    long = "\n".join(f"line {i}" for i in range(60))
    shown = cell.format(long, "") + cell.format("plt.show()", figure)
    folded = f'<details class="nn-code"><summary>set-up</summary>{cell.format(long, "")}</details>' + cell.format(
        "plt.show()", figure
    )
    assert code_before_first_figure(shown) == (61, True)
    nested = '<div class="jp-Cell jp-CodeCell">' + shown + "</div>"  # as the notebook template writes cells
    assert code_before_first_figure(nested) == (61, True)
    assert code_before_first_figure(folded) == (1, True)
    # Code after the first figure does not count.
    assert code_before_first_figure(cell.format("plt.show()", figure) + cell.format(long, "")) == (1, True)
