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

# %% tags=["collapse"]
# Imports, and figures drawn at twice the resolution so their text stays sharp on a phone.
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from nn_scratch import backward_prop, cross_entropy, forward_prop, one_hot, relu, relu_prime, softmax

# %config InlineBackend.figure_formats = ["retina"]

# %% [markdown]
# ## First, one number at a time: f = (x + y) · z
#
# Before any matrix, the smallest graph that shows the whole idea: two
# gates, an addition $q = x + y$ and a multiplication $f = q\,z$, with
# $x = -2$, $y = 5$ and $z = -4$. Forwards, each gate computes its output
# from its inputs. Backwards, we want $\partial f/\partial x$,
# $\partial f/\partial y$ and $\partial f/\partial z$, and each gate only
# knows its own *local* gradients:
#
# * the multiplication gate $f = q\,z$: $\partial f/\partial q = z$ and
#   $\partial f/\partial z = q$ — each input receives the *other* input's value;
# * the addition gate $q = x + y$: $\partial q/\partial x = \partial q/\partial y = 1$
#   — it passes the gradient it receives unchanged to both inputs.
#
# The chain rule multiplies them: $\partial f/\partial x =
# \frac{\partial f}{\partial q}\,\frac{\partial q}{\partial x}$, the
# *upstream* gradient times the *local* one.

# %%
x, y, z = -2.0, 5.0, -4.0
q = x + y  # + gate, forward
f = q * z  # × gate, forward
df_df = 1.0  # the gradient of f with respect to itself starts the backward pass
df_dq, df_dz = df_df * z, df_df * q  # × gate: each input gets the other input's value
df_dx, df_dy = df_dq * 1.0, df_dq * 1.0  # + gate: local gradients 1, the upstream gradient passes through


def f_of(x, y, z):
    return (x + y) * z


# Each gradient checked against a central finite difference of f itself.
h = 1e-6
numerical = {
    "df/dx": (f_of(x + h, y, z) - f_of(x - h, y, z)) / (2 * h),
    "df/dy": (f_of(x, y + h, z) - f_of(x, y - h, z)) / (2 * h),
    "df/dz": (f_of(x, y, z + h) - f_of(x, y, z - h)) / (2 * h),
}
backprop = {"df/dx": df_dx, "df/dy": df_dy, "df/dz": df_dz}
assert all(abs(numerical[k] - backprop[k]) < 1e-6 for k in backprop)
print(f"forward:  q = x + y = {q:g},  f = q·z = {f:g}")
print("backward: " + ",  ".join(f"{k} = {v:g}" for k, v in backprop.items()) + f"   (df/dq = {df_dq:g})")
print("finite differences agree:", all(abs(numerical[k] - backprop[k]) < 1e-6 for k in backprop))

# %% tags=["collapse"]
# Draw the scalar graph: values forwards (black), gradients backwards (red).
fig = plt.figure(figsize=(5.6, 3.3))
ax = fig.add_axes((0, 0, 1, 1))
plus, times, end = (2.0, 1.5), (3.95, 1.5), (5.55, 1.5)
for name, (gx, gy) in (("+", plus), ("×", times)):
    ax.add_patch(Circle((gx, gy), 0.32, facecolor="#fde0c5", edgecolor="#b35806"))
    ax.text(gx, gy, name, ha="center", va="center", fontsize=18)
# The inputs: their value, and under it the gradient that comes back to them.
for name, value, grad, (tx, ty), target in (
    ("x", x, df_dx, (0.0, 2.55), plus),
    ("y", y, df_dy, (0.0, 0.45), plus),
    ("z", z, df_dz, (4.1, 0.05), times),
):
    ax.text(tx, ty + 0.12, f"{name} = {value:g}", ha="left", va="bottom", fontsize=14)
    ax.text(tx, ty - 0.02, f"∂f/∂{name} = {grad:g}", ha="left", va="top", fontsize=13, color="#c62828")
    start = (tx + 1.2, ty + 0.1) if name != "z" else (target[0], ty + 0.45)
    ax.add_patch(FancyArrowPatch(start, target, arrowstyle="-|>", mutation_scale=14, shrinkA=2, shrinkB=24))
# The gates' outputs, on the horizontal edges.
for name, value, grad, (x0, y0), (x1, y1) in (("q", q, df_dq, plus, times), ("f", f, df_df, times, end)):
    ax.add_patch(
        FancyArrowPatch(
            (x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=14, shrinkA=24, shrinkB=24 if name == "q" else 2
        )
    )
    ax.text((x0 + x1) / 2, y0 + 0.1, f"{name} = {value:g}", ha="center", va="bottom", fontsize=14)
    ax.text((x0 + x1) / 2, y0 - 0.1, f"∂f/∂{name} = {grad:g}", ha="center", va="top", fontsize=13, color="#c62828")
ax.set_xlim(0, 5.6)
ax.set_ylim(-0.5, 3.3)
ax.set_aspect("equal")
ax.axis("off")
ax.text(
    2.8, 3.25, "f = (x + y)·z: values forwards (black),\ngradients backwards (red)", ha="center", va="top", fontsize=13
)
fig.set_label(  # the figure's alt text on the site (site_hooks/describe.py)
    f"The graph of f = (x + y)·z: x = {x:g} and y = {y:g} enter a + gate giving q = {q:g}; q and z = {z:g} "
    f"enter a × gate giving f = {f:g}. Backwards, in red: ∂f/∂f = 1, ∂f/∂q = {df_dq:g}, ∂f/∂z = {df_dz:g}, "
    f"∂f/∂x = {df_dx:g} and ∂f/∂y = {df_dy:g}.",
)
plt.show()

# %% [markdown]
# Read the red numbers from right to left: the gradient starts at 1 on the
# output, the multiplication gate hands each input the other's value, and
# the addition gate copies what it receives to both of its inputs. A finite
# difference of $f$ itself agrees with every one of them (the cell above
# asserts it). That is all backpropagation is; the network below has more
# gates, and arrays instead of numbers on its edges.
#
# ## The graph of the 784-10-10 network
#
# Seven gates: matrix product, bias broadcast, ReLU, matrix product, bias
# broadcast, softmax, cross-entropy. Boxes are arrays, circles are gates,
# and every edge carries the shape of the array on it ($m$ examples, one
# per column). $U^{[l]} = W^{[l]} A^{[l-1]}$ names the product before the
# bias is added. The chain is drawn in four rows; the array that ends a
# row (dashed) starts the next. The red labels are the gradients that flow
# back along the same edges, in the notation of the next section.

# %% tags=["collapse", "phone-alternative"]
# Draw the graph twice: in rows of five nodes for wide screens, of three for phones (the page shows one).
sizes = (784, 10, 10)
n0, n1, n2 = sizes


def shape(rows, cols="m"):
    return f"{rows}×{cols}"


STEP, UP = 1.25, 0.95  # inches between neighbours along a row, and up to a parameter
FONT = 13  # points: the smallest text, 18 CSS pixels when the figure is shown at its natural size
GATES = ("@1", "@2", "+1", "+2", "ReLU", "softmax", "CE")
parameters = {"@1": "W1", "+1": "b1", "@2": "W2", "+2": "b2", "CE": "Y"}
labels = {"@1": "@", "@2": "@", "+1": "+", "+2": "+", "CE": "cross-\nentropy"}
labels |= {n: f"${n[0]}^{{[{n[1]}]}}$" for n in ("W1", "W2", "b1", "b2", "U1", "U2", "Z1", "Z2", "A1", "A2")}
labels |= {"X": "$X$", "Y": "$Y$", "J": "$J$"}
array_shape = {"X": shape(n0), "U1": shape(n1), "Z1": shape(n1), "A1": shape(n1), "U2": shape(n2)}
array_shape |= {"Z2": shape(n2), "A2": shape(n2), "J": "1×1", "Y": shape(n2)}
array_shape |= {"W1": shape(n1, n0), "b1": shape(n1, 1), "W2": shape(n2, n1), "b2": shape(n2, 1)}
# The gradient flowing back along the edge out of each array (none for X and Y: nothing learns them).
gradient = {"W1": "$dW^{[1]}$", "b1": "$db^{[1]}$", "U1": "$dZ^{[1]}$", "Z1": "$dZ^{[1]}$"}
gradient |= {"A1": r"$W^{[2]\top}dZ^{[2]}$", "W2": "$dW^{[2]}$", "b2": "$db^{[2]}$", "U2": "$dZ^{[2]}$"}
gradient |= {"Z2": "$dZ^{[2]}$", "A2": r"$-Y \oslash A^{[2]}$"}
chain = ["X", "@1", "U1", "+1", "Z1", "ReLU", "A1", "@2", "U2", "+2", "Z2", "softmax", "A2", "CE", "J"]


def radius(name):
    """Inches from a node's centre to its edge along a row: circles for gates, boxes for arrays."""
    return (0.42 if len(labels.get(name, name)) > 2 else 0.34) if name in GATES else 0.3


def node(ax, name, x, y, continued=False):
    text = labels.get(name, name)
    if name in GATES:
        ax.add_patch(Circle((x, y), radius(name), facecolor="#fde0c5", edgecolor="#b35806"))
        ax.text(x, y, text, ha="center", va="center", fontsize=FONT if len(text) > 2 else 17)
    else:
        style = dict(linestyle="--", facecolor="white") if continued else dict(facecolor="#dbe4f7")
        box = FancyBboxPatch((x - 0.3, y - 0.2), 0.6, 0.4, boxstyle="round,pad=0.03", edgecolor="#3f51b5", **style)
        ax.add_patch(box)
        ax.text(x, y, text, ha="center", va="center", fontsize=16)


def edge(ax, start, end, source, target, vertical=False):
    """An arrow from node ``source`` to ``target``: the shape of the array on it, and its gradient going back."""
    (x0, y0), (x1, y1) = start, end
    ends = (0.2, radius(target)) if vertical else (radius(source), radius(target))  # a box's half-height is 0.2
    shrink = dict(shrinkA=72 * ends[0] + 2, shrinkB=72 * ends[1] + 2)  # points
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, color="#333", **shrink))
    array = source if source in array_shape else target
    back = gradient.get(source, "")  # drawn once, on the edge that leaves the array
    red = dict(fontsize=FONT + 1, color="#c62828")
    if vertical:
        ax.text(x0 + 0.08, (y0 + y1) / 2 + 0.05, array_shape[array], ha="left", va="center", fontsize=FONT)
        if back:
            ax.text(x0 - 0.08, (y0 + y1) / 2 + 0.05, back + " ↑", ha="right", va="center", **red)
    else:
        ax.text((x0 + x1) / 2, y0 + 0.22, array_shape[array], ha="center", va="bottom", fontsize=FONT)
        if back:
            ax.text((x0 + x1) / 2, y0 - 0.3, "← " + back, ha="center", va="top", **red)


def draw_graph(per_row):
    """The chain cut into rows of ``per_row`` nodes; the array that ends a row starts the next (dashed)."""
    rows = [chain[i : i + per_row] for i in range(0, len(chain) - 1, per_row - 1)]
    heights = [2.0 if any(n in parameters for n in row) else 1.2 for row in rows]
    width, top = STEP * (per_row - 1) + 1.0, 0.9 if per_row <= 3 else 0.55  # room for the title
    fig = plt.figure(figsize=(width, sum(heights) + top))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, sum(heights) + top)
    ax.set_aspect("equal")
    ax.axis("off")
    y = sum(heights)  # the title takes the top
    for r, (row, height) in enumerate(zip(rows, heights, strict=True)):
        y -= height
        base = y + (0.6 if height < 2 else 0.75)  # the chain's line, under the parameters' boxes
        for i, name in enumerate(row):
            x = 0.5 + STEP * i
            node(ax, name, x, base, continued=(i == 0 and r > 0))
            if i > 0:
                edge(ax, (x - STEP, base), (x, base), row[i - 1], name)
            if name in parameters:
                node(ax, parameters[name], x, base + UP)
                edge(ax, (x, base + UP), (x, base), parameters[name], name, vertical=True)
    title = f"The {'-'.join(map(str, sizes))} network:{' ' if per_row > 3 else chr(10)}seven gates"
    ax.text(width / 2, sum(heights) + top - 0.1, title, ha="center", va="top", fontsize=15)
    fig.set_label(  # the figure's alt text on the site (site_hooks/describe.py)
        f"The 784-10-10 network as a graph in {len(rows)} rows. X (784×m) and W1 (10×784) enter a matrix product "
        "giving U1 (10×m); U1 and b1 (10×1) enter a + gate giving Z1; Z1 through ReLU gives A1; A1 and W2 "
        "(10×10) enter a matrix product giving U2; U2 and b2 enter a + gate giving Z2; softmax gives A2; "
        "A2 and Y enter cross-entropy giving the cost J (1×1). Gradients flowing back, in red: dW1, db1 and "
        "dZ1 on layer 1's edges, W2ᵀdZ2 on A1's edge, dW2, db2 and dZ2 on layer 2's, −Y ⊘ A2 on A2's.",
    )


draw_graph(per_row=5)  # wide screens
draw_graph(per_row=3)  # phones
plt.show()

# %% [markdown]
# ## What each gate does backwards
#
# On the scalar graph every gradient was a number. Here each is an array,
# with the shape of the array it belongs to, and the site names them as its
# equations do: $dZ^{[l]}$, $dW^{[l]}$, $db^{[l]}$. One detail decides
# where a factor $\frac1m$ goes. The cost $J$ is the *mean* of the $m$
# examples' losses; $dZ^{[l]}$ is, column by column, the gradient of each
# example's own loss (so $\partial J/\partial Z^{[l]} = \frac1m dZ^{[l]}$),
# and the $\frac1m$ is applied once, where the gradient reaches a
# parameter: $dW^{[l]}$ and $db^{[l]}$ are the gradients of $J$ itself.
# Every gate takes the gradient of its output from above and multiplies it
# by its local gradient:
#
# * **Cross-entropy**: example $i$ loses $-\sum_k Y_{k,i}\log A^{[2]}_{k,i}$.
#   Its local gradient with respect to $A^{[2]}_{k,i}$ is $-Y_{k,i}/A^{[2]}_{k,i}$:
#   the column $-Y \oslash A^{[2]}$ (element-by-element division) goes back.
# * **Softmax**, column by column, $a = \mathrm{softmax}(z)$. Local gradient
#   $\partial a_k/\partial z_j = a_k(\delta_{kj} - a_j)$; backwards, each
#   column of $dZ^{[2]}$ is $\sum_k (\text{upstream})_k\, a_k(\delta_{kj} - a_j)$.
# * **Bias broadcast**, $Z = U + b\,\mathbf 1^\top$ ($b$ copied into every
#   column). Local gradients 1: $dZ$ passes to $U$ unchanged, and $b$,
#   used in all $m$ columns, collects all of them:
#   $db = \frac1m \sum_i dZ_{:,i}$.
# * **Matrix product**, $U = W A$. Local gradients
#   $\partial U_{j,i}/\partial W_{j,k} = A_{k,i}$ and
#   $\partial U_{j,i}/\partial A_{k,i} = W_{j,k}$; backwards,
#   $dW = \frac1m\, dZ A^\top$, and $W^\top dZ$ flows on to $A$.
# * **ReLU**, $A = \max(Z, 0)$ element by element. Local gradient $[Z > 0]$
#   (1 where the unit is on, 0 where it is off); backwards,
#   $dZ^{[1]} = W^{[2]\top} dZ^{[2]} \odot [Z^{[1]} > 0]$.
#
# The softmax and cross-entropy gates together give the short result of
# [Cross-entropy and dZ2](../../maths/loss/): with $\sum_k Y_{k,i} = 1$, the
# sum collapses to $dZ^{[2]} = A^{[2]} - Y$, which is why the code never
# builds the softmax's Jacobian.
#
# ## Three facts, read off the gates
#
# **1. The bias gradient is a sum along the example axis.** The bias gate
# copies $b$ (one number per unit) into all $m$ columns. A value used $m$
# times receives $m$ gradients, and the chain rule adds them: $db_j =
# \frac1m\sum_i dZ_{j,i}$ — a sum over the examples, `axis=1`, one number
# per unit. *Broadcast forwards is a sum backwards.*
#
# **2. A matrix product routes gradients through transposes.** $U_{j,i} =
# \sum_k W_{j,k} A_{k,i}$: $W_{j,k}$ meets every example $i$ with
# coefficient $A_{k,i}$, so $dW_{j,k} = \frac1m\sum_i dZ_{j,i} A_{k,i}$, that
# is $\frac1m\, dZ A^\top$; and $A_{k,i}$ meets every unit $j$ with
# coefficient $W_{j,k}$, so $W^\top dZ$ flows back to $A$. The shapes
# allow nothing else: $dW$ must be $n^{[l]} \times n^{[l-1]}$ like $W$, and
# only $(n^{[l]}\times m)(m \times n^{[l-1]})$ gives it.
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
# Small enough to follow by hand: 3 inputs, 2 hidden units, 2 classes and
# one example, $m = 1$. The weights are chosen so that one hidden unit is
# on and the other off, to show fact 3. The two functions below are the
# gates of the graph, one line each, written for any $m$; the last cell
# runs them on a batch as well.


# %%
def forward_gates(params, X):
    """The forward pass, one gate per line; every array of the graph, by name."""
    v = {"X": X, "U1": params["W1"] @ X}  # matrix-product gate
    v["Z1"] = v["U1"] + params["b1"]  # bias gate
    v["A1"] = relu(v["Z1"])  # ReLU gate
    v["U2"] = params["W2"] @ v["A1"]  # matrix-product gate
    v["Z2"] = v["U2"] + params["b2"]  # bias gate
    v["A2"] = softmax(v["Z2"])  # softmax gate
    return v


def backward_gates(params, v, Y):
    """The backward pass, one gate per line: upstream gradient × local gradient."""
    m = Y.shape[1]
    g = {"-Y/A2": -Y / v["A2"]}  # cross-entropy gate, each example's own loss
    # softmax gate, column by column: its Jacobian diag(a) − a aᵀ times the upstream column
    g["dZ2"] = np.stack(
        [(np.diag(a) - np.outer(a, a)) @ up for a, up in zip(v["A2"].T, g["-Y/A2"].T, strict=True)], axis=1
    )
    g["db2"] = g["dZ2"].sum(axis=1, keepdims=True) / m  # bias gate: b2 was used in all m columns
    g["dW2"] = g["dZ2"] @ v["A1"].T / m  # matrix-product gate, towards W2
    g["W2T dZ2"] = params["W2"].T @ g["dZ2"]  # matrix-product gate, towards A1
    g["dZ1"] = g["W2T dZ2"] * relu_prime(v["Z1"])  # ReLU gate
    g["db1"] = g["dZ1"].sum(axis=1, keepdims=True) / m  # bias gate
    g["dW1"] = g["dZ1"] @ v["X"].T / m  # matrix-product gate; X needs no gradient
    return g


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

# %% [markdown]
# ### Forward, gate by gate

# %%
v = forward_gates(params, X)
J = cross_entropy(v["A2"], label)
for name in ("U1", "Z1", "A1", "U2", "Z2", "A2"):
    print(f"{name:3} {v[name].ravel() + 0.0}")
print(f"J   {J:.4f}   (label {label[0]}: J = -log A2[{label[0]}])")

# %% [markdown]
# ### Backward, gate by gate: upstream × local

# %%
g = backward_gates(params, v, Y)
for name in ("-Y/A2", "dZ2", "db2", "W2T dZ2", "dZ1", "db1"):
    print(f"{name:8} {g[name].ravel() + 0.0}")
print(f"A2 - Y   {(v['A2'] - Y).ravel() + 0.0}")
print("dW2\n", g["dW2"] + 0.0)
print("dW1\n", g["dW1"] + 0.0)

# %% [markdown]
# The softmax and cross-entropy gates, chained, give exactly $A^{[2]} - Y$.
# The second hidden unit was off ($Z^{[1]}_2 < 0$), so its entry of
# $dZ^{[1]}$ is 0 although the gradient $W^{[2]\top} dZ^{[2]}$ that reached
# it is not, and the whole second row of $dW^{[1]}$ is 0: that unit's
# incoming weights learn nothing from this example. The first row of
# $dW^{[1]}$ is $dZ^{[1]}_1$ times $X^\top$ — the matrix-product gate's
# transpose at work. The next cell checks each of these statements, and
# every value printed above.
#
# ### Every value, checked

# %%
_, cache = forward_prop(params, X)
grads = backward_prop(params, cache, label)
m = X.shape[1]


def cost_from_Z(Z, layer):
    """J computed from Z1 or Z2 onwards: the rest of the graph, run forwards."""
    A2 = softmax(params["W2"] @ relu(Z) + params["b2"]) if layer == 1 else softmax(Z)
    return cross_entropy(A2, label)


def per_example_gradient(layer):
    """m × ∂J/∂Z, by central differences: what dZ means, measured without the gates."""
    Z, out, h = v[f"Z{layer}"], np.zeros_like(v[f"Z{layer}"]), 1e-6
    for idx in np.ndindex(Z.shape):
        step = np.zeros_like(Z)
        step[idx] = h
        out[idx] = m * (cost_from_Z(Z + step, layer) - cost_from_Z(Z - step, layer)) / (2 * h)
    return out


checks = {name: np.allclose(v[name], cache[name], rtol=1e-12, atol=0) for name in ("Z1", "A1", "Z2", "A2")}
checks["U1, U2"] = all(np.allclose(v[f"U{l}"], cache[f"Z{l}"] - params[f"b{l}"]) for l in (1, 2))
checks["J"] = np.isclose(J, -np.mean(np.log(v["A2"][label, np.arange(m)])), rtol=1e-12)
checks["dZ2 = A2 - Y"] = np.allclose(g["dZ2"], v["A2"] - Y, rtol=1e-12, atol=1e-15)
checks |= {
    f"{n} (finite differences)": np.allclose(g[n], per_example_gradient(l), atol=1e-8)
    for n, l in (("dZ1", 1), ("dZ2", 2))
}
checks |= {
    f"{n} = backward_prop's": np.allclose(g[n], grads[n], rtol=1e-12, atol=0) for n in ("dW1", "db1", "dW2", "db2")
}
checks["unit 2 off: its dZ1 and its row of dW1 are 0"] = (
    v["Z1"][1, 0] < 0 and g["dZ1"][1, 0] == 0 and g["W2T dZ2"][1, 0] != 0 and not g["dW1"][1].any()
)
checks["row 1 of dW1 = dZ1[1] Xᵀ"] = np.allclose(g["dW1"][0], g["dZ1"][0, 0] * X[:, 0] / m)
for name, ok in checks.items():
    print(f"{name:45} {ok}")
assert all(checks.values()), [name for name, ok in checks.items() if not ok]

# %% [markdown]
# With one example, $\frac1m = 1$ and every gradient above would be the
# same with or without it. The same two functions on a batch of random
# examples and random weights, where the $\frac1m$ and the sums over the
# examples matter, still give `backward_prop`'s gradients:

# %%
rng = np.random.default_rng(0)
batch = {k: rng.normal(size=p.shape) for k, p in params.items()}
X_batch, labels_batch = rng.normal(size=(3, 5)), rng.integers(0, 2, size=5)
g_batch = backward_gates(batch, forward_gates(batch, X_batch), one_hot(labels_batch, num_classes=2))
reference = backward_prop(batch, forward_prop(batch, X_batch)[1], labels_batch)
same = {n: np.allclose(g_batch[n], reference[n], rtol=1e-12, atol=1e-15) for n in ("dW1", "db1", "dW2", "db2")}
display(
    Markdown(
        f"A batch of $m = {X_batch.shape[1]}$: the gates agree with `backward_prop` on {', '.join(f'`{n}`' for n, ok in same.items() if ok)}."
    )
)
assert all(same.values()), same

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
