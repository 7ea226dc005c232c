# %% [markdown]
# # Full-batch versus mini-batch, and the learning rate
#
# Two knobs decide almost everything about how gradient descent goes: how
# many examples each step looks at (the batch size) and how far each step
# moves (the learning rate $\alpha$). This page trains the same 784-10-10
# network with different settings and draws the runs on shared axes.
#
# Every comparison here is made on a **validation split** held out of the
# training images (the dashed curves): choosing a batch size or a learning
# rate by the official test set would make its accuracy an optimistic
# estimate, so the test set plays no part on this page. To keep the build of
# the site short, every run trains on a part of the remaining training images
# (the cell below prints the sizes). The page is a notebook executed at build
# time with fixed seeds.
# [Download the notebook (.ipynb)](learning_rate.ipynb) to run it yourself.

# %% tags=["collapse"]
# Imports.
import time

import numpy as np
from IPython.display import Markdown, display

from nn_scratch import DivergenceError, Network, gradient_descent, sgd
from nn_scratch.data import load_mnist
from nn_scratch.plots import plot_history

# %%
mnist = load_mnist(validation_size=10_000, n_train=10_000, seed=0)
X_train, Y_train = mnist.X_train, mnist.Y_train
X_val, Y_val = mnist.X_val, mnist.Y_val  # held out of the training images
m = X_train.shape[1]
print(f"training on X_train {X_train.shape}, comparing on the validation split X_val {X_val.shape}")

# %% [markdown]
# ## Full batch or mini-batches, at equal epochs
#
# Full-batch gradient descent computes the exact gradient of the loss over
# all $m$ training images and takes **one** step per epoch. Mini-batch SGD
# shuffles the images and takes one step per batch of $B$ images, with the
# gradients averaged over that batch only ($dW = \frac1B\, dZ\, A^\top$):
# $m / B$ noisier but much cheaper steps per epoch. Same network, same
# initialisation (He, seed 0), same $\alpha$, the same number of epochs for
# each batch size (the cell prints them):

# %%
EPOCHS, ALPHA = 10, 0.1
print(f"α = {ALPHA}, {EPOCHS} epochs for every batch size B")
runs, rows = {}, []
for B in (m, 1000, 100, 10):
    net = Network((784, 10, 10), init="he", seed=0)
    start = time.perf_counter()
    if B == m:
        name = f"full batch ({m:,})"
        history = gradient_descent(
            net, X_train, Y_train, alpha=ALPHA, iterations=EPOCHS, log_every=1, X_val=X_val, Y_val=Y_val
        )
    else:
        name = f"batch {B:,}"
        history = sgd(net, X_train, Y_train, alpha=ALPHA, epochs=EPOCHS, batch_size=B, seed=0, X_val=X_val, Y_val=Y_val)
    seconds = time.perf_counter() - start
    runs[name] = history
    accuracy = history.val_accuracy[-1]
    rows.append((name, history.step[-1], seconds, accuracy))

print(f"{'':19} {'updates':>8} {'seconds':>8} {'validation accuracy':>20}")
for name, steps, seconds, accuracy in rows:
    print(f"{name:19} {steps:8,} {seconds:8.2f} {accuracy:20.2%}")
by_name = {name: (seconds, accuracy) for name, _, seconds, accuracy in rows}
(s10, a10), (s100, a100) = by_name["batch 10"], by_name["batch 100"]
display(
    Markdown(
        f"Batches of 10 reached {a10:.2%} against {a100:.2%} for batches of 100 "
        f"({'better' if a10 > a100 else 'no better'}), and their epochs took {s10 / s100:.1f} times as long."
    )
)

# %%
fig = plot_history(runs, x="epoch", val_label="validation", title=f"Same data and α = {ALPHA}, four batch sizes")

# %% [markdown]
# Per epoch, mini-batches win by far: ten epochs of full-batch descent are
# only ten small steps. Each mini-batch gradient is a noisy estimate of the
# full one, but a thousand noisy steps downhill go much further than ten
# exact ones. The gain stops somewhere: compare batches of 10 with batches of
# 100 in the table and the sentence under it. Tiny batches pay NumPy's
# overhead per call over and over, and the noise of their steps shows in the
# validation curve. Batches of around a hundred are the usual compromise.

# %% [markdown]
# ## The learning rate
#
# Now the batch size is fixed and only $\alpha$ changes (the cell prints the
# recipe).

# %%
ALPHAS = (0.01, 0.1, 0.5, 2.0)
EPOCHS, BATCH_SIZE, LOG_EVERY = 5, 100, 25
print(f"batch size {BATCH_SIZE}, {EPOCHS} epochs per learning rate, loss logged every {LOG_EVERY} steps")
runs, nets = {}, {}
for alpha in ALPHAS:
    net = Network((784, 10, 10), init="he", seed=0)
    runs[f"α = {alpha:g}"] = sgd(
        net,
        X_train,
        Y_train,
        alpha=alpha,
        epochs=EPOCHS,
        batch_size=BATCH_SIZE,
        seed=0,
        log_every=LOG_EVERY,
        X_val=X_val,
        Y_val=Y_val,
    )
    nets[alpha] = net
    accuracy = net.accuracy(X_val, Y_val)
    print(f"α = {alpha:<4g}  validation accuracy {accuracy:7.2%}")

# %%
fig = plot_history(runs, x="epoch", val_label="validation", title="Mini-batch SGD (batch 100), four values of α")

# %% [markdown]
# Too small an $\alpha$ learns slowly; a good one learns fast; too large a
# one overshoots. On this ReLU network an overshoot rarely ends in NaN.
# Instead, one huge step pushes the pre-activation $Z^{[1]}$ of a hidden unit
# below zero for every image: the unit outputs 0, its gradient
# $\mathrm{ReLU}'$ is 0, and it never recovers. When every unit dies, the
# network predicts from the biases alone. The loss stays finite, so nothing
# raises an error: the failure is silent, and only the curves — or a check
# like the one below — reveal it.

# %%
for alpha, net in nets.items():
    A1 = net.forward(X_train)[1]["A1"]
    dead = np.count_nonzero(A1.max(axis=1) == 0)
    digits = np.unique(net.predict(X_val)).size
    print(
        f"α = {alpha:<4g}  dead hidden units: {dead:2} of 10;  different digits predicted on the validation split: {digits}"
    )

# %% [markdown]
# ## When training diverges
#
# `gradient_descent` and `sgd` check every step with one rule
# ([`diverged`](../../reference/training/#nn_scratch.training.diverged)):
# the sum of the output layer's bias gradient must be a finite number. A NaN
# or an infinity in any score makes that sum NaN exactly when it makes the
# loss NaN, and the sum is already computed. When the rule fails, they raise
# `DivergenceError`. That happens once
# the weights overflow the range of float32 (about $3.4 \times 10^{38}$) and
# $\infty - \infty$ or $0 \times \infty$ produce NaN. The error carries the
# history logged up to that point, so the run can still be plotted.
#
# How large must $\alpha$ be for that? Full-batch gradient descent with the
# classic uniform initialisation, ten iterations at each learning rate:

# %%
print(f"float32 overflows above {np.finfo(np.float32).max:.2e}")
outcomes = {}
for alpha in (1.0, 1e2, 1e4, 1e6, 1e8):
    net = Network((784, 10, 10), init="uniform", seed=0)
    try:
        history = gradient_descent(
            net, X_train, Y_train, alpha=alpha, iterations=10, log_every=1, X_val=X_val, Y_val=Y_val
        )
    except DivergenceError as err:
        print(f"α = {alpha:<5g}  DivergenceError: {err}")
        outcomes[f"α = {alpha:g}"] = err
    else:
        loss, accuracy = history.loss[-1], history.train_accuracy[-1]
        print(f"α = {alpha:<5g}  finished: loss {loss:7.3f}, training accuracy {accuracy:.2%}")
        outcomes[f"α = {alpha:g}"] = history
loud = [name for name, run in outcomes.items() if isinstance(run, DivergenceError)]
silent = [
    name for name, run in outcomes.items() if not isinstance(run, DivergenceError) and run.train_accuracy[-1] < 0.5
]
display(
    Markdown(
        f"Stopped with `DivergenceError`: {', '.join(loud) or 'none'}. Finished without an error but "
        f"below 50 % training accuracy: {', '.join(silent) or 'none'}."
    )
)

# %% [markdown]
# A run can fail silently (finishing with a finite loss and a useless network)
# or loudly (`DivergenceError`); the sentence above says which each one did.
# Passing the `DivergenceError` itself to `plot_history` draws that
# run up to where it stopped and marks its last logged point with ×. The loss
# axis is logarithmic here, to fit the failed runs.

# %%
fig = plot_history(outcomes, x="step", val_label="validation", title="Full-batch gradient descent, ever larger α")
fig.axes[0].set_yscale("log")
