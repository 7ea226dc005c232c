"""The arguments of the ``nn-scratch`` command: its parser and the checks of each argument.

:mod:`nn_scratch.cli` runs the commands; this module only says what they accept.
"""

from __future__ import annotations

import argparse
import math

from .idx import NUM_CLASSES, PIXELS

__all__ = ["build_parser"]

PROG = "nn-scratch"
_EXTRA_HINT = 'pip install "nn-scratch[cli]"'


class UsageError(Exception):
    """A bad argument or unusable file: reported in one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (a :class:`UsageError`), not the whole usage."""

    def error(self, message):  # argparse would print the whole usage; one line is enough
        raise UsageError(f"{self.prog}: error: {message} (see {self.prog} --help)")


def require(module: str, package: str, purpose: str):
    """Import ``module`` of the optional ``package``, or stop with a one-line :class:`UsageError`."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise UsageError(f"{PROG}: error: {purpose} needs {package}, which is not installed: {_EXTRA_HINT}") from None


# ---------------------------------------------------------------------------
# Argument types: each raises argparse.ArgumentTypeError, reported in one line.
# ---------------------------------------------------------------------------


def _number(convert, valid, expected: str):
    """An argparse type: ``convert`` the text, then insist that ``valid(value)`` holds."""

    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if not valid(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


_positive_int = _number(int, lambda v: v > 0, "a positive integer")
_non_negative_int = _number(int, lambda v: v >= 0, "an integer ≥ 0")
_positive_float = _number(float, lambda v: math.isfinite(v) and v > 0, "a positive number")
_momentum = _number(float, lambda v: 0 <= v < 1, "a number in [0, 1)")


def _layers(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.replace(" ", "").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers such as 784,10,10, got {text!r}") from None
    if len(sizes) < 2 or min(sizes) <= 0:
        raise argparse.ArgumentTypeError(f"expected at least two positive sizes such as 784,10,10, got {text!r}")
    if sizes[0] != PIXELS or sizes[-1] != NUM_CLASSES:
        raise argparse.ArgumentTypeError(f"MNIST needs 784 inputs and 10 outputs (784,…,10), got {text!r}")
    return sizes


# ---------------------------------------------------------------------------
# The parser
# ---------------------------------------------------------------------------


def _add_data_options(p):
    group = p.add_argument_group("data")
    group.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder holding the four MNIST files (.gz or not); default: $NN_SCRATCH_DATA, "
        "then the per-user cache, then a verified download",
    )
    group.add_argument("--no-download", action="store_true", help="never download; fail if the files are not found")


def build_parser() -> argparse.ArgumentParser:
    """The ``argparse`` parser of the ``nn-scratch`` command.

    Examples
    --------
    >>> args = build_parser().parse_args(["train", "--layers", "784,32,10", "--epochs", "2"])
    >>> args.command, args.layers, args.epochs, args.method
    ('train', (784, 32, 10), 2, 'sgd')
    """
    parser = Parser(
        prog=PROG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="A neural network for handwritten digits, from scratch in NumPy.",
        epilog=f"Run '{PROG} COMMAND --help' for the options of a command.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=Parser)
    raw = {"formatter_class": argparse.RawDescriptionHelpFormatter}

    train = commands.add_parser(
        "train",
        help="train a network on MNIST and save it",
        description="Train a network on the MNIST training set, report its train and test\n"
        "accuracy and save it. A progress bar shows the loss and accuracy as it learns.",
        epilog="examples:\n"
        f"  {PROG} train --layers 784,128,10 --epochs 10 -o model.npz --plot curves.png\n"
        f"  {PROG} train --method gd --init uniform --iterations 500 --alpha 0.1 --history h.csv",
        **raw,
    )
    net = train.add_argument_group("network")
    net.add_argument(
        "--layers",
        type=_layers,
        default=(784, 10, 10),
        metavar="SIZES",
        help="units per layer, input first (default: 784,10,10)",
    )
    net.add_argument(
        "--init", choices=("he", "uniform", "normal"), default="he", help="weight initialisation (default: he)"
    )
    dtype_help = "floating-point type of parameters and data (default: float32)"
    net.add_argument("--dtype", choices=("float32", "float64"), default="float32", help=dtype_help)
    net.add_argument(
        "--seed", type=int, default=0, metavar="N", help="seed of the initialisation and shuffling (default: 0)"
    )
    opt = train.add_argument_group("training")
    opt.add_argument(
        "--method",
        choices=("gd", "sgd"),
        default="sgd",
        help="gd: full-batch gradient descent; sgd: mini-batch SGD (default: sgd)",
    )
    opt.add_argument(
        "--alpha",
        "--lr",
        type=_positive_float,
        default=0.1,
        dest="alpha",
        metavar="ALPHA",
        help="learning rate (default: 0.1)",
    )
    opt.add_argument(
        "--iterations", type=_positive_int, default=500, metavar="N", help="updates of full-batch gd (default: 500)"
    )
    opt.add_argument(
        "--epochs", type=_positive_int, default=10, metavar="N", help="passes over the data for sgd (default: 10)"
    )
    opt.add_argument(
        "--batch-size", type=_positive_int, default=64, metavar="N", help="examples per sgd step (default: 64)"
    )
    opt.add_argument(
        "--momentum", type=_momentum, default=0.0, metavar="MU", help="sgd momentum in [0, 1) (default: 0)"
    )
    opt.add_argument(
        "--validation-size",
        type=_non_negative_int,
        default=0,
        metavar="N",
        help="hold out N training examples, logged as validation (default: 0)",
    )
    opt.add_argument(
        "--n-train",
        type=_positive_int,
        metavar="N",
        help="train on the first N training examples only (quick experiments)",
    )
    out = train.add_argument_group("output")
    out.add_argument(
        "-o", "--output", default="model.npz", metavar="MODEL", help="where to save the model (default: model.npz)"
    )
    out.add_argument("--plot", metavar="PNG", help="save loss and accuracy curves to this image (needs matplotlib)")
    out.add_argument("--history", metavar="FILE", help="save the logged history as .json or .csv")
    out.add_argument("--no-progress", action="store_true", help="no progress bar")
    _add_data_options(train)

    evaluate = commands.add_parser(
        "evaluate",
        help="test accuracy of a saved model, per digit",
        description="Accuracy of a saved model on the 10,000 MNIST test images, overall and per digit.",
        epilog=f"example:\n  {PROG} evaluate model.npz",
        **raw,
    )
    evaluate.add_argument("model", metavar="MODEL", help="a model saved by 'train' (.npz)")
    _add_data_options(evaluate)

    predict = commands.add_parser(
        "predict",
        help="classify images of handwritten digits",
        description="Classify PNG or JPEG images of one handwritten digit each, printing the digit\n"
        "and its probability. Each image is made to look like an MNIST digit first:\n"
        "grayscale, inverted if the digit is dark on light, cropped, scaled to 20 px and\n"
        "centred by its centre of mass in 28 × 28 (see nn_scratch.preprocess).",
        epilog=f"example:\n  {PROG} predict model.npz seven.png three.jpg",
        **raw,
    )
    predict.add_argument("model", metavar="MODEL", help="a model saved by 'train' (.npz)")
    predict.add_argument("images", metavar="IMAGE", nargs="+", help="image files (PNG, JPEG, …)")
    return parser
