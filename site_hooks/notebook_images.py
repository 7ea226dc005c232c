"""MkDocs hook: a notebook's figures become image files beside its page, loaded when the reader scrolls to them.

nbconvert embeds every figure in the page as a base64 PNG (a third larger than
the file, and part of the HTML a phone must download before it shows the first
line). This hook writes each one to ``<page>/figures/<hash>.png`` and points
the ``<img>`` at it with ``loading="lazy"``, and the figure's width and height
(read from the PNG header) so the page does not shift as figures arrive. It
runs after ``site_hooks/figure_alt.py``, which reads each figure's description
from the embedded PNG. The downloadable notebook keeps its figures.
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct
from pathlib import Path

from mkdocs.exceptions import PluginError

_IMG = re.compile(r'<img\b(?P<attrs>[^>]*?)\bsrc="data:image/png;base64,(?P<data>[A-Za-z0-9+/=\s]+)"(?P<rest>[^>]*)>')
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its IHDR chunk.

    Examples
    --------
    >>> png_size(_PNG_SIGNATURE + b"\\x00\\x00\\x00\\rIHDR" + struct.pack(">II", 640, 480) + b"\\x08\\x06\\x00\\x00\\x00")
    (640, 480)
    """
    if png[:8] != _PNG_SIGNATURE or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", png[16:24])


def extract(html: str, write) -> str:
    """``html`` with each embedded PNG replaced by ``figures/<hash>.png``; ``write(name, data)`` stores the file.

    Examples
    --------
    >>> png = _PNG_SIGNATURE + b"\\x00\\x00\\x00\\rIHDR" + struct.pack(">II", 8, 4) + b"rest"
    >>> files = {}
    >>> out = extract('<img alt="A curve" src="data:image/png;base64,' + base64.b64encode(png).decode() + '"/>',
    ...               files.__setitem__)
    >>> out
    '<img alt="A curve" src="figures/532ed7ce89ef.png" width="8" height="4" loading="lazy" decoding="async"/>'
    >>> files == {"532ed7ce89ef.png": png}
    True
    """

    def one(m: re.Match) -> str:
        png = base64.b64decode(m["data"])
        width, height = png_size(png)
        name = hashlib.sha256(png).hexdigest()[:12] + ".png"
        write(name, png)
        size = "" if re.search(r"\b(width|height)=", m["attrs"] + m["rest"]) else f' width="{width}" height="{height}"'
        return f'<img{m["attrs"]}src="figures/{name}"{size} loading="lazy" decoding="async"{m["rest"]}>'

    return _IMG.sub(one, html)


def on_page_content(html, page, config, files):
    if not page.file.src_uri.startswith("notebooks/"):
        return html
    folder = Path(config["site_dir"]) / page.file.dest_uri.rsplit("/", 1)[0] / "figures"

    def write(name: str, data: bytes) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)

    try:
        return extract(html, write)
    except ValueError as err:
        raise PluginError(f"{page.file.src_uri}: an embedded figure is not a readable PNG: {err}") from err
