"""The peers: the same mini-batch SGD recipe in nn_scratch, PyTorch (CPU) and scikit-learn.

Every peer gets the same data (float32), architecture, batch size, learning
rate, momentum and number of epochs, and reshuffles the examples every epoch.
nn_scratch and PyTorch also start from the *same* initial weights (copied
from ``nn_scratch.Network(seed=…)``), so they compute the same maths and land
within rounding of the same accuracy. scikit-learn's ``MLPClassifier`` cannot
be handed initial weights and starts from its own Glorot-uniform draw.

The PyTorch loop is the idiomatic fast one — tensors already in memory (no
``DataLoader``), ``torch.optim.SGD``, ``F.cross_entropy`` — so what it pays is
its real per-operation cost, not an avoidable slowdown.
"""

from __future__ import annotations

import warnings

import numpy as np

from nn_scratch import Network, sgd


def train_nn_scratch(recipe: dict, X, Y, net: Network) -> Network:
    """Train ``net`` in place: ``sgd(net, X, Y, **recipe)`` — a recipe is a dict of sgd's keywords."""
    sgd(net, X, Y, **recipe)
    return net


def torch_model(torch, net: Network):
    """A ``torch.nn.Sequential`` of Linear/ReLU layers holding a copy of ``net``'s parameters."""
    L = len(net.params) // 2
    layers = []
    for l in range(1, L + 1):
        W, b = net.params[f"W{l}"], net.params[f"b{l}"]
        linear = torch.nn.Linear(W.shape[1], W.shape[0])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(W, dtype=np.float32)))
            linear.bias.copy_(torch.from_numpy(b.ravel().astype(np.float32)))
        layers.append(linear)
        if l < L:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def torch_tensors(torch, X, Y):
    """``X`` (784 × m columns) as PyTorch's rows — a zero-copy view when ``X`` is F-contiguous."""
    return torch.from_numpy(np.ascontiguousarray(X.T, dtype=np.float32)), torch.from_numpy(Y.astype(np.int64))


def train_torch(torch, recipe: dict, X_rows, Y_t, model):
    """The recipe in PyTorch: shuffle, slice a batch, forward, loss, backward, ``optimizer.step()``."""
    F = torch.nn.functional
    optimizer = torch.optim.SGD(model.parameters(), lr=recipe["alpha"], momentum=recipe.get("momentum", 0.0))
    generator = torch.Generator().manual_seed(recipe.get("seed", 0))
    m, batch_size = X_rows.shape[0], recipe["batch_size"]
    for _ in range(recipe["epochs"]):
        order = torch.randperm(m, generator=generator)
        for start in range(0, m, batch_size):
            idx = order[start : start + batch_size]
            loss = F.cross_entropy(model(X_rows[idx]), Y_t[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    return model


def torch_accuracy(torch, model, X, Y) -> float:
    X_rows, Y_t = torch_tensors(torch, X, Y)
    with torch.no_grad():
        return float((model(X_rows).argmax(dim=1) == Y_t).double().mean())


def sklearn_model(recipe: dict, hidden: tuple[int, ...]):
    """``MLPClassifier`` set to plain mini-batch SGD: no L2, no early stopping, constant rate."""
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(
        hidden_layer_sizes=hidden,
        activation="relu",
        solver="sgd",
        alpha=0.0,
        batch_size=recipe["batch_size"],
        learning_rate="constant",
        learning_rate_init=recipe["alpha"],
        momentum=recipe.get("momentum", 0.0),
        nesterovs_momentum=False,
        max_iter=recipe["epochs"],
        shuffle=True,
        random_state=recipe.get("seed", 0),
        tol=0.0,
        n_iter_no_change=recipe["epochs"] + 1,
        early_stopping=False,
    )


def train_sklearn(model, X, Y):
    """``model.fit`` on examples as rows (scikit-learn's convention); stopping at max_iter is expected."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(np.ascontiguousarray(X.T), Y)
    return model


def sklearn_accuracy(model, X, Y) -> float:
    return float(np.mean(model.predict(np.ascontiguousarray(X.T)) == Y))
