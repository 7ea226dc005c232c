"""nn_scratch.saving, JSON: a network survives the trip through JSON bit for bit, and bad input is refused."""

import json
import os
import stat

import numpy as np
import pytest

from nn_scratch import Network
from nn_scratch.saving import (
    FORMAT,
    FORMAT_VERSION,
    ModelFileError,
    export_json,
    load_json,
    network_from_dict,
    network_to_dict,
)


@pytest.mark.parametrize("sizes", [(784, 10, 10), (784, 30, 20, 10), (5, 3)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip_is_bit_identical(tmp_path, sizes, dtype):
    net = Network(sizes, init="uniform", seed=3, dtype=dtype)
    # Values with long decimal expansions: any rounding in the text would show.
    for P in net.params.values():
        P += np.asarray(np.random.default_rng(1).random(P.shape) * 1e-3, dtype=dtype)
    back = load_json(export_json(net, tmp_path / "net.json", {"test_accuracy": 0.9123}))
    assert back.layer_sizes == net.layer_sizes and back.dtype == net.dtype
    for name, P in net.params.items():
        assert np.array_equal(back.params[name], P), name
        assert back.params[name].dtype == P.dtype
    X = np.random.default_rng(2).random((sizes[0], 7))
    assert np.array_equal(back.predict_proba(X), net.predict_proba(X))
    assert back.metadata == {"test_accuracy": 0.9123}


def test_file_layout_is_the_documented_one(tmp_path):
    net = Network((784, 10, 10), seed=0)
    net.metadata["epochs"] = 5
    path = export_json(net, tmp_path / "sub" / "dir" / "m.json", {"test_accuracy": 0.5})
    assert path == tmp_path / "sub" / "dir" / "m.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    assert d["format"] == FORMAT and d["version"] == FORMAT_VERSION
    assert d["layer_sizes"] == [784, 10, 10] and d["dtype"] == "float32"
    assert d["activations"] == ["relu", "softmax"]
    assert list(d["params"]) == ["W1", "b1", "W2", "b2"]
    W1 = d["params"]["W1"]
    assert len(W1) == 10 and {len(row) for row in W1} == {784}
    assert d["params"]["b2"] == net.b2.tolist() and all(len(row) == 1 for row in d["params"]["b2"])
    # The doubles in the file are exactly the float32 weights.
    assert np.array_equal(np.array(W1, dtype=np.float64), net.W1.astype(np.float64))
    assert d["metadata"] == {"epochs": 5, "test_accuracy": 0.5}
    # Argument metadata wins over net.metadata and does not modify the network.
    d2 = network_to_dict(net, {"epochs": 7})
    assert d2["metadata"]["epochs"] == 7 and net.metadata == {"epochs": 5}


def test_export_refuses_bad_input_and_leaves_old_file_intact(tmp_path):
    path = tmp_path / "m.json"
    good = Network((4, 3, 2), seed=0)
    export_json(good, path)
    before = path.read_bytes()

    broken = Network((4, 3, 2), seed=0)
    broken.W2[1, 0] = np.nan
    with pytest.raises(ValueError, match=r"params\['W2'\] contains NaN"):
        export_json(broken, path)
    with pytest.raises(TypeError, match="metadata must hold only JSON values"):
        export_json(good, path, {"when": object()})
    with pytest.raises(TypeError, match="metadata must hold only JSON values"):
        export_json(good, path, {"acc": float("inf")})
    with pytest.raises(TypeError, match="metadata must be a dict"):
        export_json(good, path, ["acc"])
    with pytest.raises(TypeError, match="net must be an nn_scratch Network"):
        export_json(good.params, path)
    with pytest.raises(TypeError, match="path must be a str or os.PathLike"):
        export_json(good, 42)

    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.json"], "a temporary file was left behind"


def test_nan_parameters_are_refused_on_load(tmp_path):
    # A file edited (or written by another tool) to hold a NaN weight is broken: refused, not loaded.
    d = network_to_dict(Network((4, 3, 2), seed=0))
    d["params"]["W1"][0][0] = 1e999  # json writes inf as Infinity, which load_json refuses; 1e999 parses to inf
    path = tmp_path / "inf.json"
    path.write_text(json.dumps(d).replace("Infinity", "1e999"), encoding="utf-8")
    with pytest.raises(ModelFileError, match=r"W1 contains NaN or inf"):
        load_json(path)


def test_exported_file_has_ordinary_permissions(tmp_path):
    # Written through a private temporary file, but a web server must be able to read the result.
    path = export_json(Network((4, 3, 2)), tmp_path / "m.json")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_failed_write_removes_the_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "m.json"

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        export_json(Network((4, 3, 2)), path)
    assert os.listdir(tmp_path) == []


def _write(tmp_path, d):
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    return path


def test_load_refuses_files_that_are_not_exact_networks(tmp_path):
    d = network_to_dict(Network((4, 3, 2), seed=0))

    with pytest.raises(ValueError, match="format must be 'nn-scratch-network'"):
        load_json(_write(tmp_path, {**d, "format": "keras"}))
    with pytest.raises(ModelFileError, match="format version 2 is newer"):
        load_json(_write(tmp_path, {**d, "version": 2}))
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        load_json(_write(tmp_path, {**d, "dtype": "float16"}))
    with pytest.raises(ModelFileError, match=r"W1 has shape \(3, 4\), layer_sizes \(4, 9, 2\) need \(9, 4\)"):
        load_json(_write(tmp_path, {**d, "layer_sizes": [4, 9, 2]}))

    rounded = json.loads(json.dumps(d))
    rounded["params"]["W1"][0][0] = round(rounded["params"]["W1"][0][0], 3) + 1e-9
    with pytest.raises(ValueError, match=r"params\['W1'\] holds values that are not exactly float32"):
        load_json(_write(tmp_path, rounded))

    ragged = json.loads(json.dumps(d))
    ragged["params"]["W1"][1] = ragged["params"]["W1"][1][:2]
    with pytest.raises(ValueError, match=r"params\['W1'\] must be a rectangular nested list"):
        load_json(_write(tmp_path, ragged))

    missing = json.loads(json.dumps(d))
    del missing["params"]["b2"]
    with pytest.raises(ModelFileError, match="need parameters"):
        load_json(_write(tmp_path, missing))

    nan_file = tmp_path / "nan.json"
    nan_file.write_text(json.dumps(d).replace(str(d["params"]["W2"][0][0]), "NaN", 1), encoding="utf-8")
    with pytest.raises(ValueError, match="non-finite number NaN"):
        load_json(nan_file)

    with pytest.raises(TypeError, match="d must be a dict"):
        network_from_dict([d])
