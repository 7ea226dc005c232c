"""The ``nn-scratch`` command: train a network on MNIST, evaluate it, classify images.

Run ``nn-scratch COMMAND --help`` (or ``python -m nn_scratch COMMAND --help``)
for the options of each command::

    nn-scratch train --layers 784,128,10 --method sgd --epochs 10 -o model.npz --plot curves.png
    nn-scratch evaluate model.npz
    nn-scratch predict model.npz my-digit.png another.jpg

The package itself needs only NumPy; the command line also uses ``tqdm``
(progress bars), Pillow (reading images) and matplotlib (``--plot``), all
in the ``cli`` extra: ``pip install "nn-scratch[cli]"``. Each is imported only
by the command that needs it.

Bad arguments, missing or damaged files end with a one-line message on
standard error and exit status 2; a training run that diverges exits with 1.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import math
import sys
from pathlib import Path

import numpy as np

from ._checks import check_sizes
from .idx import NUM_CLASSES, PIXELS
from .network import INITIALISATIONS
from .saving import atomic_write

__all__ = ["main", "build_parser"]

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
    try:
        check_sizes(sizes)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected at least two positive sizes such as 784,10,10, got {text!r}"
        ) from None
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
    net.add_argument("--init", choices=tuple(INITIALISATIONS), default="he", help="weight initialisation (default: he)")
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


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------


def _load_data(args, **kwargs):
    from .data import load_mnist

    if args.data_dir is not None and not Path(args.data_dir).is_dir():
        raise UsageError(f"{PROG}: error: --data-dir {args.data_dir}: no such folder")

    return load_mnist(
        args.data_dir,
        download=not args.no_download,
        progress=not getattr(args, "no_progress", False),
        **kwargs,
    )


def _load_network(path):
    from .saving import ModelFileError, load_model

    try:
        net = load_model(path)
    except ModelFileError as e:
        raise UsageError(f"{PROG}: error: {e}") from None
    sizes = net.layer_sizes
    if sizes[0] != PIXELS or sizes[-1] != NUM_CLASSES:
        raise UsageError(
            f"{PROG}: error: {path}: a network with layer sizes {sizes} is not an MNIST classifier (784,…,10)"
        )
    return net


def _check_output(path: str, what: str, suffixes=None) -> Path:
    path = Path(path)
    if not path.parent.is_dir():
        raise UsageError(f"{PROG}: error: {what} {path}: folder {path.parent} does not exist")
    if suffixes and path.suffix.lower() not in suffixes:
        raise UsageError(f"{PROG}: error: {what} {path}: must end in {' or '.join(suffixes)}")
    return path


def _write_history(history, path: Path):
    data = history.to_dict()
    if path.suffix.lower() == ".json":
        text = json.dumps(data, indent=1) + "\n"
    else:
        columns = [k for k, v in data.items() if isinstance(v, list) and v]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(zip(*(data[k] for k in columns), strict=True))
        text = buffer.getvalue()
    atomic_write(path, text)


def _write_plot(history, path: Path):
    from .plots import plot_history

    fig = plot_history(history)
    fmt = path.suffix.lower().lstrip(".") or "png"
    try:
        atomic_write(path, lambda f: fig.savefig(f, dpi=120, format=fmt))
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def _log_interval(steps_per_epoch: int, per_epoch: int = 10) -> int:
    """A divisor of ``steps_per_epoch`` giving about ``per_epoch`` logs per epoch.

    sgd logs every ``log_every`` steps; a divisor makes every epoch end on a
    log, so the curves and the progress bar reach the last step.
    """
    target = steps_per_epoch / per_epoch
    divisors = [d for d in range(1, steps_per_epoch + 1) if steps_per_epoch % d == 0 and steps_per_epoch // d <= 50]
    return min(divisors, key=lambda d: (abs(np.log(d / target)), -d)) if target > 1 else 1


def _checked_train_outputs(args):
    # Everything that can be refused is refused before minutes of training.
    output = _check_output(args.output, "output")
    history_path = _check_output(args.history, "--history", (".json", ".csv")) if args.history else None
    plot_path = _check_output(args.plot, "--plot") if args.plot else None
    if plot_path is not None:
        require("matplotlib", "matplotlib", "--plot")
    tqdm = None if args.no_progress else require("tqdm", "tqdm", "the progress bar (or pass --no-progress)")
    from .data import MNIST_FILES

    available = MNIST_FILES["train-images-idx3-ubyte"].count - args.validation_size
    if available < 1:
        raise UsageError(f"{PROG} train: error: --validation-size {args.validation_size} leaves no training examples")
    if args.n_train is not None and args.n_train > available:
        raise UsageError(
            f"{PROG} train: error: --n-train {args.n_train} is more than the {available} training examples available"
        )
    return output, history_path, plot_path, tqdm


def _recipe(args, m: int) -> tuple[dict, int, str]:
    """The training function's keywords from the arguments, with the progress bar's total and unit."""
    if args.method == "gd":
        recipe = {"alpha": args.alpha, "iterations": args.iterations, "log_every": max(1, args.iterations // 200)}
        return recipe, args.iterations, "it"
    steps_per_epoch = -(-m // args.batch_size)
    recipe = {
        "alpha": args.alpha,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "momentum": args.momentum,
        "seed": args.seed,
        "log_every": _log_interval(steps_per_epoch),
    }
    return recipe, args.epochs * steps_per_epoch, "step"


def _progress_bar(tqdm, total: int, unit: str, desc: str):
    """A tqdm bar (None without tqdm) and the training callback that moves it."""
    bar = None if tqdm is None else tqdm.tqdm(total=total, unit=unit, desc=desc, file=sys.stderr, dynamic_ncols=True)

    def callback(record):
        if bar is not None:
            postfix = {"loss": f"{record['loss']:.4f}", "acc": f"{record['train_accuracy']:.4f}"}
            if "val_accuracy" in record:
                postfix["val_acc"] = f"{record['val_accuracy']:.4f}"
            bar.set_postfix(postfix, refresh=False)
            bar.update(record["step"] - bar.n)

    return bar, callback


def _metadata(args, net, data, recipe: dict) -> dict:
    """Accuracies (also printed) and the settings, to be saved with the model."""
    from . import __version__

    results = {"train_accuracy": net.accuracy(data.X_train, data.Y_train)}
    if data.X_val is not None:
        results["val_accuracy"] = net.accuracy(data.X_val, data.Y_val)
    results["test_accuracy"] = net.accuracy(data.X_test, data.Y_test)
    for name, value in results.items():
        print(f"{name.replace('_', ' '):15} {value:.4f}")
    settings = {k: getattr(args, k) for k in ("method", "alpha", "init", "dtype", "seed", "validation_size")}
    settings["layer_sizes"] = list(args.layers)
    settings["n_train"] = data.X_train.shape[1]
    keys = ("iterations",) if args.method == "gd" else ("epochs", "batch_size", "momentum")
    settings.update({k: recipe[k] for k in keys})
    return {
        **results,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "nn_scratch_version": __version__,
        "training": settings,
    }


def _train(args) -> int:
    from .history import DivergenceError
    from .network import Network
    from .saving import save_model
    from .training import gradient_descent, sgd

    output, history_path, plot_path, tqdm = _checked_train_outputs(args)
    dtype = np.dtype(args.dtype)
    data = _load_data(args, dtype=dtype, validation_size=args.validation_size, seed=args.seed, n_train=args.n_train)
    net = Network(args.layers, init=args.init, seed=args.seed, dtype=dtype)
    recipe, total, unit = _recipe(args, data.X_train.shape[1])
    if data.X_val is not None:
        recipe.update(X_val=data.X_val, Y_val=data.Y_val)
    train = gradient_descent if args.method == "gd" else sgd
    bar, callback = _progress_bar(tqdm, total, unit, f"{args.method} {'-'.join(map(str, args.layers))}")
    try:
        history = train(net, data.X_train, data.Y_train, callback=callback, **recipe)
    except DivergenceError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 1
    finally:
        if bar is not None:
            bar.close()

    save_model(net, output, metadata=_metadata(args, net, data, recipe))
    print(f"saved model to {output}")
    if history_path is not None:
        _write_history(history, history_path)
        print(f"saved history to {history_path}")
    if plot_path is not None:
        _write_plot(history, plot_path)
        print(f"saved curves to {plot_path}")
    return 0


def _evaluate(args) -> int:
    net = _load_network(args.model)
    data = _load_data(args, dtype=net.dtype, n_train=1)
    predictions = net.predict(data.X_test)
    correct = predictions == data.Y_test
    print(f"{args.model}: test accuracy {correct.mean():.4f} ({int(correct.sum())} of {correct.size})")
    print()
    print("digit  count  correct  accuracy")
    for digit in range(10):
        mask = data.Y_test == digit
        n, c = int(mask.sum()), int(correct[mask].sum())
        print(f"{digit:>5}  {n:>5}  {c:>7}  {c / n if n else float('nan'):>8.4f}")
    print(f"{'all':>5}  {correct.size:>5}  {int(correct.sum()):>7}  {correct.mean():>8.4f}")
    return 0


def _predict(args) -> int:
    image_module = require("PIL.Image", "Pillow", "predict")
    from .preprocess import image_to_ink, preprocess_digit

    net = _load_network(args.model)
    columns = []
    for name in args.images:
        path = Path(name)
        if not path.is_file():
            raise UsageError(f"{PROG}: error: {name}: no such image file")
        try:
            with image_module.open(path) as img:
                ink = image_to_ink(img)
        except (OSError, SyntaxError, ValueError, image_module.DecompressionBombError) as e:
            raise UsageError(f"{PROG}: error: {name}: cannot read as an image ({e})") from None
        try:
            columns.append(preprocess_digit(ink))
        except ValueError as e:
            raise UsageError(f"{PROG}: error: {name}: {e}") from None
    A = net.predict_proba(np.stack(columns, axis=1))
    for name, column in zip(args.images, A.T, strict=True):
        digit = int(column.argmax())
        print(f"{name}: {digit}  (p = {float(column[digit]):.4f})")
    return 0


_COMMANDS = {"train": _train, "evaluate": _evaluate, "predict": _predict}


def main(argv=None) -> int:
    """Run the ``nn-scratch`` command with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Errors are printed on standard error as one line; the status is 0 on
    success, 2 for bad arguments or unusable files, 1 if training diverged.

    Examples
    --------
    >>> main(["predict", "no-such-model.npz", "digit.png"])
    2
    >>> main(["train", "--layers", "784,10,5"])
    2
    """
    from .data import MNISTDownloadError, MNISTNotFoundError
    from .idx import MNISTFileError

    try:
        args = build_parser().parse_args(argv)
        return _COMMANDS[args.command](args)
    except UsageError as e:
        print(e, file=sys.stderr)
        return 2
    except (MNISTNotFoundError, MNISTFileError, MNISTDownloadError) as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except SystemExit as e:  # --help and --version
        return e.code
    except OSError as e:  # unwritable output, unreadable file, …
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
