"""The vendored KaTeX: the pinned version, complete, unmodified, and no maths script in the site."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml
from needs import module_at

REPO = Path(__file__).resolve().parents[2]
VENDOR = REPO / "docs" / "assets" / "vendor" / "katex"


vendor_katex = module_at(REPO / "scripts" / "vendor_katex.py")


def _sums() -> dict[str, str]:
    lines = (VENDOR / "SHA256SUMS").read_text().splitlines()
    return {path: digest for digest, path in (line.split("  ", 1) for line in lines)}


def _mkdocs_config() -> dict:
    # mkdocs.yml uses the !ENV tag; a plain loader that ignores unknown tags is enough here.
    loader = type("Loader", (yaml.SafeLoader,), {})
    loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    return yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=loader)


def test_script_and_folder_are_the_pinned_version():
    assert (VENDOR / "VERSION").read_text().strip() == vendor_katex.VERSION
    source = (VENDOR / "katex.min.js").read_text(encoding="utf-8")
    assert re.search(r'version:"(\d+\.\d+\.\d+)"', source).group(1) == vendor_katex.VERSION


def test_vendored_files_match_their_checksums():
    sums = _sums()
    on_disk = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()} - {"SHA256SUMS", "VERSION"}
    assert on_disk == set(sums)
    for path, digest in sums.items():
        assert hashlib.sha256((VENDOR / path).read_bytes()).hexdigest() == digest, path


def test_every_font_the_stylesheet_asks_for_first_is_vendored():
    css = (VENDOR / "katex.min.css").read_text(encoding="utf-8")
    # Each @font-face lists WOFF2 first; browsers that read WOFF2 never fetch the other formats.
    faces = re.findall(r"@font-face\{[^}]*\}", css)
    first = [re.search(r"src:url\(([^)]+)\)", face).group(1) for face in faces]
    assert len(first) > 15 and all(f.endswith(".woff2") for f in first)
    assert all((VENDOR / f).is_file() for f in first), [f for f in first if not (VENDOR / f).is_file()]
    sums = _sums()
    assert "LICENSE" in sums and "MIT License" in (VENDOR / "LICENSE").read_text()
    assert all(vendor_katex.selected(p) for p in sums if p != "LICENSE")


def test_integrity_pin_is_an_npm_sha512():
    assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", vendor_katex.INTEGRITY)
    assert vendor_katex.sri(b"") == (
        "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
    )


def test_pages_get_katex_styles_and_no_maths_script():
    config = _mkdocs_config()
    scripts = [s if isinstance(s, str) else s["path"] for s in config.get("extra_javascript", [])]
    assert not [s for s in scripts if re.search(r"katex|mathjax", s, re.I)], scripts
    css = list(config.get("extra_css", []))
    assert css.index("assets/vendor/katex/katex.min.css") < css.index("stylesheets/katex.css")
    assert "/assets/vendor/katex/katex.min.js" in config["exclude_docs"].split()
    assert "site_hooks/katex.py" in config["hooks"]
    remote = [s for s in scripts + css if re.match(r"(https?:)?//", str(s))]
    assert remote == []
    assert config["theme"]["font"] is False
