"""Every number in the site's prose is filled by the build, printed by code, or on the allow-list with its reason.

The scanner is ``tests/prose_numbers.py``; the allow-list is
``tests/prose_allowlist.toml``. A failure names the page, the line and the
number: make it a field (``{{ namespace.name }}``, see ``site_hooks/fields.py``),
print it from a notebook's code, or — only for a figure quoted from a named
source or a constant of the format — add it to the allow-list with its reason.
"""

from __future__ import annotations

import pytest
from prose_numbers import (
    REPO,
    load_allowlist,
    prose_files,
    scan_file,
    scan_text,
    unexplained,
)


def test_every_number_in_the_prose_is_filled_or_explained():
    allowlist = load_allowlist()
    findings = [f for path in prose_files() for f in scan_file(path)]
    left = unexplained(findings, allowlist)
    assert not left, "numbers typed into the prose:\n" + "\n".join(map(str, left))


def test_every_allowlist_entry_is_still_used():
    # An entry whose number has left its page is dead weight in a list meant to be read in a minute.
    findings = {(f.path, f.number) for path in prose_files() for f in scan_file(path)}
    numbers = {number for _, number in findings}
    stale = [
        e
        for e in load_allowlist()
        if (e["page"], e["number"]) not in findings and not (e["page"] == "*" and e["number"] in numbers)
    ]
    assert not stale, f"allow-list entries no page uses any more: {stale}"


@pytest.mark.parametrize(
    "typed",
    [
        "The network has 7,960 parameters.",
        "It reaches 91.3 % on the test set.",
        "One iteration takes 43 ms.",
        "about 140 GFLOP per iteration",
        "nn_scratch is 3.5× faster",
        "after 500 iterations",
        "a std of 0.29",
        "An epoch took 0.75 s.",
    ],
)
def test_scanner_fails_on_a_hand_typed_number(typed, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(f"# A page\n\nSome prose.\n{typed}\n", encoding="utf-8")
    found = unexplained(scan_file(page), load_allowlist())
    assert len(found) == 1 and found[0].line == 4
    assert str(page) in str(found[0]) and ":4:" in str(found[0])


def test_scanner_reads_the_markdown_cells_of_a_notebook_only(tmp_path):
    notebook = tmp_path / "nb.py"
    notebook.write_text(
        "# %% [markdown]\n# # Title\n#\n# Training took 12.5 s.\n\n# %%\nx = 0.125  # 3 ms in code is fine\n"
        "display(Markdown(f'took {t:.1f} s'))\n",
        encoding="utf-8",
    )
    found = scan_file(notebook)
    assert [(f.line, f.number) for f in found] == [(4, "12.5 s")]


def test_fields_code_links_and_format_constants_pass():
    text = (
        "A {{ net.layers }} network with {{ net.params }} parameters (`W1` is `10 × 784`, "
        "[see](../x.md#a-91.3)). The $28 \\times 28$ image has 784 pixels.\n"
        "```python\nprint(f'{acc:.2%}')  # 92.10 %\n```\n"
    )
    found = scan_text(text, "docs/index.md")
    assert [f.number for f in unexplained(found, load_allowlist())] == []


def test_allowlist_entries_have_reasons(tmp_path):
    bad = tmp_path / "allow.toml"
    bad.write_text('[[allow]]\npage = "*"\nnumber = "3 s"\nreason = ""\n', encoding="utf-8")
    with pytest.raises(ValueError, match="needs a page"):
        load_allowlist(bad)
    assert (REPO / "tests" / "prose_allowlist.toml").is_file()
