"""MkDocs hook: the home page's training run, redone at every build.

The home page shows the curves of a real 784-10-10 network trained on MNIST,
and quotes its numbers. Neither is a stored picture or a typed-in number: this
hook trains the network with :func:`nn_scratch.sgd` (fixed seeds) while the
site builds, adds the figure to the site as ``assets/home/training-curves.png``
and registers the results as the ``home`` namespace of ``site_hooks/fields.py``,
which fills the ``{{ home.<name> }}`` fields of ``docs/index.md``. A field the
hook does not compute fails the build, so the page and the hook cannot drift
apart silently.

MNIST comes from :func:`nn_scratch.data.load_mnist` (``NN_SCRATCH_DATA``, the
per-user cache, or a verified download).
"""

from __future__ import annotations

import io
import time

import fields
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

FIGURE = "assets/home/training-curves.png"

# The run shown on the home page: small enough to take a few seconds.
LAYER_SIZES = (784, 10, 10)
VALIDATION_SIZE = 10_000
SEED = 0
# sgd's own keywords: sgd(net, X, Y, **RECIPE). log_every is in steps: 500 steps per epoch, so 10 points per epoch.
RECIPE = {"alpha": 0.1, "epochs": 3, "batch_size": 100, "seed": SEED, "log_every": 50}

_results: dict = {}
fields.register("home", lambda: _results["numbers"], source="site_hooks/home.py")


def train() -> tuple[bytes, dict]:
    """Train the home page's network; return the PNG of its curves and the numbers to quote."""
    import matplotlib

    matplotlib.use("Agg")  # no display in a build; the figure only goes to a PNG
    import matplotlib.pyplot as plt

    from nn_scratch import Network, sgd
    from nn_scratch.data import MNISTNotFoundError, load_mnist
    from nn_scratch.idx import MNISTFileError
    from nn_scratch.plots import plot_history

    try:
        data = load_mnist(validation_size=VALIDATION_SIZE, seed=SEED, progress=False)
    except (MNISTNotFoundError, MNISTFileError) as err:
        raise PluginError(f"the home page's figure trains on MNIST, which could not be loaded: {err}") from err
    net = Network(LAYER_SIZES, seed=SEED)
    start = time.perf_counter()
    history = sgd(net, data.X_train, data.Y_train, **RECIPE, X_val=data.X_val, Y_val=data.Y_val)
    seconds = time.perf_counter() - start
    test_accuracy = net.accuracy(data.X_test, data.Y_test)

    title = f"784-10-10 network, mini-batch SGD (batch {RECIPE['batch_size']}, α = {RECIPE['alpha']})"
    fig = plot_history(history, title=title)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)

    n_params = sum(P.size for P in net.params.values())
    last = history.last()
    numbers = {
        "layers": "-".join(map(str, LAYER_SIZES)),
        "n_params": f"{n_params:,}",
        "n_train": f"{data.X_train.shape[1]:,}",
        "n_val": f"{data.X_val.shape[1]:,}",
        "n_test": f"{data.X_test.shape[1]:,}",
        "epochs": str(RECIPE["epochs"]),
        "batch_size": str(RECIPE["batch_size"]),
        "alpha": f"{RECIPE['alpha']:g}",
        "steps": f"{last['step']:,}",
        "log_every": str(RECIPE["log_every"]),
        "seconds": f"{seconds:.1f}",
        "first_loss": f"{history.loss[0]:.3f}",
        "train_loss": f"{last['loss']:.3f}",
        "val_accuracy": f"{100 * last['val_accuracy']:.1f} %",
        "test_accuracy": f"{100 * test_accuracy:.1f} %",
    }
    return buffer.getvalue(), numbers


def on_files(files, config):
    png, numbers = train()
    _results["numbers"] = numbers
    files.append(File.generated(config, FIGURE, content=png))
    return files
