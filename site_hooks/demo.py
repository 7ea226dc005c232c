"""The demonstration run that the home page and the Start here page share: one network, trained once per build.

Both pages are about the same 784-10-10 network: ``home.py`` draws its training
curves and quotes its accuracy, ``start.py`` follows one image through it. Not a
hook itself; both hooks import it, and the first to ask in a build trains the
network with :func:`nn_scratch.sgd` (fixed seeds), so the two pages cannot show
two different networks and the build does not train the same one twice.
"""

from __future__ import annotations

import time
from typing import NamedTuple

from mkdocs.exceptions import PluginError

LAYER_SIZES = (784, 10, 10)
VALIDATION_SIZE = 10_000
SEED = 0
# sgd's own keywords: sgd(net, X, Y, **RECIPE). log_every is in steps: 500 steps per epoch, so 10 points per epoch.
RECIPE = {"alpha": 0.1, "epochs": 3, "batch_size": 100, "seed": SEED, "log_every": 50}


class Run(NamedTuple):
    net: object  # nn_scratch.Network
    data: object  # nn_scratch.data.MNIST, with its validation split
    history: object  # nn_scratch.History, validation logged
    seconds: float


_last: dict = {}


def run(config, page: str) -> Run:
    """This build's run, trained at the first call (``config`` tells one build of ``mkdocs serve`` from the next)."""
    if _last.get("config") is not config:
        _last.update(config=config, run=_train(page))
    return _last["run"]


def _train(page: str) -> Run:
    from nn_scratch import Network, sgd
    from nn_scratch.data import MNISTNotFoundError, load_mnist
    from nn_scratch.idx import MNISTFileError

    try:
        data = load_mnist(validation_size=VALIDATION_SIZE, seed=SEED, progress=False)
    except (MNISTNotFoundError, MNISTFileError) as err:
        raise PluginError(f"the {page} trains on MNIST, which could not be loaded: {err}") from err
    net = Network(LAYER_SIZES, seed=SEED)
    start = time.perf_counter()
    history = sgd(net, data.X_train, data.Y_train, **RECIPE, X_val=data.X_val, Y_val=data.Y_val)
    return Run(net, data, history, time.perf_counter() - start)
