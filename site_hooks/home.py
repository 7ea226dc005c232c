"""MkDocs hook: the home page's training run, redone at every build.

The home page shows the curves of a real 784-10-10 network trained on MNIST,
and quotes its numbers. Neither is a stored picture or a typed-in number: this
hook takes the network that ``site_hooks/demo.py`` trains with
:func:`nn_scratch.sgd` (fixed seeds) while the site builds, adds the figure to the site as ``assets/home/training-curves.png``
and registers the results as the ``home`` namespace of ``site_hooks/fields.py``,
which fills the ``{{ home.<name> }}`` fields of ``docs/index.md``. A field the
hook does not compute fails the build, so the page and the hook cannot drift
apart silently.

MNIST comes from :func:`nn_scratch.data.load_mnist` (``NN_SCRATCH_DATA``, the
per-user cache, or a verified download).
"""

from __future__ import annotations

import io

import demo
import fields
from mkdocs.structure.files import File

FIGURE = "assets/home/training-curves.png"

_results: dict = {}
fields.register("home", lambda: _results["numbers"], source="site_hooks/home.py")


def train(config) -> tuple[bytes, dict]:
    """The home page's figure (a PNG of the shared run's curves) and the numbers it quotes."""
    import matplotlib

    matplotlib.use("Agg")  # no display in a build; the figure only goes to a PNG
    import matplotlib.pyplot as plt

    from nn_scratch.plots import plot_history

    net, data, history, seconds = demo.run(config, "home page")
    test_accuracy = net.accuracy(data.X_test, data.Y_test)

    title = f"784-10-10 network, mini-batch SGD (batch {demo.RECIPE['batch_size']}, α = {demo.RECIPE['alpha']})"
    fig = plot_history(history, title=title)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)

    n_params = sum(P.size for P in net.params.values())
    last = history.last()
    numbers = {
        "layers": "-".join(map(str, demo.LAYER_SIZES)),
        "n_params": f"{n_params:,}",
        "n_train": f"{data.X_train.shape[1]:,}",
        "n_val": f"{data.X_val.shape[1]:,}",
        "n_test": f"{data.X_test.shape[1]:,}",
        "epochs": str(demo.RECIPE["epochs"]),
        "batch_size": str(demo.RECIPE["batch_size"]),
        "alpha": f"{demo.RECIPE['alpha']:g}",
        "steps": f"{last['step']:,}",
        "log_every": str(demo.RECIPE["log_every"]),
        "seconds": f"{seconds:.1f}",
        "first_loss": f"{history.loss[0]:.3f}",
        "train_loss": f"{last['loss']:.3f}",
        "val_accuracy": f"{100 * last['val_accuracy']:.1f} %",
        "test_accuracy": f"{100 * test_accuracy:.1f} %",
    }
    return buffer.getvalue(), numbers


def on_files(files, config):
    png, numbers = train(config)
    _results["numbers"] = numbers
    files.append(File.generated(config, FIGURE, content=png))
    return files
