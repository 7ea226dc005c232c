"""MkDocs hook: the Start here page's pictures and numbers, from a network trained while the site builds.

``docs/start.md`` draws the 784-10-10 network and follows one image through it.
Nothing there is a stored picture or a typed-in number: this hook takes the
network that ``site_hooks/demo.py`` trains for the home page too (fixed seeds),
draws three figures from it
with matplotlib — the network with its edges, one hidden unit's weighted sum,
the rows of ``W1`` as 28 × 28 templates — adds them to the site under
``assets/start/`` and registers the numbers as the ``start`` namespace of
``site_hooks/fields.py``. The figures are SVG with real text (``svg.fonttype:
none``), drawn at the width of a phone so that their text stays legible there.
"""

from __future__ import annotations

import io

import demo
import fields
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

FIGURES = {
    "network": "assets/start/network.svg",
    "neuron": "assets/start/neuron.svg",
    "templates": "assets/start/templates.svg",
}
# Figures are drawn 5.2 inches wide: on a 390 px phone the page column is about
# 360 px, so 1 pt of text is about 0.95 px there — 11 pt text stays readable.
WIDTH = 5.2
FONT = 11

_results: dict = {}
fields.register("start", lambda: _results["numbers"], source="site_hooks/start.py")


def _svg(fig) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})  # no date: the same run gives the same file
    plt.close(fig)
    return buffer.getvalue()


def network_figure(x, A1, A2, W1, W2, label: int) -> bytes:
    """The network drawn: the image as its 784 inputs, the hidden units, the outputs, and the edges."""
    import matplotlib.pyplot as plt
    import numpy as np

    fig, ax = plt.subplots(figsize=(WIDTH, 4.6))
    ax.set(xlim=(-0.2, 10.4), ylim=(-1.3, 11.0), aspect="equal")
    ax.axis("off")
    # Input: the 28 × 28 image, whose 784 pixels are the inputs x_1 … x_784.
    ax.imshow(x.reshape(28, 28), cmap="gray_r", extent=(0, 3.4, 2.8, 6.2), zorder=3)
    ax.text(1.7, 6.5, "input x\n784 pixels", ha="center", va="bottom", fontsize=FONT)
    hidden_y = np.linspace(9.0, 0.0, 10)
    out_y = np.linspace(9.0, 0.0, 10)
    hx, ox = 5.6, 8.6
    # Every pixel feeds every hidden unit: 784 × 10 edges, drawn as a fan from the image's edge.
    for k in range(10):
        for y0 in np.linspace(3.0, 6.0, 8):
            ax.plot([3.4, hx], [y0, hidden_y[k]], color="0.6", lw=0.4, alpha=0.5, zorder=1)
    # Hidden → output: all 100 edges, coloured by the sign of W2, wider where |W2| is larger.
    w2max = np.abs(W2).max()
    for c in range(10):
        for k in range(10):
            w = W2[c, k]
            ax.plot(
                [hx, ox],
                [hidden_y[k], out_y[c]],
                color="#c0392b" if w > 0 else "#2e6fb7",
                lw=0.2 + 1.6 * abs(w) / w2max,
                alpha=0.6,
                zorder=1,
            )
    a1max = max(A1.max(), 1e-12)
    for k in range(10):
        shade = str(1 - 0.75 * A1[k] / a1max)
        ax.add_patch(plt.Circle((hx, hidden_y[k]), 0.38, facecolor=shade, edgecolor="k", lw=0.8, zorder=4))
    ax.text(hx, 9.6, "hidden\nReLU", ha="center", va="bottom", fontsize=FONT)
    best = int(A2.argmax())
    for c in range(10):
        ax.add_patch(
            plt.Circle(
                (ox, out_y[c]), 0.38, facecolor="#f5b041" if c == best else "white", edgecolor="k", lw=0.8, zorder=4
            )
        )
        ax.text(ox, out_y[c], str(c), ha="center", va="center", fontsize=FONT - 1, zorder=5)
        ax.text(ox + 0.55, out_y[c], f"{A2[c]:.2f}", ha="left", va="center", fontsize=FONT - 1)
    ax.text(ox + 0.5, 9.6, "output\nsoftmax", ha="center", va="bottom", fontsize=FONT)
    ax.text(
        5.1,
        -1.2,
        f"label {label}, network says {best} (probability {A2[best]:.2f})",
        ha="center",
        va="bottom",
        fontsize=FONT,
    )
    fig.subplots_adjust(0, 0, 1, 1)
    return _svg(fig)


def neuron_figure(x, w, b: float, unit: int) -> bytes:
    """One hidden unit's weighted sum: the image, the unit's weights, and their products pixel by pixel."""
    import matplotlib.pyplot as plt
    import numpy as np

    products = w * x
    fig, axs = plt.subplots(1, 3, figsize=(WIDTH, 2.3), layout="constrained")
    wmax = np.abs(w).max()
    pmax = np.abs(products).max()
    panels = [
        (x, "pixels x", "gray_r", 0, 1),
        (w, f"weights of unit {unit}", "RdBu_r", -wmax, wmax),
        (products, "products w·x", "RdBu_r", -pmax, pmax),
    ]
    for ax, (image, title, cmap, lo, hi) in zip(axs, panels, strict=True):
        ax.imshow(image.reshape(28, 28), cmap=cmap, vmin=lo, vmax=hi)
        ax.set_title(title, fontsize=FONT)
        ax.set(xticks=[], yticks=[])
    z = float(products.sum() + b)
    fig.suptitle(f"sum of the products {products.sum():+.2f}, bias {b:+.2f}: z = {z:.2f}", fontsize=FONT)
    return _svg(fig)


def templates_figure(W1) -> bytes:
    """The rows of W1, each reshaped to 28 × 28: what each hidden unit looks for."""
    import matplotlib.pyplot as plt
    import numpy as np

    v = np.abs(W1).max()
    fig, axs = plt.subplots(2, 5, figsize=(WIDTH, 2.8), layout="constrained")
    for k, ax in enumerate(axs.flat):
        im = ax.imshow(W1[k].reshape(28, 28), cmap="RdBu_r", vmin=-v, vmax=v)
        ax.set_title(f"unit {k}", fontsize=FONT)
        ax.set(xticks=[], yticks=[])
    bar = fig.colorbar(im, ax=list(axs.flat), shrink=0.9)
    bar.set_label("weight", fontsize=FONT)
    return _svg(fig)


def build(config) -> tuple[dict[str, bytes], dict[str, str]]:
    """Take the shared network, draw the three figures, and compute the numbers the page quotes."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # real text in the SVG: it scales and can be searched
    import numpy as np

    net, data, _, _ = demo.run(config, "Start here page")

    # The first validation image that the network gets right: a typical example, not a hand-picked one.
    predictions = net.predict(data.X_val)
    i = int(np.flatnonzero(predictions == data.Y_val)[0])
    x = np.asarray(data.X_val[:, i], dtype=np.float64)
    label = int(data.Y_val[i])
    A2, cache = net.forward(data.X_val[:, i : i + 1])
    A1, Z1, A2 = cache["A1"].ravel(), cache["Z1"].ravel(), A2.ravel()
    W1, b1 = np.asarray(net.W1, dtype=np.float64), np.asarray(net.params["b1"], dtype=np.float64).ravel()
    W2 = np.asarray(net.W2, dtype=np.float64)
    on, off = int(Z1.argmax()), int(Z1.argmin())
    if Z1[off] >= 0:
        raise PluginError("the Start here page shows a unit that ReLU switches off, but every unit is on for its image")
    products = W1[on] * x
    z_on = float(products.sum() + b1[on])
    if not np.isclose(z_on, Z1[on], rtol=1e-4, atol=1e-4):
        raise PluginError(f"the weighted sum by hand ({z_on}) is not the network's Z1 ({Z1[on]})")

    figures = {
        "network": network_figure(x, A1, A2, W1, W2, label),
        "neuron": neuron_figure(x, W1[on], float(b1[on]), on),
        "templates": templates_figure(W1),
    }
    # What the run itself was (its size, recipe, time and accuracy) is the home page's namespace.
    numbers = {
        "n_W1_edges": f"{W1.size:,}",
        "n_W2_edges": f"{W2.size:,}",
        "label": str(label),
        "prediction": str(int(A2.argmax())),
        "probability": f"{A2.max():.2f}",
        "n_ink": f"{np.count_nonzero(x):,}",
        "unit": str(on),
        "positive": f"{products[products > 0].sum():.2f}",
        "negative": f"{products[products < 0].sum():.2f}",
        "bias": f"{b1[on]:.2f}",
        "z": f"{z_on:.2f}",
        "a": f"{max(z_on, 0.0):.2f}",
        "off_unit": str(off),
        "off_z": f"{Z1[off]:.2f}",
        "n_active": str(int(np.count_nonzero(A1 > 0))),
    }
    return figures, numbers


def on_files(files, config):
    figures, numbers = build(config)
    _results["numbers"] = numbers
    for name, svg in figures.items():
        files.append(File.generated(config, FIGURES[name], content=svg))
    return files
