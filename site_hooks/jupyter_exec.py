"""MkDocs hook: how mkdocs-jupyter executes and embeds the notebooks.

Three things the plugin does not do on its own:

* **Run the notebooks in parallel.** mkdocs-jupyter executes one notebook at
  a time, while the page is rendered. Here every notebook that needs running
  starts at once when the build begins (one process per core, each driving
  its own kernel), alongside the rest of the build; each notebook page then
  waits for its own result. The hand-off is the plugin's own cache format:
  a finished notebook is written where the plugin looks for a cache entry, so
  the plugin renders the page exactly as if it had executed it itself.
* **A cache that cannot go stale.** The plugin keys its cache on the
  notebook's text and its options only, so a change to ``nn_scratch`` would
  leave pages showing numbers the code no longer produces. The cache folder
  is therefore keyed by a hash of the package and the other files the
  notebooks read, too. In CI (``CI`` set)
  nothing is reused at all: the hand-off folder is a fresh temporary folder,
  deleted after the build, so every notebook runs from scratch every time.
* **No CDN.** The notebook template loads MathJax 2 and mermaid from
  cdnjs.cloudflare.com; the site typesets its maths at build time (site_hooks/katex.py), so those
  script blocks are removed, and the build fails if any remote script is left.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import pathlib
import re
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath

from mkdocs.exceptions import PluginError

from nn_scratch.saving import atomic_write

log = logging.getLogger("mkdocs.hooks.jupyter_exec")

REPO = Path(__file__).resolve().parents[1]
CACHE_ROOT = REPO / ".cache" / "mkdocs-jupyter"
NOTEBOOKS = "notebooks/*.py"  # mkdocs-jupyter's ``include`` in mkdocs.yml

# The template's MathJax 2 loader (with an empty or CDN src) and its inline configuration.
_MATHJAX2 = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
# The template's module script that imports mermaid from a CDN when a notebook has diagrams.
_MERMAID = re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*</script>', re.S)
_REMOTE_SCRIPT = re.compile(r"""<script[^>]*\bsrc=["']?(?:https?:)?//|import\(\s*["'](?:https?:)?//""", re.I)

# State of the current build: the plugin, the worker pool, and one pending run per notebook.
_build: dict = {}


def in_ci() -> bool:
    """Whether the build runs in CI (``CI`` set to anything but empty, 0 or false)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


# What the notebooks read besides their own text: the package, the data files
# committed under docs/data, the test helpers some of them import, and the
# start-up file of their kernels (figure descriptions, site_hooks/figure_alt.py).
NOTEBOOK_INPUTS = ("nn_scratch", "docs/data", "tests", "site_hooks/kernel_figures.py")


def source_hash() -> str:
    """A short hash of every file the notebooks may read (see ``NOTEBOOK_INPUTS``)."""
    h = hashlib.sha256()
    for folder in NOTEBOOK_INPUTS:
        inputs = REPO / folder
        for path in sorted(inputs.rglob("*")) if inputs.is_dir() else [inputs]:
            if path.is_file() and not {"__pycache__", "node_modules"} & set(path.parts):
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
    _build.clear()
    _build["plugin"] = plugin
    plugin.config["cache"] = True
    if in_ci():
        _build["scratch"] = Path(tempfile.mkdtemp(prefix="nn-scratch-notebooks-"))
        plugin.config["cache_dir"] = str(_build["scratch"])
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
    return config


def _plan(plugin, file):
    """The cache entry the plugin will look for for ``file``, and the arguments that produce it."""
    from mkdocs_jupyter import plugin as jupyter_plugin

    c = plugin.config
    src = file.abs_src_path
    execute = c["execute"] and not any(pathlib.PurePath(src).match(p) for p in c["execute_ignore"])
    entry = jupyter_plugin._get_cache_path(c["cache_dir"], jupyter_plugin._compute_cache_key(src, c, execute))
    kwargs = dict(
        execute=execute,
        kernel_name=c["kernel_name"],
        theme=c["theme"],
        allow_errors=c["allow_errors"],
        show_input=c["show_input"],
        no_input=c["no_input"],
        no_prompt=c["no_prompt"],
        remove_tag_config=c["remove_tag_config"],
        highlight_extra_classes=c["highlight_extra_classes"],
        include_requirejs=c["include_requirejs"],
        custom_mathjax_url=c["custom_mathjax_url"],
    )
    return entry, kwargs


def on_files(files, config):
    from mkdocs_jupyter import convert

    plugin = _build["plugin"]
    todo = []
    for file in files:
        if file.abs_src_path and plugin.should_include(file):
            entry, kwargs = _plan(plugin, file)
            if not entry.exists():
                todo.append((file.src_uri, entry, kwargs, file.abs_src_path))
    if not todo:
        return files
    workers = min(len(todo), len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    # "spawn": a fresh interpreter per worker, never a fork of this (threaded) process.
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    _build["pool"] = pool
    # Longest first, so the slowest notebook never starts last.
    todo.sort(key=lambda t: -Path(t[3]).stat().st_size)
    start = _build["started"] = time.perf_counter()
    _build["pending"] = {}
    for src_uri, entry, kwargs, src in todo:
        future = pool.submit(convert.nb2html, src, **kwargs)
        # Runs in the pool's thread the moment the notebook finishes: its real wall time.
        future.add_done_callback(lambda f: setattr(f, "seconds", time.perf_counter() - start))
        _build["pending"][src_uri] = (entry, src, future)
    log.info(f"executing {len(todo)} notebooks in {workers} parallel processes")
    return files


def on_pre_page(page, config, files):
    pending = _build.get("pending", {}).pop(page.file.src_uri, None)
    if pending is None:
        return page
    from mkdocs_jupyter import plugin as jupyter_plugin

    entry, src, future = pending
    try:
        content = future.result()
    except Exception as err:
        raise PluginError(f"notebook {page.file.src_uri} failed to execute:\n{err}") from err
    toc_tokens, title = jupyter_plugin._get_nb_toc_tokens(src, _build["plugin"].config["toc_depth"])
    entry.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(entry, json.dumps({"content": content, "toc_tokens": toc_tokens, "title": title}))
    # The callback may still be running as result() returns.
    seconds = getattr(future, "seconds", None) or time.perf_counter() - _build["started"]
    log.info(f"executed {page.file.src_uri}, finished {seconds:.1f} s after the notebooks started")
    return page


def _shutdown():
    pool = _build.pop("pool", None)
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
    scratch = _build.pop("scratch", None)
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


def on_post_build(config):
    _shutdown()


def on_build_error(error):
    _shutdown()


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
