"""Every ``#anchor`` of the built site points at an element of its target page.

MkDocs' own validation (``validation.anchors`` in mkdocs.yml) checks the links
written in Markdown, but not those inside rendered notebooks, the tables of
contents the plugins build, or the theme's own. This test reads every HTML
page of the built site, collects its ids, and follows every ``href`` with a
fragment — in-page (``#x``) or to another page (``../loss/#x``) — to its page.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def read_page(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def target_file(site: Path, page: Path, href: str) -> Path | None:
    """The HTML file that ``href``, written on ``page``, leads to; None when it leaves the site.

    Examples
    --------
    >>> site = Path("/s")
    >>> target_file(site, site / "maths" / "loss" / "index.html", "#dz2")
    PosixPath('/s/maths/loss/index.html')
    >>> target_file(site, site / "maths" / "loss" / "index.html", "../backprop/#bp1")
    PosixPath('/s/maths/backprop/index.html')
    >>> target_file(site, site / "index.html", "https://example.org/#x") is None
    True
    """
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return page
    target = PurePosixPath(page.parent.relative_to(site).as_posix(), unquote(parts.path))
    resolved = Path(site, *[p for p in _normalise(target.parts) if p])
    return resolved / "index.html" if parts.path.endswith("/") or resolved.is_dir() else resolved


def _normalise(parts):
    out = []
    for part in parts:
        if part == "..":
            if out:
                out.pop()
        elif part not in (".", "", "/"):
            out.append(part)
    return out


def broken_anchors(site: Path) -> tuple[int, list[str]]:
    """How many ``#fragment`` links the site has, and those whose fragment matches no id of its page."""
    pages = {path: read_page(path) for path in sorted(site.rglob("*.html"))}
    total, broken = 0, []
    for path, page in pages.items():
        for href in page.hrefs:
            fragment = urlsplit(href).fragment
            if not fragment:
                continue
            target = target_file(site, path, href)
            if target is None:
                continue
            total += 1
            where = path.relative_to(site).as_posix()
            if target not in pages:
                broken.append(f"{where}: {href} (no page {target.relative_to(site).as_posix()})")
            elif unquote(fragment) not in pages[target].ids:
                broken.append(f"{where}: {href}")
    return total, broken


def test_every_anchor_of_the_built_site_points_at_an_element(built_site):
    total, broken = broken_anchors(built_site)
    assert total > 100, f"only {total} anchor links found: is the site built?"
    assert not broken, f"{len(broken)} of {total} anchor links point nowhere:\n" + "\n".join(broken)


def test_a_fragment_with_no_matching_id_is_found(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<h2 id="the-data">x</h2><a href="#The-data">t</a><a href="#the-data">ok</a>'
    )
    (tmp_path / "index.html").write_text(
        '<a href="a/#the-data">ok</a><a href="a/#gone">bad</a><a href="b/#x">no page</a>'
    )
    total, broken = broken_anchors(tmp_path)
    assert total == 5
    assert broken == ["a/index.html: #The-data", "index.html: a/#gone", "index.html: b/#x (no page b/index.html)"]
