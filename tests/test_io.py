"""Saving and loading networks: exact round trips, atomic writes, hostile files refused."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from nn_scratch import Network, sgd
from nn_scratch.saving import FORMAT_VERSION, ModelFileError, load_model, save_model


@pytest.mark.parametrize(
    "sizes, dtype, init",
    [((784, 10, 10), np.float32, "uniform"), ((20, 7, 5, 3), np.float64, "he"), ((3, 2), np.float32, "normal")],
)
def test_round_trip_is_bit_identical(tmp_path, sizes, dtype, init):
    rng = np.random.default_rng(0)
    X, Y = rng.random((sizes[0], 50)), rng.integers(0, sizes[-1], 50)
    net = Network(sizes, init=init, seed=1, dtype=dtype)
    sgd(net, X, Y, alpha=0.1, epochs=2, batch_size=16)  # trained, not just initialised
    net.metadata["note"] = "from the net"
    path = save_model(net, tmp_path / "net.npz", metadata={"test_accuracy": 0.9123, "settings": {"epochs": 2}})
    loaded = load_model(path)
    assert loaded.layer_sizes == sizes and loaded.dtype == np.dtype(dtype)
    assert loaded.params.keys() == net.params.keys()
    for name, P in net.params.items():
        assert loaded.params[name].dtype == P.dtype and loaded.params[name].tobytes() == P.tobytes()
    assert loaded.predict_proba(X).tobytes() == net.predict_proba(X).tobytes()
    assert loaded.metadata == {"note": "from the net", "test_accuracy": 0.9123, "settings": {"epochs": 2}}
    # The loaded parameters are ordinary writable arrays: training can continue.
    sgd(loaded, X, Y, alpha=0.1, epochs=1, batch_size=16)


def test_the_path_is_written_exactly_as_given(tmp_path):
    path = save_model(Network((4, 3), seed=0), tmp_path / "model")
    assert path.name == "model" and path.exists() and not (tmp_path / "model.npz").exists()
    assert load_model(path).layer_sizes == (4, 3)


def test_bad_arguments_to_save(tmp_path):
    net = Network((4, 3), seed=0)
    with pytest.raises(TypeError, match="net must be"):
        save_model(net.params, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="metadata must hold only JSON values"):
        save_model(net, tmp_path / "x.npz", metadata={"when": object()})
    with pytest.raises(TypeError, match="metadata must be a dict"):
        save_model(net, tmp_path / "x.npz", metadata=[1, 2])
    assert list(tmp_path.iterdir()) == []


def test_save_refuses_nan_or_inf_parameters_and_metadata(tmp_path):
    net = Network((6, 4, 3), seed=0)
    net.params["W2"][0, 0] = np.nan
    with pytest.raises(ValueError, match=r"net.params\['W2'\] contains NaN or inf"):
        save_model(net, tmp_path / "nan.npz")
    with pytest.raises(TypeError, match="finite numbers"):
        save_model(Network((6, 4, 3)), tmp_path / "nan.npz", metadata={"loss": float("nan")})
    assert not list(tmp_path.iterdir())


def test_a_failed_save_keeps_the_old_file_and_leaves_no_partial_file(tmp_path, monkeypatch):
    path = save_model(Network((4, 3), seed=0), tmp_path / "net.npz", metadata={"version": "old"})
    before = path.read_bytes()

    def crash_halfway(file, **arrays):
        file.write(b"PK\x03\x04 half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", crash_halfway)
    with pytest.raises(OSError, match="disk full"):
        save_model(Network((4, 3), seed=1), path, metadata={"version": "new"})
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]
    assert load_model(path).metadata == {"version": "old"}


# --------------------------------------------------------------------------- refused files


def _arrays(tmp_path):
    path = save_model(Network((6, 4, 3), seed=0), tmp_path / "good.npz", metadata={"a": 1})
    with np.load(path) as npz:
        return {k: npz[k] for k in npz.files}


def _write(tmp_path, arrays, name="bad.npz"):
    path = tmp_path / name
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    return path


def _edit(**changes):
    def build(tmp_path):
        arrays = _arrays(tmp_path)
        for key, value in changes.items():
            if value is None:
                del arrays[key]
            else:
                arrays[key] = value
        return _write(tmp_path, arrays)

    return build


def _truncated(tmp_path):
    _arrays(tmp_path)
    (tmp_path / "cut.npz").write_bytes((tmp_path / "good.npz").read_bytes()[:-40])
    return tmp_path / "cut.npz"


def _bad_crc(tmp_path):
    _arrays(tmp_path)
    data = bytearray((tmp_path / "good.npz").read_bytes())
    with zipfile.ZipFile(tmp_path / "good.npz") as z:
        info = z.getinfo("W1.npy")
    data[info.header_offset + 30 + len(info.filename) + 200] ^= 0xFF  # inside W1's stored bytes
    (tmp_path / "crc.npz").write_bytes(bytes(data))
    return tmp_path / "crc.npz"


def _npy(tmp_path):
    np.save(tmp_path / "array.npy", np.zeros((3, 3)))
    return tmp_path / "array.npy"


def _text(tmp_path):
    (tmp_path / "notes.npz").write_text("not a model")
    return tmp_path / "notes.npz"


REFUSED = {
    "object-array": (_edit(W2=np.array([{"a": 1}, None], dtype=object)), "object arrays"),
    "object-metadata": (_edit(metadata=np.array({"a": 1}, dtype=object)), "object arrays"),
    "missing-parameter": (_edit(b2=None), r"need parameters \['W1', 'W2', 'b1', 'b2'\]"),
    "extra-parameter": (_edit(W3=np.zeros((3, 3), np.float32)), "need parameters"),
    "missing-header": (_edit(layer_sizes=None), r"missing \['layer_sizes'\]"),
    "wrong-shape": (
        _edit(W2=np.zeros((3, 5), np.float32)),
        r"W2 has shape \(3, 5\), layer_sizes \(6, 4, 3\) need \(3, 4\)",
    ),
    "bias-shape": (_edit(b1=np.zeros(4, np.float32)), r"b1 has shape \(4,\)"),
    "layer-sizes-disagree": (_edit(layer_sizes=np.array([6, 5, 3])), "W1 has shape"),
    "bad-layer-sizes": (_edit(layer_sizes=np.array([6.0, 4.0, 3.0])), "layer_sizes"),
    "newer-version": (
        _edit(format_version=np.array(FORMAT_VERSION + 1)),
        f"format version {FORMAT_VERSION + 1} is newer",
    ),
    "version-not-int": (_edit(format_version=np.array("1")), "format_version"),
    "dtype-disagrees": (_edit(W1=np.zeros((4, 6), np.float64)), "W1 has dtype float64, the file says float32"),
    "bad-dtype": (_edit(dtype=np.array("int8")), "float32 or float64"),
    "bad-json": (_edit(metadata=np.array("{not json")), "not valid JSON"),
    "nan-weight": (_edit(W1=np.full((4, 6), np.nan, np.float32)), "W1 contains NaN or inf"),
    "inf-bias": (_edit(b2=np.full((3, 1), np.inf, np.float32)), "b2 contains NaN or inf"),
    "json-not-object": (_edit(metadata=np.array("[1, 2]")), "must be a JSON object"),
    "truncated": (_truncated, "not a zip archive"),
    "bad-crc": (_bad_crc, "truncated or corrupted|CRC"),
    "npy": (_npy, "not a zip archive"),
    "text": (_text, "not a zip archive"),
    "missing-file": (lambda tmp_path: tmp_path / "nope.npz", "no such model file"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_broken_or_hostile_files_are_refused_clearly(tmp_path, case):
    build, message = REFUSED[case]
    path = build(tmp_path)
    with pytest.raises(ModelFileError, match=message) as info:
        load_model(path)
    assert str(info.value).startswith(str(path))


class _Trap:
    """Unpickling this object writes a file: proof that pickle ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_loading_never_unpickles(tmp_path):
    marker = tmp_path / "pickle-ran"
    arrays = _arrays(tmp_path)
    arrays["metadata"] = np.array([_Trap(marker)], dtype=object)
    path = _write(tmp_path, arrays)
    with pytest.raises(ModelFileError, match="object arrays"):
        load_model(path)
    assert not marker.exists()
    # The trap is real: a pickle-enabled load would have sprung it.
    with np.load(path, allow_pickle=True) as npz:
        npz["metadata"][0].close()
    assert marker.exists()


def test_the_file_is_plain_npz_with_json_metadata(tmp_path):
    path = save_model(Network((5, 2), seed=0, dtype=np.float64), tmp_path / "m.npz", metadata={"acc": [0.5, 0.75]})
    with np.load(path, allow_pickle=False) as npz:
        assert int(npz["format_version"]) == FORMAT_VERSION
        assert npz["layer_sizes"].tolist() == [5, 2] and str(npz["dtype"]) == "float64"
        assert json.loads(str(npz["metadata"])) == {"acc": [0.5, 0.75]}
