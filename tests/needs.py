"""The one rule for a test whose tool is missing: skip on a developer's machine, fail in CI.

A green CI run must mean every test really ran, so in CI (``CI`` set to
anything but empty, 0, false or no — the site build's rule too,
``site_hooks/jupyter_exec.in_ci``) a missing tool is a failure. Elsewhere
the test is skipped, and the message says exactly how to enable it.

Every guard of the suite goes through here: ``tests/conftest.py`` (MNIST),
``tests/site/conftest.py`` (Playwright, Chromium), the Node.js parity tests,
the PyTorch tests and the accessibility test. ``module_at`` loads a script or a
hook that a test exercises but no package makes importable.

Examples
--------
>>> "download.pytorch.org/whl/cpu" in HOW["torch"]
True
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
from pathlib import Path
from types import ModuleType

import pytest

TORCH_PIN = "torch==2.13.0"

# How to get each tool, quoted in the skip message; the README's test command installs them all.
HOW = {
    "torch": f'python -m pip install "{TORCH_PIN}" --index-url https://download.pytorch.org/whl/cpu '
    "(the CPU wheel: a plain `pip install torch` fetches the multi-gigabyte CUDA build)",
    "array_api_strict": "python -m pip install -e '.[test]'",
    "playwright": "python -m pip install -e '.[test]'",
    "axe_playwright_python": "python -m pip install -e '.[test]'",
    "node": "install Node.js so that `node` is on PATH (Debian: apt-get install nodejs)",
    "chromium": "install Chromium at /usr/bin/chromium (Debian: apt-get install chromium)",
    "cupy": "python -m pip install -e '.[gpu]' (CuPy for CUDA 12), on a machine with an NVIDIA GPU",
    "cuda": "run on a machine with an NVIDIA GPU and its driver (benchmarks/gpu_check.py runs these tests there)",
}


def in_ci() -> bool:
    """Whether the tests run in CI: ``CI`` set to anything but empty, 0, false or no."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(message: str):
    """Skip on a developer's machine, fail in CI: a green CI run means the test ran."""
    if in_ci():
        pytest.fail(f"{message} (CI: a missing tool fails)")
    pytest.skip(message)


def library(name: str) -> ModuleType:
    """Import the Python package ``name`` a test needs, or skip/fail saying how to install it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        top = name.split(".")[0]
        unavailable(f"{top} is not installed: {HOW.get(top, f'python -m pip install {top}')}")


def node() -> str:
    """The path of Node.js's ``node``, or skip/fail saying how to install it."""
    exe = shutil.which("node")
    if exe is None:
        unavailable(f"Node.js (`node`) is not on PATH: {HOW['node']}")
    return exe


def module_at(path, name: str | None = None) -> ModuleType:
    """The module in the file ``path``: a script of scripts/ or a hook of site_hooks/, which no package imports.

    Examples
    --------
    >>> from pathlib import Path
    >>> module_at(Path(__file__)).module_at.__name__
    'module_at'
    """
    spec = importlib.util.spec_from_file_location(name or Path(path).stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
