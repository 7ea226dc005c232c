# %% [markdown]
# # Look inside the trained network
#
# A 784-10-10 network has only
# $10 \times 784 + 10 + 10 \times 10 + 10 = 7{,}960$ numbers in it, few
# enough to look at all of them. This page trains one, draws its first-layer
# weights as images, follows a few digits through the hidden layer, and looks
# at the mistakes it makes: which digits it confuses, and which wrong answers
# it is most sure of.
#
# The page is a notebook executed when the site was built (fixed seeds, so the
# same numbers every time).
# [Download the notebook (.ipynb)](inside.ipynb) to run it yourself.

# %%
import matplotlib.pyplot as plt
import numpy as np

from nn_scratch import Network, sgd
from nn_scratch.data import load_mnist
from nn_scratch.plots import confusion_matrix, plot_confusion_matrix, plot_digits, plot_weights

# %% [markdown]
# ## A quickly trained network
#
# Full-batch gradient descent needs hundreds of passes over the data (see
# [Train on MNIST](../train_mnist/)). Mini-batch SGD gets further in a
# handful of epochs, with He initialisation
# ($W \sim \mathcal N(0, 2/n_{\text{in}})$, zero biases); the cell below
# prints the recipe.

# %%
mnist = load_mnist()
X_train, Y_train = mnist.X_train, mnist.Y_train
X_test, Y_test = mnist.X_test, mnist.Y_test

ALPHA, EPOCHS, BATCH_SIZE = 0.1, 5, 64
print(f"recipe: mini-batch SGD, batches of {BATCH_SIZE} images, α = {ALPHA}, {EPOCHS} epochs, He initialisation")
net = Network((784, 10, 10), init="he", seed=0)
history = sgd(net, X_train, Y_train, alpha=ALPHA, epochs=EPOCHS, batch_size=BATCH_SIZE, seed=0)
predictions = net.predict(X_test)
print(f"{history.epoch[-1]:g} epochs, {history.step[-1]:,} steps; test accuracy {net.accuracy(X_test, Y_test):.2%}")

# %% [markdown]
# ## The first layer's weights as images
#
# Hidden unit $k$ computes
# $Z^{[1]}_k = \sum_j W^{[1]}_{k,j}\, x_j + b^{[1]}_k$: one weight per pixel
# $j$. Row $k$ of `W1`, reshaped to 28 × 28, shows which pixels raise the
# unit's input (red) and which lower it (blue); white pixels are ignored.
# The pixels near the border that are blank in every training image keep
# exactly their random initial weights — the speckle around each picture —
# because their gradient
# $dW^{[1]}_{k,j} = \frac1m \sum_i dZ^{[1]}_{k,i}\, x_{j,i}$ is zero when
# $x_{j,i} = 0$ for every image $i$.

# %%
fig = plot_weights(net.W1, ncols=5, title="Rows of W1: the weights of each hidden unit")

# %%
blank = X_train.max(axis=1) == 0
W1_initial = Network((784, 10, 10), init="he", seed=0).W1
print(f"{np.count_nonzero(blank)} of 784 pixels are 0 in every training image")
print("their weights are unchanged by training:", np.array_equal(net.W1[:, blank], W1_initial[:, blank]))

# %% [markdown]
# The second layer combines the ten hidden units into ten scores, one per
# digit: entry $W^{[2]}_{c,k}$ is how strongly unit $k$ votes for digit $c$.

# %%
v = np.abs(net.W2).max()
fig, ax = plt.subplots(figsize=(5.5, 4.5), layout="constrained")
im = ax.imshow(net.W2, cmap="RdBu_r", vmin=-v, vmax=v)
ax.set(
    xlabel="hidden unit k",
    ylabel="digit c",
    xticks=range(10),
    yticks=range(10),
    title="W2: how each hidden unit votes for each digit",
)
fig.colorbar(im, ax=ax, label="weight")
plt.show()

# %% [markdown]
# ## Following digits through the network
#
# Take the first test image of each digit and run the forward pass. The
# hidden activations $A^{[1]} = \mathrm{ReLU}(W^{[1]}X + b^{[1]})$ are the
# network's whole description of an image: ten non-negative numbers. The
# output $A^{[2]}$ holds the ten probabilities; each column sums to 1.

# %%
first = np.array([np.flatnonzero(Y_test == d)[0] for d in range(10)])
X = X_test[:, first]
A2, cache = net.forward(X)
A1 = cache["A1"]
print(f"X {X.shape} -> A1 {A1.shape} -> A2 {A2.shape}")
print("column sums of A2:", A2.sum(axis=0).round(6))
fig = plot_digits(X, labels=Y_test[first], predictions=A2.argmax(axis=0))

# %%
fig, axs = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
panels = [(A1, "A1: hidden activations", "hidden unit", "Greens"), (A2, "A2: probabilities", "digit", "Blues")]
for ax, (A, title, ylabel, cmap) in zip(axs, panels, strict=True):
    im = ax.imshow(A, cmap=cmap, vmin=0)
    ax.set(
        title=title,
        ylabel=ylabel,
        xlabel="test image (its label)",
        xticks=range(10),
        xticklabels=Y_test[first],
        yticks=range(10),
    )
    fig.colorbar(im, ax=ax, shrink=0.85)
for (i, j), p in np.ndenumerate(A2):
    if p >= 0.005:  # write the probabilities that show up as a colour
        axs[1].text(j, i, f"{p:.2f}", ha="center", va="center", fontsize="x-small", color="white" if p > 0.5 else "k")
plt.show()

# %%
active = (A1 > 0).sum(axis=0)
print(
    "hidden units with A1 > 0, for each digit above:", dict(zip(Y_test[first].tolist(), active.tolist(), strict=True))
)
A1_test = net.forward(X_test)[1]["A1"]
dead = np.flatnonzero(A1_test.max(axis=1) == 0)
print("hidden units at 0 for all 10,000 test images:", dead.tolist() or "none")

# %% [markdown]
# ## Which digits get confused
#
# The confusion matrix counts, for every true digit (row), how often each
# digit was predicted (column). The diagonal holds the correct answers.

# %%
fig = plot_confusion_matrix(Y_test, predictions, title="Test set: true × predicted digit")

# %%
C = confusion_matrix(Y_test, predictions)
mistakes = C.copy()
np.fill_diagonal(mistakes, 0)
print(f"correct: {np.trace(C):,} of {C.sum():,}")
print("the five most frequent mistakes:")
for flat in np.argsort(mistakes, axis=None)[::-1][:5]:
    true, pred = divmod(int(flat), 10)
    share = mistakes[true, pred] / C[true].sum()
    print(f"  true {true}, predicted {pred}: {mistakes[true, pred]:3} times ({share:.1%} of the {true}s)")
per_digit = np.diag(C) / C.sum(axis=1)
print("accuracy per digit:", " ".join(f"{d}: {a:.1%}" for d, a in enumerate(per_digit)))

# %% [markdown]
# ## The most confidently wrong answers
#
# For each test image the network's confidence is the probability it gives to
# its own prediction, $\max_c A^{[2]}_{c,i}$. Among the images it gets wrong,
# these are the ones it was surest about. Some are digits a person might
# misread as well; others are badly written.

# %%
confidence = net.predict_proba(X_test).max(axis=0)
wrong = np.flatnonzero(predictions != Y_test)
worst = wrong[np.argsort(confidence[wrong])[::-1][:10]]
print("confidence of these ten wrong predictions:", ", ".join(f"{c:.4f}" for c in confidence[worst]))
right = predictions == Y_test
print(
    f"median confidence: {np.median(confidence[~right]):.3f} over the "
    f"{np.count_nonzero(~right):,} wrong predictions, "
    f"{np.median(confidence[right]):.3f} over the right ones"
)
fig = plot_digits(
    X_test[:, worst],
    labels=Y_test[worst],
    predictions=predictions[worst],
    ncols=5,
    title="Most confident mistakes: prediction (label)",
)
