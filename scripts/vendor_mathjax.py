#!/usr/bin/env python3
"""Vendor MathJax into docs/assets/vendor/mathjax/ so the site typesets maths offline.

The site must work without a network: no CDN at build time or in the reader's
browser. So the MathJax files the pages use are committed to the repository,
and this script is how they got there — run it again to reproduce them
byte for byte, or after changing ``VERSION`` (and ``INTEGRITY``) to upgrade.

It fetches the package with ``npm pack`` (the npm registry is the only source),
checks the tarball against the registry's published SHA-512 ``INTEGRITY``,
and copies only what ``tex-mml-chtml.js`` needs:

* ``tex-mml-chtml.js`` itself (TeX and MathML input, CommonHTML output, the menu);
* the CommonHTML woff-v2 fonts it loads with ``@font-face``;
* the TeX extensions that its ``autoload`` package fetches the first time a page
  uses one of their macros (``\\cancel``, ``\\boldsymbol``, ``\\color``, …);
* the accessibility components (and the English/Nemeth speech rules) that the
  MathJax context menu loads when a reader switches on the expression explorer;
* MathJax's LICENSE (Apache-2.0).

``SHA256SUMS`` in the target folder lists every vendored file; the test suite
checks it, and that every component carries the pinned version.

Usage::

    python scripts/vendor_mathjax.py            # needs npm; rewrites the folder
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from fnmatch import fnmatch
from pathlib import Path

VERSION = "3.2.2"
# `npm view mathjax@3.2.2 dist.integrity`
INTEGRITY = "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw=="

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "docs" / "assets" / "vendor" / "mathjax"

# Paths inside the package's es5/ folder (the LICENSE sits at the package root).
INCLUDE = [
    "tex-mml-chtml.js",
    "output/chtml/fonts/woff-v2/*.woff",
    "input/tex/extensions/*.js",
    "a11y/*.js",
    "sre/mathmaps/base.json",
    "sre/mathmaps/en.json",
    "sre/mathmaps/nemeth.json",
]
# Bundles every TeX package at once for tex-full; autoload never asks for it.
EXCLUDE = ["input/tex/extensions/all-packages.js"]


def selected(relpath: str) -> bool:
    """Whether ``relpath`` (relative to es5/) is one of the files the site needs.

    Examples
    --------
    >>> selected("tex-mml-chtml.js"), selected("input/tex/extensions/cancel.js")
    (True, True)
    >>> selected("tex-svg.js"), selected("input/tex/extensions/all-packages.js")
    (False, False)
    """
    return any(fnmatch(relpath, p) for p in INCLUDE) and not any(fnmatch(relpath, p) for p in EXCLUDE)


def sri(data: bytes) -> str:
    """The npm ``integrity`` string (Subresource Integrity, SHA-512) of ``data``."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def pack(workdir: Path) -> Path:
    """Download ``mathjax@VERSION`` from the npm registry as a tarball in ``workdir``."""
    out = subprocess.run(
        ["npm", "pack", f"mathjax@{VERSION}", "--pack-destination", str(workdir), "--silent"],
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / out.stdout.strip().splitlines()[-1]
    if sri(tarball.read_bytes()) != INTEGRITY:
        raise SystemExit(f"{tarball.name}: integrity mismatch, expected {INTEGRITY}")
    return tarball


def vendor(tarball: Path, target: Path = TARGET) -> list[str]:
    """Replace ``target`` with the selected files of ``tarball``; return their paths."""
    staging = Path(tempfile.mkdtemp(prefix="mathjax-", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the site's files are public
    written = []
    with tarfile.open(tarball) as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            name = member.name.removeprefix("package/")
            if name == "LICENSE":
                rel = "LICENSE"
            elif name.startswith("es5/") and selected(name.removeprefix("es5/")):
                rel = name.removeprefix("es5/")
            else:
                continue
            dest = staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(tar.extractfile(member).read())
            written.append(rel)
    written.sort()
    sums = "".join(f"{hashlib.sha256((staging / rel).read_bytes()).hexdigest()}  {rel}\n" for rel in written)
    (staging / "SHA256SUMS").write_text(sums)
    # Swap in the finished folder so an interrupted run never leaves half a MathJax.
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return written


def main() -> int:
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        files = vendor(pack(Path(tmp)))
    size = sum((TARGET / f).stat().st_size for f in files)
    print(f"vendored mathjax {VERSION}: {len(files)} files, {size / 1e6:.1f} MB in {TARGET.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
