"""Fixtures for the test suite.

``mnist`` loads the official data set once per session. Where the files are
missing it skips on a developer's machine but *fails* in CI (``CI`` set), so a
green CI run always means the MNIST tests really ran: the one rule of
``tests/needs.py``, which every guard of the suite uses.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from needs import unavailable

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MNIST_DIR = REPO.parent / "shared" / "data" / "mnist"


def mnist_dir() -> Path:
    """Folder holding the four official MNIST files, for the tests."""
    return Path(os.environ.get("NN_SCRATCH_DATA") or DEFAULT_MNIST_DIR)


def require_mnist_files() -> Path:
    folder = mnist_dir()
    names = [
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ]
    missing = [n for n in names if not (folder / n).exists() and not (folder / f"{n}.gz").exists()]
    if missing:
        unavailable(f"MNIST files {missing} not found in {folder}: set NN_SCRATCH_DATA to the folder that holds them")
    return folder


@pytest.fixture(scope="session")
def mnist_folder() -> Path:
    """Path of the folder with the official MNIST files (fails in CI when absent)."""
    return require_mnist_files()


@pytest.fixture(scope="session")
def mnist(mnist_folder):
    """The official MNIST split as loaded by :func:`nn_scratch.data.load_mnist` (float32)."""
    from nn_scratch.data import load_mnist

    return load_mnist(mnist_folder)
