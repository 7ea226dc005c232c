"""The nn-scratch command line: train, evaluate, predict, and its errors."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from nn_scratch import Network, sgd
from nn_scratch.cli import main
from nn_scratch.preprocess import preprocess_digit
from nn_scratch.saving import load_model, save_model


@pytest.fixture(autouse=True)
def _no_real_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("NN_SCRATCH_MNIST_MIRRORS", "http://127.0.0.1:9/unreachable/")


@pytest.fixture(scope="module")
def model(mnist, tmp_path_factory):
    """A small network trained for a few seconds, saved; returns (path, net)."""
    net = Network((784, 32, 10), seed=0)
    sgd(net, mnist.X_train[:, :10000], mnist.Y_train[:10000], alpha=0.1, epochs=3, batch_size=32)
    path = tmp_path_factory.mktemp("model") / "net.npz"
    save_model(net, path)
    return path, net


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- help and errors


@pytest.mark.parametrize("command", [[], ["train"], ["evaluate"], ["predict"]])
def test_help_reads_well(capsys, command):
    code, out, err = _run(capsys, *command, "--help")
    assert code == 0 and err == ""
    assert out.startswith(f"usage: nn-scratch {' '.join(command)}".rstrip())
    for word in {
        "": ["train", "evaluate", "predict"],
        "train": [
            "--layers",
            "--method",
            "--alpha",
            "--epochs",
            "--batch-size",
            "--momentum",
            "--seed",
            "--dtype",
            "--init",
            "--plot",
            "--history",
            "example",
        ],
        "evaluate": ["MODEL", "per digit"],
        "predict": ["IMAGE", "probability"],
    }[" ".join(command)]:
        assert word in out


def _bad_cases(tmp_path, model_path):
    (tmp_path / "junk.npz").write_text("not a model")
    (tmp_path / "junk.png").write_text("not an image")
    Image.new("L", (20, 20)).save(tmp_path / "blank.png")
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (64, 64), dtype=np.uint8)).save(tmp_path / "full.png")
    (tmp_path / "cut.png").write_bytes((tmp_path / "full.png").read_bytes()[:2000])
    return {
        "no-command": [],
        "unknown-command": ["fly"],
        "zero-epochs": ["train", "--epochs", "0"],
        "bad-layers": ["train", "--layers", "784,x,10"],
        "not-mnist-layers": ["train", "--layers", "784,10,5"],
        "bad-method": ["train", "--method", "adam"],
        "bad-momentum": ["train", "--momentum", "1"],
        "bad-alpha": ["train", "--alpha", "-0.1"],
        "history-suffix": ["train", "--history", tmp_path / "h.txt"],
        "too-many": ["train", "--no-progress", "--n-train", "59001", "--validation-size", "1000"],
        "all-held-out": ["train", "--no-progress", "--validation-size", "60000"],
        "output-folder": ["train", "-o", tmp_path / "no" / "such" / "m.npz"],
        "data-dir": ["train", "--data-dir", tmp_path / "nowhere"],
        "no-model": ["evaluate"],
        "missing-model": ["evaluate", tmp_path / "missing.npz"],
        "junk-model": ["predict", tmp_path / "junk.npz", tmp_path / "blank.png"],
        "missing-image": ["predict", model_path, tmp_path / "missing.png"],
        "junk-image": ["predict", model_path, tmp_path / "junk.png"],
        "blank-image": ["predict", model_path, tmp_path / "blank.png"],
        "truncated-image": ["predict", model_path, tmp_path / "cut.png"],
        "not-mnist-model": ["evaluate", save_model(Network((4, 3)), tmp_path / "small.npz")],
        "no-data": ["evaluate", model_path, "--no-download"],
    }


BAD = [
    "no-command",
    "unknown-command",
    "zero-epochs",
    "bad-layers",
    "not-mnist-layers",
    "bad-method",
    "bad-momentum",
    "bad-alpha",
    "history-suffix",
    "too-many",
    "all-held-out",
    "output-folder",
    "data-dir",
    "no-model",
    "missing-model",
    "junk-model",
    "missing-image",
    "junk-image",
    "blank-image",
    "truncated-image",
    "not-mnist-model",
]


@pytest.mark.parametrize("case", BAD)
def test_bad_arguments_give_one_line_and_status_2(capsys, tmp_path, model, case):
    code, out, err = _run(capsys, *_bad_cases(tmp_path, model[0])[case])
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nn-scratch") and "error:" in lines[0], err
    assert "Traceback" not in err


def test_missing_data_says_where_it_looked(capsys, tmp_path, model, monkeypatch):
    monkeypatch.delenv("NN_SCRATCH_DATA", raising=False)
    code, out, err = _run(capsys, *_bad_cases(tmp_path, model[0])["no-data"])
    assert code == 2 and "Traceback" not in err
    assert "--data-dir" in err and "NN_SCRATCH_DATA" in err and str(tmp_path / "xdg-cache") in err


def test_the_real_command_exits_2_without_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "nn_scratch", "evaluate", tmp_path / "missing.npz"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"nn-scratch: error: {tmp_path / 'missing.npz'}: no such model file\n"
    result = subprocess.run([sys.executable, "-m", "nn_scratch", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("usage: nn-scratch")


@pytest.mark.parametrize(
    "module, argv, package",
    [
        ("tqdm", ["train"], "tqdm"),
        ("matplotlib", ["train", "--no-progress", "--plot", "c.png"], "matplotlib"),
        ("PIL.Image", ["predict", "m.npz", "x.png"], "Pillow"),
    ],
)
def test_a_missing_extra_names_what_to_install(capsys, monkeypatch, tmp_path, module, argv, package):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    code, out, err = _run(capsys, *argv)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert package in err and 'pip install "nn-scratch[cli]"' in err


def test_importing_the_package_loads_no_optional_dependency():
    code = (
        "import sys, nn_scratch, nn_scratch.cli, nn_scratch.data, nn_scratch.saving, nn_scratch.preprocess; "
        "print(sorted(m for m in ('tqdm', 'PIL', 'matplotlib') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"


# --------------------------------------------------------------------------- train


def _accuracies(out):
    return {line.split()[0]: float(line.split()[-1]) for line in out.splitlines() if " accuracy " in line}


def test_train_sgd_saves_model_curves_and_history(capsys, mnist, mnist_folder, tmp_path):
    code, out, err = _run(
        capsys,
        "train",
        "--data-dir",
        mnist_folder,
        "--layers",
        "784,16,10",
        "--method",
        "sgd",
        "--epochs",
        "2",
        "--batch-size",
        "50",
        "--momentum",
        "0.5",
        "--alpha",
        "0.05",
        "--n-train",
        "3000",
        "--validation-size",
        "500",
        "--seed",
        "3",
        "-o",
        tmp_path / "m.npz",
        "--plot",
        tmp_path / "curves.png",
        "--history",
        tmp_path / "h.json",
    )
    assert code == 0, err
    acc = _accuracies(out)
    assert set(acc) == {"train", "val", "test"} and acc["test"] > 0.8
    assert "loss=" in err and "acc=" in err  # the progress bar shows both
    net = load_model(tmp_path / "m.npz")
    assert net.layer_sizes == (784, 16, 10)
    assert net.metadata["test_accuracy"] == pytest.approx(acc["test"], abs=5e-5)
    assert net.metadata["test_accuracy"] == net.accuracy(mnist.X_test, mnist.Y_test)
    assert net.metadata["training"] == {
        "method": "sgd",
        "alpha": 0.05,
        "init": "he",
        "dtype": "float32",
        "seed": 3,
        "validation_size": 500,
        "layer_sizes": [784, 16, 10],
        "n_train": 3000,
        "epochs": 2,
        "batch_size": 50,
        "momentum": 0.5,
    }
    assert net.metadata["date"].endswith("+00:00")
    history = json.loads((tmp_path / "h.json").read_text())
    steps_per_epoch = 3000 // 50
    assert history["step"][-1] == 2 * steps_per_epoch and history["epoch"][-1] == 2.0
    assert len(history["val_accuracy"]) == len(history["loss"]) > 10
    assert history["loss"][-1] < history["loss"][0]
    assert (tmp_path / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(tmp_path / "curves.png") as img:
        assert img.width > 400


def test_train_gd_writes_csv(capsys, mnist_folder, tmp_path):
    code, out, err = _run(
        capsys,
        "train",
        "--data-dir",
        mnist_folder,
        "--method",
        "gd",
        "--iterations",
        "20",
        "--alpha",
        "0.5",
        "--init",
        "uniform",
        "--dtype",
        "float64",
        "--n-train",
        "1000",
        "--no-progress",
        "-o",
        tmp_path / "gd.npz",
        "--history",
        tmp_path / "h.csv",
    )
    assert code == 0 and err == ""
    assert set(_accuracies(out)) == {"train", "test"}
    with open(tmp_path / "h.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["step", "epoch", "loss", "train_accuracy"]
    assert [int(r[0]) for r in rows[1:]] == list(range(21))
    assert load_model(tmp_path / "gd.npz").dtype == np.float64


def test_a_diverging_run_exits_1_with_advice(capsys, mnist_folder, tmp_path):
    code, out, err = _run(
        capsys,
        "train",
        "--data-dir",
        mnist_folder,
        "--method",
        "gd",
        "--iterations",
        "50",
        "--alpha",
        "1e30",
        "--n-train",
        "500",
        "--no-progress",
        "-o",
        tmp_path / "m.npz",
    )
    assert code == 1 and "diverged" in err and "Traceback" not in err
    assert not (tmp_path / "m.npz").exists()


# --------------------------------------------------------------------------- evaluate


def test_evaluate_prints_a_per_digit_table(capsys, mnist, mnist_folder, model):
    path, net = model
    code, out, err = _run(capsys, "evaluate", path, "--data-dir", mnist_folder)
    assert code == 0, err
    rows = [line.split() for line in out.splitlines() if line.strip()[:1].isdigit() or line.startswith("  all")]
    digits = rows[:10]
    assert [int(r[0]) for r in digits] == list(range(10))
    assert [int(r[1]) for r in digits] == np.bincount(mnist.Y_test).tolist()
    predictions = net.predict(mnist.X_test)
    for digit, row in enumerate(digits):
        mask = mnist.Y_test == digit
        assert int(row[2]) == int((predictions[mask] == digit).sum())
    accuracy = net.accuracy(mnist.X_test, mnist.Y_test)
    assert rows[10][0] == "all" and float(rows[10][3]) == pytest.approx(accuracy, abs=5e-5)
    assert f"test accuracy {accuracy:.4f}" in out


# --------------------------------------------------------------------------- predict


def test_predict_matches_the_in_memory_prediction(capsys, mnist, model, tmp_path):
    path, net = model
    files, expected = [], []
    for k, i in enumerate(range(12)):
        digit = mnist.X_test[:, i].astype(np.float64).reshape(28, 28)
        pixels = np.rint(digit * 255).astype(np.uint8)
        canvas = np.zeros((64, 80), np.uint8)
        top, left = (3 + 7 * k) % 34, (50 - 4 * k) % 50  # off-centre, a different place each time
        canvas[top : top + 28, left : left + 28] = pixels
        if k % 2:  # dark ink on light paper
            canvas = 255 - canvas
        name = tmp_path / f"digit{i}.png"
        Image.fromarray(canvas).save(name)
        files.append(name)
        probabilities = net.predict_proba(preprocess_digit(digit)[:, None])[:, 0]
        expected.append((int(probabilities.argmax()), float(probabilities.max())))
    code, out, err = _run(capsys, "predict", path, *files)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == len(files)
    for line, name, (digit, p) in zip(lines, files, expected, strict=True):
        assert line == f"{name}: {digit}  (p = {p:.4f})"
    # The network is right about most of them: the preprocessing suits it.
    labels = mnist.Y_test[:12]
    assert sum(d == y for (d, _), y in zip(expected, labels, strict=True)) >= 10


def test_predict_reads_jpeg(capsys, mnist, model, tmp_path):
    path, net = model
    digits = [mnist.X_test[:, i].astype(np.float64).reshape(28, 28) for i in range(50)]
    P = net.predict_proba(np.stack([preprocess_digit(d) for d in digits], axis=1))
    i = int(P.max(axis=0).argmax())  # the most confident: JPEG's small losses cannot change its class
    canvas = np.full((100, 100), 255, np.uint8)
    canvas[10:38, 60:88] = 255 - np.rint(digits[i] * 255).astype(np.uint8)
    Image.fromarray(canvas).convert("RGB").save(tmp_path / "d.jpg", quality=95)
    code, out, err = _run(capsys, "predict", path, tmp_path / "d.jpg")
    assert code == 0 and out.startswith(f"{tmp_path / 'd.jpg'}: {P[:, i].argmax()}  (p = ")


def test_the_reference_page_documents_every_option():
    from pathlib import Path

    from nn_scratch.cli import build_parser

    page = (Path(__file__).resolve().parents[1] / "docs" / "reference" / "cli.md").read_text()
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # argparse keeps its subparsers here
    for name, sub in commands.items():
        assert f"## {name}" in page
        for action in sub._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}" in page, f"{name} {option} is not on docs/reference/cli.md"
