#!/usr/bin/env python3
"""Lighthouse's mobile scores of the built site, served with gzip as a static host serves it.

Lighthouse (npm, the version pinned in tests/site/package-lock.json) loads one
page of each kind — home, a maths page, a notebook, the Playground, an API
page — in Debian's Chromium with its default mobile profile: a phone's screen,
a 4x slower CPU and a slow 4G network, simulated (Lighthouse's "lantern"
model replays the page's real requests and main-thread work at those speeds).
The site is served by ``serve``: a static server that gzips text responses
(HTML, CSS, JavaScript, JSON, SVG), as GitHub Pages and every static host do.
``python -m http.server`` does not, and would make every page look slower than
a reader will ever see it.

tests/site/test_lighthouse.py runs it against the tests' build, asserts what does
not depend on the machine (accessibility, layout shift) and records which of the
targets (``TARGETS``) each page misses; this script records a run for the
Performance page::

    mkdocs build --strict -d /tmp/site
    python scripts/lighthouse_scores.py /tmp/site        # writes docs/data/lighthouse.json

The JSON carries its provenance: the date, the Lighthouse and Chromium
versions, the machine's CPU and cores, and its load average before and after.
Lighthouse's own CPU benchmark (``benchmark_index``) is kept per page, since
the simulated blocking time scales with how busy the machine was.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import platform
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NODE_PACKAGES = REPO / "tests" / "site"
LIGHTHOUSE = NODE_PACKAGES / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = REPO / "docs" / "data" / "lighthouse.json"

# One page of each kind (URL relative to the site root).
PAGES = {
    "home": "",
    "maths": "maths/backprop/",
    "notebook": "notebooks/train_mnist/",
    "playground": "playground/",
    "api": "reference/network/",
}
# Issue 22's targets, mobile profile: a score is 0-100, blocking time in ms, layout shift unitless.
TARGETS = {"performance": 95, "accessibility": 100, "total_blocking_time_ms": 200, "cumulative_layout_shift": 0.05}

# What a static host compresses; fonts, images and archives are compressed already.
_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")


class GzipHandler(SimpleHTTPRequestHandler):
    """``http.server``'s static files, gzipped for a client that accepts it when they are text."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        ctype = self.guess_type(str(path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and accepts and ctype.startswith(_COMPRESSIBLE)):
            return super().do_GET()  # directories without a slash (redirect), 404s, binary files
        body = self.server.gzipped(path)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class GzipServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, site: Path):
        super().__init__(address, partial(GzipHandler, directory=str(site)))
        self._cache: dict[Path, bytes] = {}
        self._lock = threading.Lock()

    def gzipped(self, path: Path) -> bytes:
        with self._lock:
            if path not in self._cache:
                self._cache[path] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            return self._cache[path]


@contextlib.contextmanager
def serve(site: Path, port: int = 0):
    """Serve ``site`` on 127.0.0.1 (``port`` 0: any free one) with gzip; yields its base URL, ending in /."""
    if not (Path(site) / "index.html").is_file():
        raise FileNotFoundError(f"{site} is not a built site (no index.html)")
    server = GzipServer(("127.0.0.1", port), Path(site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def lighthouse_version() -> str:
    """The installed Lighthouse version (tests/site/node_modules), as npm pinned it."""
    return json.loads((LIGHTHOUSE.parents[1] / "package.json").read_text())["version"]


def run(url: str, report: Path, timeout: float = 300) -> dict:
    """Run Lighthouse (mobile, performance and accessibility) on ``url``; write its JSON report; return it."""
    if not LIGHTHOUSE.is_file():
        raise FileNotFoundError(f"{LIGHTHOUSE} is missing: run `npm ci` in {NODE_PACKAGES.relative_to(REPO)}")
    report.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--only-categories=performance,accessibility",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-path={CHROMIUM}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
        "--quiet",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or not report.is_file():
        raise RuntimeError(f"lighthouse failed on {url} (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def summary(lhr: dict) -> dict:
    """The numbers the targets and the Performance page need, from a Lighthouse JSON report.

    Examples
    --------
    >>> audits = {"total-blocking-time": 12.4, "cumulative-layout-shift": 0.0012, "first-contentful-paint": 900,
    ...           "largest-contentful-paint": 1500.2, "speed-index": 1000, "total-byte-weight": 51234}
    >>> lhr = {"categories": {"performance": {"score": 0.99}, "accessibility": {"score": 1}},
    ...        "audits": {k: {"numericValue": v, "score": 1} for k, v in audits.items()},
    ...        "configSettings": {"formFactor": "mobile"}, "environment": {"benchmarkIndex": 1500.5}}
    >>> summary(lhr)["performance"], summary(lhr)["total_blocking_time_ms"], summary(lhr)["transfer_kb"]
    (99, 12, 50.0)
    """
    audits = lhr["audits"]

    def ms(audit: str) -> int:
        return round(audits[audit]["numericValue"])

    failed = sorted(
        ref["id"]
        for ref in lhr["categories"]["accessibility"].get("auditRefs", [])
        if ref.get("weight", 0) > 0 and audits.get(ref["id"], {}).get("score") not in (None, 1)
    )
    return {
        "form_factor": lhr["configSettings"]["formFactor"],
        "performance": round(100 * lhr["categories"]["performance"]["score"]),
        "accessibility": round(100 * lhr["categories"]["accessibility"]["score"]),
        "total_blocking_time_ms": ms("total-blocking-time"),
        "cumulative_layout_shift": round(audits["cumulative-layout-shift"]["numericValue"], 4),
        "first_contentful_paint_ms": ms("first-contentful-paint"),
        "largest_contentful_paint_ms": ms("largest-contentful-paint"),
        "speed_index_ms": ms("speed-index"),
        "transfer_kb": round(audits["total-byte-weight"]["numericValue"] / 1024, 1),
        "accessibility_failures": failed,
        "benchmark_index": round(lhr["environment"]["benchmarkIndex"]),
    }


def misses(scores: dict) -> list[str]:
    """Each of ``TARGETS`` that ``scores`` (a ``summary``) misses, in words; empty when all are met.

    Examples
    --------
    >>> misses({"performance": 97, "accessibility": 100, "total_blocking_time_ms": 250, "cumulative_layout_shift": 0})
    ['total_blocking_time_ms 250 > 200']
    """
    out = [f"{k} {scores[k]} < {TARGETS[k]}" for k in ("performance", "accessibility") if scores[k] < TARGETS[k]]
    out += [
        f"{k} {scores[k]} > {TARGETS[k]}"
        for k in ("total_blocking_time_ms", "cumulative_layout_shift")
        if scores[k] > TARGETS[k]
    ]
    return out


def median_run(runs: list[dict]) -> dict:
    """The run whose performance score is the median of ``runs`` (summaries), with every run's score beside it.

    One real run is kept whole, not a mix of medians, so its numbers agree with each other.

    Examples
    --------
    >>> median_run([{"performance": 90}, {"performance": 97}, {"performance": 95}])
    {'performance': 95, 'performance_of_each_run': [90, 97, 95]}
    """
    chosen = sorted(runs, key=lambda s: s["performance"])[(len(runs) - 1) // 2]
    return {**chosen, "performance_of_each_run": [s["performance"] for s in runs]}


def measure(site: Path, reports: Path, runs: int = 3) -> dict:
    """Lighthouse ``runs`` times on every page of ``PAGES`` of the built ``site``, keeping each page's median run.

    Lighthouse's scores vary from run to run on one machine (its documentation
    advises the median of several runs); full reports go to ``reports``.
    """
    load_start = os.getloadavg()
    pages = {}
    with serve(site) as base:
        for kind, path in PAGES.items():
            each = [summary(run(base + path, reports / f"{kind}-{i + 1}.json")) for i in range(runs)]
            pages[kind] = {"path": path, **median_run(each)}
    chromium = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "lighthouse": lighthouse_version(),
        "chromium": chromium,
        "date_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {
            "cpu": _cpu_name(),
            "cores": os.cpu_count(),
            "load_average_start": [round(x, 2) for x in load_start],
            "load_average_end": [round(x, 2) for x in os.getloadavg()],
        },
        "profile": "mobile, simulated throttling (Lighthouse defaults), gzip",
        "runs_per_page": runs,
        "targets": TARGETS,
        "pages": pages,
    }


def _cpu_name() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built site's folder (mkdocs build --strict -d SITE)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the JSON to write (default: %(default)s)")
    parser.add_argument("--reports", type=Path, default=REPO / "test-artifacts" / "lighthouse")
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median is kept (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, not {args.runs}")
    result = measure(args.site, args.reports, args.runs)
    tmp = args.output.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    tmp.replace(args.output)  # never a half-written file
    for kind, s in result["pages"].items():
        print(
            f"{kind:10} performance {s['performance']:3}  accessibility {s['accessibility']:3}  "
            f"TBT {s['total_blocking_time_ms']:4} ms  CLS {s['cumulative_layout_shift']:.3f}  "
            f"LCP {s['largest_contentful_paint_ms']} ms  {s['transfer_kb']} KiB"
        )
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
