# %% [markdown]
# # Train the 784-10-10 network on MNIST
#
# This is the classic from-scratch experiment: a network with 784 inputs (one
# per pixel), one hidden layer of 10 ReLU units and 10 softmax outputs,
# trained by **full-batch gradient descent** on MNIST's training images (less
# a validation split held out of them) and tested once, at the end, on the
# 10,000 official test images.
#
# The page is a notebook that was executed when this site was built: every
# number and figure below comes from that run, with fixed seeds.
# [Download the notebook (.ipynb)](train_mnist.ipynb) to run it yourself; it
# needs `nn-scratch` installed, and `load_mnist()` finds the MNIST files
# through the `NN_SCRATCH_DATA` environment variable or its cache,
# downloading them once if needed.

# %%
import time

import numpy as np

from nn_scratch import Network, gradient_descent
from nn_scratch.data import load_mnist
from nn_scratch.plots import plot_digits, plot_history

# %% [markdown]
# ## The data
#
# `load_mnist()` returns the official split with one image per **column**:
# pixel values are scaled to $[0, 1]$, and the labels are integers 0–9.
# Before anything is trained, part of the training images is set aside as a
# **validation split** (`validation_size`): the curves below are drawn on it,
# and the official test set is scored once, at the end of the page.

# %%
mnist = load_mnist(validation_size=10_000, seed=0)
X_train, Y_train = mnist.X_train, mnist.Y_train
X_val, Y_val = mnist.X_val, mnist.Y_val
X_test, Y_test = mnist.X_test, mnist.Y_test
print(f"X_train {X_train.shape} {X_train.dtype}, Y_train {Y_train.shape}")
print(f"X_val   {X_val.shape} {X_val.dtype}, Y_val   {Y_val.shape}")
print(f"X_test  {X_test.shape} {X_test.dtype}, Y_test  {Y_test.shape}")
print(f"pixels in [{X_train.min()}, {X_train.max()}], labels {np.unique(Y_train)}")

# %%
shown = 20
fig = plot_digits(
    X_train[:, :shown], labels=Y_train[:shown], title=f"The first {shown} training images and their labels"
)

# %% [markdown]
# ## The network and the training loop
#
# With $m$ examples as the columns of $X$, one iteration of gradient descent
# is the forward pass
#
# $$
# \begin{aligned}
# Z^{[1]} &= W^{[1]} X + b^{[1]}, & A^{[1]} &= \mathrm{ReLU}(Z^{[1]}),\\
# Z^{[2]} &= W^{[2]} A^{[1]} + b^{[2]}, & A^{[2]} &= \mathrm{softmax}(Z^{[2]}),
# \end{aligned}
# $$
#
# then backpropagation for $dW^{[1]}, db^{[1]}, dW^{[2]}, db^{[2]}$, then the
# step $W := W - \alpha\, dW$, $b := b - \alpha\, db$ for every parameter.
# *Full-batch* means that every iteration uses all $m$ training images
# (printed above): one iteration is one epoch, and each step follows the exact gradient of the
# loss over the whole training set.
#
# As in the classic tutorial, weights and biases start uniform in
# $[-0.5, 0.5)$ (`init="uniform"`) and the learning rate is $\alpha = 0.1$.
# Every few iterations the loop logs the loss and accuracy on the training set
# and on the validation split (`X_val=X_val`); the test set plays no part.
#
# The tutorial runs 500 iterations; this page runs fewer (printed below), to
# keep the build of the site short — each iteration is a forward and a
# backward pass over every training image (the time per iteration on the
# build machine is printed too). The network is therefore not fully trained:
# below the curves we print how much the last iterations still added.

# %%
ITERATIONS = 300
ALPHA = 0.1

net = Network((784, 10, 10), init="uniform", seed=0)
start = time.perf_counter()
history = gradient_descent(
    net, X_train, Y_train, alpha=ALPHA, iterations=ITERATIONS, log_every=10, X_val=X_val, Y_val=Y_val
)
seconds = time.perf_counter() - start
print(f"{ITERATIONS} iterations in {seconds:.1f} s ({1000 * seconds / ITERATIONS:.0f} ms per iteration)")

# %%
fig = plot_history(history, x="step", val_label="validation", title=f"Full-batch gradient descent, α = {ALPHA}")

# %% [markdown]
# For full-batch descent a step, an iteration and an epoch are the same
# thing. The loss falls fast at first and then ever more slowly. How much the
# last iterations still brought, and how far the training and validation
# accuracies are apart:

# %%
last = 50
before = history.step.index(ITERATIONS - last)
acc_before = history.val_accuracy[before]
acc_after = history.val_accuracy[-1]
print(f"validation accuracy at iteration {ITERATIONS - last}: {acc_before:.2%}")
print(f"validation accuracy at iteration {ITERATIONS}: {acc_after:.2%}")
print(f"gain over the last {last} iterations: {100 * (acc_after - acc_before):+.1f} percentage points")
gap = history.train_accuracy[-1] - history.val_accuracy[-1]
print(f"training minus validation accuracy at the end: {100 * gap:+.1f} points")
assert abs(gap) < 0.02, "the text below says the two curves rise together"
print("training and validation accuracy rise together: after this short training the network is not overfitting")

# %% [markdown]
# ## Test accuracy
#
# The accuracy on the official test images, which played no part in training
# or in any choice on this page — scored once, here:

# %%
predictions = net.predict(X_test)
right = np.count_nonzero(predictions == Y_test)
print(f"training accuracy: {net.accuracy(X_train, Y_train):.2%}")
print(f"test accuracy:     {net.accuracy(X_test, Y_test):.2%} ({right:,} of {Y_test.size:,} test images right)")

# %% [markdown]
# ## What the network says about test images
#
# The first 30 test images, titled with the network's prediction; a wrong
# prediction is red, with the true label in brackets.

# %%
fig = plot_digits(X_test[:, :30], labels=Y_test[:30], predictions=predictions[:30])

# %% [markdown]
# And 20 of the test images it gets wrong:

# %%
wrong = np.flatnonzero(predictions != Y_test)
print(f"{wrong.size:,} test images are misclassified; the first 20:")
first = wrong[:20]
fig = plot_digits(X_test[:, first], labels=Y_test[first], predictions=predictions[first])

# %% [markdown]
# Ten hidden units are very few, and full-batch gradient descent with a small
# learning rate needs many iterations to use them well. The next pages look
# [inside the trained network](../inside/) and compare full-batch with
# [mini-batch training and other learning rates](../learning_rate/).
