"""Fixtures for the site tests: a strict build, a local server, and Chromium.

* ``built_site`` — the folder of ``mkdocs build --strict``, run once per
  session into a temporary folder; the fixture fails if the build fails or
  logs any warning. In CI (``CI`` set) the notebook cache is deleted first, so
  every notebook really executes.
* ``site_url`` — that folder served by ``python -m http.server`` on
  127.0.0.1, as ``http://127.0.0.1:<port>/``: a port free when the session
  started, which the build also received as its ``SITE_URL``.
* ``gzip_site_url`` — the same folder served with gzip (scripts/lighthouse_scores.py),
  for the page-load measurements.
* ``browser`` — Debian's Chromium driven by Playwright, once per session.
* ``new_page`` — a factory: ``page = new_page()`` opens a page in a fresh
  browser context in which every request that does not go to 127.0.0.1 is
  aborted and recorded. The page carries three lists, filled as it runs:
  ``page.external_requests`` (URLs that tried to leave the machine),
  ``page.console_errors`` (console errors and uncaught exceptions) and
  ``page.bad_responses`` (``"404 http://…"`` for every HTTP error).

Without Chromium or the MNIST files the tests are skipped on a developer's
machine but fail in CI, like the ``mnist`` fixture (``tests/needs.py``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from needs import HOW, in_ci, library, module_at, unavailable
from sitepages import MKDOCS_WARNING

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
NOTEBOOK_CACHE = REPO / ".cache" / "mkdocs-jupyter"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
BUILD_TIMEOUT = 900  # seconds; the budget is 120 s on 2 cores, this only stops a hang


@dataclass
class Build:
    site: Path
    log: str
    seconds: float


_build_summary: list[str] = []


def pytest_terminal_summary(terminalreporter):
    for line in _build_summary:
        terminalreporter.write_line(line)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def site_port() -> int:
    """The port the site is built for and served on.

    Material's instant navigation only takes over links to the pages listed in
    ``sitemap.xml``, whose addresses come from ``site_url`` (port included), so
    the site is built for the very address the tests serve it at — the same
    mechanism (``SITE_URL``) the Pages workflow uses for the published address.
    """
    return _free_port()


@pytest.fixture(scope="session")
def site_build(tmp_path_factory, mnist_folder, site_port) -> Build:
    """Run ``mkdocs build --strict`` once; the folder, the full log and the time it took."""
    site = tmp_path_factory.mktemp("site")
    if in_ci():
        shutil.rmtree(NOTEBOOK_CACHE, ignore_errors=True)
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "NN_SCRATCH_DATA": str(mnist_folder),
        "SITE_URL": f"http://127.0.0.1:{site_port}/",
    }
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(site)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    seconds = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    cache = "notebook cache off (CI)" if in_ci() else "notebook cache allowed"
    _build_summary.append(f"site build: mkdocs build --strict took {seconds:.1f} s ({cache})")
    if proc.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed (exit {proc.returncode}):\n{log[-6000:]}")
    return Build(site, log, seconds)


@pytest.fixture(scope="session")
def built_site(site_build) -> Path:
    """The built site's folder; fails if MkDocs or a plugin logged any warning."""
    warnings = [line for line in site_build.log.splitlines() if MKDOCS_WARNING.match(line)]
    assert not warnings, "the build logged warnings:\n" + "\n".join(warnings)
    return site_build.site


@pytest.fixture(scope="session")
def site_url(built_site, site_port) -> str:
    """Base URL (ending in /) of the built site, served on 127.0.0.1 for the session."""
    port = site_port
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port), "--directory", str(built_site)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"http.server did not start on port {port} (exit code {server.poll()}); "
                        "was the port taken since the build chose it?"
                    )
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# scripts/lighthouse_scores.py, where the gzip server and the Lighthouse runner live.
lighthouse_scores = module_at(REPO / "scripts" / "lighthouse_scores.py")


@pytest.fixture(scope="session")
def gzip_site_url(built_site) -> str:
    """The built site served on 127.0.0.1 with text responses gzipped, as a static host serves them.

    ``python -m http.server`` (``site_url``) sends every file uncompressed, which makes page loads
    look several times slower than readers see them; page-load scores are measured here instead.
    """
    with lighthouse_scores.serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Chromium (Debian's /usr/bin/chromium) under Playwright, headless."""
    sync_playwright = library("playwright.sync_api").sync_playwright
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} not found: {HOW['chromium']}")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def is_local(url: str) -> bool:
    """Whether ``url`` stays on this machine (127.0.0.1, or inline data).

    Examples
    --------
    >>> is_local("http://127.0.0.1:8000/assets/x.js"), is_local("data:image/png;base64,AAAA")
    (True, True)
    >>> is_local("https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js")
    False
    """
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1"


@pytest.fixture
def new_page(browser):
    """Factory of recorded pages; every context it opens is closed at teardown."""
    contexts = []

    def make(**context_options):
        context = browser.new_context(**context_options)
        contexts.append(context)
        page = context.new_page()
        page.external_requests = []
        page.console_errors = []
        page.bad_responses = []

        def route(route):
            url = route.request.url
            if is_local(url):
                route.continue_()
            else:
                page.external_requests.append(url)
                route.abort()

        context.route("**/*", route)
        page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
        page.on("pageerror", lambda error: page.console_errors.append(f"uncaught: {error}"))
        page.on("response", lambda r: r.status >= 400 and page.bad_responses.append(f"{r.status} {r.url}"))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/`` at the repository root (git-ignored), for screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
