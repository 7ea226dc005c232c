"""The notebook pages' sources and site_hooks/notebooks.py, which offers each as an .ipynb download.

The notebooks themselves are executed by the site build (mkdocs-jupyter with
allow_errors: false); these tests check what the build cannot: the download
link of each page, its links to other pages, and the hook's conversion.
"""

import json
import os
import re
from pathlib import Path

import jupytext
import nbformat
import needs
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "docs" / "notebooks"
# Every notebook page the site builds (mkdocs-jupyter's ``include`` is docs/notebooks/*.py), found, not listed:
# a page added tomorrow is checked too.
PAGES = sorted(path.stem for path in NOTEBOOKS.glob("*.py"))


hook = needs.module_at(REPO / "site_hooks" / "notebooks.py", "site_hooks_notebooks")


def test_every_notebook_page_is_checked():
    assert len(PAGES) >= 9 and "train_mnist" in PAGES, PAGES
    assert all(hook.is_notebook(f"notebooks/{name}.py") for name in PAGES)


@pytest.mark.parametrize("name", PAGES)
def test_page_starts_with_a_title_and_links_its_own_ipynb(name):
    notebook = jupytext.read(NOTEBOOKS / f"{name}.py")
    first = notebook.cells[0]
    assert first.cell_type == "markdown"
    assert first.source.startswith("# ")
    assert f"]({name}.ipynb)" in first.source
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


@pytest.mark.parametrize("name", PAGES)
def test_links_to_other_notebook_pages_exist(name):
    # mkdocs --strict does not check links inside rendered notebooks, so check them here.
    text = (NOTEBOOKS / f"{name}.py").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(\.\./([a-z_]+)/\)", text)
    for target in targets:
        assert (NOTEBOOKS / f"{target}.py").exists(), f"{name}.py links to ../{target}/, which is not a notebook page"


@pytest.mark.parametrize("name", PAGES)
def test_hook_writes_a_valid_input_only_notebook(name, tmp_path):
    source = NOTEBOOKS / f"{name}.py"
    target = hook.write_ipynb(source, tmp_path / "site" / "notebooks" / name)
    assert target == tmp_path / "site" / "notebooks" / name / f"{name}.ipynb"
    notebook = nbformat.read(target, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert "jupytext" not in notebook.metadata
    expected = jupytext.read(source)
    assert [c.cell_type for c in notebook.cells] == [c.cell_type for c in expected.cells]
    assert [c.source for c in notebook.cells] == [c.source for c in expected.cells]
    assert sorted(p.name for p in target.parent.iterdir()) == [f"{name}.ipynb"]  # no temporary file left


def test_hook_leaves_no_partial_file_when_writing_fails(tmp_path, monkeypatch):
    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(hook.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        hook.write_ipynb(NOTEBOOKS / "inside.py", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_hook_replaces_an_older_download(tmp_path):
    old = tmp_path / "inside.ipynb"
    old.write_text("stale", encoding="utf-8")
    hook.write_ipynb(NOTEBOOKS / "inside.py", tmp_path)
    assert json.loads(old.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize(
    "src_uri, expected",
    [("notebooks/inside.py", True), ("notebooks/inside.md", False), ("index.md", False), ("notebooks/sub/x.py", False)],
)
def test_hook_recognises_notebook_pages(src_uri, expected):
    assert hook.is_notebook(src_uri) is expected


def test_hook_pins_blas_threads_only_when_unset(monkeypatch):
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    config = object()
    assert hook.on_config(config) is config
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    hook.on_config(config)
    assert os.environ["OPENBLAS_NUM_THREADS"] == "4"
