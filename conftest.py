"""Shared pytest setup: NumPy in every doctest's namespace, stable array reprs."""

import numpy as np
import pytest

# NumPy 2 prints scalars as np.float64(0.5); docstrings show the plain repr readers know.
np.set_printoptions(legacy="1.25")


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace["np"] = np


# The notebooks under docs/ are jupytext percent scripts that train on MNIST;
# mkdocs-jupyter executes them at build time, so pytest must not import them.
collect_ignore_glob = ["docs/notebooks/*.py", "site/*"]
