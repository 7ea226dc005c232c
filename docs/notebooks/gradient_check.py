# %% [markdown]
# # Checking the gradients
#
# Backpropagation is the one part of the network where a bug does not crash:
# a wrong index or a missing $\frac1m$ still gives arrays of the right
# shapes, and training still runs — just worse. The gradient check catches
# such bugs by comparing every derivative backpropagation computes with a
# numerical estimate that needs nothing but the forward pass.
#
# This page checks the real 784-10-10 network on a few MNIST images, then
# breaks backpropagation on purpose to show what a failing check looks like.
# It is a notebook executed when the site was built.
# [Download the notebook (.ipynb)](gradient_check.ipynb) to run it yourself.

# %% [markdown]
# ## The idea
#
# When a single parameter $\theta$ (one entry of $W^{[1]}$, say) moves by
# $\varepsilon$, the loss $J$ changes by about
# $\frac{\partial J}{\partial\theta}\,\varepsilon$. The *central difference*
#
# $$
# \frac{\partial J}{\partial \theta} \approx
# \frac{J(\theta + \varepsilon) - J(\theta - \varepsilon)}{2\varepsilon}
# $$
#
# has an error of order $\varepsilon^2$, so with $\varepsilon = 10^{-5}$ it
# agrees with the true derivative to many digits — in float64. float32 keeps
# only about 7 significant digits, so there the difference
# $J(\theta+\varepsilon) - J(\theta-\varepsilon)$ would be mostly rounding
# noise; the check always runs in float64. For a whole gradient such as $dW$
# the two are compared by the relative error
#
# $$
# \frac{\lVert dW_{\text{backprop}} - dW_{\text{numerical}}\rVert}
#      {\lVert dW_{\text{backprop}}\rVert + \lVert dW_{\text{numerical}}\rVert},
# $$
#
# which does not depend on the size of the gradient. The project judges it
# by one policy, `TOLERANCE` in `nn_scratch/gradcheck.py` (printed below):
# below it the gradients agree, above it backpropagation has a bug — or the
# step crossed a ReLU kink, see [The gradient check's own
# error](../gradcheck_error/).

# %% tags=["collapse"]
# Imports, and the check's two constants.
import time

import matplotlib.pyplot as plt
import numpy as np

from nn_scratch import Network, gradient_check, numerical_gradients, relative_error, sgd
from nn_scratch.data import load_mnist
from nn_scratch.gradcheck import EPSILON, TOLERANCE
from nn_scratch.maths import relu_prime
from nn_scratch.network import backward_prop, forward_prop

for dtype in (np.float32, np.float64):
    print(f"{np.dtype(dtype).name}: machine epsilon {np.finfo(dtype).eps:.1e}")
print(f"the check: float64, step EPSILON = {EPSILON:g}, pass below TOLERANCE = {TOLERANCE:g}")

# %% [markdown]
# ## The real network on real images
#
# A float64 784-10-10 network, trained for one epoch on part of the training
# images so that the check runs at a typical point rather than at the random
# start, then checked on a handful of images (the cell prints both counts).
# Each of its parameters (counted below) costs two forward passes, so a few
# images are plenty.

# %%
mnist = load_mnist(dtype=np.float64, n_train=10_000, n_test=100)
net = Network((784, 10, 10), init="he", seed=0, dtype=np.float64)
sgd(net, mnist.X_train, mnist.Y_train, alpha=0.1, epochs=1, batch_size=64, seed=0)
X, Y = mnist.X_test[:, :5], mnist.Y_test[:5]
n_params = sum(P.size for P in net.params.values())
print(f"trained on {mnist.X_train.shape[1]:,} training images; checked on {X.shape[1]} test images")
print(f"{n_params:,} parameters; X {X.shape}, Y {Y}")

start = time.perf_counter()
errors = gradient_check(net, X, Y, per_parameter=True)
seconds = time.perf_counter() - start
print(f"checked in {seconds:.1f} s ({2 * n_params:,} forward passes)\n")
for name, error in errors.items():
    shape = str(net.params[name[1:]].shape)
    verdict = "ok" if error < TOLERANCE else "WRONG"
    print(f"{name:4} {shape:10} relative error {error:.2e}  {verdict}")
FAR_BELOW = 100  # "far below TOLERANCE": at least this many times smaller
print(f"the largest is {TOLERANCE / max(errors.values()):,.0f} times below TOLERANCE")
assert max(errors.values()) < TOLERANCE / FAR_BELOW, errors

# %% tags=["collapse"]
# Plot each gradient's relative error on a log scale, against TOLERANCE.
fig, ax = plt.subplots(figsize=(6, 3.2))
ax.bar(list(errors), list(errors.values()), color="#3f51b5")
ax.axhline(TOLERANCE, color="#c62828", lw=1.5)
ax.text(3.4, TOLERANCE * 1.5, "TOLERANCE", color="#c62828", ha="right", va="bottom")
ax.set_yscale("log")
ax.set_ylim(min(errors.values()) / 10, TOLERANCE * 30)
ax.set_ylabel("relative error")
ax.set_title("Backpropagation against finite differences, 784-10-10")
plt.show()

# %% [markdown]
# Every relative error is far below `TOLERANCE`:
# backpropagation, as implemented in `nn_scratch.network.backward_prop`,
# computes the true gradient.

# %% [markdown]
# ## A deliberately broken backpropagation
#
# A classic slip is to sum the bias gradient over the whole matrix instead of
# over the examples only: `dZ1.sum() / m` instead of
# `dZ1.sum(axis=1, keepdims=True) / m`. The result broadcasts into the
# `(10, 1)` bias without complaint, so every hidden unit gets the same
# update $db^{[1]}_k = \frac1m \sum_{k'}\sum_i dZ^{[1]}_{k',i}$. Here is
# backpropagation written out for two layers, with that bug in it:


# %%
def backward_prop_broken(params, cache, Y):
    m = Y.shape[0]
    dZ2 = cache["A2"].copy()
    dZ2[Y, np.arange(m)] -= 1  # dZ2 = A2 − one_hot(Y)
    dW2 = dZ2 @ cache["A1"].T / m
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    dZ1 = (params["W2"].T @ dZ2) * relu_prime(cache["Z1"])
    dW1 = dZ1 @ cache["A0"].T / m
    db1 = dZ1.sum() / m * np.ones_like(params["b1"])  # BUG: all units
    return {"dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1}


_, cache = forward_prop(net.params, X)
right = backward_prop(net.params, cache, Y)
broken = backward_prop_broken(net.params, cache, Y)
numerical = numerical_gradients(net, X, Y)

print(f"{'':4} {'correct backprop':>17} {'broken backprop':>16}")
for name, num in numerical.items():
    e_right = relative_error(right[name], num)
    e_broken = relative_error(broken[name], num)
    flag = "<- fails" if e_broken > TOLERANCE else ""
    print(f"{name:4} {e_right:17.2e} {e_broken:16.2e}  {flag}")
failing = [name for name in numerical if relative_error(broken[name], numerical[name]) > TOLERANCE]
print(f"\nfails: {failing}; the correct backprop passes on all four")
assert failing == ["db1"], failing  # the check points at db1 alone
assert all(relative_error(right[name], numerical[name]) < TOLERANCE for name in numerical)

# %% [markdown]
# The check does not just say "wrong": it points at `db1`, the one gradient
# that is broken, while `dW1`, `dW2` and `db2` still pass. Side by side, the
# bug is plain to see — the broken `db1` has the same value in every row:

# %%
print("   numerical   broken")
print(np.column_stack([numerical["db1"], broken["db1"]]).round(5))
assert np.all(broken["db1"] == broken["db1"][0])  # the same value in every row
