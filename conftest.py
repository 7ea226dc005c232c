"""Shared pytest setup: NumPy in every doctest's namespace, stable array reprs."""

import os
from pathlib import Path

import numpy as np
import pytest

# Doctests that load MNIST find it through NN_SCRATCH_DATA (set by .ci/run); in a
# checkout next to ../shared/data/mnist they work without it, and never download.
_MNIST = Path(__file__).resolve().parent.parent / "shared" / "data" / "mnist"
if "NN_SCRATCH_DATA" not in os.environ and _MNIST.is_dir():
    os.environ["NN_SCRATCH_DATA"] = str(_MNIST)

# NumPy 2 prints scalars as np.float64(0.5); docstrings show the plain repr readers know.
np.set_printoptions(legacy="1.25")


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace["np"] = np


# The notebooks under docs/ are jupytext percent scripts that train on MNIST;
# mkdocs-jupyter executes them at build time, so pytest must not import them.
collect_ignore_glob = ["docs/notebooks/*.py", "site/*"]
