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
    FORMAT,
    REPO,
    allows,
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
    findings = [f for path in prose_files() for f in scan_file(path)]
    stale = []
    for entry in load_allowlist():
        for context in entry["contexts"]:
            used = [f for f in findings if allows({**entry, "contexts": [context]}, f)]
            if not used:
                stale.append(f"{entry['page']}: context {context!r} covers none of {entry['numbers']}")
        for number in entry["numbers"]:
            if not any(allows({**entry, "numbers": [number]}, f) for f in findings):
                stale.append(f"{entry['page']}: number {number!r} is in none of its contexts")
    assert not stale, "allow-list entries no page uses any more:\n" + "\n".join(stale)


def test_prose_is_read_wherever_a_reader_meets_it():
    files = {path.relative_to(REPO).as_posix() for path in prose_files()}
    assert {"README.md", "docs/index.md", "docs/notebooks/train_mnist.py"} <= files
    assert any(f.startswith("nn_scratch/") for f in files) and any(f.startswith("site_hooks/") for f in files)


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
        # A number separated from its unit by words.
        "Every run trains on the first 10,000 training images.",
        "It ran 1,000 full-batch iterations.",
        # A percentage inside maths.
        "The accuracy is $91.3\\%$.",
        "The accuracy is $91.3\\,\\%$.",
        "One pass takes $12\\,\\text{ms}$.",
        # Numbers grouped by spaces, thin spaces or LaTeX, whatever follows them.
        "It has 7 960 numbers in it.",
        "It has $7{,}960$ numbers in it.",
        "It has $7\\,960$ numbers in it.",
        "Some 12,345 of them.",
        # One decimal in a table.
        "| network | accuracy |\n|---|---|\n| 784-10-10 | 91.3 |",
        # A grouped count that is not the format's: 10,000 is the test set's size, not the training set's.
        "We kept 10,000 training images.",
        "All 785 pixels.",
    ],
)
def test_scanner_fails_on_a_hand_typed_number(typed, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(f"# A page\n\nSome prose.\n{typed}\n", encoding="utf-8")
    found = unexplained(scan_file(page), load_allowlist())
    assert len(found) == 1, found
    line = 4 + typed.count("\n")
    assert found[0].line == line and str(page) in str(found[0]) and f":{line}:" in str(found[0])


def test_a_space_grouped_number_is_read_whole():
    assert [f.number for f in scan_text("It has 7 960 numbers and 7 960 parameters.")] == ["7 960", "7 960 parameters"]
    assert scan_text("Layer sizes 784,128,10 are a list.") == []


@pytest.mark.parametrize(
    "constant",
    [
        "784 pixels",
        "the 784 inputs",
        "28 rows",
        "10 digits",
        "60,000 training images",
        "the 10,000 test images",
        "the official 10,000-image test set",
        "all 70,000 images",
        "$28 \\times 28$ images",
    ],
)
def test_the_format_constants_pass_by_name(constant):
    assert scan_text(f"MNIST has {constant}.") == []


def test_the_format_constants_come_from_the_package():
    import nn_scratch.idx as idx

    assert idx.PIXELS in FORMAT and idx.NUM_CLASSES in FORMAT
    assert 60_000 in FORMAT and 10_000 in FORMAT  # MNIST_FILES' counts
    assert 100 not in FORMAT


def test_scanner_reads_a_notebooks_markdown_cells_and_the_text_its_code_writes(tmp_path):
    notebook = tmp_path / "nb.py"
    notebook.write_text(
        "# %% [markdown]\n# # Title\n#\n# Training took 12.5 s.\n\n# %%\nx = 0.125  # 3 ms in code is fine\n"
        "display(Markdown(f'took {t:.1f} s'))\n",
        encoding="utf-8",
    )
    found = scan_file(notebook)
    assert [(f.line, f.number) for f in found] == [(4, "12.5 s")]
    notebook.write_text(
        "# %% [markdown]\n# # Title\n\n# %%\nn = 5000\n"
        "display(Markdown(f'reached {acc:.1%} after 500 iterations'))\n"
        "print(f'on 5,000 training images, the loss is {loss:.2f}')\n"
        "print('x', f'{n:,} training images')  # a computed count is fine\n"
        "fig = plot_digits(X[:, :n], title='The first 20 training images')\n",
        encoding="utf-8",
    )
    found = scan_file(notebook)
    assert [(f.line, f.number) for f in found] == [
        (6, "500 iterations"),
        (7, "5,000 training images"),
        (9, "20 training images"),
    ]


def test_scanner_reads_the_docstrings_the_api_reference_renders(tmp_path):
    module = tmp_path / "nn_scratch" / "mod.py"
    module.parent.mkdir()
    module.write_text(
        '"""Loads in 0.25 s.\n\nExamples\n--------\n>>> 2 * 0.125\n0.25\n"""\n\n\n'
        'def f():\n    """Takes 3 ms.\n\n    Run::\n\n        f --epochs 10\n    """\n\n\n'
        'def _private():\n    """Takes 4 ms, but the reference does not show it."""\n',
        encoding="utf-8",
    )
    assert [(f.line, f.number) for f in scan_file(module)] == [(1, "0.25 s"), (11, "3 ms")]


def test_scanner_reads_the_strings_a_hook_writes_into_pages(tmp_path):
    hook = tmp_path / "site_hooks" / "hook.py"
    hook.parent.mkdir()
    hook.write_text(
        '"""A hook; its docstring says 3 ms and is not a page."""\n\n\n'
        'def table(t):\n    return f"| one epoch of 1,000 examples | {t:.1f} ms |"\n',
        encoding="utf-8",
    )
    assert [(f.line, f.number) for f in scan_file(hook)] == [(5, "1,000 examples")]


def test_an_allowed_number_is_allowed_only_in_its_context():
    text = "The Kaggle notebook reports 85 % on a dev split.\n\nOurs reached 85 % on the test set."
    found = scan_text(text, "docs/x.md")
    entry = {"page": "docs/x.md", "numbers": ["85 %"], "contexts": ["notebook reports 85 % on a dev split"]}
    assert [allows(entry, f) for f in found] == [True, False]
    # A measured number beside an allowed one, inside the allowed context, is still found.
    found = scan_text("The Kaggle notebook reports 85 % on a dev split, 91 % here.", "docs/x.md")
    entry["contexts"] = ["The Kaggle notebook reports 85 % on a dev split, 91 % here."]
    assert [f.number for f in unexplained(found, [entry])] == ["91 %"]
    # The same words on another page allow nothing there.
    assert not allows(entry, scan_text("The Kaggle notebook reports 85 % on a dev split.", "docs/y.md")[0])


def test_fields_code_links_and_format_constants_pass():
    text = (
        "A {{ net.layers }} network with {{ net.params }} parameters (`W1` is `10 × 784`, "
        "[see](../x.md#a-91.3)). The $28 \\times 28$ image has 784 pixels.\n"
        "```python\nprint(f'{acc:.2%}')  # 92.10 %\n```\n"
    )
    found = scan_text(text, "docs/index.md")
    assert [f.number for f in unexplained(found, load_allowlist())] == []


def test_allowlist_entries_have_contexts_and_reasons(tmp_path):
    bad = tmp_path / "allow.toml"
    bad.write_text(
        '[[allow]]\npage = "docs/x.md"\nnumber = "3 s"\ncontext = "took 3 s"\nreason = ""\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match="needs a page, a number, a context and a reason"):
        load_allowlist(bad)
    bad.write_text('[[allow]]\npage = "docs/x.md"\nnumber = "3 s"\nreason = "quoted"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="a context"):
        load_allowlist(bad)
    bad.write_text(
        '[[allow]]\npage = "docs/x.md"\nnumber = "3 s"\ncontext = "it took"\nreason = "q"\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match="must contain one of its numbers"):
        load_allowlist(bad)
    assert (REPO / "tests" / "prose_allowlist.toml").is_file()
