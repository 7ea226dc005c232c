"""MkDocs hook: how mkdocs-jupyter executes and embeds the notebooks.

Three things the plugin does not do on its own:

* **A cache that cannot go stale.** mkdocs-jupyter caches each executed
  notebook under a key made of the notebook's text and the plugin options, so
  changing ``nn_scratch`` would leave pages showing numbers the code no longer
  produces. The cache folder is therefore keyed by a hash of the package
  sources too, and in CI (``CI`` set) the cache is switched off: a published
  page always comes from a fresh run.
* **No unencrypted kernel port.** The notebook kernels talk to the build over
  Unix-domain sockets instead of localhost TCP (POSIX only), through
  ``site_hooks/jupyter/jupyter_nbconvert_config.json``.
* **No CDN.** The notebook template loads MathJax 2 and mermaid from
  cdnjs.cloudflare.com; the site has its own vendored MathJax 3, so those
  script blocks are removed, and the build fails if any remote script is left.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path, PurePosixPath

from mkdocs.exceptions import PluginError

REPO = Path(__file__).resolve().parents[1]
CACHE_ROOT = REPO / ".cache" / "mkdocs-jupyter"
JUPYTER_CONFIG = Path(__file__).resolve().parent / "jupyter"
NOTEBOOKS = "notebooks/*.py"  # mkdocs-jupyter's ``include`` in mkdocs.yml

# The template's MathJax 2 loader (with an empty or CDN src) and its inline configuration.
_MATHJAX2 = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
# The template's module script that imports mermaid from a CDN when a notebook has diagrams.
_MERMAID = re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*</script>', re.S)
_REMOTE_SCRIPT = re.compile(r"""<script[^>]*\bsrc=["']?(?:https?:)?//|import\(\s*["'](?:https?:)?//""", re.I)


def in_ci() -> bool:
    """Whether the build runs in CI (``CI`` set to anything but empty, 0 or false)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def source_hash() -> str:
    """A short hash of every source file of the package the notebooks import."""
    h = hashlib.sha256()
    for path in sorted((REPO / "nn_scratch").rglob("*.py")):
        h.update(path.relative_to(REPO).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _jupyter_plugin(config):
    for name, plugin in config.plugins.items():
        if name == "mkdocs-jupyter" or name.endswith("/mkdocs-jupyter"):
            return plugin
    raise PluginError("site_hooks/jupyter_exec.py expects the mkdocs-jupyter plugin in mkdocs.yml")


def on_config(config):
    plugin = _jupyter_plugin(config)
    if in_ci():
        plugin.config["cache"] = False
    else:
        key = source_hash()
        plugin.config["cache_dir"] = str(CACHE_ROOT / key)
        # Caches of other package versions: their notebooks would show stale numbers.
        if CACHE_ROOT.is_dir():
            for old in CACHE_ROOT.iterdir():
                if old.name != key:
                    if old.is_dir():
                        shutil.rmtree(old, ignore_errors=True)
                    else:
                        old.unlink(missing_ok=True)
    if os.name == "posix":
        paths = [str(JUPYTER_CONFIG), *filter(None, os.environ.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep))]
        os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    return config


def strip_remote_scripts(html: str) -> str:
    """Remove the notebook template's MathJax 2 and mermaid loaders from a page.

    Examples
    --------
    >>> page = '<p>x</p><!-- Load mathjax --><script src=""> </script><!-- End of mathjax configuration -->'
    >>> strip_remote_scripts(page)
    '<p>x</p>'
    """
    html = _MATHJAX2.sub("", html)
    return _MERMAID.sub("", html)


def on_page_content(html, page, config, files):
    if not PurePosixPath(page.file.src_uri).match(NOTEBOOKS):
        return html
    html = strip_remote_scripts(html)
    found = _REMOTE_SCRIPT.search(html)
    if found:
        raise PluginError(f"{page.file.src_uri}: the rendered notebook still loads a remote script: {found.group(0)!r}")
    return html
