# %% [markdown]
# # Initialisation
#
# <div class="admonition abstract">
# <p class="admonition-title">You'll need · You'll learn</p>
#
# **You'll need:** [forward propagation](../../maths/forward/), the
# [ReLU](../../maths/activations/), and the four equations of
# [backpropagation for any depth](../../maths/general/).
#
# **You'll learn:** why the *scale* of the random starting weights decides
# whether a network can learn at all; how to see it, by measuring the spread
# of the activations and of the gradients layer by layer; and where He
# initialisation's $\mathcal N(0, 2/n_{\text{in}})$ comes from.
#
# </div>
#
# Training starts from random weights, and it has to: if every weight of a layer
# started equal, every unit of the layer would compute the same thing and get the
# same gradient, and they would stay copies of each other forever. But *how*
# random matters as much. This page compares the three initialisations of
# [`init_params`](../../reference/network/), measured while the site was
# built, on real MNIST images:
#
# - **uniform**: every weight and bias drawn from U(−0.5, 0.5), the classic
#   from-scratch tutorials' choice;
# - **normal**: small Gaussian weights (standard deviation one hundredth), zero biases;
# - **He**: Gaussian weights with variance $2/n_{\text{in}}$, where $n_{\text{in}}$ is
#   the number of inputs of the layer, zero biases.
#
# Each is tried on the site's 784-10-10 network and on a deeper 784-500-150-10
# one, where the differences grow with every layer.
# [Download the notebook (.ipynb)](initialisation.ipynb) to run it yourself.

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

import nn_scratch as nn
from nn_scratch.data import load_mnist
from nn_scratch.network import INITIALISATIONS

mnist = load_mnist(validation_size=10_000, seed=0, dtype=np.float64, progress=False)
X, Y = mnist.X_train[:, :1000], mnist.Y_train[:1000]
NETS = [(784, 10, 10), (784, 500, 150, 10)]
INITS = list(INITIALISATIONS)  # the package's schemes, by name


def spread(sizes, init):
    """Standard deviation of Z^[l] and of dW^[l], layer by layer, at initialisation, on the images X."""
    params = nn.init_params(sizes, init=init, seed=0, dtype=np.float64)
    A, cache = nn.forward_prop(params, X)
    grads = nn.backward_prop(params, cache, Y)
    L = len(sizes) - 1
    return {
        "Z": [float(cache[f"Z{l}"].std()) for l in range(1, L + 1)],
        "dW": [float(grads[f"dW{l}"].std()) for l in range(1, L + 1)],
        "loss": nn.cross_entropy(A, Y),
    }


results = {(sizes, init): spread(sizes, init) for sizes in NETS for init in INITS}
print(
    f"{X.shape[1]:,} training images, {', '.join(INITS)} initialisation, networks "
    + ", ".join("-".join(map(str, s)) for s in NETS)
)

# %% [markdown]
# ## The spread through the layers
#
# Each line follows one initialisation through the layers of one network: on
# the top, the standard deviation of the pre-activations $Z^{[l]}$ (how spread
# out the numbers are that enter each ReLU or the softmax); on the bottom, that
# of the weight gradients $dW^{[l]}$ that backpropagation returns for the same
# images. The vertical axes are logarithmic: one grid line is a factor of ten.

# %% tags=["collapse"]
# The figure: one line per initialisation, one column per network.
plt.rcParams["font.size"] = 11  # drawn at a phone's width, with text that stays legible there
fig, axs = plt.subplots(2, 2, figsize=(5.2, 6.2), sharey="row", layout="constrained")
for col, sizes in enumerate(NETS):
    layers = range(1, len(sizes))
    for init, marker in zip(INITS, "osD", strict=True):
        for row, key in enumerate(("Z", "dW")):
            axs[row, col].semilogy(layers, results[sizes, init][key], marker=marker, label=init)
    axs[0, col].set_title("-".join(map(str, sizes)))
    axs[1, col].set_xlabel("layer l")
    for ax in axs[:, col]:
        ax.set_xticks(list(layers))
        ax.grid(True, which="major", alpha=0.4)
axs[0, 0].set_ylabel("std of Z[l]")
axs[1, 0].set_ylabel("std of dW[l]")
fig.legend(*axs[0, 0].get_legend_handles_labels(), loc="outside lower center", ncols=3, title="initialisation")
fig.set_label(  # the figure's alt text on the site (site_hooks/describe.py)
    "Four panels, logarithmic vertical axes. Top: the standard deviation of the pre-activations Z of each layer "
    "at initialisation; bottom: that of the weight gradients dW. Left the 784-10-10 network, right the "
    "784-500-150-10 network. The spread of Z grows layer after layer with uniform weights, shrinks with the "
    "small normal ones and stays level with He; the gradients are largest with uniform and smallest with the "
    "small normal. The printed table below gives the values.",
)
plt.show()

# %% [markdown]
# The numbers behind the picture, and what they say:

# %%
for sizes in NETS:
    print("-".join(map(str, sizes)))
    for init in INITS:
        r = results[sizes, init]
        print(
            f"  {init:8} std Z: {' '.join(f'{s:9.3g}' for s in r['Z'])}   "
            f"std dW: {' '.join(f'{s:9.3g}' for s in r['dW'])}   initial loss {r['loss']:.2f}"
        )

deep = NETS[1]
growth = {init: results[deep, init]["Z"][-1] / results[deep, init]["Z"][0] for init in INITS}
first_dW = {init: results[deep, init]["dW"][0] for init in INITS}
last_dW = {init: results[deep, init]["dW"][-1] for init in INITS}
# The claims of the next paragraph, checked on this run: a rerun that contradicts them fails the build.
assert growth["uniform"] > 5 and growth["normal"] < 0.1 and 0.5 < growth["he"] < 2, growth
assert results[deep, "uniform"]["loss"] > 5 * np.log(10) > results[deep, "he"]["loss"]
assert first_dW["he"] > 10 * first_dW["normal"] and last_dW["uniform"] > 10 * last_dW["he"]
display(
    Markdown(
        f"In the deeper network the spread of the last layer's scores is "
        f"**{growth['uniform']:.1f} times** that of the first layer's with the uniform weights, "
        f"**{growth['normal']:.2g} times** with the small normal ones and "
        f"**{growth['he']:.2f} times** with He's. Uniform scores that large make softmax "
        f"certain from the start — and mostly wrong: the initial loss is "
        f"{results[deep, 'uniform']['loss']:.1f}, against {results[deep, 'he']['loss']:.2f} with He and "
        f"$\\ln 10 = {np.log(10):.2f}$ for a uniform guess; the last layer's weight gradients are "
        f"{last_dW['uniform'] / last_dW['he']:.0f} times He's, so a learning rate that suits He's "
        f"takes steps far too large. The small normal weights make every score nearly zero, and the "
        f"first layer's weight gradients come out {first_dW['he'] / first_dW['normal']:.0f} times "
        f"smaller than with He's: the first layer hardly learns."
    )
)

# %% [markdown]
# ## Why: the variance of a sum
#
# A unit of layer $l$ adds $n_{\text{in}}$ products,
# $Z^{[l]}_j = \sum_{k=1}^{n_{\text{in}}} W^{[l]}_{j,k} A^{[l-1]}_k + b^{[l]}_j$.
# With weights drawn independently, with mean 0 and variance $\sigma^2$, and
# independent of the activations, the variances of the terms add up:
#
# $$
# \operatorname{Var}\bigl(Z^{[l]}_j\bigr) = n_{\text{in}}\, \sigma^2\, \mathbb E\bigl[(A^{[l-1]})^2\bigr]
# \quad (\text{plus the bias's variance}).
# $$
#
# So the spread is multiplied, layer after layer, by about
# $\sqrt{n_{\text{in}}}\,\sigma$ times a constant. For a ReLU layer whose input
# $Z$ is symmetric around 0, half of the units are zeroed and
# $\mathbb E[\mathrm{ReLU}(Z)^2] = \tfrac12 \operatorname{Var}(Z)$. Keeping the
# variance the same from layer to layer therefore needs
#
# $$
# n_{\text{in}}\, \sigma^2 \cdot \tfrac12 = 1
# \quad\Longleftrightarrow\quad
# \sigma^2 = \frac{2}{n_{\text{in}}},
# $$
#
# He initialisation (He et al., 2015). The uniform U(−0.5, 0.5) has
# $\sigma^2 = 1/12$ whatever $n_{\text{in}}$ is: over 500 inputs that is more
# than twenty times He's variance, and the spread grows at every layer. The
# small normal is far below it, and the spread shrinks at every layer. The
# errors travel back through the same weights (BP2 multiplies $dZ^{[l]}$ by
# $W^{[l]\top}$), so the gradients are scaled up or down with them.
#
# The formula against the measurement, for the first layer of each network:

# %%
x_sq = float((X**2).mean())  # E[x²] over the pixels of these images
variance = {"uniform": 1 / 12, "normal": 1e-4, "he": 2 / 784}
bias_var = {"uniform": 1 / 12, "normal": 0.0, "he": 0.0}
for init in INITS:
    predicted = np.sqrt(784 * variance[init] * x_sq + bias_var[init])
    measured = results[NETS[0], init]["Z"][0]
    print(f"{init:8} std Z[1]: predicted {predicted:.3f}, measured {measured:.3f}")
    assert abs(measured / predicted - 1) < 0.25, (init, predicted, measured)

# %% [markdown]
# The prediction treats the pixels as independent, which neighbouring pixels of
# a digit are not; it still gets the scale right, and the scale is what matters.
#
# ## What it does to training
#
# The same networks, trained from each initialisation with the same recipe
# (mini-batch SGD on a subset of the training images, the recipe printed
# below), scored on the validation images — images held out from training:

# %%
n, alpha, epochs, batch = 10_000, 0.1, 2, 100
print(f"sgd on the first {n:,} training images: α = {alpha}, {epochs} epochs, batches of {batch}")
accuracy = {}
for sizes in NETS:
    for init in INITS:
        net = nn.Network(sizes, init=init, seed=0)
        try:
            nn.sgd(net, mnist.X_train[:, :n], mnist.Y_train[:n], alpha=alpha, epochs=epochs, batch_size=batch, seed=0)
            accuracy[sizes, init] = net.accuracy(mnist.X_val, mnist.Y_val)
            result = f"validation accuracy {accuracy[sizes, init]:.1%}"
        except nn.DivergenceError:
            accuracy[sizes, init] = None
            result = "diverged: the loss stopped being a finite number"
        print(f"{'-'.join(map(str, sizes)):15} {init:8} {result}")
he_best = all(
    accuracy[s, "he"] is not None and all(accuracy[s, i] is None or accuracy[s, i] <= accuracy[s, "he"] for i in INITS)
    for s in NETS
)
print("He initialisation gives the best validation accuracy on both networks:", he_best)

# %% [markdown]
# ## In short
#
# - The spread of the pre-activations is multiplied at every layer by about
#   $\sqrt{n_{\text{in}}}\,\sigma$ (times $1/\sqrt 2$ after a ReLU): too large
#   and softmax starts certain and wrong, too small and the signal and the
#   gradients fade away.
# - He initialisation, variance $2/n_{\text{in}}$, keeps the spread level
#   through ReLU layers; the measured lines above are flat.
# - The deeper the network, the more it matters: a factor per layer compounds.
#
# The [Pitfalls](../../pitfalls/) page measures what the tutorials' uniform
# initialisation costs on MNIST (its section "Initialisation scale: U(−0.5, 0.5)
# against He"), and the [Playground](../../playground/) lets you pick the
# initialisation from its menu and watch the training curves change.
#
# ## Further reading
#
# - K. He, X. Zhang, S. Ren, J. Sun, [*Delving deep into rectifiers*](https://arxiv.org/abs/1502.01852)
#   (2015), where $2/n_{\text{in}}$ comes from.
# - X. Glorot, Y. Bengio, [*Understanding the difficulty of training deep feedforward neural
#   networks*](https://proceedings.mlr.press/v9/glorot10a.html) (2010), the same argument for
#   tanh units.
# - d2l.ai, [Numerical stability and initialization](https://d2l.ai/chapter_multilayer-perceptrons/numerical-stability-and-init.html).
# - CS231n, [Setting up the data and the model: weight initialisation](https://cs231n.github.io/neural-networks-2/#init).
# - M. Nielsen, [*Neural Networks and Deep Learning*, chapter 3: weight initialization](http://neuralnetworksanddeeplearning.com/chap3.html#weight_initialization).
