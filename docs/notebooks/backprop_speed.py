# %% [markdown]
# # Why backpropagation is fast
#
# <div class="admonition abstract">
# <p class="admonition-title">You'll need · You'll learn</p>
#
# **You'll need:** [the four equations](../../maths/general/) of
# backpropagation, and the idea of a numerical derivative,
# $\bigl(J(\theta + \varepsilon) - J(\theta - \varepsilon)\bigr) / 2\varepsilon$.
#
# **You'll learn:** what one gradient costs by finite differences and by
# backpropagation, measured on networks of growing size, and why the
# difference decides whether a network can be trained at all.
#
# </div>
#
# There is a way to get every gradient that needs no calculus at all: nudge
# one parameter by $\pm\varepsilon$, run the network forward twice, and take
# the slope — the [gradient check](../gradient_check/) does exactly that. So
# why bother with backpropagation? Because of what it costs. Finite
# differences need two forward passes *per parameter*; backpropagation gets
# all of them from one forward pass and one backward pass, and the backward
# pass costs about as much as the forward one. This page measures both on
# this machine while the site builds.
# [Download the notebook (.ipynb)](backprop_speed.ipynb) to run it yourself.

# %% tags=["collapse"]
# Set-up: the timing helpers.
import time

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from nn_scratch import backward_prop, cross_entropy, forward_prop, init_params

M = 100  # examples in the batch: random pixels, since the cost does not depend on the values
REPEATS = 15  # timed passes per measurement; the fastest is kept
rng = np.random.default_rng(0)


def n_params(params):
    return sum(P.size for P in params.values())


def fastest_seconds(step, repeats=REPEATS):
    # The minimum, not the mean: on a shared machine every other process only ever adds time.
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)


def costs(sizes):
    """Seconds for one loss evaluation (forward pass) and for one forward + backward pass."""
    params = init_params(sizes, seed=0, dtype=np.float64)
    X = rng.random((sizes[0], M))
    Y = rng.integers(0, sizes[-1], M)
    forward = fastest_seconds(lambda: cross_entropy(forward_prop(params, X)[0], Y))
    backprop = fastest_seconds(lambda: backward_prop(params, forward_prop(params, X)[1], Y))
    return n_params(params), forward, backprop


# %% [markdown]
# ## The 784-10-10 network
#
# The numerical gradient is what
# [`numerical_gradients`](../../reference/gradcheck/) computes: for each of
# the $P$ parameters, two evaluations of the loss. Running all $2P$ of them
# here would spend the build's time proving the point, so the page times a
# handful of forward passes (the fastest of a few) and multiplies by $2P$ —
# an estimate, and a generous one, since it ignores the bookkeeping between
# passes. Backpropagation is timed in full: one forward pass, keeping the
# cache, then `backward_prop`. Both use float64 and a batch of $m$ columns.

# %%
P, forward, backprop = costs((784, 10, 10))
numerical = 2 * P * forward
print(f"784-10-10: P = {P:,} parameters, batch of m = {M}")
print(f"one forward pass (loss)          {1e3 * forward:9.3f} ms")
print(f"numerical gradient: 2 × {P:,} passes {numerical:9.2f} s   (estimated: 2P × one pass)")
print(f"backpropagation: forward + backward {1e3 * backprop:9.3f} ms")
print(
    f"backpropagation is {numerical / backprop:,.0f} times faster; "
    f"the backward pass costs {backprop / forward - 1:.1f} forward passes"
)
assert numerical / backprop > 100  # the page's claim, with a wide margin for a busy machine

# %% [markdown]
# ## How each grows with the number of parameters
#
# Now the hidden layer widens, 784-$h$-10. One forward pass costs about one
# multiply-add per weight per example, so it grows like $P$; the backward
# pass does the same kind of work — one product per layer for $dW^{[l]}$,
# one more for $W^{[l]\top} dZ^{[l]}$ except at the first layer — so
# backpropagation stays a small constant times the forward pass: it grows
# like $P$. Finite differences need $2P$ forward passes, each costing
# about $P$: they grow like $P^2$, and the gap widens with every parameter
# added. One caution in reading the fit below: the finite-difference time
# is not measured but *estimated* as $2P$ times one timed forward pass, so
# its fitted exponent is exactly one more than the forward pass's, by
# construction. What the measurement shows is the forward pass's own
# exponent, and backpropagation's.

# %%
widths = [10, 25, 50, 100, 200]
rows = [costs((784, h, 10)) for h in widths]
Ps = np.array([r[0] for r in rows], dtype=float)
forwards = np.array([r[1] for r in rows])
backprops = np.array([r[2] for r in rows])
numericals = 2 * Ps * forwards
print(f"{'network':>11} {'P':>8} {'forward':>10} {'backprop':>10} {'numerical':>10} {'ratio':>9}")
for h, p, f, b, n in zip(widths, Ps, forwards, backprops, numericals, strict=True):
    print(f"{f'784-{h}-10':>11} {p:8,.0f} {1e3 * f:8.3f}ms {1e3 * b:8.3f}ms {n:9.2f}s {n / b:9,.0f}")
slope_forward = np.polyfit(np.log(Ps), np.log(forwards), 1)[0]
slope_backprop = np.polyfit(np.log(Ps), np.log(backprops), 1)[0]
slope_numerical = np.polyfit(np.log(Ps), np.log(numericals), 1)[0]
ratios = numericals / backprops
# The estimate 2P × forward makes the numerical exponent 1 + the forward's, whatever the timings.
assert np.isclose(slope_numerical, 1 + slope_forward)
# What the page says of the measurement: backpropagation grows roughly like P (an exponent well below 2,
# whatever a busy machine adds), and the ratio in the last column grows with P.
LINEAR = (0.5, 1.3)  # the exponents the page calls roughly linear
assert LINEAR[0] < slope_backprop < LINEAR[1], slope_backprop
assert ratios[-1] > 5 * ratios[0], ratios
display(
    Markdown(
        f"Fitted exponents on this build: one forward pass $\\propto P^{{{slope_forward:.2f}}}$, "
        f"backpropagation $\\propto P^{{{slope_backprop:.2f}}}$ — roughly linear in $P$ (the cell asserts an "
        f"exponent between {LINEAR[0]} and {LINEAR[1]}); the finite-difference estimate $\\propto P^{{{slope_numerical:.2f}}}$, "
        f"one more than the forward pass's by construction. From the smallest network to the largest the "
        f"ratio grew {ratios[-1] / ratios[0]:.0f}-fold while $P$ grew {Ps[-1] / Ps[0]:.0f}-fold."
    )
)

# %% tags=["collapse"]
# Plot both costs against P on log-log axes.
fig, ax = plt.subplots(figsize=(7, 4.5))
ax.loglog(Ps, numericals, "o-", color="#c62828", label="numerical gradient (2P forward passes, estimated)")
ax.loglog(Ps, backprops, "s-", color="#3f51b5", label="backpropagation (one forward + one backward pass)")
for h, p, n in zip(widths, Ps, numericals, strict=True):
    ax.annotate(f"784-{h}-10", (p, n), textcoords="offset points", xytext=(-10, 8), fontsize=8)
ax.set_xlabel("number of parameters P")
ax.set_ylabel(f"seconds for one gradient (batch of {M})")
ax.set_title("Cost of one gradient: finite differences against backpropagation")
ax.grid(True, which="both", alpha=0.3)
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# On log-log axes a power law is a straight line and its slope is the
# exponent fitted above. Backpropagation's is near 1 (below it where fixed
# per-call overheads dominate the small networks, above it where a wide
# layer's arrays outgrow the processor's caches); the finite differences'
# curve is steeper by one more power of $P$ — the factor $2P$ — so the ratio
# in the last column grows roughly in proportion to $P$ (timings on a shared
# build machine are noisy; the fitted exponents average that noise out). This is Nielsen's point in *Neural Networks and Deep
# Learning*, chapter 2: backpropagation computes all $P$ partial
# derivatives at roughly the cost of two forward passes, where the direct
# approach pays $2P$ of them. For a network with millions of parameters,
# that is the difference between training and not training. Finite
# differences keep one job — checking backpropagation on a small network,
# with a handful of examples.

# %% [markdown]
# ## In short
#
# - Finite differences need two forward passes per parameter; backpropagation
#   gets every parameter's slope from one forward and one backward pass.
# - The backward pass costs about as much arithmetic as the forward one (see
#   the [four equations](../../maths/general/), question 3).
# - Finite differences keep one job: checking backpropagation on a small
#   network.
#
# Next: [Initialisation](../initialisation/) — with the gradients in hand,
# where should training start?
#
# ## Further reading
#
# - M. Nielsen, [*Neural Networks and Deep Learning*, chapter 2: in what sense is
#   backpropagation a fast algorithm?](http://neuralnetworksanddeeplearning.com/chap2.html#in_what_sense_is_backpropagation_a_fast_algorithm)
# - A. G. Baydin, B. A. Pearlmutter, A. A. Radul, J. M. Siskind,
#   [*Automatic differentiation in machine learning: a survey*](https://arxiv.org/abs/1502.05767):
#   reverse mode, of which backpropagation is the special case.
# - CS231n, [Backpropagation, intuitions](https://cs231n.github.io/optimization-2/).
# - A. Karpathy, [micrograd](https://github.com/karpathy/micrograd).
