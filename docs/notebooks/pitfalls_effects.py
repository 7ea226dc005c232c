# %% [markdown]
# # What the pitfalls cost
#
# The [pitfalls](../../pitfalls/) page proves each mistake with a gradient
# check, a NaN or a shape error, and reports what each one did when the
# tutorials' network was trained with it (`benchmarks/pitfalls.py`, several
# seeds, committed with its provenance). This notebook looks closer at two
# of them while the site builds: the scale of the tutorials' initialisation
# and what it does to the hidden units, and what a small dev split can and
# cannot tell. The runs use mini-batch SGD with momentum through
# `nn_scratch.sgd`; the recipe is printed below. Sentences that quote a
# number are printed by the code that computes it.
# [Download the notebook (.ipynb)](pitfalls_effects.ipynb) to run it yourself.

# %% tags=["collapse"]
# Set-up: the MNIST arrays (a validation split held out of the training images), a dead-unit
# counter, and the recipe and seeds printed below.
import numpy as np
from IPython.display import Markdown, display

from nn_scratch import Network, cross_entropy, sgd
from nn_scratch.data import load_mnist
from nn_scratch.plots import plot_history


def dead_units(net, X):
    """Hidden units of the first layer whose pre-activation Z1 is ≤ 0 for every column of X."""
    _, cache = net.forward(X)
    return int(np.count_nonzero((cache["Z1"] > 0).sum(axis=1) == 0))


# Choices are compared on images held out of the training set; the official test set is
# scored once, at the end of the page.
split = load_mnist(validation_size=10_000, seed=0)
X_train, Y_train, X_val, Y_val = split.X_train, split.Y_train, split.X_val, split.Y_val
RECIPE = dict(alpha=0.05, epochs=2, batch_size=64, momentum=0.9)
SEEDS = range(3)
print("recipe:", ", ".join(f"{k} = {v}" for k, v in RECIPE.items()), f"; seeds {list(SEEDS)}")

# %% [markdown]
# ## Initialisation: U(−0.5, 0.5) against He
#
# The tutorials draw every weight from U(−0.5, 0.5), standard deviation
# $1/\sqrt{12}$, whatever the number of inputs. He initialisation uses
# $\sqrt{2/n_{\text{in}}}$, which depends on the layer:

# %%
display(
    Markdown(
        f"U(−0.5, 0.5) has standard deviation {np.sqrt(1 / 12):.2f}; He gives {np.sqrt(2 / 784):.2f} for the "
        f"784 inputs of the first layer ({np.sqrt(1 / 12) / np.sqrt(2 / 784):.1f} times smaller) and "
        f"{np.sqrt(2 / 10):.2f} for the 10 inputs of the second."
    )
)
n = 5000
for init in ("uniform", "he"):
    net = Network((784, 10, 10), init=init, seed=0)
    A2, cache = net.forward(X_train[:, :n])
    print(
        f"init={init:7}: at initialisation, on {n:,} training images, Z1 has std {cache['Z1'].std():.2f}, "
        f"Z2 std {cache['Z2'].std():.2f}, and the loss is {cross_entropy(A2, Y_train[:n]):.2f} "
        f"(log 10 = {np.log(10):.2f} for a uniform guess)"
    )

# %% [markdown]
# A ReLU unit whose pre-activation $Z^{[1]}$ is negative for *every* training
# image is dead: it outputs 0, its derivative $\mathrm{ReLU}'(Z^{[1]})$ is 0,
# so no gradient ever reaches its weights again, and one of only ten units is
# lost for good. A large step can push a unit there, whatever the
# initialisation. The three seeds of each initialisation, trained with
# `nn_scratch.sgd` and the recipe above; we count the dead units after
# training and measure the accuracy on the held-out validation images:

# %%
steps = -(-X_train.shape[1] // RECIPE["batch_size"])  # per epoch
log_every = next(k for k in range(steps // 8, steps + 1) if steps % k == 0)  # ≤ 8 points an epoch, the last at its end
dead = {"uniform": [], "he": []}
accuracy = {"uniform": [], "he": []}
curves = {}
for init in ("uniform", "he"):
    for seed in SEEDS:
        net = Network((784, 10, 10), init=init, seed=seed)
        history = sgd(net, X_train, Y_train, **RECIPE, seed=0, log_every=log_every, X_val=X_val, Y_val=Y_val)
        dead[init].append(dead_units(net, X_train))
        accuracy[init].append(net.accuracy(X_val, Y_val))
        if seed == 0:
            curves[f"{init}, seed 0"] = history
for init in ("uniform", "he"):
    print(
        f"init={init:7}: dead hidden units after training, per seed: {dead[init]}; "
        f"validation accuracy {min(accuracy[init]):.2%} – {max(accuracy[init]):.2%} "
        f"(mean {np.mean(accuracy[init]):.2%})"
    )

# %%
fig = plot_history(
    curves, x="epoch", val_label="validation", title="784-10-10, SGD: U(−0.5, 0.5) against He initialisation"
)

# %% [markdown]
# ## A dev split of the training data against the official test set
#
# A 1,000-image dev split gives an accuracy uncertain by a couple of points,
# and a dev split taken from the training data shares its writers with the
# training images, whereas the official test set was written by other people
# (LeCun, Cortes and Burges made the two sets of writers disjoint). Here
# part of the training images is held out (`validation_size`) and cut into
# dev splits of the Kaggle notebook's size; the network trains on the rest.
# This is the one place on the page where the official test set is scored.

# %%
print(f"trained on {split.X_train.shape[1]:,} images; {split.X_val.shape[1]:,} held out")
net = Network((784, 10, 10), init="he", seed=0)
sgd(net, split.X_train, split.Y_train, **RECIPE, seed=0)
right_val = net.predict(split.X_val) == split.Y_val
dev_size = 1000  # the Kaggle notebook's dev split
devs = right_val[np.random.default_rng(0).permutation(right_val.size).reshape(-1, dev_size)].mean(axis=1)
print(f"accuracy on {len(devs)} dev splits of {dev_size:,} held-out training images each:")
print("  " + "  ".join(f"{a:.1%}" for a in devs))
print(f"all {right_val.size:,} held-out training images: {right_val.mean():.2%}")
print(f"the official {split.Y_test.size:,}-image test set:  {net.accuracy(split.X_test, split.Y_test):.2%}")
