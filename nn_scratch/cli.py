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

import csv
import datetime
import io
import json
import sys
from pathlib import Path

import numpy as np

from .cli_args import PROG, UsageError, require
from .cli_args import build_parser as build_parser  # re-exported with the command it parses for
from .files import atomic_write
from .idx import NUM_CLASSES, PIXELS

__all__ = ["main"]

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
    from .io import ModelFileError, load_model

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
    from .io import save_model
    from .network import Network
    from .training import DivergenceError, gradient_descent, sgd

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
    from .data import MNISTDownloadError, MNISTFileError, MNISTNotFoundError

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
