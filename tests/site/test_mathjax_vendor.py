"""The vendored MathJax: the pinned version, complete, unmodified, and the only one the site loads."""

from __future__ import annotations

import hashlib
import importlib.util
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
VENDOR = REPO / "docs" / "assets" / "vendor" / "mathjax"


def _load_script():
    spec = importlib.util.spec_from_file_location("vendor_mathjax", REPO / "scripts" / "vendor_mathjax.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


vendor_mathjax = _load_script()


def _sums() -> dict[str, str]:
    lines = (VENDOR / "SHA256SUMS").read_text().splitlines()
    return {path: digest for digest, path in (line.split("  ", 1) for line in lines)}


def test_main_script_is_the_pinned_version():
    source = (VENDOR / "tex-mml-chtml.js").read_text(encoding="utf-8")
    # MathJax's own version constant; the other VERSION in the bundle is the speech-rule engine's.
    assert re.search(r'\bVERSION="(\d+\.\d+\.\d+)"', source).group(1) == vendor_mathjax.VERSION


@pytest.mark.parametrize("path", sorted(p for p in _sums() if p.endswith(".js")))
def test_every_component_is_the_pinned_version(path):
    # Each lazily loaded component embeds the MathJax version it was built for;
    # mixing versions breaks at run time only when a page first needs that component.
    assert f'"{vendor_mathjax.VERSION}"' in (VENDOR / path).read_text(encoding="utf-8")


def test_vendored_files_match_their_checksums():
    sums = _sums()
    on_disk = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert on_disk == set(sums)
    for path, digest in sums.items():
        assert hashlib.sha256((VENDOR / path).read_bytes()).hexdigest() == digest, path


def test_vendored_files_are_the_scripts_selection():
    sums = _sums()
    assert "LICENSE" in sums and "Apache License" in (VENDOR / "LICENSE").read_text()
    assert all(vendor_mathjax.selected(p) for p in sums if p != "LICENSE")
    # What tex-mml-chtml.js loads by itself: its fonts, and the TeX extensions of autoload.
    assert {f"output/chtml/fonts/woff-v2/MathJax_{f}.woff" for f in ("Main-Regular", "Math-Italic", "Zero")} <= set(
        sums
    )
    assert {"input/tex/extensions/cancel.js", "input/tex/extensions/boldsymbol.js"} <= set(sums)


def test_integrity_pin_is_an_npm_sha512():
    assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", vendor_mathjax.INTEGRITY)
    assert vendor_mathjax.sri(b"") == (
        "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
    )


def test_mkdocs_loads_the_configuration_then_the_vendored_mathjax():
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    # mkdocs.yml uses the !ENV tag; a plain loader that ignores unknown tags is enough here.
    loader = type("Loader", (yaml.SafeLoader,), {})
    loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load(text, Loader=loader)
    scripts = [s if isinstance(s, str) else s["path"] for s in config.get("extra_javascript", [])]
    assert scripts.index("javascripts/mathjax.js") < scripts.index("assets/vendor/mathjax/tex-mml-chtml.js")
    remote = [s for s in scripts + list(config.get("extra_css", [])) if re.match(r"(https?:)?//", str(s))]
    assert remote == []
    assert config["theme"]["font"] is False
