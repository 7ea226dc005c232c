"""The command-line page shows transcripts of a real run (site_hooks/cli_transcript.py), never typed output.

The hook runs ``nn-scratch train``, ``evaluate`` and ``predict`` at build
time; here one run of it, on a tiny subset, checks that each transcript is
the command as run followed by what it printed, and the page is checked to
hold fields, not output, in its console blocks.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "docs" / "reference" / "cli.md"


@pytest.fixture
def hook(monkeypatch):
    monkeypatch.syspath_prepend(str(REPO / "site_hooks"))
    import fields  # noqa: F401  (the registry the hook registers into)

    sys.modules.pop("cli_transcript", None)
    import cli_transcript

    return cli_transcript


def test_every_console_block_of_the_page_is_a_field():
    blocks = re.findall(r"```console\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 3
    typed = [b for b in blocks if "nn-scratch" in b and "{{" not in b and not b.startswith("python -m pip")]
    assert typed == [], "typed transcripts on the CLI page"
    assert {"{{ cli.train }}", "{{ cli.evaluate }}", "{{ cli.predict }}"} <= {b.strip() for b in blocks}


def test_the_hook_runs_the_commands_it_shows(hook, monkeypatch, mnist_folder):
    monkeypatch.setenv("NN_SCRATCH_DATA", str(mnist_folder))
    small = [*hook.TRAIN[: hook.TRAIN.index("--epochs")], "--epochs", "1", "--n-train", "500"]
    monkeypatch.setattr(hook, "TRAIN", small)
    values = hook.compute()
    train = values["train"].splitlines()
    assert train[0].startswith("$ nn-scratch train --layers 784,128,10") and "--n-train 500" in train[0]
    assert train[1].strip().startswith("-o model.npz")
    assert re.match(r"sgd 784-128-10: 100%\|.*\| 8/8 ", train[2]), train[2]  # ceil(500 / 64) steps
    assert re.fullmatch(r"test accuracy\s+0\.\d{4}", train[4])
    evaluate = values["evaluate"].splitlines()
    assert evaluate[0] == "$ nn-scratch evaluate model.npz"
    accuracy = train[4].split()[-1]
    assert evaluate[1].startswith(f"model.npz: test accuracy {accuracy} ")  # the same model, evaluated
    predict = values["predict"].splitlines()
    assert predict[0] == "$ nn-scratch predict model.npz seven.png two.jpg"
    assert [line.split(":")[0] for line in predict[1:]] == ["seven.png", "two.jpg"]
    assert values["n_train"] == "500"
