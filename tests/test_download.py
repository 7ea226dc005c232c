"""The real download path, against an HTTP server on 127.0.0.1 that the tests start.

No network beyond loopback and no mock of urllib: the loader really connects,
streams, verifies and renames. The server serves the MNIST folder's files,
or broken versions of them: corrupted, truncated, cut off mid-transfer, stalled.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from nn_scratch.data import (
    ENV_DATA,
    ENV_MIRRORS,
    MNIST_FILES,
    MNISTDownloadError,
    MNISTNotFoundError,
    download_mnist,
    load_mnist,
)

LABELS = "t10k-labels-idx1-ubyte"


class _Server:
    """A loopback HTTP server; ``routes`` maps a path to (mode, bytes)."""

    def __init__(self):
        self.routes: dict[str, tuple[str, bytes]] = {}
        self.requests: list[str] = []
        self.release = threading.Event()  # lets stalled handlers finish at teardown
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def do_GET(self):
                server.requests.append(self.path)
                mode, body = server.routes.get(self.path, ("missing", b""))
                try:
                    if mode == "missing":
                        self.send_error(404)
                        return
                    if mode == "stall-before-headers":
                        server.release.wait(10)
                        return
                    self.send_response(200)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if mode == "ok":
                        self.wfile.write(body)
                    elif mode == "cut":  # announce everything, send half, hang up
                        self.wfile.write(body[: len(body) // 2])
                        self.close_connection = True
                    elif mode == "stall":  # send half, then go silent
                        self.wfile.write(body[: len(body) // 2])
                        self.wfile.flush()
                        server.release.wait(10)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, prefix: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{prefix}/"

    def serve(self, prefix: str, name: str, body: bytes, mode: str = "ok"):
        self.routes[f"/{prefix}/{name}.gz"] = (mode, body)


@pytest.fixture
def server():
    s = _Server()
    s.thread.start()
    yield s
    s.release.set()
    s.httpd.shutdown()
    s.httpd.server_close()
    s.thread.join(5)


@pytest.fixture(scope="module")
def packed(mnist_folder):
    """The four official .gz files, as bytes."""
    return {name: (mnist_folder / f"{name}.gz").read_bytes() for name in MNIST_FILES}


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """A private cache, no data folder from the environment, no mirrors but the tests' own."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv(ENV_DATA, raising=False)
    monkeypatch.setenv(ENV_MIRRORS, "http://127.0.0.1:9/nothing-listens-here/")


def _cache_with_all_but_labels(tmp_path, mnist_folder):
    """A cache that already holds three verified files: only the small labels file is fetched."""
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in MNIST_FILES:
        if name != LABELS:
            shutil.copy(mnist_folder / f"{name}.gz", cache)
    return cache


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if LABELS in p.name)


def test_full_download_into_an_empty_cache(server, packed, mnist, tmp_path, capsys):
    for name, body in packed.items():
        server.serve("m", name, body)
    cache = tmp_path / "cache"
    m = load_mnist(cache_dir=cache, mirrors=[server.url("m")], progress=True, n_train=500)
    assert np.array_equal(m.X_test, mnist.X_test) and np.array_equal(m.Y_train, mnist.Y_train[:500])
    assert sorted(p.name for p in cache.iterdir()) == sorted(f"{n}.gz" for n in MNIST_FILES)
    assert sorted(server.requests) == sorted(f"/m/{n}.gz" for n in MNIST_FILES)
    assert "train-images-idx3-ubyte" in capsys.readouterr().err  # tqdm's bar, named after the file
    # A second load finds the cache and downloads nothing.
    server.requests.clear()
    load_mnist(cache_dir=cache, mirrors=[server.url("m")], n_train=1)
    assert server.requests == []


def test_the_default_cache_and_the_mirror_variable(server, packed, mnist_folder, tmp_path, monkeypatch):
    cache = tmp_path / "xdg-cache" / "nn-scratch" / "mnist"
    shutil.copytree(_cache_with_all_but_labels(tmp_path, mnist_folder), cache)
    server.serve("env", LABELS, packed[LABELS])
    monkeypatch.setenv(ENV_MIRRORS, "https://127.0.0.1:9/not-this-one/, " + server.url("env"))
    m = load_mnist(n_test=5, progress=False)
    assert m.Y_test.tolist() == [7, 2, 1, 0, 4]
    assert (cache / f"{LABELS}.gz").read_bytes() == packed[LABELS]


def test_a_corrupted_download_is_refused_and_not_kept(server, packed, mnist_folder, tmp_path):
    data = bytearray(gzip.decompress(packed[LABELS]))
    data[100] = (data[100] + 1) % 10
    server.serve("bad", LABELS, gzip.compress(bytes(data)))
    cache = _cache_with_all_but_labels(tmp_path, mnist_folder)
    with pytest.raises(MNISTDownloadError) as info:
        download_mnist(cache, mirrors=[server.url("bad")], progress=False)
    message = str(info.value)
    assert LABELS in message
    assert hashlib.sha256(data).hexdigest() in message and MNIST_FILES[LABELS].sha256 in message
    assert _leftovers(cache) == []
    # Through load_mnist the same failure explains where it looked, too.
    with pytest.raises(MNISTNotFoundError, match="Downloading failed"):
        load_mnist(cache_dir=tmp_path / "new" / "cache", mirrors=[server.url("bad")], progress=False)
    assert not (tmp_path / "new").exists()  # the folders it made for the download are gone again


def test_the_next_mirror_is_tried(server, packed, mnist_folder, tmp_path):
    server.serve("good", LABELS, packed[LABELS])
    # "absent" answers 404; "bad" serves a file that is not gzip or IDX at all.
    server.serve("bad", LABELS, b"<html>moved</html>")
    cache = _cache_with_all_but_labels(tmp_path, mnist_folder)
    download_mnist(cache, mirrors=[server.url("absent"), server.url("bad"), server.url("good")], progress=False)
    assert (cache / f"{LABELS}.gz").read_bytes() == packed[LABELS]
    assert _leftovers(cache) == [f"{LABELS}.gz"]
    assert server.requests == [f"/{p}/{LABELS}.gz" for p in ("absent", "bad", "good")]


@pytest.mark.parametrize("mode", ["cut", "stall", "stall-before-headers", "truncated-file"])
def test_an_interrupted_download_leaves_nothing_behind(server, packed, mnist_folder, tmp_path, mode):
    if mode == "truncated-file":  # a complete HTTP response of an incomplete file
        server.serve("m", LABELS, packed[LABELS][: len(packed[LABELS]) // 2])
    else:
        server.serve("m", LABELS, packed[LABELS], mode)
    cache = _cache_with_all_but_labels(tmp_path, mnist_folder)
    with pytest.raises(MNISTDownloadError) as info:
        download_mnist(cache, mirrors=[server.url("m")], progress=False, timeout=0.5)
    expected = {
        "cut": "IncompleteRead|interrupted",
        "stall": "timed out",
        "stall-before-headers": "timed out",
        "truncated-file": "truncated|gzip",
    }[mode]
    assert re.search(expected, str(info.value)), str(info.value)
    assert _leftovers(cache) == []


def test_a_bad_cached_file_is_replaced_by_a_fresh_download(server, packed, mnist_folder, tmp_path):
    cache = _cache_with_all_but_labels(tmp_path, mnist_folder)
    (cache / f"{LABELS}.gz").write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x27\x10" + bytes(10000)))
    server.serve("m", LABELS, packed[LABELS])
    m = load_mnist(cache_dir=cache, mirrors=[server.url("m")], progress=False, n_test=3)
    assert m.Y_test.tolist() == [7, 2, 1]
    assert (cache / f"{LABELS}.gz").read_bytes() == packed[LABELS]


@pytest.mark.parametrize(
    "mirror", ["http://example.org/mnist/", "ftp://127.0.0.1/mnist/", "file:///etc/", "http://10.0.0.1/"]
)
def test_only_https_or_loopback_http(mirror, tmp_path):
    with pytest.raises(ValueError, match="https://"):
        download_mnist(tmp_path, mirrors=[mirror])
    assert not any(tmp_path.iterdir())
