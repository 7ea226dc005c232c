"""MkDocs hook: every notebook figure gets an alt text that says what it shows.

nbconvert gives each image without alt text the placeholder "No description
has been provided for this image". The notebook kernels instead write a
description into each figure's PNG (site_hooks/kernel_figures.py, run in every
kernel through ``PYTHONSTARTUP``): the figure's suptitle, panel titles, axis
labels and legends, or the text a notebook set with ``site_hooks.describe.describe``.
This hook reads that description back from the embedded PNG and puts it in
the ``alt`` attribute. A notebook image with neither fails the build.
"""

from __future__ import annotations

import base64
import html
import io
import os
import re
from pathlib import Path, PurePosixPath

from mkdocs.exceptions import PluginError

NOTEBOOKS = "notebooks/*.py"  # mkdocs-jupyter's ``include`` in mkdocs.yml
STARTUP = Path(__file__).resolve().with_name("kernel_figures.py")
PLACEHOLDER = "No description has been provided for this image"

_IMG = re.compile(r"<img\b[^>]*>", re.DOTALL)
_SRC_PNG = re.compile(r'\bsrc="data:image/png;base64,([^"]+)"')
_ALT = re.compile(r'\balt="[^"]*"')


def png_description(data: bytes) -> str | None:
    """The ``Description`` text chunk of a PNG, or None.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(); buf = io.BytesIO()
    >>> fig.savefig(buf, format="png", metadata={"Description": "Loss × epoch"}); plt.close(fig)
    >>> png_description(buf.getvalue())
    'Loss × epoch'
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            text = image.text.get("Description")
    except UnidentifiedImageError:
        return None
    return text.strip() if text and text.strip() else None


def describe_images(page_html: str, where: str) -> str:
    """Replace the placeholder alt text of every embedded PNG in ``page_html`` by its description.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(); buf = io.BytesIO()
    >>> fig.savefig(buf, format="png", metadata={"Description": 'Loss & "accuracy"'}); plt.close(fig)
    >>> src = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    >>> describe_images(f'<img alt="{PLACEHOLDER}" class="" src="{src}"/>', "x.py")[:48]
    '<img alt="Loss &amp; &quot;accuracy&quot;" class'
    >>> describe_images('<img src="data:image/png;base64,AAAA"/>', "x.py")
    Traceback (most recent call last):
    ...
    mkdocs.exceptions.PluginError: x.py: an image has no description (<img src="data:image/png;base64,AAAA"/>…); draw it with matplotlib or give it one with site_hooks.describe.describe
    """

    def fix(match):
        tag = match.group(0)
        alt = re.search(r'\balt="([^"]*)"', tag)
        if alt and alt.group(1) and alt.group(1) != PLACEHOLDER:
            return tag  # the notebook gave its own
        png = _SRC_PNG.search(tag)
        description = png_description(base64.b64decode(png.group(1))) if png else None
        if description is None:
            raise PluginError(
                f"{where}: an image has no description ({tag[:120]}…); "
                "draw it with matplotlib or give it one with site_hooks.describe.describe"
            )
        attribute = f'alt="{html.escape(description, quote=True)}"'
        return _ALT.sub(lambda _: attribute, tag, count=1) if alt else tag.replace("<img", f"<img {attribute}", 1)

    return _IMG.sub(fix, page_html)


def on_config(config):
    """The notebook kernels inherit this environment: each runs kernel_figures.py as it starts."""
    os.environ["PYTHONSTARTUP"] = str(STARTUP)
    return config


def on_page_content(html_text, page, config, files):
    if not PurePosixPath(page.file.src_uri).match(NOTEBOOKS):
        return html_text
    return describe_images(html_text, page.file.src_uri)
