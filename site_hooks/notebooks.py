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
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from nn_scratch.saving import atomic_write

NOTEBOOKS = "notebooks/*.py"  # the same pattern as mkdocs-jupyter's ``include`` in mkdocs.yml

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


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
