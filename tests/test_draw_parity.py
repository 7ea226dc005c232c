"""The draw page's JavaScript computes what nn_scratch computes.

``docs/javascripts/digit.js`` runs under Node.js here, with weights written by
:func:`nn_scratch.saving.export_json`; its preprocessing must reproduce
:func:`nn_scratch.preprocess.preprocess_digit` and its forward pass
:meth:`Network.predict_proba` — probabilities to 1e-12 against nn_scratch in
float64 (the browser's precision), to 1e-5 against the float32 network (whose
own rounding is ~1e-6), and the predicted digit exactly.
"""

import json
import subprocess
from pathlib import Path

import needs
import numpy as np
import pytest

from nn_scratch import Network, forward_prop, get_predictions, sgd
from nn_scratch.preprocess import area_matrix, bounding_box, centre_of_mass, preprocess_digit, scaled_size
from nn_scratch.saving import export_json

REPO = Path(__file__).resolve().parents[1]
DIGIT_JS = REPO / "docs" / "javascripts" / "digit.js"
PAD_JS = REPO / "docs" / "javascripts" / "pad.js"

# Reads {"model", "columns", "drawings"} on stdin, answers with what digit.js computes.
DRIVER = r"""
const digit = require(process.argv[2]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const model = digit.loadModel(input.model);
const columns = input.columns.map((x) => {
  const out = digit.forward(model, Float64Array.from(x));
  return { probs: Array.from(out.probs), A: out.A.slice(1).map((a) => Array.from(a)) };
});
const drawings = input.drawings.map((d) => {
  const r = digit.classify(model, Float64Array.from(d.ink), d.height, d.width);
  return r === null ? null : { x: Array.from(r.x), probs: Array.from(r.probs), digit: r.digit };
});
process.stdout.write(JSON.stringify({ columns, drawings }));
"""


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    exe = needs.node()  # runs the draw page's JavaScript
    driver = tmp_path_factory.mktemp("node") / "driver.js"
    driver.write_text(DRIVER, encoding="utf-8")

    def run(model_path, columns=(), drawings=()):
        payload = {
            "model": json.loads(Path(model_path).read_text(encoding="utf-8")),
            "columns": [np.asarray(x, dtype=np.float64).tolist() for x in columns],
            "drawings": [{"height": d.shape[0], "width": d.shape[1], "ink": d.ravel().tolist()} for d in drawings],
        }
        done = subprocess.run(
            [exe, str(driver), str(DIGIT_JS)],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


@pytest.fixture(scope="module")
def trained(mnist, tmp_path_factory):
    """A quickly trained 784-10-10 and a deeper net, exported the way the site build does it."""
    folder = tmp_path_factory.mktemp("models")
    nets = {}
    for sizes in [(784, 10, 10), (784, 32, 16, 10)]:
        net = Network(sizes, init="he", seed=0)
        sgd(net, mnist.X_train[:, :10000], mnist.Y_train[:10000], alpha=0.1, epochs=2, batch_size=32, seed=0)
        nets[sizes] = (net, export_json(net, folder / f"{'-'.join(map(str, sizes))}.json"))
    return nets


def _as_float64(net):
    # The same numbers (float32 -> float64 is exact) computed in float64, as the browser does.
    return Network.from_params({k: P.astype(np.float64) for k, P in net.params.items()})


def _stroke_ink(height, width, points, radius):
    """A soft, antialiased polyline through ``points`` (fractions of the size) — a synthetic drawing."""
    yy, xx = np.mgrid[0:height, 0:width] + 0.5
    P = np.asarray(points, dtype=np.float64) * [height, width]
    dist = np.full((height, width), np.inf)
    for (y0, x0), (y1, x1) in zip(P[:-1], P[1:], strict=True):
        dy, dx = y1 - y0, x1 - x0
        t = np.clip(((yy - y0) * dy + (xx - x0) * dx) / max(dy * dy + dx * dx, 1e-12), 0, 1)
        dist = np.minimum(dist, np.hypot(yy - (y0 + t * dy), xx - (x0 + t * dx)))
    return np.clip(radius + 0.5 - dist, 0, 1)


def _ellipse(n=40, cy=0.5, cx=0.5, ry=0.35, rx=0.22, tilt=0.2):
    t = np.linspace(0, 2 * np.pi, n)
    return np.stack([cy + ry * np.sin(t) + tilt * rx * np.cos(t), cx + rx * np.cos(t)], axis=1)


# Synthetic drawings at odd sizes and positions: different aspect ratios, strokes
# touching the border, a dot, a nearly flat line, a digit far off-centre.
DRAWINGS = {
    "one, slanted, 280x280": _stroke_ink(280, 280, [(0.15, 0.55), (0.85, 0.47)], 9),
    "zero, 280x280": _stroke_ink(280, 280, _ellipse(), 10),
    "seven, 143x97": _stroke_ink(143, 97, [(0.2, 0.15), (0.22, 0.8), (0.9, 0.35)], 5.3),
    "two, 61x500 (wide canvas)": _stroke_ink(
        61, 500, [(0.3, 0.45), (0.1, 0.5), (0.35, 0.56), (0.9, 0.43), (0.88, 0.58)], 2.7
    ),
    "four, top-left corner, touching the border": _stroke_ink(
        200, 200, [(0.0, 0.2), (0.3, 0.02), (0.32, 0.33), (0.05, 0.29), (0.55, 0.27)], 6.2
    ),
    "zero, small and off-centre, 333x211": _stroke_ink(333, 211, _ellipse(cy=0.8, cx=0.75, ry=0.07, rx=0.05), 2.1),
    "dot, 3 pixels": _stroke_ink(50, 50, [(0.31, 0.62), (0.323, 0.631)], 1.2),
    "thin line at a small angle, 90x300": _stroke_ink(90, 300, [(0.4, 0.1), (0.62, 0.9)], 1.4),
    # Exactly symmetric: the centre of mass sits on a half, where only the TIE rule
    # keeps NumPy and JavaScript from shifting by different whole pixels.
    "vertical bar, exactly symmetric, 100x100": np.pad(np.ones((60, 4)), ((20, 20), (48, 48))),
    "square, exactly symmetric, 64x64": np.pad(np.ones((20, 20)), 22),
    "nine, 28x28": _stroke_ink(28, 28, list(_ellipse(20, 0.33, 0.52, 0.17, 0.15)) + [(0.33, 0.66), (0.88, 0.58)], 1.1),
}


def _rounding_margin(ink):
    """How far each axis's ``13.5 − c + 0.5 + TIE`` is from an integer, where the shift would flip.

    Two correct float64 implementations differ in the last bits of ``c`` (~1e-15).
    Exactly symmetric content has ``c`` on a half (a vertical bar scaled to one
    column has ``c = 13``); the ``TIE = 1e-9`` of both implementations moves the
    flip point 1e-9 away from it, so such drawings are safe. Only a drawing whose
    ``c`` falls within rounding error of the shifted flip point could differ.
    """
    top, bottom, left, right = bounding_box(ink)
    crop = ink[top:bottom, left:right]
    h, w = scaled_size(*crop.shape)
    image = np.zeros((28, 28))
    y0, x0 = (28 - h) // 2, (28 - w) // 2
    image[y0 : y0 + h, x0 : x0 + w] = area_matrix(h, crop.shape[0]) @ crop @ area_matrix(w, crop.shape[1]).T
    return min(abs(v - round(v)) for v in 14.0 + 1e-9 - np.array(centre_of_mass(image)))


# Tolerances. digit.js computes in float64, like nn_scratch on a float64 copy of the
# weights: the two differ only by summation order, ~1e-16. The site's networks are
# float32, whose own rounding moves probabilities by up to ~1e-6 (1.3e-6 was seen):
# float32 is compared at 1e-5, and must still pick the same digit.
ATOL_FLOAT64 = 1e-12
ATOL_FLOAT32 = 1e-5


def test_forward_pass_matches_nn_scratch(node, trained, mnist):
    X = mnist.X_test[:, :300]
    for sizes, (net, path) in trained.items():
        js = node(path, columns=X.T)["columns"]
        P_js = np.array([c["probs"] for c in js]).T
        A64, cache64 = forward_prop(_as_float64(net).params, X.astype(np.float64))
        np.testing.assert_allclose(P_js, A64, rtol=0, atol=ATOL_FLOAT64)
        for l in range(1, len(sizes) - 1):  # hidden activations A1, A2, …
            A_js = np.array([c["A"][l - 1] for c in js]).T
            np.testing.assert_allclose(A_js, cache64[f"A{l}"], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(P_js, net.predict_proba(X), rtol=0, atol=ATOL_FLOAT32)
        assert np.array_equal(P_js.argmax(axis=0), net.predict(X))
        assert np.array_equal(P_js.argmax(axis=0), get_predictions(A64))
        assert np.allclose(P_js.sum(axis=0), 1, atol=1e-12)


def _check_drawings(js, inks, net):
    x_py = np.stack([preprocess_digit(ink) for ink in inks], axis=1)
    x_js = np.array([d["x"] for d in js]).T
    # Same crop, same size, same shift: any disagreement there would be a whole pixel.
    np.testing.assert_allclose(x_js, x_py, rtol=0, atol=1e-12)
    P_js = np.array([d["probs"] for d in js]).T
    P64 = _as_float64(net).predict_proba(x_py)
    np.testing.assert_allclose(P_js, P64, rtol=0, atol=1e-9)
    np.testing.assert_allclose(P_js, net.predict_proba(x_py), rtol=0, atol=ATOL_FLOAT32)
    assert [d["digit"] for d in js] == net.predict(x_py).tolist() == get_predictions(P64).tolist()
    return P_js


def test_mnist_digits_as_drawings_match_preprocess_digit(node, trained, mnist):
    """Test digits, treated as drawings, are re-cropped, re-scaled and re-centred identically."""
    net, path = trained[(784, 10, 10)]
    images = [mnist.X_test[:, i].reshape(28, 28).astype(np.float64) for i in range(300)]
    P_js = _check_drawings(node(path, drawings=images)["drawings"], images, net)
    # Re-centring a centred digit changes little: the net still reads most of them right.
    assert np.mean(P_js.argmax(axis=0) == mnist.Y_test[:300]) > 0.8


def test_synthetic_drawings_match_preprocess_digit(node, trained):
    names = list(DRAWINGS)
    for name in names:
        assert _rounding_margin(DRAWINGS[name]) > 1e-12, f"{name}: test drawing sits on a rounding flip point"
    inks = [DRAWINGS[n] for n in names]
    for net, path in trained.values():
        _check_drawings(node(path, drawings=inks)["drawings"], inks, net)


def test_exactly_representable_drawing_matches_the_documented_example(node, trained):
    # preprocess_digit's docstring example: a 40 × 10 bar becomes 20 × 5, centred.
    ink = np.zeros((50, 60))
    ink[5:45, 10:20] = 1.0
    _, path = trained[(784, 10, 10)]
    (d,) = node(path, drawings=[ink])["drawings"]
    assert np.array_equal(d["x"], preprocess_digit(ink))
    image = np.reshape(d["x"], (28, 28))
    assert bounding_box(image) == (4, 24, 12, 17)


def test_an_empty_or_faint_canvas_is_no_digit(node, trained):
    _, path = trained[(784, 10, 10)]
    faint = np.full((40, 30), 0.1)  # at the threshold, not above it
    empty = np.zeros((280, 280))
    assert node(path, drawings=[empty, faint])["drawings"] == [None, None]
    for ink in (empty, faint):
        with pytest.raises(ValueError, match="no digit found"):
            preprocess_digit(ink)


def test_the_pad_reads_ink_from_the_alpha_channel(tmp_path):
    # pad.js, the drawing pad of both pages: strokes are black on a transparent
    # canvas, so the ink of a pixel is its alpha byte / 255, whatever its colour.
    exe = needs.node()
    script = tmp_path / "pad.js"
    script.write_text(
        "const pad = require(process.argv[2]);\n"
        "const rgba = Uint8ClampedArray.from([9, 9, 9, 0, 0, 0, 0, 255, 200, 0, 0, 51, 0, 0, 0, 128, 0, 0, 0, 1, 0, 0, 0, 0]);\n"
        "process.stdout.write(JSON.stringify(Array.from(pad.inkFromRGBA(rgba, 2, 3))));\n",
        encoding="utf-8",
    )
    done = subprocess.run([exe, str(script), str(PAD_JS)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [0, 1, 0.2, 128 / 255, 1 / 255, 0]
