#!/usr/bin/env python3
"""Vendor KaTeX into docs/assets/vendor/katex/ so the build typesets maths offline.

The site typesets every formula at build time (site_hooks/katex.py runs KaTeX
inside Python through mini-racer) and sends the reader finished HTML, so the
reader's browser needs only KaTeX's stylesheet and fonts, never a script. All of
them are committed to the repository, and this script is how they got there:
run it again to reproduce them byte for byte, or after changing ``VERSION`` (and
``INTEGRITY``) to upgrade.

It fetches the package with ``npm pack`` (the npm registry is the only source),
checks the tarball against the registry's published SHA-512 ``INTEGRITY``, and
copies, unmodified:

* ``katex.min.js`` — read by the build hook only (mkdocs.yml keeps it out of the site);
* ``katex.min.css`` — the stylesheet every page links;
* the WOFF2 fonts the stylesheet names first (every browser the theme supports
  reads WOFF2, so it never asks for the WOFF and TrueType fallbacks);
* KaTeX's LICENSE (MIT).

``SHA256SUMS`` in the target folder lists every vendored file with its checksum,
and ``VERSION`` the package version; tests/site/test_katex_vendor.py checks both.

Usage::

    python scripts/vendor_katex.py            # needs npm; rewrites the folder
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

VERSION = "0.19.1"
# `npm view katex@0.19.1 dist.integrity`
INTEGRITY = "sha512-jG8uKntjSEcm2EpQOh0XturpPuuC9r3Sq5HLHdsFdWZT27E672SF19QEi+of0/YeOy15lDgRhKvr5614uRrEfA=="

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "docs" / "assets" / "vendor" / "katex"

# Paths inside the package's dist/ folder (the LICENSE sits at the package root).
INCLUDE = ["katex.min.js", "katex.min.css", "fonts/*.woff2"]


def selected(relpath: str) -> bool:
    """Whether ``relpath`` (relative to dist/) is one of the files the site needs.

    Examples
    --------
    >>> selected("katex.min.css"), selected("fonts/KaTeX_Main-Regular.woff2")
    (True, True)
    >>> selected("fonts/KaTeX_Main-Regular.ttf"), selected("contrib/auto-render.min.js")
    (False, False)
    """
    return any(fnmatch(relpath, p) for p in INCLUDE)


def sri(data: bytes) -> str:
    """The npm ``integrity`` string (Subresource Integrity, SHA-512) of ``data``."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def pack(workdir: Path) -> Path:
    """Download ``katex@VERSION`` from the npm registry as a tarball in ``workdir``."""
    out = subprocess.run(
        ["npm", "pack", f"katex@{VERSION}", "--pack-destination", str(workdir), "--silent"],
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
    staging = Path(tempfile.mkdtemp(prefix="katex-", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the site's files are public
    written = []
    with tarfile.open(tarball) as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            name = member.name.removeprefix("package/")
            if name == "LICENSE":
                rel = "LICENSE"
            elif name.startswith("dist/") and selected(name.removeprefix("dist/")):
                rel = name.removeprefix("dist/")
            else:
                continue
            dest = staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(tar.extractfile(member).read())
            written.append(rel)
    written.sort()
    sums = "".join(f"{hashlib.sha256((staging / rel).read_bytes()).hexdigest()}  {rel}\n" for rel in written)
    (staging / "SHA256SUMS").write_text(sums)
    (staging / "VERSION").write_text(VERSION + "\n")
    # Swap in the finished folder so an interrupted run never leaves half a KaTeX.
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return written


def main() -> int:
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        files = vendor(pack(Path(tmp)))
    size = sum((TARGET / f).stat().st_size for f in files)
    print(f"vendored katex {VERSION}: {len(files)} files, {size / 1e6:.2f} MB in {TARGET.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
