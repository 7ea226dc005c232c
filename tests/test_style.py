"""The code is clean under ruff (lint rules and formatting configured in pyproject.toml).

A style rule that fails here names the file and line; ``ruff check --fix .`` and
``ruff format .`` fix most of them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=REPO, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "args", [("check", "--no-cache", "."), ("format", "--check", "--no-cache", ".")], ids=["lint", "format"]
)
def test_ruff_is_clean(args):
    result = _ruff(*args)
    assert result.returncode == 0, f"ruff {' '.join(args)}:\n{result.stdout}{result.stderr}"


def test_ruff_finds_a_planted_problem(tmp_path):
    # The check above must be able to fail: the same configuration flags an unused import.
    planted = tmp_path / "planted.py"
    planted.write_text("import os\n")
    result = _ruff("check", "--no-cache", "--config", str(REPO / "pyproject.toml"), str(planted))
    assert result.returncode == 1 and "F401" in result.stdout
