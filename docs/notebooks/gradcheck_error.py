# %% [markdown]
# # The gradient check's own error
#
# [Checking the gradients](../gradient_check/) compares backpropagation with
# the central difference
# $\bigl(J(\theta+\varepsilon) - J(\theta-\varepsilon)\bigr)/2\varepsilon$
# and reads the relative error. But the central difference is itself an
# approximation, computed in floating point: how small can its error be, and
# which $\varepsilon$ gets there? And when the check fails, is
# backpropagation always wrong? This page measures both while the site
# builds: the error of the check across ten decades of $\varepsilon$, and a
# ReLU kink that makes a correct gradient fail.
# [Download the notebook (.ipynb)](gradcheck_error.ipynb) to run it yourself.

# %% tags=["collapse"]
# Set-up: a small float64 network with three layers, so that two ReLUs sit between the input and the loss.
import matplotlib.pyplot as plt
import numpy as np

from nn_scratch import (
    backward_prop,
    forward_prop,
    gradient_check,
    init_params,
    numerical_gradients,
)
from nn_scratch.gradcheck import EPSILON, TOLERANCE
from nn_scratch.maths import cross_entropy

sizes = (20, 7, 5, 3)
params = init_params(sizes, seed=0, dtype=np.float64)
rng = np.random.default_rng(1)
X, Y = rng.random((sizes[0], 6)), rng.integers(0, sizes[-1], 6)
L = len(sizes) - 1
print(
    f"network {'-'.join(map(str, sizes))}, float64, {X.shape[1]} examples; "
    f"machine epsilon u = {np.finfo(np.float64).eps:.2e}"
)

# %% [markdown]
# ## Two errors pulling opposite ways
#
# Taylor's theorem gives the first. Expanding $J$ around $\theta$, the even
# terms cancel in the central difference and the first one left is
#
# $$
# \frac{J(\theta+\varepsilon) - J(\theta-\varepsilon)}{2\varepsilon}
# = J'(\theta) + \frac{\varepsilon^2}{6} J'''(\theta) + O(\varepsilon^4):
# $$
#
# the **truncation error** falls as $\varepsilon^2$. The second comes from
# the computer: each loss is exact only to about $u\,|J|$ ($u$ the machine
# epsilon), and the difference of two nearly equal losses keeps that
# absolute error while the division by $2\varepsilon$ magnifies it — the
# **rounding error** grows as $u\,|J|/\varepsilon$. Their sum is smallest
# where the two meet, at $\varepsilon \sim (u\,|J|/|J'''|)^{1/3}$, near
# $10^{-5}$ in float64.
#
# The curve below is [`gradient_check`](../../reference/gradcheck/) itself,
# run at steps spaced evenly in $\log \varepsilon$ from $10^{-1}$ down to $10^{-11}$
# (two per decade): the largest relative error over all gradients, and that of the
# last layer's $dW^{[L]}$ alone.

# %%
epsilons = np.logspace(-1, -11, 21)
worst, last, last_bias = [], [], []
for eps in epsilons:
    errors = gradient_check(params, X, Y, epsilon=eps, per_parameter=True)
    worst.append(max(errors.values()))
    last.append(errors[f"dW{L}"])
    last_bias.append(errors[f"db{L}"])
worst, last, last_bias = np.array(worst), np.array(last), np.array(last_bias)
best = int(np.argmin(worst))
at_default = gradient_check(params, X, Y)

# Slopes on each side of the minimum, fitted on log-log axes, away from the bottom of the valley.
right = (epsilons >= 1e-4) & (epsilons <= 3e-3)
left = epsilons <= 1e-7
slope_truncation = np.polyfit(np.log10(epsilons[right]), np.log10(last[right]), 1)[0]
slope_rounding = np.polyfit(np.log10(epsilons[left]), np.log10(worst[left]), 1)[0]
print(f"truncation side: error ∝ ε^{slope_truncation:.2f}   rounding side: error ∝ ε^{slope_rounding:.2f}")
print(f"smallest error {worst[best]:.1e} at ε = {epsilons[best]:.0e}")
print(
    f"at the default step EPSILON = {EPSILON:g}: {at_default:.1e}, "
    f"{TOLERANCE / at_default:,.0f} times below TOLERANCE = {TOLERANCE:g}"
)
# What the text below says of this curve; the page does not build if it stops being true.
assert 1.8 < slope_truncation < 2.2 and -1.3 < slope_rounding < -0.7
assert abs(np.log10(epsilons[best] / EPSILON)) <= 1 and at_default < TOLERANCE / 10
# The last layer's weights and biases sit after every ReLU: on the ε² line up to the largest step.
large = epsilons >= 1e-4
last_layer_slopes = [np.polyfit(np.log10(epsilons[large]), np.log10(e[large]), 1)[0] for e in (last, last_bias)]
print(
    f"dW{L} and db{L} from ε = 1e-4 to {epsilons[0]:g}: error ∝ ε^{last_layer_slopes[0]:.2f} and ε^{last_layer_slopes[1]:.2f}"
)
assert all(1.9 < slope < 2.1 for slope in last_layer_slopes), last_layer_slopes
assert worst[0] > 10 * max(last[0], last_bias[0])  # at the largest step, another layer's error leaves the line

# %% tags=["collapse"]
# Plot the error against the step, with the two slopes and the project's EPSILON and TOLERANCE.
u = np.finfo(np.float64).eps
fig, ax = plt.subplots(figsize=(7.5, 4.8))
ax.loglog(epsilons, worst, "o-", color="#3f51b5", label="all gradients (largest relative error)")
ax.loglog(epsilons, last, "s--", color="#2e7d32", ms=4, label=f"$dW^{{[{L}]}}$ only (no ReLU after it)")
anchor_t, anchor_r = np.flatnonzero(right)[0], np.flatnonzero(left)[-1]
ax.loglog(
    epsilons,
    last[anchor_t] * (epsilons / epsilons[anchor_t]) ** 2,
    ":",
    color="gray",
    label=r"$\propto \varepsilon^2$ (truncation)",
)
ax.loglog(
    epsilons,
    worst[anchor_r] * epsilons[anchor_r] / epsilons,
    "-.",
    color="gray",
    label=r"$\propto u/\varepsilon$ (rounding)",
)
ax.axhline(TOLERANCE, color="#c62828", lw=1)
ax.text(epsilons[0], TOLERANCE * 1.5, "TOLERANCE", color="#c62828", ha="right", fontsize=8)
ax.axvline(EPSILON, color="#b35806", lw=1)
ax.text(EPSILON * 1.2, worst.max(), "EPSILON", color="#b35806", fontsize=8, va="top")
ax.set_ylim(worst.min() / 10, worst.max() * 3)
ax.set_xlabel(r"finite-difference step $\varepsilon$")
ax.set_ylabel("relative error, backpropagation vs finite differences")
ax.set_title(f"Gradient-check error against the step ε, float64 {'-'.join(map(str, sizes))} network")
ax.grid(True, which="both", alpha=0.3)
ax.legend(fontsize=8, loc="lower left")
plt.show()

# %% [markdown]
# The V is the two errors meeting: to the right of the minimum the error
# falls two decades per decade of $\varepsilon$ (truncation), to the left it
# rises one decade per decade (rounding), and the measured slopes printed
# above say so. Far right, the largest error leaves the $\varepsilon^2$ line
# while $dW^{[L]}$ stays on it: steps that large move some hidden
# pre-activations across 0, ReLU's kink — the subject of the next section.
# Only the last layer's parameters — its weights and its biases, which sit
# after every ReLU — never move a kink: both stay on the $\varepsilon^2$
# line up to the largest step (the cell above prints and asserts it).
#
# ## The threshold policy
#
# The project judges every check by one rule, stated once in
# `nn_scratch/gradcheck.py` as [`EPSILON`](../../reference/gradcheck/) and
# [`TOLERANCE`](../../reference/gradcheck/): check in float64 with the step
# `EPSILON`, near the bottom of the V; pass below `TOLERANCE`, which sits a
# safe factor above that bottom (so rounding never fails a correct
# gradient) and far below the error a real bug gives — a missing $\frac1m$
# or a wrong index produces relative errors of order 1, as
# [Checking the gradients](../gradient_check/) shows.

# %%
print(f"EPSILON = {EPSILON:g}, TOLERANCE = {TOLERANCE:g}")

# %% [markdown]
# ## A correct gradient that fails: crossing a ReLU kink
#
# ReLU has no derivative at 0. If a hidden pre-activation $Z^{[l]}_{k,i}$ sits
# closer to 0 than the step moves it, $J(\theta+\varepsilon)$ is computed
# with the unit on and $J(\theta-\varepsilon)$ with it off: the central
# difference averages two different slopes and matches neither.
# Backpropagation, meanwhile, gives the slope on the side where the point
# is — the right answer there. To see it, shift one hidden bias so that one
# example's pre-activation lands a hair above 0:

# %%
k, i = 2, 0
_, cache = forward_prop(params, X)
kinked = {name: P.copy() for name, P in params.items()}
kinked["b1"][k] -= cache["Z1"][k, i] - 0.3 * EPSILON  # Z1[k, i] becomes 0.3 × EPSILON
_, kinked_cache = forward_prop(kinked, X)
print(f"Z1[{k}, {i}] = {kinked_cache['Z1'][k, i]:.1e}, closer to 0 than the step EPSILON = {EPSILON:g}")
errors = gradient_check(kinked, X, Y, per_parameter=True)
for name, error in errors.items():
    print(f"{name:4} relative error {error:.1e}  {'passes' if error < TOLERANCE else 'FAILS'}")
assert [name for name, error in errors.items() if error >= TOLERANCE] == ["dW1", "db1"]


# %% [markdown]
# The gradients of $W^{[1]}$ and $b^{[1]}$ fail, although `backward_prop`
# is the very same code that passed above. Look at the single entry
# $db^{[1]}_k$: one-sided slopes, taken with a tiny step that stays on one
# side of the kink, show the central difference falling between them.


# %%
def loss_at(b):
    shifted = {**kinked, "b1": kinked["b1"].copy()}
    shifted["b1"][k] = b
    return cross_entropy(forward_prop(shifted, X)[0], Y)


b0, h = kinked["b1"][k, 0], 1e-8
analytic = backward_prop(kinked, kinked_cache, Y)["db1"][k, 0]
above = (loss_at(b0 + h) - loss_at(b0)) / h  # the unit on: the side the point is on
below = (loss_at(b0 - EPSILON) - loss_at(b0 - EPSILON - h)) / h  # the unit off
central = numerical_gradients(kinked, X, Y)["db1"][k, 0]
print(f"backprop db1[{k}]         {analytic: .6f}")
print(f"slope with the unit on    {above: .6f}")
print(f"slope with the unit off   {below: .6f}")
print(f"central difference, ±ε    {central: .6f}   (between the two)")
assert np.isclose(analytic, above) and min(above, below) < central < max(above, below)

# %% [markdown]
# ### How to recognise a kink
#
# * **Where it fails.** Only the parameters that reach the unit at the
#   kink fail — here $W^{[1]}$ and $b^{[1]}$; the layers after it pass, and
#   the last layer's $W^{[L]}$, $b^{[L]}$ can never be affected.
# * **It moves with $\varepsilon$.** A bug gives the same large error at
#   every step; a kink disappears once $\varepsilon$ is smaller than the
#   distance to 0, and so does the failure:

# %%
for eps in (EPSILON, EPSILON / 10, EPSILON / 100):
    error = gradient_check(kinked, X, Y, epsilon=eps)
    print(f"ε = {eps:.0e}: largest relative error {error:.1e}  {'passes' if error < TOLERANCE else 'FAILS'}")
    assert (error < TOLERANCE) == (eps < kinked_cache["Z1"][k, i])


# %% [markdown]
# * **The forward passes disagree about which units are on.** The direct
#   test: run the two perturbed forward passes and compare the ReLU masks
#   $[Z > 0]$. Any difference means the check straddled a kink, and its
#   verdict on that parameter says nothing about backpropagation.


# %%
def kinks_crossed(params, X, name, index, eps):
    """How many hidden pre-activations change sign between θ − ε and θ + ε."""
    masks = []
    for sign in (+1, -1):
        moved = {n: P.copy() for n, P in params.items()}
        moved[name][index] += sign * eps
        _, c = forward_prop(moved, X)
        masks.append(np.concatenate([(c[f"Z{l}"] > 0).ravel() for l in range(1, L)]))
    return int(np.sum(masks[0] != masks[1]))


print(f"b1[{k}] on the kinked network: {kinks_crossed(kinked, X, 'b1', (k, 0), EPSILON)} kink(s) crossed")
print(f"b1[{k}] on the original network: {kinks_crossed(params, X, 'b1', (k, 0), EPSILON)} kink(s) crossed")

# %% [markdown]
# With real data and many examples, some pre-activation is always near 0,
# so a failing entry of $dW^{[1]}$ or $db^{[1]}$ deserves this test before
# backpropagation is blamed; the CS231n notes on gradient checking give the
# same advice. Checking with a few examples keeps kinks rare.
