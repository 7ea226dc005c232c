"""The "Draw a digit" page in Chromium: draw with the mouse (and a finger), read the prediction.

The networks are the ones the build trained (site_hooks/draw.py); the page must
classify a drawn 1 and 0, agree with nn_scratch on what it shows, reset on
"Clear", survive Material's instant navigation, and never leave 127.0.0.1.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from nn_scratch.preprocess import preprocess_digit
from nn_scratch.saving import load_json

DEFAULT = "mnist-784-10-10.json"
WIDE = "mnist-784-100-10.json"

# Strokes as lists of points, in fractions of the canvas (row, column) — a hand's
# "1" leans a little; the "0" is a tilted oval.
ONE = [[(0.12, 0.55), (0.5, 0.51), (0.88, 0.47)]]
ZERO = [
    [(0.5 + 0.36 * math.sin(t) + 0.04 * math.cos(t), 0.5 + 0.24 * math.cos(t)) for t in np.linspace(0, 2 * math.pi, 41)]
]


def _frames(page, n=2):
    # The page redraws on requestAnimationFrame; let those frames pass.
    page.evaluate("n => new Promise(r => { const f = k => k ? requestAnimationFrame(() => f(k - 1)) : r(); f(n); })", n)


def _open(new_page, site_url, **context):
    page = new_page(**context)
    page.goto(site_url + "draw/")
    page.wait_for_selector(f"#nn-digit[data-model='{DEFAULT}']", timeout=15000)
    return page


def _draw(page, strokes):
    box = page.locator(".nn-digit__canvas").bounding_box()
    for stroke in strokes:
        (y, x), rest = stroke[0], stroke[1:]
        page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
        page.mouse.down()
        for y, x in rest:
            page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=4)
        page.mouse.up()
    _frames(page)


def _state(page):
    """What the page shows, read from the DOM, plus the canvas's ink."""
    return page.evaluate(
        """() => {
        const app = document.getElementById("nn-digit");
        const canvas = app.querySelector(".nn-digit__canvas");
        const alpha = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        const preview = app.querySelector(".nn-digit__preview").getContext("2d").getImageData(0, 0, 28, 28).data;
        return {
          prediction: app.dataset.prediction,
          answer: app.querySelector(".nn-digit__answer").textContent,
          values: [...app.querySelectorAll(".nn-digit__value")].map(e => e.textContent),
          top: [...app.querySelectorAll(".nn-digit__bar")].map(e => e.classList.contains("nn-digit__bar--top")),
          bars: app.querySelectorAll(".nn-digit__bar").length,
          cells: [...app.querySelectorAll(".nn-digit__cell")].map(e => e.style.getPropertyValue("--activation")),
          height: canvas.height, width: canvas.width,
          ink: Array.from({length: canvas.height * canvas.width}, (_, p) => alpha[4 * p + 3]),
          preview: Array.from({length: 784}, (_, p) => preview[4 * p + 3] ? preview[4 * p] : 255),
        };
    }"""
    )


def _check_against_nn_scratch(state, net):
    """The page's input, probabilities and prediction are what nn_scratch makes of the same ink."""
    ink = np.array(state["ink"], dtype=np.float64).reshape(state["height"], state["width"]) / 255
    x = preprocess_digit(ink)
    # The preview shows X as grey levels 255 − round(255 x).
    shown = (255 - np.array(state["preview"], dtype=np.float64)) / 255
    np.testing.assert_allclose(shown, x, atol=0.5 / 255 + 1e-9)
    p = net.predict_proba(x[:, None])[:, 0]
    values = [float(v.removesuffix(" %")) for v in state["values"]]
    np.testing.assert_allclose(values, 100 * p, atol=0.05 + 1e-3)
    digit = int(np.argmax(p))
    assert state["prediction"] == state["answer"] == str(digit)
    assert state["top"] == [k == digit for k in range(10)]
    return digit, p


@pytest.fixture(scope="module")
def nets(built_site):
    folder = built_site / "assets" / "models"
    return {name: load_json(folder / name) for name in (DEFAULT, WIDE)}


def test_build_wrote_the_networks_and_their_true_test_accuracy(built_site, nets, mnist):
    folder = built_site / "assets" / "models"
    manifest = json.loads((folder / "models.json").read_text(encoding="utf-8"))
    assert [m["file"] for m in manifest["models"]] == [DEFAULT, WIDE]
    html = (built_site / "draw" / "index.html").read_text(encoding="utf-8")
    assert "<!-- draw:models -->" not in html
    for entry in manifest["models"]:
        net = nets[entry["file"]]
        # With one BLAS thread, as the build measured it, float32 rounding is
        # reproduced exactly and so is the accuracy.
        with threadpool_limits(limits=1, user_api="blas"):
            accuracy = net.accuracy(mnist.X_test, mnist.Y_test)
        assert entry["test_accuracy"] == net.metadata["test_accuracy"] == accuracy
        assert entry["layer_sizes"] == list(net.layer_sizes)
        assert f"{100 * accuracy:.2f} %" in html  # the table on the page
    assert nets[DEFAULT].layer_sizes == (784, 10, 10) and nets[WIDE].layer_sizes == (784, 100, 10)
    assert nets[DEFAULT].accuracy(mnist.X_test, mnist.Y_test) > 0.9


def test_draw_a_one_and_a_zero_then_clear(new_page, site_url, nets, artifacts):
    page = _open(new_page, site_url)
    state = _state(page)
    assert state["prediction"] == "" and state["answer"] == "–", "an empty canvas must show no prediction"
    assert state["bars"] == 10 and len(state["cells"]) == 10

    _draw(page, ONE)
    state = _state(page)
    digit, _ = _check_against_nn_scratch(state, nets[DEFAULT])
    assert digit == 1
    assert any(float(a) > 0 for a in state["cells"]), "no hidden unit is active"
    assert "reads a 1" in page.locator(".nn-digit__status").inner_text()
    page.screenshot(path=str(artifacts / "draw-one.png"), full_page=True)

    page.click(".nn-digit__clear")
    _frames(page)
    state = _state(page)
    assert state["prediction"] == "" and state["answer"] == "–"
    assert max(state["ink"]) == 0 and set(state["preview"]) == {255}
    assert state["values"] == [""] * 10 and state["cells"] == ["0"] * 10

    _draw(page, ZERO)
    digit, _ = _check_against_nn_scratch(_state(page), nets[DEFAULT])
    assert digit == 0
    page.screenshot(path=str(artifacts / "draw-zero.png"), full_page=True)

    assert page.external_requests == []
    assert page.console_errors == []
    assert page.bad_responses == []


def test_switch_to_the_wide_network(new_page, site_url, nets):
    page = _open(new_page, site_url)
    _draw(page, ZERO)
    page.select_option(".nn-digit__model", WIDE)
    page.wait_for_selector(f"#nn-digit[data-model='{WIDE}']", timeout=15000)
    _frames(page)
    state = _state(page)
    assert len(state["cells"]) == 100
    digit, _ = _check_against_nn_scratch(state, nets[WIDE])
    assert digit == 0
    assert page.external_requests == [] and page.console_errors == [] and page.bad_responses == []


def test_drawing_with_a_finger(new_page, site_url, nets):
    page = _open(new_page, site_url, has_touch=True)
    box = page.locator(".nn-digit__canvas").bounding_box()
    cdp = page.context.new_cdp_session(page)
    y, x = ONE[0][0]

    def touch(kind, y, x):
        point = [{"x": box["x"] + x * box["width"], "y": box["y"] + y * box["height"]}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": point})

    touch("touchStart", y, x)
    for (y0, x0), (y1, x1) in itertools.pairwise(ONE[0]):
        for t in np.linspace(0, 1, 6)[1:]:
            touch("touchMove", y0 + t * (y1 - y0), x0 + t * (x1 - x0))
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    _frames(page)
    digit, _ = _check_against_nn_scratch(_state(page), nets[DEFAULT])
    assert digit == 1
    # A finger on the canvas draws instead of scrolling the page.
    assert page.evaluate("window.scrollY") == 0
    assert page.console_errors == []


def _sitemap_for(page, site_url):
    """Serve sitemap.xml as if the site were deployed at ``site_url``.

    Material navigates instantly only to URLs listed in sitemap.xml, which the
    build writes for the configured ``site_url``; matching them to the test
    server's port is what a deployment at that URL would give.
    """

    def handle(route):
        response = route.fetch()
        text = response.text()
        home = re.search(r"<loc>([^<]*)</loc>", text).group(1)  # the first entry is the home page
        route.fulfill(response=response, body=text.replace(f"<loc>{home}", f"<loc>{site_url}"))

    page.route("**/sitemap.xml", handle)


def test_works_after_instant_navigation(new_page, site_url, nets):
    page = new_page()
    _sitemap_for(page, site_url)
    page.goto(site_url, wait_until="networkidle")  # Material reads sitemap.xml before it intercepts links
    page.evaluate("window.sameDocument = true")  # gone if a full page load happens
    # Material's instant navigation swaps the content without a page load:
    # enter the draw page that way, leave it, and come back — digit.js runs
    # again each time and must set up the new page once, and only once.
    for _ in range(2):
        page.locator("a.md-nav__link", has_text="Draw a digit").first.click()
        page.wait_for_selector(f"#nn-digit[data-model='{DEFAULT}']", timeout=15000)
        assert page.evaluate("document.querySelectorAll('.nn-digit__bar').length") == 10
        _draw(page, ONE)
        digit, _ = _check_against_nn_scratch(_state(page), nets[DEFAULT])
        assert digit == 1
        page.locator("a.md-nav__link", has_text="Home").first.click()
        page.wait_for_selector("#nn-digit", state="detached")
    assert page.evaluate("window.sameDocument === true"), "a full page load happened: instant navigation was not used"
    assert page.external_requests == [] and page.console_errors == [] and page.bad_responses == []


def test_prediction_time_is_measured_and_recorded(new_page, site_url, artifacts):
    """How long one prediction takes in the browser: recorded, not asserted (timings are not unit tests).

    Each figure is the mean over many runs timed as one block, since the
    browser's clock is coarse (0.1 ms or worse).
    """
    page = _open(new_page, site_url)
    _draw(page, ZERO)
    timings = page.evaluate(
        """async (files) => {
        const canvas = document.querySelector(".nn-digit__canvas");
        const ctx = canvas.getContext("2d");
        const h = canvas.height, w = canvas.width;
        const read = () => NNPad.inkFromRGBA(ctx.getImageData(0, 0, w, h).data, h, w);
        const mean = (f, n) => {
          for (let i = 0; i < 10; i++) f();  // let the JIT compile first
          const t0 = performance.now();
          for (let i = 0; i < n; i++) f();
          return (performance.now() - t0) / n;
        };
        const out = {};
        for (const file of files) {
          const model = NNDigit.loadModel(await (await fetch("../assets/models/" + file)).json());
          const ink = read(), x = NNDigit.preprocess(ink, h, w);
          out[file] = {
            digit: NNDigit.classify(model, read(), h, w).digit,
            total_ms: mean(() => NNDigit.classify(model, read(), h, w), 50),
            read_canvas_ms: mean(read, 50),
            preprocess_ms: mean(() => NNDigit.preprocess(ink, h, w), 50),
            forward_ms: mean(() => NNDigit.forward(model, x), 200),
          };
        }
        return out;
    }""",
        [DEFAULT, WIDE],
    )
    shown = page.evaluate("document.getElementById('nn-digit').dataset.prediction")
    assert str(timings[DEFAULT]["digit"]) == shown
    record = {
        "what": "mean time of one prediction in headless Chromium, 280x280 canvas drawn with a 0: "
        "read_canvas (getImageData + ink) + preprocess + forward = total",
        "load_average_1min": os.getloadavg()[0],
        "cpus": os.cpu_count(),
        **timings,
    }
    (artifacts / "draw-timing.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    for file, t in timings.items():
        print(
            f"\ndraw page, {file}: {t['total_ms']:.2f} ms per prediction "
            f"(canvas {t['read_canvas_ms']:.2f}, preprocess {t['preprocess_ms']:.2f}, forward {t['forward_ms']:.3f})"
        )


def test_keyboard_and_screen_reader(new_page, site_url, nets):
    """Clear and the network choice are reached with Tab and show where focus is;
    the live region announces the prediction once a stroke ends, not at every frame."""
    page = _open(new_page, site_url)
    status = page.locator(".nn-digit__status")
    assert status.get_attribute("aria-live") == "polite" and status.get_attribute("role") == "status"

    # Mid-stroke the answer follows the ink, but the live region stays quiet.
    box = page.locator(".nn-digit__canvas").bounding_box()
    (y, x), *rest = ONE[0]
    page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
    page.mouse.down()
    for y, x in rest:
        page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=4)
    _frames(page)
    assert page.locator(".nn-digit__answer").inner_text() == "1"
    assert status.inner_text() == "Draw a digit in the box."
    page.mouse.up()
    _frames(page)
    assert "reads a 1" in status.inner_text()

    reached = {}
    page.locator("h1").first.click()  # start tabbing from the page's title
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
            const el = document.activeElement, style = getComputedStyle(el);
            return { cls: el.className, outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
        }"""
        )
        for name in ("nn-digit__clear", "nn-digit__model"):
            if name in focused["cls"].split():
                reached[name] = focused
        if len(reached) == 2:
            break
    assert set(reached) == {"nn-digit__clear", "nn-digit__model"}, f"not reached by Tab: {reached}"
    for name, focused in reached.items():
        assert focused["outline"] != "none" and focused["width"] >= 2, f"{name}: no visible focus ({focused})"

    # The network is chosen with the arrow keys, and Clear works with the keyboard.
    page.focus(".nn-digit__model")
    page.keyboard.press("ArrowDown")
    page.wait_for_selector(f"#nn-digit[data-model='{WIDE}']", timeout=15000)
    _frames(page)
    assert "reads a" in status.inner_text()
    page.focus(".nn-digit__clear")
    page.keyboard.press("Enter")
    _frames(page)
    assert page.locator(".nn-digit__answer").inner_text() == "–"
    assert status.inner_text() == "Draw a digit in the box."
    assert page.console_errors == [] and page.external_requests == []
