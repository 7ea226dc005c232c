"""MkDocs hook: train the networks of the "Draw a digit" page during the build.

Nothing on that page is committed by hand. Every build trains the networks
below with nn_scratch on the official MNIST training set (fixed seeds and one
BLAS thread, so rebuilding gives the same weights), measures them on the test
set, and

* writes each network with :func:`nn_scratch.saving.export_json` to
  ``<site>/assets/models/<name>.json``, plus a manifest ``models.json`` that
  lists them for the page's JavaScript (``docs/javascripts/digit.js``);
* registers the ``draw`` namespace of ``site_hooks/fields.py``: the field
  ``{{ draw.models_table }}`` of ``draw.md`` becomes a table of the networks,
  how they were trained and their test accuracy, and ``{{ draw.n_train }}``,
  ``{{ draw.n_test }}`` the numbers of images they were trained and tested on.

MNIST comes from :func:`nn_scratch.data.load_mnist`, like the notebooks': the
files in ``NN_SCRATCH_DATA`` or the user's cache, downloaded and verified once if
neither has them; when they cannot be had, the build fails with the loader's
message.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import fields
from mkdocs.exceptions import PluginError
from threadpoolctl import threadpool_limits

from nn_scratch.saving import atomic_write

log = logging.getLogger("mkdocs.hooks.draw")

MODELS_DIR = "assets/models"

# The first network is the page's default. Each trains in one to two seconds on a free core.
MODELS = (
    {
        "name": "mnist-784-10-10",
        "label": "784-10-10",
        "layer_sizes": (784, 10, 10),
        "init": "he",
        "optimiser": "sgd",
        # sgd's own keywords: sgd(net, X, Y, **recipe)
        "recipe": {"alpha": 0.1, "epochs": 5, "batch_size": 32, "seed": 0},
    },
    {
        "name": "mnist-784-100-10",
        "label": "784-100-10",
        "layer_sizes": (784, 100, 10),
        "init": "he",
        "optimiser": "sgd",
        # sgd's own keywords: sgd(net, X, Y, **recipe)
        "recipe": {"alpha": 0.1, "epochs": 2, "batch_size": 32, "seed": 0},
    },
)

# name -> (Network, metadata). Trained once per build process: the page text
# and the files written after the build come from the same networks.
_trained: dict = {}


def _train_all() -> dict:
    if _trained:
        return _trained
    from nn_scratch.data import load_mnist

    try:
        mnist = load_mnist(progress=False)
    except Exception as err:  # the loader's own message says what is missing and where it looked
        raise PluginError(f"draw hook: cannot load MNIST to train the page's networks: {err}") from err
    # One BLAS thread: these matrices are small, and on a busy machine OpenBLAS's
    # threads wait for each other — training the wide net took 19 s instead of 2.
    with threadpool_limits(limits=1, user_api="blas"):
        trained = {spec["name"]: _train_one(spec, mnist) for spec in MODELS}
    _trained.update(trained)  # all or nothing
    return _trained


def _train_one(spec: dict, mnist) -> tuple:
    import nn_scratch
    from nn_scratch import Network, sgd

    t0 = time.perf_counter()
    recipe = spec["recipe"]
    net = Network(spec["layer_sizes"], init=spec["init"], seed=recipe["seed"])
    sgd(net, mnist.X_train, mnist.Y_train, **recipe)
    seconds = time.perf_counter() - t0
    accuracy = net.accuracy(mnist.X_test, mnist.Y_test)
    metadata = {
        "name": spec["name"],
        "label": spec["label"],
        "dataset": "MNIST",
        "train_examples": int(mnist.X_train.shape[1]),
        "test_examples": int(mnist.X_test.shape[1]),
        "test_accuracy": accuracy,
        "training": {"optimiser": spec["optimiser"], "init": spec["init"], **recipe},
        "nn_scratch_version": nn_scratch.__version__,
    }
    log.info(f"draw: trained {spec['label']} in {seconds:.1f} s, test accuracy {100 * accuracy:.2f} %")
    return net, metadata


def _table(trained: dict) -> str:
    rows = [
        "| network | trained during this build with nn_scratch | test accuracy |",
        "|---|---|---|",
    ]
    for i, (_net, meta) in enumerate(trained.values()):
        t = meta["training"]
        name = meta["label"] + (" (default)" if i == 0 else "")
        how = (
            f"SGD, {t['init'].capitalize()} initialisation, seed {t['seed']}: {t['epochs']} epochs over "
            f"{meta['train_examples']:,} images in batches of {t['batch_size']}, α = {t['alpha']}"
        )
        acc = f"{100 * meta['test_accuracy']:.2f} % of {meta['test_examples']:,}"
        rows.append(f"| {name} | {how} | {acc} |")
    return "\n".join(rows)


def _fields() -> dict:
    trained = _train_all()
    meta = next(iter(trained.values()))[1]
    return {
        "models_table": _table(trained),
        "n_train": f"{meta['train_examples']:,}",
        "n_test": f"{meta['test_examples']:,}",
    }


fields.register("draw", _fields, source="site_hooks/draw.py")


def _write_json(path: Path, data) -> None:
    atomic_write(path, json.dumps(data, indent=1))


def on_post_build(config):
    """Write every trained network and the manifest ``models.json`` into the built site."""
    from nn_scratch.saving import export_json

    out = Path(config["site_dir"]) / MODELS_DIR
    manifest = []
    for name, (net, meta) in _train_all().items():
        file = f"{name}.json"
        export_json(net, out / file, meta)
        manifest.append(
            {
                "file": file,
                "label": meta["label"],
                "layer_sizes": list(net.layer_sizes),
                "test_accuracy": meta["test_accuracy"],
            }
        )
    _write_json(out / "models.json", {"models": manifest})
