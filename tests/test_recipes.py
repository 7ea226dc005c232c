"""benchmarks.recipes chooses on the validation split and never reads the test set; its committed choices.

The search trains every candidate on the training part of a split carved from
the official training images and scores it on the held-out part. Here it runs
on a small subset with the test arrays replaced by an object that raises on
any access: if any line of the search read them, the run would fail.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks import recipes
from nn_scratch import Network, sgd

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "docs" / "data" / "recipes.json"


class Forbidden:
    """Stands in for the test arrays: any use of it — attribute, index, length, conversion — raises."""

    def _refuse(self, *args, **kwargs):
        raise AssertionError("the recipe search read the test set")

    __getattr__ = __getitem__ = __len__ = __iter__ = __array__ = __bool__ = __float__ = __index__ = _refuse
    __array_function__ = __array_ufunc__ = __reduce_ex__ = __copy__ = __deepcopy__ = _refuse


def test_forbidden_refuses_every_use():
    x = Forbidden()
    for use in (lambda: x.shape, lambda: x[0], lambda: len(x), lambda: np.asarray(x), lambda: bool(x)):
        with pytest.raises(AssertionError, match="read the test set"):
            use()


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_search_never_reads_the_test_set(tmp_path, monkeypatch, mnist_folder, jobs):
    real = recipes.load_mnist

    def without_test_set(*args, **kwargs):
        return real(*args, **kwargs)._replace(X_test=Forbidden(), Y_test=Forbidden())

    monkeypatch.setattr(recipes, "load_mnist", without_test_set)
    out = tmp_path / "recipes.json"
    only = "time_to_92,better,small,wide" if jobs == 1 else "better"
    report = recipes.main(
        ["--out", str(out), "--data", str(mnist_folder), "--n-train", "300", "--only", only, "--jobs", str(jobs)]
    )
    assert json.loads(out.read_text()) == json.loads(json.dumps(report))
    assert report["validation"] == {
        "size": recipes.VALIDATION_SIZE,
        "seed": recipes.VALIDATION_SEED,
        "from": "the official training images",
        "m_train": 300,
    }
    for name, search in report["searches"].items():
        assert len(search["candidates"]) == len(recipes.candidates(recipes.SEARCHES[name]))
        for c in search["candidates"]:
            assert len(c["runs"]) == len(recipes.SEARCHES[name]["seeds"])
            assert all(len(r["curve"]) == c["recipe"]["epochs"] and 0 <= r["curve"][-1] <= 1 for r in c["runs"])
    assert report["provenance"]["command"].startswith("python -m benchmarks.recipes ")


def test_epochs_read_off_a_longer_run_are_an_epoch_run():
    # training_run shares one run among candidates that differ only in epochs (no schedule).
    rng = np.random.default_rng(0)
    X, Y = rng.random((20, 300), dtype=np.float32), rng.integers(0, 10, 300)
    short, long = Network((20, 5, 10), seed=1), Network((20, 5, 10), seed=1)
    sgd(short, X, Y, alpha=0.2, epochs=1, batch_size=64, seed=1)
    after_first = []
    sgd(
        long,
        X,
        Y,
        alpha=0.2,
        epochs=3,
        batch_size=64,
        seed=1,
        callback=lambda _: after_first.append(long.params["W1"].copy()),
    )
    np.testing.assert_array_equal(after_first[0], short.params["W1"])


def test_cheapest_needs_every_seed_to_reach_the_goal():
    rows = [
        {"steps": 100, "validation_accuracy": [0.95, 0.91]},  # one seed short of the goal
        {"steps": 300, "validation_accuracy": [0.921, 0.925]},
        {"steps": 300, "validation_accuracy": [0.93, 0.94]},  # as cheap, and a better worst seed
    ]
    assert recipes.choose({"rule": "cheapest", "goal": 0.92}, rows) == 2


def test_the_committed_search_chose_by_its_rules():
    report = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert report["format"] == recipes.FORMAT
    assert (
        report["validation"]["size"] == recipes.VALIDATION_SIZE
        and report["validation"]["seed"] == recipes.VALIDATION_SEED
    )
    assert set(report["searches"]) == set(recipes.SEARCHES)
    for name, search in report["searches"].items():
        assert [c["recipe"] for c in search["candidates"]] == recipes.candidates(recipes.SEARCHES[name])
        assert search["winner"] is not None, f"{name}: no candidate met the rule"
        assert search["winner"] == recipes.choose(recipes.SEARCHES[name], search["candidates"])
        assert search["recipe"] == search["candidates"][search["winner"]]["recipe"]
    assert len(report["provenance"]["data_sha256"]) == 64


def test_the_benchmarks_train_the_committed_winners():
    from benchmarks.run import chosen_recipes

    searches = json.loads(COMMITTED.read_text(encoding="utf-8"))["searches"]
    for name, (sizes, inputs, recipe) in chosen_recipes().items():
        winner = dict(searches[name]["recipe"])
        assert list(sizes) == searches[name]["layer_sizes"] and inputs == winner.pop("inputs", "pixels")
        winner.pop("init", None)
        assert recipe == {**winner, "seed": 0}
