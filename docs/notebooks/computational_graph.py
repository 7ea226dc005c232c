# %% [markdown]
# # The computational graph
#
# <div class="admonition abstract">
# <p class="admonition-title">You'll need · You'll learn</p>
#
# **You'll need:** the chain rule, the [forward pass](../../maths/forward/),
# $dZ^{[2]} = A^{[2]} - Y$ from [the loss](../../maths/loss/), and why
# [gradient descent](../../maths/training/) wants the gradient of every
# weight.
#
# **You'll learn:** to see a computation as a graph of small *gates*, the
# local rule by which each gate passes gradients back, and how chaining those
# rules gives backpropagation — worked with every number shown.
#
# </div>
#
# Backpropagation is easiest to see on a picture of the computation. The
# forward pass of the 784-10-10 network is a chain of seven small operations
# — *gates* — each taking arrays in and giving one array out. Going
# backwards, every gate does one local job: it receives the gradient of the
# cost with respect to its output (the *upstream* gradient) and turns it into
# gradients with respect to its inputs, using only its own derivative (the
# *local* gradient). Chain those jobs from the cost back to the weights and
# you have backpropagation — nothing more.
#
# This page draws the graph, states each gate's rule, derives from the gates
# the three facts that trip people up most, and then pushes one example
# through a tiny 3-2-2 network, printing every number forward and backward.
# It is a notebook executed when the site was built.
# [Download the notebook (.ipynb)](computational_graph.ipynb) to run it yourself.

# %%
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from nn_scratch import (
    backward_prop,
    cross_entropy,
    forward_prop,
    one_hot,
    relu,
    relu_prime,
    softmax,
)

# %% [markdown]
# ## The graph of the 784-10-10 network
#
# Seven gates: matrix product, bias broadcast, ReLU, matrix product, bias
# broadcast, softmax, cross-entropy. Boxes are arrays, circles are gates,
# and every edge carries the shape of the array on it ($m$ examples, one
# per column). $U^{[l]} = W^{[l]} A^{[l-1]}$ names the product before the
# bias is added. The red labels under the chain are the gradients that flow
# back along the same edges.

# %%
sizes = (784, 10, 10)
n0, n1, n2 = sizes


def shape(rows, cols="m"):
    return f"{rows}×{cols}"


# (name, kind, x, y): arrays are boxes, gates are circles.
nodes = [
    ("X", "array", 0, 0),
    ("W1", "array", 1, 1.6),
    ("@1", "gate", 1, 0),
    ("U1", "array", 2, 0),
    ("b1", "array", 3, 1.6),
    ("+1", "gate", 3, 0),
    ("Z1", "array", 4, 0),
    ("ReLU", "gate", 5, 0),
    ("A1", "array", 6, 0),
    ("W2", "array", 7, 1.6),
    ("@2", "gate", 7, 0),
    ("U2", "array", 8, 0),
    ("b2", "array", 9, 1.6),
    ("+2", "gate", 9, 0),
    ("Z2", "array", 10, 0),
    ("softmax", "gate", 11, 0),
    ("A2", "array", 12, 0),
    ("Y", "array", 13, 1.6),
    ("CE", "gate", 13, 0),
    ("J", "array", 14, 0),
]
STEP = 1.6  # horizontal distance between neighbours, room for the shape labels
where = {name: (STEP * x, y) for name, _, x, y in nodes}
labels = {
    "@1": "@",
    "@2": "@",
    "+1": "+",
    "+2": "+",
    "CE": "cross-\nentropy",
    "W1": "$W^{[1]}$",
    "W2": "$W^{[2]}$",
    "b1": "$b^{[1]}$",
    "b2": "$b^{[2]}$",
    "U1": "$U^{[1]}$",
    "U2": "$U^{[2]}$",
    "Z1": "$Z^{[1]}$",
    "Z2": "$Z^{[2]}$",
    "A1": "$A^{[1]}$",
    "A2": "$A^{[2]}$",
    "X": "$X$",
    "Y": "$Y$",
    "J": "$J$",
}
# (from, to, shape on the edge, gradient flowing back on it)
edges = [
    ("X", "@1", shape(n0), ""),
    ("W1", "@1", shape(n1, n0), r"$dW^{[1]}$"),
    ("@1", "U1", shape(n1), ""),
    ("U1", "+1", shape(n1), ""),
    ("b1", "+1", shape(n1, 1), r"$db^{[1]}$"),
    ("+1", "Z1", shape(n1), ""),
    ("Z1", "ReLU", shape(n1), r"$\frac{1}{m}dZ^{[1]}$"),
    ("ReLU", "A1", shape(n1), ""),
    ("A1", "@2", shape(n1), r"$\frac{1}{m}W^{[2]\top}dZ^{[2]}$"),
    ("W2", "@2", shape(n2, n1), r"$dW^{[2]}$"),
    ("@2", "U2", shape(n2), ""),
    ("U2", "+2", shape(n2), ""),
    ("b2", "+2", shape(n2, 1), r"$db^{[2]}$"),
    ("+2", "Z2", shape(n2), ""),
    ("Z2", "softmax", shape(n2), r"$\frac{1}{m}dZ^{[2]}$"),
    ("softmax", "A2", shape(n2), ""),
    ("A2", "CE", shape(n2), ""),
    ("Y", "CE", shape(n2), ""),
    ("CE", "J", "1×1", ""),
]

fig, ax = plt.subplots(figsize=(16, 3.4))
for name, kind, _, _ in nodes:
    x, y = where[name]
    text = labels.get(name, name)
    if kind == "gate":
        ax.add_patch(Circle((x, y), 0.42, facecolor="#fde0c5", edgecolor="#b35806"))
        ax.text(x, y, text, ha="center", va="center", fontsize=7.5 if len(text) > 2 else 13)
    else:
        ax.add_patch(
            FancyBboxPatch(
                (x - 0.28, y - 0.22), 0.56, 0.44, boxstyle="round,pad=0.02", facecolor="#dbe4f7", edgecolor="#3f51b5"
            )
        )
        ax.text(x, y, text, ha="center", va="center", fontsize=12)
for start, end, forward_shape, backward in edges:
    (x0, y0), (x1, y1) = where[start], where[end]
    ax.add_patch(
        FancyArrowPatch(
            (x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=12, shrinkA=18, shrinkB=18, color="#333333"
        )
    )
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    if y0 == y1:
        ax.text(xm, ym + 0.12, forward_shape, ha="center", va="bottom", fontsize=8)
        if backward:
            ax.text(xm, ym - 0.42, "← " + backward, ha="center", va="top", fontsize=9, color="#c62828")
    else:
        ax.text(xm + 0.06, ym + 0.1, forward_shape, ha="left", va="center", fontsize=8)
        if backward:
            ax.text(xm - 0.08, ym + 0.1, backward + " ↑", ha="right", va="center", fontsize=9, color="#c62828")
ax.set_xlim(-0.5, STEP * 14 + 0.5)
ax.set_ylim(-1.1, 2.0)
ax.set_aspect("equal")
ax.set_xlabel("forward: left to right (black, array shapes on the edges); backward: right to left (red, gradients)")
ax.set_ylabel("inputs and parameters")
ax.set_xticks([])
ax.set_yticks([])
for side in ax.spines.values():
    side.set_visible(False)
ax.set_title(f"The {'-'.join(map(str, sizes))} network as a graph of seven gates")
plt.show()

# %% [markdown]
# ## What each gate does backwards
#
# Write $\bar V = \partial J / \partial V$ for the gradient of the cost with
# respect to an array $V$ — it always has the shape of $V$. The site's
# $dZ^{[l]}$ carries no $\frac1m$ (it is placed once, in $dW$ and $db$), so
# $\bar Z^{[l]} = \frac1m dZ^{[l]}$, while $\bar W^{[l]} = dW^{[l]}$ and
# $\bar b^{[l]} = db^{[l]}$. Every gate gets its output's $\bar V$ from above
# and multiplies it by its local gradient:
#
# * **Cross-entropy**, $J = -\frac1m \sum_{i}\sum_k Y_{k,i}\log A^{[2]}_{k,i}$.
#   Local gradient $\partial J/\partial A^{[2]}_{k,i} = -Y_{k,i} / (m\,A^{[2]}_{k,i})$;
#   the upstream gradient is $\bar J = 1$, so $\bar A^{[2]} = -\frac1m\, Y \oslash A^{[2]}$
#   (element-by-element division).
# * **Softmax**, column by column, $a = \mathrm{softmax}(z)$. Local gradient
#   $\partial a_k/\partial z_j = a_k(\delta_{kj} - a_j)$; backwards,
#   $\bar z_j = \sum_k \bar a_k\, a_k(\delta_{kj} - a_j)$.
# * **Bias broadcast**, $Z = U + b\,\mathbf 1^\top$ ($b$ copied into every
#   column). Local gradients $\partial Z_{j,i}/\partial U_{j,i} = 1$ and
#   $\partial Z_{j,i}/\partial b_j = 1$ for every example $i$; backwards,
#   $\bar U = \bar Z$ and $\bar b = \sum_i \bar Z_{:,i}$.
# * **Matrix product**, $U = W A$. Local gradients
#   $\partial U_{j,i}/\partial W_{j,k} = A_{k,i}$ and
#   $\partial U_{j,i}/\partial A_{k,i} = W_{j,k}$; backwards,
#   $\bar W = \bar U A^\top$ and $\bar A = W^\top \bar U$.
# * **ReLU**, $A = \max(Z, 0)$ element by element. Local gradient $[Z > 0]$
#   (1 where the unit is on, 0 where it is off); backwards,
#   $\bar Z = \bar A \odot [Z > 0]$.
#
# The softmax and cross-entropy gates together give the short result of
# [Cross-entropy and dZ2](../../maths/loss/): with $\sum_k Y_{k,i} = 1$, the
# sum collapses to $\bar Z^{[2]} = \frac1m (A^{[2]} - Y)$, which is why the
# code never builds the softmax's Jacobian.
#
# ## Three facts, read off the gates
#
# **1. The bias gradient is a sum along the example axis.** The bias gate
# copies $b$ (one number per unit) into all $m$ columns. A value used $m$
# times receives $m$ gradients, and the chain rule adds them: $\bar b_j =
# \sum_i \bar Z_{j,i}$ — a sum over the examples, `axis=1`, one number per
# unit. *Broadcast forwards is a sum backwards.*
#
# **2. A matrix product routes gradients through transposes.** $U_{j,i} =
# \sum_k W_{j,k} A_{k,i}$: $W_{j,k}$ meets every example $i$ with
# coefficient $A_{k,i}$, so $\bar W_{j,k} = \sum_i \bar U_{j,i} A_{k,i}$, that
# is $\bar U A^\top$; and $A_{k,i}$ meets every unit $j$ with coefficient
# $W_{j,k}$, so $\bar A = W^\top \bar U$. The shapes allow nothing else:
# $\bar W$ must be $n^{[l]} \times n^{[l-1]}$ like $W$, and only
# $(n^{[l]}\times m)(m \times n^{[l-1]})$ gives it.
#
# **3. The ReLU gate passes a gradient only where $Z^{[1]} > 0$.** Its local
# gradient is 1 where the unit was on and 0 where it was off, so a unit
# that was off for an example sends nothing back for that example — its
# incoming weights get no gradient from it. At $Z = 0$ exactly, ReLU has a
# kink and no derivative; the code takes 0 there (`relu_prime` is `Z > 0`).
# This is harmless for training but matters for the
# [gradient check](../gradcheck_error/): a finite difference that steps
# across the kink measures neither slope.

# %% [markdown]
# ## A worked example: a 3-2-2 network, one example
#
# Small enough to follow by hand: 3 inputs, 2 hidden units, 2 classes,
# $m = 1$ (so $\bar Z = dZ$). The weights are chosen so that one hidden unit
# is on and the other off, to show fact 3.

# %%
np.set_printoptions(precision=4, suppress=True)
params = {
    "W1": np.array([[0.5, -0.2, 0.1], [-0.3, 0.4, -0.6]]),
    "b1": np.array([[0.1], [-0.2]]),
    "W2": np.array([[0.7, -0.5], [-0.4, 0.3]]),
    "b2": np.array([[0.05], [-0.05]]),
}
X = np.array([[1.0], [2.0], [1.5]])
label = np.array([1])
Y = one_hot(label, num_classes=2)
m = X.shape[1]

# %% [markdown]
# ### Forward, gate by gate

# %%
U1 = params["W1"] @ X
Z1 = U1 + params["b1"]
A1 = relu(Z1)
U2 = params["W2"] @ A1
Z2 = U2 + params["b2"]
A2 = softmax(Z2)
J = cross_entropy(A2, label)
for name, value in [
    ("U1 = W1 @ X", U1),
    ("Z1 = U1 + b1", Z1),
    ("A1 = ReLU(Z1)", A1),
    ("U2 = W2 @ A1", U2),
    ("Z2 = U2 + b2", Z2),
    ("A2 = softmax(Z2)", A2),
]:
    print(f"{name:18} {value.ravel() + 0.0}")
print(f"{'J = cross-entropy':18} {J:.4f}   (label {label[0]}: J = -log A2[{label[0]}])")

# %% [markdown]
# ### Backward, gate by gate: upstream × local

# %%
dA2 = -Y / (m * A2)  # cross-entropy gate
jacobian = np.diagflat(A2) - A2 @ A2.T  # softmax gate, one column
dZ2 = jacobian.T @ dA2
dU2, db2 = dZ2, dZ2.sum(axis=1, keepdims=True)  # bias gate
dW2, dA1 = dU2 @ A1.T, params["W2"].T @ dU2  # matrix-product gate
dZ1 = dA1 * relu_prime(Z1)  # ReLU gate
dU1, db1 = dZ1, dZ1.sum(axis=1, keepdims=True)  # bias gate
dW1 = dU1 @ X.T  # matrix-product gate
for name, value in [
    ("dA2", dA2),
    ("dZ2", dZ2),
    ("A2 - Y", A2 - Y),
    ("db2", db2),
    ("dA1", dA1),
    ("dZ1", dZ1),
    ("db1", db1),
]:
    print(f"{name:7} {value.ravel() + 0.0}")
print("dW2\n", dW2 + 0.0)
print("dW1\n", dW1 + 0.0)

# %% [markdown]
# The softmax and cross-entropy gates, chained, give exactly $A^{[2]} - Y$.
# The second hidden unit was off ($Z^{[1]}_2 < 0$), so its row of $dZ^{[1]}$
# is 0 although $dA^{[1]}_2$ is not, and the whole second row of $dW^{[1]}$
# is 0: that unit's incoming weights learn nothing from this example. The
# first row of $dW^{[1]}$ is $dZ^{[1]}_1$ times $X^\top$ — the matrix-product
# gate's transpose at work.
#
# ### The same numbers from `backward_prop`

# %%
_, cache = forward_prop(params, X)
grads = backward_prop(params, cache, label)
for name, mine in [("dW1", dW1), ("db1", db1), ("dW2", dW2), ("db2", db2)]:
    print(f"{name}: gate by gate == backward_prop: {np.allclose(mine, grads[name], rtol=1e-12, atol=0)}")
assert all(
    np.allclose(mine, grads[name], rtol=1e-12, atol=0)
    for name, mine in [("dW1", dW1), ("db1", db1), ("dW2", dW2), ("db2", db2)]
)

# %% [markdown]
# ## In short
#
# - A computation is a graph of gates; going backwards, each gate multiplies
#   the upstream gradient by its own local derivative and passes the result to
#   its inputs.
# - A sum gate copies the gradient to its inputs, a product gate swaps its
#   inputs, and a branch adds the gradients coming back along its paths.
# - Backpropagation is these local rules, applied from the cost back to the
#   weights, in one pass.
#
# Next: [Backpropagation](../../maths/backprop/) writes the same gates as
# matrix equations for a whole batch, then for any depth.
#
# ## Further reading
#
# - CS231n, [Backpropagation, intuitions](https://cs231n.github.io/optimization-2/):
#   the same gates on small circuits, worked with numbers.
# - A. Karpathy, [micrograd](https://github.com/karpathy/micrograd): a tiny
#   engine that builds this graph for any scalar computation and runs it
#   backwards.
# - d2l.ai, [Forward propagation, backward propagation, and computational graphs](https://d2l.ai/chapter_multilayer-perceptrons/backprop.html).
# - 3Blue1Brown, [*Backpropagation calculus*](https://www.3blue1brown.com/topics/neural-networks)
#   (chapter 4 of the series).
