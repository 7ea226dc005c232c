"""tests/needs.py: a missing tool skips on a developer's machine and fails in CI, saying how to get it."""

from __future__ import annotations

import needs
import pytest


@pytest.mark.parametrize(
    "value, ci", [("true", True), ("1", True), ("yes", True), ("", False), ("0", False), ("false", False)]
)
def test_ci_is_read_as_the_site_build_reads_it(monkeypatch, value, ci):
    monkeypatch.setenv("CI", value)
    assert needs.in_ci() is ci


def test_a_missing_library_fails_in_ci_and_skips_elsewhere_saying_how_to_install_it(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"no_such_module_xyz is not installed: python -m pip install"):
        needs.library("no_such_module_xyz")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no_such_module_xyz is not installed"):
        needs.library("no_such_module_xyz")


def test_the_torch_message_names_the_cpu_wheel(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setitem(__import__("sys").modules, "torch", None)  # as if PyTorch were not installed
    with pytest.raises(
        pytest.skip.Exception, match=r'pip install "torch==2\.13\.0" --index-url https://download\.pytorch\.org/whl/cpu'
    ):
        needs.library("torch")


def test_a_missing_node_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("PATH", "")
    with pytest.raises(pytest.fail.Exception, match=r"Node\.js \(`node`\) is not on PATH: install Node\.js"):
        needs.node()
