"""MkDocs hook: the ``cli`` namespace — the command line's transcripts, from a real run at every build.

``docs/reference/cli.md`` shows what ``nn-scratch train``, ``evaluate`` and
``predict`` print. Nothing there is typed: this hook runs the three commands
(``python -m nn_scratch``, the very entry point the ``nn-scratch`` script
calls) in a temporary folder while the site builds, and registers each
transcript — the command as run, then what it printed — as a field of
``site_hooks/fields.py`` (``{{ cli.train }}``, ``{{ cli.evaluate }}``,
``{{ cli.predict }}``). The training run is kept short by ``--n-train``; the
command shown says so. The two images ``predict`` reads are made here from
MNIST test digits: dark on white, off-centre on a larger canvas, enlarged.

It runs on the first page that asks for a ``cli`` field (a few seconds), and
a command that fails fails the build with its message.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import fields
from mkdocs.exceptions import PluginError

# The training run shown: the page's example network, on a subset so that the build stays short.
TRAIN = ["--layers", "784,128,10", "--method", "sgd", "--epochs", "3", "--alpha", "0.1", "--n-train", "10000"]
OUTPUTS = ["-o", "model.npz", "--plot", "curves.png", "--history", "history.csv"]
# The digits predict reads: the first test image of each label, and the file each is saved as.
IMAGES = {7: "seven.png", 2: "two.jpg"}
CANVAS = (64, 56)  # height, width of the paper before enlarging
OFFSET = (6, 22)  # top-left corner of the 28 × 28 digit on it: off-centre
ENLARGE = 3
TIMEOUT = 900  # seconds; a hang, not a slow machine, should stop the build


def run(args: list[str], folder: Path) -> str:
    """Run ``nn-scratch ARGS`` in ``folder``; the transcript: the command line, then what it printed."""
    package_root = Path(__import__("nn_scratch").__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(package_root), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [sys.executable, "-m", "nn_scratch", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    if done.returncode != 0:
        raise PluginError(f"nn-scratch {shlex.join(args)} failed (exit {done.returncode}): {done.stderr[-2000:]}")
    return "\n".join([prompt(args), *final_bar(done.stderr), done.stdout.rstrip("\n")])


def prompt(args: list[str]) -> str:
    """The command as a reader types it, the outputs' options on a continuation line.

    Examples
    --------
    >>> print(prompt(["train", "--epochs", "3", "-o", "model.npz"]))
    $ nn-scratch train --epochs 3 \\
          -o model.npz
    >>> prompt(["evaluate", "model.npz"])
    '$ nn-scratch evaluate model.npz'
    """
    if "-o" in args:
        k = args.index("-o")
        return f"$ nn-scratch {shlex.join(args[:k])} \\\n      {shlex.join(args[k:])}"
    return f"$ nn-scratch {shlex.join(args)}"


def final_bar(stderr: str) -> list[str]:
    """The progress bar as it stood at the end: tqdm redraws it with carriage returns.

    Examples
    --------
    >>> final_bar("\\rrun:   0%| 0/4\\rrun: 100%| 4/4\\n")
    ['run: 100%| 4/4']
    >>> final_bar("")
    []
    """
    frames = [frame.strip() for frame in stderr.replace("\n", "\r").split("\r") if frame.strip()]
    return frames[-1:]


def make_images(folder: Path) -> None:
    """Save the first test digit of each label in ``IMAGES`` as a reader's photo: dark ink on white paper."""
    import numpy as np
    from PIL import Image

    from nn_scratch.data import load_mnist

    data = load_mnist(n_train=1, progress=False)
    for label, name in IMAGES.items():
        column = data.X_test[:, int(np.flatnonzero(data.Y_test == label)[0])]
        digit = np.asarray(column).reshape(28, 28)
        ink = np.uint8(255) - np.round(255 * digit / digit.max()).astype(np.uint8)
        paper = np.full(CANVAS, 255, dtype=np.uint8)
        paper[OFFSET[0] : OFFSET[0] + 28, OFFSET[1] : OFFSET[1] + 28] = ink
        image = Image.fromarray(paper).resize((CANVAS[1] * ENLARGE, CANVAS[0] * ENLARGE), Image.NEAREST)
        image.save(folder / name)


def compute() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="nn-scratch-cli-") as name:
        folder = Path(name)
        train = run(["train", *TRAIN, *OUTPUTS], folder)
        evaluate = run(["evaluate", "model.npz"], folder)
        make_images(folder)
        predict = run(["predict", "model.npz", *IMAGES.values()], folder)
    return {
        "train": train,
        "evaluate": evaluate,
        "predict": predict,
        "n_train": f"{int(TRAIN[TRAIN.index('--n-train') + 1]):,}",
        "enlarge": {2: "twice", 3: "three times"}.get(ENLARGE, f"{ENLARGE}×"),
    }


fields.register("cli", compute, source="site_hooks/cli_transcript.py")
