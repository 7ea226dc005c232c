"""The Playground's JavaScript trains exactly as nn_scratch does.

``docs/javascripts/playground-train.js`` runs under Node.js here:

* from the initial weights of a :class:`nn_scratch.Network` and the batch order
  :func:`nn_scratch.sgd` draws (NumPy's permutations, passed to it explicitly),
  a few hundred SGD steps on MNIST must end within 1e-4 of nn_scratch's
  float32 parameters — measured per parameter array as
  ``max|P_js − P_py| / max|P_py|`` — and within 1e-10 in its float64 build;
  the training losses it logs must agree too;
* its random numbers (Mulberry32, the polar method with a logarithm made of + − × ÷, Fisher–Yates) and the initial
  weights drawn from them must equal bit for bit those of
  ``site_hooks/playground.py``, which replays the page's default run with
  nn_scratch during the build — that is what makes the accuracy the page
  quotes for the default run the browser's own;
* the initialisation schemes are nn_scratch's: the build reads them off the
  package's ``INITIALISATIONS`` (``playground.schemes()``), the JavaScript
  draws from that description, and a scheme added to the package reaches the
  page's menu and the JavaScript with no other change.
"""

import json
import subprocess
import sys
from pathlib import Path

import needs
import numpy as np
import pytest
from mkdocs.exceptions import PluginError

from nn_scratch import Network, sgd
from nn_scratch.network import INITIALISATIONS

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "site_hooks"))  # where mkdocs runs it: it registers into fields.py
import playground  # noqa: E402

TRAIN_JS = REPO / "docs" / "javascripts" / "playground-train.js"

# argv: the script, a JSON request; answers on stdout. Pixels come as a file of bytes.
DRIVER = r"""
const pg = require(process.argv[2]);
const req = JSON.parse(require("fs").readFileSync(process.argv[3], "utf8"));
let out;
if (req.kind === "random") {
  const r = new pg.Random(req.seed);
  const ints = [], normals = [];
  for (let i = 0; i < req.n; i++) ints.push(r.nextUint32());
  for (let i = 0; i < req.n; i++) normals.push(r.normal());
  out = { ints, normals, permutation: Array.from(r.permutation(req.m)) };
} else if (req.kind === "init") {
  const p = pg.initParams(req.sizes, req.scheme, req.seed, req.float64);
  out = { W1: Array.from(p.W1), b1: Array.from(p.b1), W2: Array.from(p.W2), b2: Array.from(p.b2) };
} else {
  const pixels = new Uint8Array(require("fs").readFileSync(req.pixels));
  const train = pg.makeData(pixels, Uint8Array.from(req.labels), 784);
  const run = new pg.Run(req.settings, train, null, { params: req.params, orders: req.orders, logEvery: req.logEvery, scheme: req.scheme });
  const logs = [];
  while (!run.done()) {
    const entry = run.next();
    if (entry) logs.push(entry);
  }
  const p = run.params;
  out = { steps: run.step, logs, W1: Array.from(p.W1), b1: Array.from(p.b1), W2: Array.from(p.W2), b2: Array.from(p.b2) };
}
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    exe = needs.node()  # runs the Playground's JavaScript
    folder = tmp_path_factory.mktemp("node")
    driver = folder / "driver.js"
    driver.write_text(DRIVER, encoding="utf-8")

    def run(request):
        path = folder / "request.json"
        path.write_text(json.dumps(request), encoding="utf-8")
        done = subprocess.run(
            [exe, str(driver), str(TRAIN_JS), str(path)], check=False, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


@pytest.mark.parametrize("seed", [0, 1, 2024, 2**32 - 1])
def test_random_numbers_are_the_same_in_javascript_and_python(node, seed):
    js = node({"kind": "random", "seed": seed, "n": 2000, "m": 1000})
    py = playground.Random(seed)
    assert js["ints"] == [py.next_uint32() for _ in range(2000)]
    assert js["normals"] == [py.normal() for _ in range(2000)]  # float64, exactly
    assert js["permutation"] == py.permutation(1000)


def _js_init(node, sizes, init, seed, described=None):
    scheme = (described or playground.schemes())[init]
    return node({"kind": "init", "sizes": sizes, "scheme": scheme, "seed": seed, "float64": False})


@pytest.mark.parametrize("init", ["uniform", "normal", "he"])
@pytest.mark.parametrize("hidden,seed", [(10, 0), (32, 0), (100, 7)])
def test_initial_weights_are_the_same_in_javascript_and_python(node, init, hidden, seed):
    sizes = [784, hidden, 10]
    js = _js_init(node, sizes, init, seed)
    py = playground.init_params(sizes, init, seed)
    for name, P in py.items():
        assert P.dtype == np.float32
        np.testing.assert_array_equal(np.array(js[name], dtype=np.float32), P.ravel(), err_msg=name)


def test_the_schemes_are_the_packages():
    described = playground.schemes()
    assert list(described) == list(INITIALISATIONS)
    # The build's weights are the package's scheme functions run on the browser's generator.
    for init, scheme in INITIALISATIONS.items():
        W, b = scheme(playground.Random(4), 784, 32)
        py = playground.init_params((784, 32), init, 4, dtype=np.float64)
        np.testing.assert_array_equal(py["W1"], W)
        np.testing.assert_array_equal(py["b1"], b)
    # The page's menu is written from the same description, one option per scheme.
    options = playground.scheme_fields(described)["init_options"]
    assert options.count("<option ") == len(INITIALISATIONS)
    for init, entry in described.items():
        assert f'<option value="{init}">{entry["label"]}</option>' in options


def test_a_scheme_added_to_the_package_reaches_the_javascript(node, monkeypatch):
    def wide(rng, n_in, n_out):  # U(−0.1, 0.1) weights, biases N(0, 1) × 0.1 + 0.2
        return rng.random((n_out, n_in)) * 0.2 - 0.1, rng.standard_normal((n_out, 1)) * 0.1 + 0.2

    monkeypatch.setitem(INITIALISATIONS, "wide", wide)
    described = playground.schemes()
    assert described["wide"]["W"] == {"draw": "uniform", "shift": -0.1, "scale": 0.2}
    assert described["wide"]["b"] == {"draw": "normal", "shift": 0.2, "scale": 0.1}
    assert described["wide"]["label"] == "wide: U(−0.1, 0.1), biases N(0, 1) × 0.1 + 0.2"
    js = _js_init(node, [784, 20, 10], "wide", 11, described)
    py = playground.init_params([784, 20, 10], "wide", 11)
    for name, P in py.items():
        np.testing.assert_array_equal(np.array(js[name], dtype=np.float32), P.ravel(), err_msg=name)
    assert -0.1 <= py["W1"].min() < -0.099 and abs(py["b1"].mean() - 0.2) < 0.1


@pytest.mark.parametrize(
    "scheme, problem",
    [
        (lambda rng, n_in, n_out: (rng.random((n_out, n_in)) ** 2, np.zeros((n_out, 1))), "not of the form"),
        (
            lambda rng, n_in, n_out: (rng.standard_normal((n_out, n_in)) / n_in, np.zeros((n_out, 1))),
            "neither constant",
        ),
        (lambda rng, n_in, n_out: (rng.integers(0, 2, (n_out, n_in)), np.zeros((n_out, 1))), "integers"),
        (lambda rng, n_in, n_out: (np.zeros((n_out, n_in)), rng.random((n_out, 1)) + rng.random((n_out, 1))), "draws"),
    ],
)
def test_a_scheme_the_page_cannot_draw_stops_the_build(monkeypatch, scheme, problem):
    monkeypatch.setitem(INITIALISATIONS, "odd", scheme)
    with pytest.raises(PluginError, match=problem) as caught:
        playground.schemes()
    assert "odd" in str(caught.value)


def test_initial_weights_follow_the_schemes_of_nn_scratch():
    # Same distributions as nn_scratch.network.INITIALISATIONS (different generator).
    he = playground.init_params((784, 100, 10), "he", 3)
    assert abs(he["W1"].std() / np.sqrt(2 / 784) - 1) < 0.02 and not he["b1"].any()
    normal = playground.init_params((784, 100, 10), "normal", 3)
    assert abs(normal["W1"].std() / 0.01 - 1) < 0.02 and not normal["b2"].any()
    uniform = playground.init_params((784, 100, 10), "uniform", 3)
    assert -0.5 <= uniform["W1"].min() < -0.49 and 0.49 < uniform["W1"].max() < 0.5
    assert -0.5 <= uniform["b1"].min() and uniform["b1"].max() < 0.5 and uniform["b1"].std() > 0.2


def _train_both(node, mnist, tmp_path, dtype, *, hidden, init, m, batch_size, epochs, alpha, seed):
    pixels = np.rint(mnist.X_train[:, :m] * 255).astype(np.uint8)  # 784 × m, the page's bytes
    Y = mnist.Y_train[:m]
    X = pixels.astype(dtype) / dtype(255)  # what the page computes from those bytes
    net = Network((784, hidden, 10), init=init, seed=seed, dtype=dtype)
    initial = {k: P.ravel().tolist() for k, P in net.params.items()}
    # The batch order sgd draws: one permutation per epoch from default_rng(seed).
    rng = np.random.default_rng(seed)
    orders = [rng.permutation(m).tolist() for _ in range(epochs)]
    history = sgd(net, X, Y, alpha=alpha, epochs=epochs, batch_size=batch_size, seed=seed)

    (tmp_path / "pixels.u8").write_bytes(pixels.T.tobytes())  # image after image
    settings = {
        "hidden": hidden,
        "init": init,
        "alpha": alpha,
        "batchSize": batch_size,
        "epochs": epochs,
        "seed": seed,
        "float64": dtype == np.float64,
    }
    steps_per_epoch = -(-m // batch_size)
    js = node(
        {
            "kind": "train",
            "pixels": str(tmp_path / "pixels.u8"),
            "labels": Y.tolist(),
            "settings": settings,
            "params": initial,
            "orders": orders,
            "logEvery": steps_per_epoch,
        }
    )
    assert js["steps"] == history.step[-1] == epochs * steps_per_epoch
    return net, history, js


def _parameter_drift(net, js):
    return {
        k: float(np.max(np.abs(np.array(js[k]) - P.ravel().astype(np.float64))) / float(np.max(np.abs(P))))
        for k, P in net.params.items()
    }


def test_float32_training_agrees_with_sgd(node, mnist, tmp_path):
    # 2 epochs of 4,000 images in batches of 30: 268 steps, the last batch of each epoch has 10.
    net, history, js = _train_both(
        node, mnist, tmp_path, np.float32, hidden=32, init="he", m=4000, batch_size=30, epochs=2, alpha=0.1, seed=0
    )
    drift = _parameter_drift(net, js)
    assert max(drift.values()) < 1e-4, drift
    # The training actually moved the weights far beyond that tolerance.
    start = Network((784, 32, 10), init="he", seed=0)
    assert np.max(np.abs(net.W1 - start.W1)) / np.max(np.abs(net.W1)) > 1e-2
    np.testing.assert_allclose([e["loss"] for e in js["logs"]], history.loss, rtol=1e-4)
    np.testing.assert_allclose([e["trainAccuracy"] for e in js["logs"]], history.train_accuracy, atol=1 / 4000)


# (hidden, init, examples, batch size, epochs): 268, 126, 20 and 10 steps; the last is full-batch gradient descent.
@pytest.mark.parametrize(
    "hidden,init,m,batch_size,epochs",
    [
        (32, "he", 4000, 30, 2),
        (10, "uniform", 4000, 64, 2),
        (100, "normal", 1000, 50, 1),
        (32, "normal", 1000, 1000, 10),
    ],
)
def test_float64_training_agrees_with_sgd(node, mnist, tmp_path, hidden, init, m, batch_size, epochs):
    net, history, js = _train_both(
        node,
        mnist,
        tmp_path,
        np.float64,
        hidden=hidden,
        init=init,
        m=m,
        batch_size=batch_size,
        epochs=epochs,
        alpha=0.1,
        seed=3,
    )
    drift = _parameter_drift(net, js)
    assert max(drift.values()) < 1e-10, drift
    np.testing.assert_allclose([e["loss"] for e in js["logs"]], history.loss, rtol=1e-10)


def test_replay_uses_the_browsers_weights_and_order(mnist):
    # The build's replay: nn_scratch.sgd, one epoch at a time, on the order the browser draws.
    X, Y = mnist.X_train[:, :300], mnist.Y_train[:300]
    net, history = playground.replay(X, Y, X, Y, hidden=10, init="uniform", alpha=0.1, batch_size=50, epochs=2, seed=5)
    rng = playground.Random(5)
    by_hand = Network.from_params(playground.init_params((784, 10, 10), "uniform", rng))
    for _ in range(2):
        order = np.array(rng.permutation(300))
        sgd(by_hand, X[:, order], Y[order], alpha=0.1, epochs=1, batch_size=50, shuffle=False)
    for k, P in net.params.items():
        np.testing.assert_array_equal(P, by_hand.params[k])
    assert [h["step"] for h in history] == [6, 12]


def test_the_shared_logarithm_is_the_logarithm():
    x = np.concatenate([np.random.default_rng(0).random(2000), [1e-300, 2.0**-32, 0.5, 0.7071, 0.9999999, 1.0]])
    ours = np.array([playground.log(float(v)) for v in x])
    np.testing.assert_allclose(ours, np.log(x), rtol=4e-16, atol=4e-16)


def test_the_browsers_default_run_draws_what_the_replay_draws(node, tmp_path):
    # Without params/orders, the JavaScript draws its weights (by the scheme the build
    # described) and then each epoch's order from one Random(seed), as replay() does: after one epoch on 50 examples with the
    # full batch the weights must be those of nn_scratch.sgd on that order.
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (784, 50), dtype=np.uint8)
    Y = rng.integers(0, 10, 50)
    X = pixels.astype(np.float64) / 255
    (tmp_path / "pixels.u8").write_bytes(pixels.T.tobytes())
    settings = {"hidden": 10, "init": "normal", "alpha": 0.1, "batchSize": 20, "epochs": 2, "seed": 9, "float64": True}
    scheme = playground.schemes()["normal"]  # as the page passes it to the worker with the settings
    request = {"kind": "train", "pixels": str(tmp_path / "pixels.u8"), "labels": Y.tolist(), "settings": settings}
    js = node(request | {"scheme": scheme})
    r = playground.Random(9)
    net = Network.from_params(playground.init_params((784, 10, 10), "normal", r, dtype=np.float64))
    for _ in range(2):
        order = np.array(r.permutation(50))
        sgd(net, X[:, order], Y[order], alpha=0.1, epochs=1, batch_size=20, shuffle=False)
    assert max(_parameter_drift(net, js).values()) < 1e-12
