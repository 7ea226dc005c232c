"""MkDocs hook: the Playground page's data, and its default run replayed with nn_scratch.

The Playground trains a network in the reader's browser
(``docs/javascripts/playground-train.js``). At every build this hook

* cuts a subset of MNIST out of the official files with
  :func:`nn_scratch.data.load_mnist` — training and held-out images, both
  from the official *training* file — and adds it to the site as one gzip file
  of bytes (``assets/playground/mnist-subset.bin.gz``, layout below), which
  the page fetches only when it opens;
* replays the page's default run with :func:`nn_scratch.sgd` from the very
  initial weights and batch order the browser draws: both sides use the
  Mulberry32 generator of :class:`Random` (the JavaScript has the same lines),
  so the held-out accuracy the page quotes for the default run is the
  package's own result, not a number typed in;
* describes the initialisation schemes of ``nn_scratch`` (``INITIALISATIONS``)
  as data, read off the package's own functions (:func:`schemes`): the page's
  menu and the numbers its JavaScript draws both come from that description;
* registers the ``{{ playground.<name> }}`` fields of ``docs/playground.md`` with
  ``site_hooks/fields.py``; the
  page's total download is measured after the build, when every file it loads
  exists, and written into the built page.

Data file layout (after gunzip): the 4 bytes ``NNPG``, then four little-endian
uint32 — format version 1, n_train, n_heldout, pixels per image (784) — then
the training images (bytes 0–255, image after image, each row by row), their
labels (one byte each), the held-out images and their labels.
"""

from __future__ import annotations

import gzip
import html
import json
import logging
import math
import re
import struct
import time
from pathlib import Path

import fields  # site_hooks/fields.py, the one registry of {{ namespace.name }} fields
import numpy as np
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from nn_scratch.network import INITIALISATIONS

logger = logging.getLogger("mkdocs.hooks.playground")

PAGE = "playground.md"
DATA_FILE = "assets/playground/mnist-subset.bin.gz"
N_TRAIN = 8_000  # with the held-out images, the page downloads under 4 MB in all
N_HELDOUT = 2_000
SPLIT_SEED = 0  # which training images load_mnist sets aside as held-out
GZIP_LEVEL = 6  # level 9 saves 2 % and takes ten times longer

# The default settings of the page's controls (docs/playground.md reads them from here).
DEFAULTS = {"hidden": 32, "init": "he", "alpha": 0.1, "batch_size": 16, "epochs": 5, "seed": 0}

TOTAL_MARKER = "NN-PLAYGROUND-TOTAL-DOWNLOAD"  # stands for the total until on_post_build measures it
_state: dict = {}

_M32 = 0xFFFFFFFF


_LN2, _SQRT2 = 0.6931471805599453, 1.4142135623730951


def log(x: float) -> float:
    """Natural logarithm from + − × ÷ only, as ``log`` in the JavaScript, so both round alike.

    ``math.log`` (the C library's) and JavaScript's ``Math.log`` may differ in
    the last bit; IEEE 754 arithmetic may not. ``x = 2**e * f`` with ``f`` in
    [1/√2, √2], then ``ln f = 2 atanh(s)`` summed to twenty terms.

    Examples
    --------
    >>> abs(log(0.3) - math.log(0.3)) < 1e-15, log(1.0), log(2.0) == _LN2
    (True, 0.0, True)
    """
    e = 0
    while x < 1:
        x *= 2
        e -= 1
    while x >= 2:
        x /= 2
        e += 1
    if x > _SQRT2:
        x /= 2
        e += 1
    s = (x - 1) / (x + 1)
    s2, term, total = s * s, s, 0.0
    for k in range(1, 40, 2):
        total += term / k
        term *= s2
    return e * _LN2 + 2 * total


class Random:
    """Mulberry32, line for line as ``Random`` in ``docs/javascripts/playground-train.js``.

    Examples
    --------
    >>> r = Random(0)
    >>> [r.next_uint32() for _ in range(3)]
    [1144304738, 1416247, 958946056]
    >>> Random(7).permutation(5)
    [3, 1, 2, 4, 0]
    >>> Random(0).random((2, 3)).shape
    (2, 3)
    """

    def __init__(self, seed: int):
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= _M32:
            raise ValueError(f"seed must be an integer from 0 to 4294967295, got {seed!r}")
        self.a = seed

    def next_uint32(self) -> int:
        """The next 32-bit unsigned integer."""
        self.a = (self.a + 0x6D2B79F5) & _M32
        a = self.a
        t = ((a ^ (a >> 15)) * (a | 1)) & _M32
        t = ((t + (((t ^ (t >> 7)) * (t | 61)) & _M32)) & _M32) ^ t
        return (t ^ (t >> 14)) & _M32

    def uniform(self) -> float:
        """Uniform on [0, 1), in steps of 2**-32."""
        return self.next_uint32() / 4294967296

    def normal(self) -> float:
        """Standard normal by Marsaglia's polar method, with :func:`log` (not ``math.log``)."""
        while True:
            v1, v2 = 2 * self.uniform() - 1, 2 * self.uniform() - 1
            s = v1 * v1 + v2 * v2
            if 0 < s < 1:
                return v1 * math.sqrt((-2 * log(s)) / s)

    def permutation(self, m: int) -> list[int]:
        """A random order of ``0 … m−1`` (Fisher–Yates, from the end)."""
        order = list(range(m))
        for i in range(m - 1, 0, -1):
            j = math.floor(self.uniform() * (i + 1))
            order[i], order[j] = order[j], order[i]
        return order

    # What nn_scratch's initialisation schemes call on their generator, as
    # numpy.random.Generator names them: arrays filled row by row, in float64.
    def random(self, shape) -> np.ndarray:
        """An array of :meth:`uniform` draws, row by row."""
        return np.array([self.uniform() for _ in range(math.prod(shape))]).reshape(shape)

    def standard_normal(self, shape) -> np.ndarray:
        """An array of :meth:`normal` draws, row by row."""
        return np.array([self.normal() for _ in range(math.prod(shape))]).reshape(shape)


def init_params(sizes, init: str, rng, dtype=np.float32) -> dict:
    """The browser's initial weights: the schemes of ``nn_scratch``'s ``INITIALISATIONS`` drawn from :class:`Random`.

    The package's own scheme functions run here, with :class:`Random` as their
    generator; ``rng`` is a :class:`Random` or its seed. Layer by layer, ``W``
    row by row and then ``b``, as the JavaScript draws them from :func:`schemes`.

    Examples
    --------
    >>> p = init_params((784, 32, 10), "he", 0)
    >>> {k: v.shape for k, v in p.items()}
    {'W1': (32, 784), 'b1': (32, 1), 'W2': (10, 32), 'b2': (10, 1)}
    >>> float(p["b1"].max()), 0.03 < float(p["W1"].std()) < 0.07   # He: N(0, 2/784), zero biases
    (0.0, True)
    """
    if init not in INITIALISATIONS:
        raise ValueError(f"init must be one of {', '.join(INITIALISATIONS)}, got {init!r}")
    if not isinstance(rng, Random):
        rng = Random(rng)
    params = {}
    for l in range(1, len(sizes)):
        W, b = INITIALISATIONS[init](rng, sizes[l - 1], sizes[l])
        params[f"W{l}"] = np.asarray(W, dtype=np.float64).astype(dtype)
        params[f"b{l}"] = np.asarray(b, dtype=np.float64).astype(dtype)
    return params


# The page's JavaScript cannot run the package's scheme functions, so the build
# describes each one as data: W and b each as {"draw": "uniform" | "normal" | "none",
# "shift": c, and "scale": s or "gain": g}, meaning every number is
# draw × scale + shift, with scale = √(gain / n_in) when a gain is given (He).
# The description is read off the package's functions by running them with
# every draw 0 (which gives the shift), 2**600 (the scale, exactly: the shift
# vanishes beside it) and 3/8 (which checks the form), for every fan-in the
# page can ask for.
_FAN_INS = (*range(1, 129), 784)  # n_in of the page's layers: 784, and the hidden widths (1 first)
_N_OUT = 3
_BIG = 2.0**600
_PROBES = (0.0, _BIG, 0.375)


class _Probe:
    """Stands in for the generator while a scheme runs: notes each draw, returns ``value`` for all its numbers."""

    def __init__(self, value: float):
        self.value, self.draws = value, []

    def random(self, shape):
        return self._draw("uniform", shape)

    def standard_normal(self, shape):
        return self._draw("normal", shape)

    def _draw(self, kind, shape):
        self.draws.append((tuple(shape), kind))
        return np.full(shape, self.value)

    def __getattr__(self, name):
        raise AttributeError(f"it calls rng.{name}, and the page's generator has only random and standard_normal")


def _probe(name: str, scheme, value: float, n_in: int):
    probe = _Probe(value)
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # a scheme that is not affine may overflow at 2**600
            W, b = scheme(probe, n_in, _N_OUT)
    except AttributeError as err:
        raise PluginError(f"playground: the page cannot draw the initialisation {name!r}: {err}") from err
    return probe.draws, np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)


def _law(where: str, kind: str, at: dict) -> dict:
    """One part (W or b) as data, from its values ``at[v]`` (one array per fan-in) with every draw ``v``."""
    if any(a.min() != a.max() for arrays in at.values() for a in arrays):
        raise PluginError(f"playground: {where} is not the same law for every entry")
    values = {v: np.array([a.flat[0] for a in arrays]) for v, arrays in at.items()}
    shifts, scales = values[0.0], values[_BIG] / _BIG
    if not np.allclose(values[0.375], shifts + 0.375 * scales, rtol=1e-12, atol=0):
        raise PluginError(f"playground: {where} is not of the form draw × scale + shift")
    if np.any(shifts != shifts[0]):
        raise PluginError(f"playground: the offset of {where} depends on n_in")
    law = {"draw": kind, "shift": float(shifts[0])}
    if kind == "none":
        return law
    if np.all(scales == scales[0]):
        return law | {"scale": float(scales[0])}
    gain = float(np.round(scales[0] ** 2, 12))  # scale = √(gain / n_in), read at n_in = 1
    if not np.array_equal(np.sqrt(gain / np.array(_FAN_INS, dtype=np.float64)), scales):
        raise PluginError(f"playground: the scale of {where} is neither constant nor √(gain / n_in)")
    return law | {"gain": gain}


def _kinds(name: str, runs: list) -> tuple[str, str]:
    """How a scheme draws W and b — "uniform", "normal" or "none" — the same for every fan-in, W first."""
    found = set()
    for n, (draws, _, _) in zip(_FAN_INS, runs, strict=True):
        shapes = [shape for shape, _ in draws]
        if shapes not in ([], [(_N_OUT, n)], [(_N_OUT, n), (_N_OUT, 1)]):
            raise PluginError(f"playground: {name} draws {shapes}; the page's JavaScript draws W, then b, once each")
        kinds = [kind for _, kind in draws] + ["none", "none"]
        found.add((kinds[0], kinds[1]))
    if len(found) != 1:
        raise PluginError(f"playground: {name} draws differently for different n_in")
    return found.pop()


def _describe(name: str, scheme) -> dict:
    """``{"W": law, "b": law}`` of one scheme of ``INITIALISATIONS`` (see :func:`schemes`)."""
    runs = {value: [_probe(name, scheme, value, n) for n in _FAN_INS] for value in _PROBES}
    laws = {}
    for part, index, kind in zip(("W", "b"), (1, 2), _kinds(name, runs[0.0]), strict=True):
        at = {value: [run[index] for run in runs[value]] for value in _PROBES}
        laws[part] = _law(f"{part} of the initialisation {name!r}", kind, at)
    return laws


def _number(x: float) -> str:
    return f"{x:g}".replace("-", "−")


def _law_text(law: dict) -> str:
    """A law as the menu writes it: ``U(−0.5, 0.5)``, ``N(0, 1) × 0.01``, ``N(0, 2 / n_in)``."""
    if law["draw"] == "none":
        return _number(law["shift"])
    spread = f"√({_number(law['gain'])} / n_in)" if "gain" in law else _number(law["scale"])
    if law["draw"] == "uniform" and "scale" in law:
        return f"U({_number(law['shift'])}, {_number(law['shift'] + law['scale'])})"
    if law["draw"] == "normal" and "gain" in law:
        text = f"N(0, {_number(law['gain'])} / n_in)"
    else:
        text = ("U(0, 1)" if law["draw"] == "uniform" else "N(0, 1)") + f" × {spread}"
    return text if law["shift"] == 0 else f"{text} + {_number(law['shift'])}"


def _label(name: str, laws: dict) -> str:
    W, b = laws["W"], laws["b"]
    if b == W:
        return f"{name}: {_law_text(W)}, weights and biases"
    if b == {"draw": "none", "shift": 0.0}:
        return f"{name}: {_law_text(W)}, zero biases"
    return f"{name}: {_law_text(W)}, biases {_law_text(b)}"


def schemes() -> dict:
    """The initialisation schemes of ``nn_scratch`` as data for the page: ``{name: {"label", "W", "b"}}``.

    Read off the package's own functions (see :func:`_describe`); a scheme that
    this data cannot describe stops the build, naming it.

    Examples
    --------
    >>> s = schemes()
    >>> list(s) == list(INITIALISATIONS)
    True
    >>> s["he"]
    {'W': {'draw': 'normal', 'shift': 0.0, 'gain': 2.0}, 'b': {'draw': 'none', 'shift': 0.0}, 'label': 'he: N(0, 2 / n_in), zero biases'}
    >>> s["uniform"]["label"], s["normal"]["label"]
    ('uniform: U(−0.5, 0.5), weights and biases', 'normal: N(0, 1) × 0.01, zero biases')
    """
    described = {}
    for name, scheme in INITIALISATIONS.items():
        laws = _describe(name, scheme)
        described[name] = laws | {"label": _label(name, laws)}
    return described


def scheme_fields(described: dict) -> dict:
    """The page's initialisation menu and the data its JavaScript draws from, as fields.

    Examples
    --------
    >>> f = scheme_fields({"he": {"label": "he: N(0, 2 / n_in)", "W": {}, "b": {}}})
    >>> f["init_options"]
    '<option value="he">he: N(0, 2 / n_in)</option>'
    >>> f["init_schemes"]
    '{&quot;he&quot;: {&quot;label&quot;: &quot;he: N(0, 2 / n_in)&quot;, &quot;W&quot;: {}, &quot;b&quot;: {}}}'
    """
    options = "".join(
        f'<option value="{html.escape(name)}">{html.escape(s["label"])}</option>' for name, s in described.items()
    )
    return {"init_options": options, "init_schemes": html.escape(json.dumps(described, ensure_ascii=False))}


def replay(X_train, Y_train, X_val, Y_val, *, hidden, init, alpha, batch_size, epochs, seed):
    """Train as the browser does, with :func:`nn_scratch.sgd`: same initial weights, same batch order.

    The browser draws the weights from ``Random(seed)``, then one permutation
    per epoch from the same generator; here each epoch is one call of ``sgd``
    on the examples in that order, with its own shuffling off. Returns the
    network and, per epoch, the step count, the training loss of the last
    log and the held-out accuracy.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.random((784, 64), dtype=np.float32), rng.integers(0, 10, 64)
    >>> net, history = replay(X, Y, X, Y, hidden=8, init="he", alpha=0.1, batch_size=16, epochs=2, seed=0)
    >>> net.layer_sizes, [h["step"] for h in history]
    ((784, 8, 10), [4, 8])
    """
    from nn_scratch import Network, sgd

    rng = Random(seed)
    net = Network.from_params(init_params((X_train.shape[0], hidden, 10), init, rng))
    m = X_train.shape[1]
    history, step = [], 0
    for _ in range(epochs):
        order = np.array(rng.permutation(m))
        h = sgd(
            net,
            X_train[:, order],
            Y_train[order],
            alpha=alpha,
            epochs=1,
            batch_size=batch_size,
            shuffle=False,
            X_val=X_val,
            Y_val=Y_val,
        )
        step += h.step[-1]
        history.append({"step": step, "loss": h.loss[-1], "val_accuracy": h.val_accuracy[-1]})
    return net, history


def pack(X_train, Y_train, X_val, Y_val) -> bytes:
    """The page's data file before gzip: header, then images and labels as bytes (see the module docstring).

    ``X`` holds pixels in [0, 1] as ``load_mnist`` gives them (bytes / 255);
    they go back to the file's bytes exactly.

    Examples
    --------
    >>> X = np.array([[0.0, 1.0], [128 / 255, 3 / 255]], dtype=np.float32)   # 2 pixels × 2 images
    >>> raw = pack(X, np.array([7, 1]), X[:, :1], np.array([7]))
    >>> raw[:4], struct.unpack("<4I", raw[4:20]), list(raw[20:])
    (b'NNPG', (1, 2, 1, 2), [0, 128, 255, 3, 7, 1, 0, 128, 7])
    """
    parts = [b"NNPG", struct.pack("<4I", 1, X_train.shape[1], X_val.shape[1], X_train.shape[0])]
    for X, Y in ((X_train, Y_train), (X_val, Y_val)):
        pixels = np.rint(np.asarray(X, dtype=np.float64) * 255)
        if pixels.min() < 0 or pixels.max() > 255:
            raise ValueError("pixels must lie in [0, 1]")
        parts.append(pixels.astype(np.uint8).T.tobytes())  # image after image
        parts.append(np.asarray(Y).astype(np.uint8).tobytes())
    return b"".join(parts)


def megabytes(n: int) -> str:
    """Bytes as the page states them (1 MB = 10^6 bytes).

    Examples
    --------
    >>> megabytes(1_638_809)
    '1.64 MB'
    """
    return f"{n / 1e6:.2f} MB"


def _build() -> dict:
    from threadpoolctl import threadpool_limits

    from nn_scratch.data import MNISTNotFoundError, load_mnist
    from nn_scratch.idx import MNISTFileError

    described = schemes()
    if DEFAULTS["init"] not in described:
        raise PluginError(
            f"playground: the default initialisation {DEFAULTS['init']!r} is not one of {list(described)}"
        )
    t0 = time.perf_counter()
    try:
        data = load_mnist(validation_size=N_HELDOUT, seed=SPLIT_SEED, n_train=N_TRAIN, progress=False)
    except (MNISTNotFoundError, MNISTFileError) as err:
        raise PluginError(f"the Playground's data comes from MNIST, which could not be loaded: {err}") from err
    t1 = time.perf_counter()
    raw = pack(data.X_train, data.Y_train, data.X_val, data.Y_val)
    payload = gzip.compress(raw, GZIP_LEVEL, mtime=0)
    t2 = time.perf_counter()
    d = DEFAULTS
    with threadpool_limits(limits=1, user_api="blas"):  # small matrices; see site_hooks/draw.py
        net, history = replay(
            data.X_train,
            data.Y_train,
            data.X_val,
            data.Y_val,
            hidden=d["hidden"],
            init=d["init"],
            alpha=d["alpha"],
            batch_size=d["batch_size"],
            epochs=d["epochs"],
            seed=d["seed"],
        )
    t3 = time.perf_counter()
    n_params = sum(P.size for P in net.params.values())
    fields = {
        "n_train": f"{data.X_train.shape[1]:,}",
        "n_train_number": str(data.X_train.shape[1]),  # for the batch size's max="…"
        "n_heldout": f"{data.X_val.shape[1]:,}",
        "n_total": f"{data.X_train.shape[1] + data.X_val.shape[1]:,}",
        "split_seed": str(SPLIT_SEED),
        "data_file": DATA_FILE.rsplit("/", 1)[1],
        "data_url": "../" + DATA_FILE,
        "data_bytes": megabytes(len(payload)),
        "raw_bytes": megabytes(len(raw)),
        "total_download": TOTAL_MARKER,
        "default_hidden": str(d["hidden"]),
        "default_init": d["init"],
        "default_alpha": f"{d['alpha']:g}",
        "default_batch_size": str(d["batch_size"]),
        "default_epochs": str(d["epochs"]),
        "default_seed": str(d["seed"]),
        "default_layers": f"784-{d['hidden']}-10",
        "default_params": f"{n_params:,}",
        "default_steps": f"{history[-1]['step']:,}",
        "default_heldout_accuracy": f"{100 * history[-1]['val_accuracy']:.1f} %",
        "default_heldout_fraction": repr(float(history[-1]["val_accuracy"])),
        "default_epoch1_accuracy": f"{100 * history[0]['val_accuracy']:.1f} %",
        "replay_seconds": f"{t3 - t2:.1f}",
        **scheme_fields(described),
    }
    logger.info(
        f"playground: data {len(payload):,} bytes (load {t1 - t0:.1f} s, gzip {t2 - t1:.1f} s); "
        f"default run replayed in {t3 - t2:.1f} s, held-out accuracy {fields['default_heldout_accuracy']}"
    )
    return {"payload": payload, "fields": fields}


def on_files(files, config):
    _state.update(_build())
    fields.register("playground", lambda: _state["fields"], source="site_hooks/playground.py")
    files.append(File.generated(config, DATA_FILE, content=_state["payload"]))
    return files


def on_page_markdown(markdown, page, config, files):
    # site_hooks/fields.py fills the page's fields; this hook only notes where the page is built.
    if page.file.src_uri == PAGE:
        _state["page_url"] = page.url
    return markdown


def _assets(html: str) -> list[str]:
    # Scripts and stylesheets (and icons) the page's HTML loads: <script src>, <link href>
    # except links to other pages (canonical, prev/next).
    found = []
    for tag in re.finditer(r"<(script|link)\b[^>]*>", html):
        t = tag.group(0)
        if tag.group(1) == "link" and not re.search(r'rel="(stylesheet|icon|preload|modulepreload)"', t):
            continue
        m = re.search(r'\b(?:src|href)="([^"#?]+)', t)
        if m and "://" not in m.group(1):
            found.append(m.group(1))
    return found


@event_priority(-100)  # after the hooks that rewrite every page (restyles.py, inline_css.py): the page as served
def on_post_build(config):
    """Measure what the page downloads — HTML, styles, scripts, worker, data, sitemap, search — and state it on the page."""
    from nn_scratch.saving import atomic_write

    site = Path(config["site_dir"])
    page = site / _state["page_url"] / "index.html"
    html = page.read_text(encoding="utf-8")
    if TOTAL_MARKER not in html:
        return
    # Besides what the HTML names: the worker and the data (playground.js), and what
    # Material's bundle fetches on every page — the sitemap (instant navigation),
    # the search worker named in its configuration, and the search index.
    config_json = re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.DOTALL)
    search_worker = json.loads(config_json.group(1))["search"] if config_json else None
    extra = ["../javascripts/playground-train.js", "../" + DATA_FILE, "../sitemap.xml", "../search/search_index.json"]
    files = set()
    for url in _assets(html) + extra + ([search_worker] if search_worker else []):
        path = (page.parent / url).resolve()
        if not path.is_file():
            raise PluginError(f"playground: the page loads {url}, which is not in the built site")
        files.add(path)
    others = sum(p.stat().st_size for p in files)
    text = html
    for _ in range(3):  # the figure is part of the page it measures
        text = html.replace(TOTAL_MARKER, megabytes(others + len(text.encode("utf-8"))))
    atomic_write(page, text)
    logger.info(
        f"playground: the page downloads {megabytes(others + len(text.encode('utf-8')))} in {len(files) + 1} files"
    )
