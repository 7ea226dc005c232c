# %% [markdown]
# # What the pitfalls cost
#
# The [pitfalls](../../pitfalls/) page proves each mistake with a gradient
# check, a NaN or a shape error. This notebook measures what the mistakes that
# still *run* cost in accuracy, on the official MNIST test set. The wrong
# versions come from `tests/pitfalls_variants.py`, where each wrong line is
# marked `# PITFALL`; `sgd_with(bug, …)` there trains with one of them, and
# `sgd_with(None, …)` is the same loop with the right backward pass, so a
# difference in accuracy is the bug's alone. To keep the site's build short,
# each run is two epochs of mini-batch SGD (batch 64, $\alpha = 0.05$,
# momentum 0.9) on the 784-10-10 network: a short training, but the same for
# every variant.

# %%
import inspect
import sys
from pathlib import Path

import numpy as np

from nn_scratch import Network, cross_entropy, sgd
from nn_scratch.data import load_mnist
from nn_scratch.plots import plot_history


def repo_folder(relative: str) -> Path:
    """Find the folder ``relative`` from the repository root, wherever this notebook runs."""
    for folder in (Path.cwd(), *Path.cwd().parents):
        if (folder / relative).is_dir():
            return folder / relative
    raise FileNotFoundError(f"{relative} not found above {Path.cwd()}")


sys.path.insert(0, str(repo_folder("tests")))
from pitfalls_variants import backward_prop_with, dead_units, sgd_with  # noqa: E402

mnist = load_mnist()
X_train, Y_train, X_test, Y_test = mnist.X_train, mnist.Y_train, mnist.X_test, mnist.Y_test
RECIPE = dict(alpha=0.05, epochs=2, batch_size=64, momentum=0.9)


def train_with(bug, net, **kwargs):
    """Train ``net`` with the recipe above and the backward pass of ``bug``; return its history."""
    return sgd_with(bug, net, X_train, Y_train, **RECIPE, seed=0, X_val=X_test, Y_val=Y_test, **kwargs)


# %% [markdown]
# ## The bias gradient summed over the whole matrix
#
# The wrong line and the right one:

# %%
source = inspect.getsource(backward_prop_with)
print("\n".join(line.strip() for line in source.splitlines() if "np.sum(dZ1)" in line or "db1 = dZ1.sum" in line))

# %% [markdown]
# `np.sum(dZ1)` adds the gradients of all units *and* all examples into one
# number, so every bias of the layer receives the same update. For the output
# layer it is worse: each column of $dZ^{[2]} = A^{[2]} - Y$ sums to
# $1 - 1 = 0$, so the summed $db^{[2]}$ is exactly zero and $b^{[2]}$ never
# moves from its initial value. With the tutorials' initialisation that value
# is random, U(−0.5, 0.5): the network keeps ten random output offsets.

# %% [markdown]
# Three seeds for each initialisation. Each seed's right and wrong runs start
# from the same weights and see the batches in the same order, so their
# difference is the bug's effect; the spread between seeds shows how much a
# single run of this short training varies anyway.

# %%
SEEDS = range(3)
results = {}
for init in ("he", "uniform"):
    for seed in SEEDS:
        for bug in (None, "bias_summed_over_matrix"):
            net = Network((784, 10, 10), init=init, seed=seed)
            b2_before = net.b2.copy()
            results[init, seed, bug] = train_with(bug, net).val_accuracy[-1]
            if bug is not None and seed == 0:
                print(f"init={init:7} seed 0, with the bug: b2 moved by at most {np.abs(net.b2 - b2_before).max():.1g}; "
                      f"the ten biases b1 span {np.ptp(net.b1):.3g} "
                      f"(from {np.ptp(Network((784, 10, 10), init=init, seed=0).b1):.3g} at initialisation)")
for init in ("he", "uniform"):
    right = [results[init, seed, None] for seed in SEEDS]
    wrong = [results[init, seed, "bias_summed_over_matrix"] for seed in SEEDS]
    print(f"init={init:7}: test accuracy per seed, right {', '.join(f'{a:.2%}' for a in right)}; "
          f"summed db {', '.join(f'{a:.2%}' for a in wrong)}; "
          f"mean cost of the bug {100 * (np.mean(right) - np.mean(wrong)):+.2f} points")

# %%
for init in ("he", "uniform"):
    right = [results[init, seed, None] for seed in SEEDS]
    cost = np.mean(right) - np.mean([results[init, seed, "bias_summed_over_matrix"] for seed in SEEDS])
    spread = max(right) - min(right)
    verdict = "smaller" if abs(cost) < spread else "larger"
    print(f"init={init:7}: |mean cost| {100 * abs(cost):.2f} points is {verdict} than the spread "
          f"between seeds of the right version, {100 * spread:.2f} points")

# %% [markdown]
# On this small network the twenty biases weigh little next to the 7,850
# weights, so a short training barely tells the two versions apart: compare
# the cost with the spread between seeds above. The mistake is no less real for
# that: the gradient check of the summed bias gradient fails (see the
# [pitfalls](../../pitfalls/) page), $b^{[2]}$ is frozen — for the tutorials'
# initialisation, at ten random values — and the biases of $b^{[1]}$ all move
# together.

# %% [markdown]
# ## The number of examples taken from the whole data set
#
# In the Kaggle notebook, `m` is read once from the whole data set
# (`m, n = data.shape`, 42,000 rows, before 1,000 of them are set aside as the
# dev split) and then used to average the gradients of the 41,000 training
# examples: every gradient is $41/42$ of its size, which merely slows full-batch
# gradient descent by 2%. Reused with mini-batches, the same line divides each
# batch's gradient by 60,000 instead of 64: a thousand times too small a step.

# %%
net = Network((784, 10, 10), init="he", seed=0)
history = train_with("m_from_whole_dataset", net, m_total=X_train.shape[1])
print(f"m = batch size (64):  test accuracy after {RECIPE['epochs']} epochs {results['he', 0, None]:.2%}  (the run above)")
print(f"m = 60,000 (bug):     test accuracy after {RECIPE['epochs']} epochs {history.val_accuracy[-1]:.2%}")

# %% [markdown]
# ## Initialisation: U(−0.5, 0.5) against He
#
# The tutorials draw every weight from U(−0.5, 0.5), standard deviation
# $1/\sqrt{12} \approx 0.29$, whatever the number of inputs. He initialisation
# uses $\sqrt{2/n_{\text{in}}}$: about 0.05 for the 784 inputs of the first
# layer, 0.45 for the 10 inputs of the second.

# %%
n_in = 784
print(f"std of U(-0.5, 0.5): {np.sqrt(1 / 12):.3f};  He for 784 inputs: {np.sqrt(2 / n_in):.3f} "
      f"(ratio {np.sqrt(1 / 12) / np.sqrt(2 / n_in):.1f});  He for 10 inputs: {np.sqrt(2 / 10):.3f}")
for init in ("uniform", "he"):
    net = Network((784, 10, 10), init=init, seed=0)
    A2, cache = net.forward(X_train[:, :5000])
    print(f"init={init:7}: at initialisation, on 5,000 training images, Z1 has std {cache['Z1'].std():.2f}, "
          f"Z2 std {cache['Z2'].std():.2f}, and the loss is {cross_entropy(A2, Y_train[:5000]):.2f} "
          f"(log 10 = {np.log(10):.2f} for a uniform guess)")

# %% [markdown]
# A ReLU unit whose pre-activation $Z^{[1]}$ is negative for *every* training
# image is dead: it outputs 0, its derivative $\mathrm{ReLU}'(Z^{[1]})$ is 0,
# so no gradient ever reaches its weights again, and one of only ten units is
# lost for good. A large step can push a unit there, whatever the
# initialisation. The same three seeds of each initialisation, trained with
# `nn_scratch.sgd` and the recipe above; we count the dead units after
# training and measure the test accuracy:

# %%
dead = {"uniform": [], "he": []}
accuracy = {"uniform": [], "he": []}
curves = {}
for init in ("uniform", "he"):
    for seed in SEEDS:
        net = Network((784, 10, 10), init=init, seed=seed)
        # 938 steps per epoch = 7 × 134: 7 points per epoch, the last at the very end
        history = sgd(net, X_train, Y_train, **RECIPE, seed=0, log_every=134, X_val=X_test, Y_val=Y_test)
        dead[init].append(dead_units(net, X_train))
        accuracy[init].append(net.accuracy(X_test, Y_test))
        if seed == 0:
            curves[f"{init}, seed 0"] = history
same = all(accuracy[init][seed] == results[init, seed, None] for init in ("uniform", "he") for seed in SEEDS)
print(f"nn_scratch.sgd gives the same test accuracies as sgd_with(None, ...) above: {same}")
for init in ("uniform", "he"):
    print(f"init={init:7}: dead hidden units after training, per seed: {dead[init]}; "
          f"test accuracy {min(accuracy[init]):.2%} – {max(accuracy[init]):.2%} "
          f"(mean {np.mean(accuracy[init]):.2%})")

# %%
fig = plot_history(curves, x="epoch", val_label="test", title="784-10-10, SGD: U(−0.5, 0.5) against He initialisation")

# %% [markdown]
# ## A dev split of the training data against the official test set
#
# A 1,000-image dev split gives an accuracy uncertain by a couple of points,
# and a dev split taken from the training data shares its writers with the
# training images, whereas the official test set was written by other people
# (LeCun, Cortes and Burges made the two sets of writers disjoint). Here the
# network trains on 50,000 images; 10,000 training images are held out
# (`validation_size=10_000`) and cut into ten dev splits of 1,000.

# %%
split = load_mnist(validation_size=10_000, seed=0)
net = Network((784, 10, 10), init="he", seed=0)
sgd(net, split.X_train, split.Y_train, **RECIPE, seed=0)
right_val = net.predict(split.X_val) == split.Y_val
devs = right_val[np.random.default_rng(0).permutation(10_000).reshape(10, 1000)].mean(axis=1)
print("accuracy on ten 1,000-image dev splits of the held-out training images:")
print("  " + "  ".join(f"{a:.1%}" for a in devs))
print(f"all 10,000 held-out training images: {right_val.mean():.2%}")
print(f"the official 10,000-image test set:  {net.accuracy(split.X_test, split.Y_test):.2%}")
