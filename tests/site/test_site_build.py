"""The strict build and what it writes: no warnings, nothing remote, every figure computed."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from needs import module_at
from sitepages import DOCS, MKDOCS_WARNING, REPO, html_file

_REMOTE = re.compile(r"^\s*(?:https?:)?//", re.I)
_CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)|@import\s+["']([^"']+)""", re.I)
# <link rel=…> values that make the browser fetch or connect (canonical, alternate, … do not).
_FETCHING_RELS = {
    "stylesheet",
    "icon",
    "apple-touch-icon",
    "manifest",
    "preload",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "mask-icon",
}


class _FetchedURLs(HTMLParser):
    """The URLs a browser loads by itself from a page (a link's href is only followed on a click)."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed", "track", "input"):
            self.urls.append(attrs.get("src", ""))
        if tag in ("img", "source"):
            self.urls += [part.split()[0] for part in attrs.get("srcset", "").split(",") if part.strip()]
        if tag == "video":
            self.urls.append(attrs.get("poster", ""))
        if tag == "object":
            self.urls.append(attrs.get("data", ""))
        if tag == "link" and _FETCHING_RELS & set(attrs.get("rel", "").lower().split()):
            self.urls.append(attrs.get("href", ""))
        self.urls += [m.group(1) or m.group(2) for m in _CSS_URL.finditer(attrs.get("style", ""))]

    def handle_data(self, data):
        # Inline <style> blocks; text elsewhere matches nothing that looks like url(…).
        if self.lasttag == "style":
            self.urls += [m.group(1) or m.group(2) for m in _CSS_URL.finditer(data)]


def remote_urls(path: Path) -> list[str]:
    """URLs outside the site that the HTML or CSS file ``path`` makes a browser fetch."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".css":
        urls = [m.group(1) or m.group(2) for m in _CSS_URL.finditer(text)]
    else:
        parser = _FetchedURLs()
        parser.feed(text)
        urls = parser.urls
    return [u for u in urls if u and _REMOTE.match(u)]


_PNG = b"\x89PNG\r\n\x1a\n"


def _hook(name):
    return module_at(REPO / "site_hooks" / f"{name}.py", f"site_hooks_{name}")


def test_build_is_strict_and_quiet(site_build):
    warnings = [line for line in site_build.log.splitlines() if MKDOCS_WARNING.match(line)]
    assert warnings == []
    assert "Documentation built in" in site_build.log


def test_nothing_in_the_site_loads_from_outside(built_site):
    offenders = [
        f"{path.relative_to(built_site)}: {url}"
        for path in sorted(built_site.rglob("*"))
        if path.suffix in (".html", ".css") and "assets/vendor/" not in path.as_posix()
        for url in remote_urls(path)
    ]
    assert offenders == []


def test_remote_url_detection(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<link rel="canonical" href="https://example.org/x/"><a href="https://example.org/">ok</a>'
        '<link rel="stylesheet" href="https://fonts.example/css"><script src="//cdn.example/x.js"></script>'
        '<img srcset="local.png 1x, https://img.example/a.png 2x"><div style="background: url(https://bg.example/b.png)">'
        "<style>@import 'https://css.example/c.css';</style>"
    )
    assert remote_urls(page) == [
        "https://fonts.example/css",
        "//cdn.example/x.js",
        "https://img.example/a.png",
        "https://bg.example/b.png",
        "https://css.example/c.css",
    ]


def test_no_page_loads_a_maths_script_and_every_page_gets_katex_styles(built_site):
    for path in sorted(built_site.rglob("*.html")):
        if "assets/" in path.relative_to(built_site).as_posix():
            continue
        text = path.read_text(encoding="utf-8")
        scripts = re.findall(r'<script[^>]*\bsrc="([^"]*)"', text)
        assert not [s for s in scripts if re.search(r"katex|mathjax", s, re.I)], (path, scripts)
        assert "" not in scripts, f"{path}: <script src=''>"
        # The stylesheets are inlined (site_hooks/inline_css.py), each naming its file.
        assert '<style data-href="assets/vendor/katex/katex.min.css">' in text, path
        assert not re.search(r'<link[^>]+rel="stylesheet"', text), f"{path}: a linked stylesheet"
    assert not (built_site / "assets" / "vendor" / "katex" / "katex.min.js").exists()


def test_every_formula_is_typeset_with_mathml(built_site):
    backprop = (built_site / "maths" / "backprop" / "index.html").read_text(encoding="utf-8")
    # A block below the first screen carries data-lazy-draw (site_hooks/lazy_draw.py).
    boxes = re.findall(r'<(?:span|div) class="arithmatex"(?: data-lazy-draw)?>(.{0,400})', backprop, re.S)
    assert len(boxes) > 20
    assert all(b.startswith(('<span class="katex">', '<span class="katex-display"')) for b in boxes)
    assert backprop.count('<math xmlns="http://www.w3.org/1998/Math/MathML"') == len(boxes)
    for path in sorted(built_site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'class="arithmatex"[^>]*>\\[(\[]', text), f"{path}: a formula left as TeX"


def test_vendored_katex_styles_and_fonts_are_published_unchanged(built_site):
    for rel in ("katex.min.css", "fonts/KaTeX_Main-Regular.woff2", "fonts/KaTeX_Math-Italic.woff2"):
        published = built_site / "assets" / "vendor" / "katex" / rel
        assert published.read_bytes() == (DOCS / "assets" / "vendor" / "katex" / rel).read_bytes()


def test_home_page_figure_and_numbers_come_from_the_build(built_site):
    figure = built_site / "assets" / "home" / "training-curves.png"
    assert figure.read_bytes()[:8] == _PNG
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'src="assets/home/training-curves.png"' in html
    assert "{{" not in html
    test = re.search(r"([\d.]+) % of the ([\d,]+) official test images", html)
    assert test is not None
    assert test.group(2) == "10,000"
    # Three epochs of SGD take the 784-10-10 network well past chance (10 %).
    assert 80 < float(test.group(1)) <= 100


def test_notebook_plots_are_in_the_built_pages(built_site):
    """Every notebook that draws training curves shows them as images on its page."""
    plotting = [p for p in sorted(DOCS.glob("notebooks/*.py")) if "plot_history(" in p.read_text(encoding="utf-8")]
    assert "train_mnist.py" in {p.name for p in plotting}
    for source in plotting:
        html = html_file(built_site, f"notebooks/{source.stem}/").read_text(encoding="utf-8")
        # site_hooks/notebook_images.py moved each embedded figure to a file beside the page.
        images = re.findall(r'<img[^>]+src="figures/([0-9a-f]{12}\.png)"[^>]*loading="lazy"', html)
        assert images, f"notebooks/{source.name} calls plot_history but its page has no image"
        folder = built_site / "notebooks" / source.stem / "figures"
        assert all((folder / name).read_bytes()[:8] == _PNG for name in images)
        assert not re.search(r'<img[^>]+src="data:', html), "a figure is still embedded in the page"


def test_notebook_sources_are_downloadable(built_site):
    for source in sorted(DOCS.glob("notebooks/*.py")):
        published = built_site / "notebooks" / source.stem / source.name
        assert published.read_bytes() == source.read_bytes()


# --- the build hooks themselves --------------------------------------------------------


@pytest.fixture
def jupyter_exec(monkeypatch, tmp_path):
    module = _hook("jupyter_exec")
    monkeypatch.setattr(module, "CACHE_ROOT", tmp_path / "cache")
    return module


def _config_with_jupyter():
    plugin = SimpleNamespace(config={"cache": True, "cache_dir": ".cache/mkdocs-jupyter"})
    return SimpleNamespace(plugins={"mkdocs-jupyter": plugin}), plugin


def test_ci_builds_reuse_no_executed_notebook(jupyter_exec, monkeypatch):
    """In CI the plugin's cache is only the hand-off of this build's own runs: empty, then deleted."""
    monkeypatch.setenv("CI", "true")
    config, plugin = _config_with_jupyter()
    jupyter_exec.on_config(config)
    handoff = Path(plugin.config["cache_dir"])
    assert handoff.is_dir() and not any(handoff.iterdir())
    assert jupyter_exec.CACHE_ROOT not in handoff.parents
    jupyter_exec.on_post_build(config)
    assert not handoff.exists()


def test_local_cache_is_keyed_by_the_package_sources(jupyter_exec, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    stale = jupyter_exec.CACHE_ROOT / "0123456789abcdef"
    stale.mkdir(parents=True)
    config, plugin = _config_with_jupyter()
    jupyter_exec.on_config(config)
    assert plugin.config["cache"] is True
    assert Path(plugin.config["cache_dir"]) == jupyter_exec.CACHE_ROOT / jupyter_exec.source_hash()
    assert not stale.exists()


def test_notebook_template_scripts_are_all_removed(tmp_path):
    """Render a notebook with mkdocs-jupyter's real template: no remote or empty script survives."""
    from mkdocs_jupyter import convert

    notebook = tmp_path / "demo.py"
    notebook.write_text("# %% [markdown]\n# Some maths: $a^2$\n\n# %%\nx = 1\n", encoding="utf-8")
    html = convert.nb2html(str(notebook), execute=False, custom_mathjax_url="https://cdn.example/mathjax.js")
    assert "cdn.example" in html and "cdnjs.cloudflare.com" in html  # what the hook has to remove
    cleaned = _hook("jupyter_exec").strip_remote_scripts(html)
    assert not re.search(r"https?://(?!www\.w3\.org/)", re.sub(r"<svg.*?</svg>", "", cleaned, flags=re.S))
    assert '<script src=""' not in cleaned
    assert "$a^2$" in cleaned


def test_docstring_roles_became_links(built_site):
    """``:func:`sgd``` in a docstring is a link on the site, never the literal role."""
    leftovers, links = [], 0
    for path in sorted(built_site.joinpath("reference").rglob("index.html")):
        html = path.read_text(encoding="utf-8")
        leftovers += [
            f"{path.relative_to(built_site)}: {m}"
            for m in re.findall(r":(?:func|class|meth|mod|data|attr|exc):<code>", html)
        ]
        links += len(re.findall(r'<a class="autorefs autorefs-internal"', html))
    assert leftovers == []
    assert links > 0


def test_notebook_pages_keep_only_the_jupyter_rules_they_can_use(built_site):
    """site_hooks/notebook_css.py: JupyterLab's interface rules go, the notebook's own stay."""
    for path in sorted((built_site / "notebooks").glob("*/index.html")):
        text = path.read_text(encoding="utf-8")
        assert ".jupyter-wrapper .jp-InputArea{display:flex" in text, path  # a rendered cell's layout
        assert "jp-Toolbar" not in text, path  # JupyterLab's toolbar: not on a rendered notebook
        # mkdocs-jupyter's own <style> elements (the site's stylesheets carry a data-href):
        # JupyterLab's whole stylesheet was about 590,000 characters on every notebook page.
        jupyter = sum(len(m) for m in re.findall(r"<style(?: type=\"text/css\")?>(.*?)</style>", text, re.S))
        assert jupyter < 100_000, f"{path}: {jupyter} characters of Jupyter styles"


def _pages(built_site):
    return [
        p for p in sorted(built_site.rglob("*.html")) if not p.relative_to(built_site).as_posix().startswith("assets/")
    ]


def test_the_theme_is_patched_and_its_lazy_flag_still_read(built_site):
    """site_hooks/restyles.py's patches, and Material's undocumented ``content.lazy`` (mkdocs.yml)."""
    restyles = module_at(REPO / "site_hooks" / "restyles.py")
    bundle = next((built_site / "assets" / "javascripts").glob("bundle.*.min.js")).read_text(encoding="utf-8")
    assert '{name:"nn-unused-color-scheme"}' in bundle and '{name:"color-scheme"}' not in bundle
    assert '"content.lazy"' in bundle, "Material's script no longer reads content.lazy: see mkdocs.yml"
    for path in _pages(built_site):
        text = path.read_text(encoding="utf-8")
        assert '<meta charset="utf-8">' + restyles.HEAD_SCRIPT in text, path
        assert "[data-nn-switching] *" in text and "[data-md-color-switching]" not in text, path
        assert restyles.ROOT_SCHEME in text, path


def test_only_the_glossary_has_tooltips_in_the_articles(built_site):
    """site_hooks/tooltips.py: the theme mounts a tooltip for each title; only the glossary's teach."""
    titled = []
    for path in _pages(built_site):
        text = path.read_text(encoding="utf-8")
        article = text[text.find("<article") : text.rfind("</article>")]
        titled += [
            f"{path.relative_to(built_site)}: {m.group(0)[:80]}"
            for m in re.finditer(r"<(?!abbr\b)\w+\b[^>]*\stitle=", article)
        ]
    assert titled == []


def test_tables_the_theme_wraps_are_held_in_a_box_of_their_own(built_site):
    """site_hooks/restyles.py: Material moves each table without a class; its <div> keeps that cheap."""
    backprop = (built_site / "maths" / "backprop" / "index.html").read_text(encoding="utf-8")
    tables = re.findall(r"(.{26})<table(?![^>]*class=)[^>]*>", backprop)
    assert tables and all(before == '<div class="table-holder">' for before in tables), tables
