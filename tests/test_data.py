"""The MNIST loader: the official split, its options, lookup order, and hostile files."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import tracemalloc

import numpy as np
import pytest

from nn_scratch.data import (
    ENV_DATA,
    MNIST_FILES,
    MNISTNotFoundError,
    default_cache_dir,
    find_mnist,
    load_mnist,
)
from nn_scratch.idx import MAX_ITEMS, MNISTFileError, read_idx


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    """Never look at (or create) the real ~/.cache, never download."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("NN_SCRATCH_MNIST_MIRRORS", "http://127.0.0.1:9/unreachable/")


def _unpacked(folder, name) -> bytes:
    path = folder / f"{name}.gz"
    return gzip.decompress(path.read_bytes()) if path.exists() else (folder / name).read_bytes()


def _idx(magic: int, dims, payload: bytes) -> bytes:
    return magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in dims) + payload


# --------------------------------------------------------------------------- the official split


def test_official_split_in_the_package_convention(mnist):
    assert mnist.X_train.shape == (784, 60000) and mnist.X_test.shape == (784, 10000)
    assert mnist.Y_train.shape == (60000,) and mnist.Y_test.shape == (10000,)
    assert mnist.X_val is None and mnist.Y_val is None
    for X in (mnist.X_train, mnist.X_test):
        assert X.dtype == np.float32
        assert X.flags.f_contiguous  # each example's 784 pixels are contiguous
        assert X.min() == 0.0 and X.max() == 1.0
    for Y in (mnist.Y_train, mnist.Y_test):
        assert Y.dtype == np.int64
        assert set(np.unique(Y)) == set(range(10))
    # The published class counts of the test set.
    assert np.bincount(mnist.Y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_pixels_are_the_file_bytes_over_255(mnist, mnist_folder):
    # Read independently of the loader: skip the 16-byte header, 784 bytes per image.
    raw = np.frombuffer(_unpacked(mnist_folder, "t10k-images-idx3-ubyte"), np.uint8, offset=16).reshape(-1, 784)
    assert np.array_equal(mnist.X_test, (raw.astype(np.float32) / 255).T)
    labels = np.frombuffer(_unpacked(mnist_folder, "train-labels-idx1-ubyte"), np.uint8, offset=8)
    np.testing.assert_array_equal(mnist.Y_train, labels)


def test_float64_and_first_n(mnist, mnist_folder):
    m = load_mnist(mnist_folder, dtype=np.float64, n_train=300, n_test=200)
    assert m.X_train.dtype == np.float64 and m.X_train.shape == (784, 300) and m.X_test.shape == (784, 200)
    assert m.X_train.flags.f_contiguous
    np.testing.assert_array_equal(m.X_train.astype(np.float32), mnist.X_train[:, :300])
    np.testing.assert_array_equal(m.Y_test, mnist.Y_test[:200])


def test_validation_split_is_seeded_disjoint_and_complete(mnist, mnist_folder):
    a = load_mnist(mnist_folder, validation_size=5000, seed=1)
    assert a.X_train.shape == (784, 55000) and a.X_val.shape == (784, 5000) and a.Y_val.shape == (5000,)
    assert a.X_val.flags.f_contiguous and a.Y_val.dtype == np.int64
    # The documented rule: the first 5000 of the seed's permutation are held out,
    # and both parts keep the files' order — so together they are the training set.
    held_out = np.zeros(60000, dtype=bool)
    held_out[np.random.default_rng(1).permutation(60000)[:5000]] = True
    # (Row-indexing the transposes is the fast way to pick columns of an F-ordered array.)
    assert np.array_equal(a.X_val.T, mnist.X_train.T[held_out])
    assert np.array_equal(a.Y_val, mnist.Y_train[held_out])
    assert np.array_equal(a.X_train.T, mnist.X_train.T[~held_out])
    assert np.array_equal(a.Y_train, mnist.Y_train[~held_out])
    b = load_mnist(mnist_folder, validation_size=5000, seed=2, n_train=1000)
    assert not np.array_equal(a.Y_val, b.Y_val)  # the seed chooses the split
    assert b.X_train.shape == (784, 1000) and b.X_val.shape == (784, 5000)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"dtype": np.int32}, TypeError),
        ({"validation_size": -1}, ValueError),
        ({"validation_size": 60000}, ValueError),
        ({"validation_size": 1.5}, TypeError),
        ({"n_train": 0}, ValueError),
        ({"n_train": 59001, "validation_size": 1000}, ValueError),
        ({"n_test": 10001}, ValueError),
        ({"n_test": "5"}, TypeError),
    ],
)
def test_bad_arguments_are_refused_by_name(kwargs, error, tmp_path):
    with pytest.raises(error, match=next(iter(kwargs))):
        load_mnist(tmp_path, download=False, **kwargs)


def test_unpacked_files_load_too(mnist, mnist_folder, tmp_path):
    for name in MNIST_FILES:
        (tmp_path / name).write_bytes(_unpacked(mnist_folder, name))
    m = load_mnist(tmp_path, n_train=100)
    assert np.array_equal(m.X_test, mnist.X_test)
    assert np.array_equal(m.X_train, mnist.X_train[:, :100])


# --------------------------------------------------------------------------- lookup order


def _fake_folder(path):
    path.mkdir(parents=True)
    for name in MNIST_FILES:
        (path / f"{name}.gz").touch()
    return path


def test_lookup_order_data_dir_then_env_then_cache(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_DATA, raising=False)
    cache = _fake_folder(default_cache_dir())
    assert str(cache).startswith(str(tmp_path / "xdg-cache"))
    assert find_mnist() == cache
    env = _fake_folder(tmp_path / "env")
    monkeypatch.setenv(ENV_DATA, str(env))
    assert find_mnist() == env
    explicit = _fake_folder(tmp_path / "explicit")
    assert find_mnist(explicit) == explicit
    # A folder missing one of the four files does not count.
    (explicit / "t10k-labels-idx1-ubyte.gz").unlink()
    assert find_mnist(explicit) == env


def test_cache_dir_follows_xdg(tmp_path, monkeypatch):
    assert default_cache_dir() == tmp_path / "xdg-cache" / "nn-scratch" / "mnist"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "nn-scratch" / "mnist"


def test_env_var_is_used(mnist, mnist_folder, tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_DATA, str(mnist_folder))
    m = load_mnist(n_train=10, cache_dir=tmp_path / "empty-cache", download=False)
    np.testing.assert_array_equal(m.Y_train, mnist.Y_train[:10])


def test_nothing_found_offline_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_DATA, raising=False)
    with pytest.raises(MNISTNotFoundError) as info:
        load_mnist(tmp_path / "mine", download=False)
    message = str(info.value)
    assert str(tmp_path / "mine") in message and str(default_cache_dir()) in message
    assert ENV_DATA in message and "data_dir" in message and "t10k-labels-idx1-ubyte" in message
    assert not default_cache_dir().exists()  # looking creates nothing


# --------------------------------------------------------------------------- integrity


def _corrupt_copy(mnist_folder, tmp_path, name="t10k-labels-idx1-ubyte"):
    folder = tmp_path / "corrupt"
    folder.mkdir()
    for other in MNIST_FILES:
        shutil.copy(mnist_folder / f"{other}.gz", folder)
    data = bytearray(_unpacked(mnist_folder, name))
    data[-1] = (data[-1] + 1) % 10  # still a valid label: only the hash can tell
    (folder / f"{name}.gz").write_bytes(gzip.compress(bytes(data)))
    return folder, hashlib.sha256(data).hexdigest()


def test_a_modified_file_is_refused_naming_file_and_both_hashes(mnist_folder, tmp_path):
    folder, actual = _corrupt_copy(mnist_folder, tmp_path)
    with pytest.raises(MNISTFileError) as info:
        load_mnist(folder, download=False)
    message = str(info.value)
    assert "t10k-labels-idx1-ubyte.gz" in message
    assert actual in message and MNIST_FILES["t10k-labels-idx1-ubyte"].sha256 in message
    assert (folder / "t10k-labels-idx1-ubyte.gz").exists()  # a user's own folder is never touched
    # verify=False skips only the hash.
    m = load_mnist(folder, download=False, verify=False, n_train=1)
    assert m.Y_test[-1] != load_mnist(mnist_folder, n_train=1).Y_test[-1]


def test_a_bad_file_in_the_cache_is_removed(mnist_folder, tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_DATA, raising=False)
    folder, _ = _corrupt_copy(mnist_folder, tmp_path)
    with pytest.raises(MNISTFileError, match="removed from the cache"):
        load_mnist(cache_dir=folder, download=False)
    assert not (folder / "t10k-labels-idx1-ubyte.gz").exists()
    assert (folder / "t10k-images-idx3-ubyte.gz").exists()


# --------------------------------------------------------------------------- hostile files

IMAGES, LABELS = 0x00000803, 0x00000801


@pytest.mark.parametrize(
    "content, kind, message",
    [
        (_idx(0x00000802, [3], b"\x01\x02\x03"), "labels", "wrong magic number 0x00000802"),
        (_idx(LABELS, [3], b"\x01\x02\x03"), "images", "wrong magic number 0x00000801"),
        (b"<html>not found</html>", "labels", "wrong magic number"),
        (b"\x00\x00", "labels", "truncated"),
        (_idx(LABELS, [5], b"\x01\x02\x03"), "labels", "truncated — expected the 5 labels the header promises"),
        (_idx(LABELS, [2], b"\x01\x02\x03"), "labels", "extra bytes"),
        (_idx(LABELS, [3], b"\x01\x02\x0b"), "labels", "label 11"),
        (_idx(LABELS, [0], b""), "labels", "absurd header: 0 labels"),
        (_idx(IMAGES, [2, 28, 28], bytes(784)), "images", "truncated"),
        (_idx(IMAGES, [1, 2000, 2000], bytes(784)), "images", "2000 × 2000 pixels"),
        (_idx(IMAGES, [2**32 - 1, 28, 28], bytes(784)), "images", f"absurd header: {2**32 - 1} images"),
    ],
    ids=[
        "magic",
        "labels-as-images",
        "html",
        "no-header",
        "short",
        "extra",
        "label-11",
        "empty",
        "short-images",
        "huge-images",
        "2**32-images",
    ],
)
@pytest.mark.parametrize("packed", [False, True], ids=["raw", "gzip"])
def test_hostile_files_are_rejected_clearly(tmp_path, content, kind, message, packed):
    path = tmp_path / "file"
    path.write_bytes(gzip.compress(content) if packed else content)
    with pytest.raises(MNISTFileError, match=message) as info:
        read_idx(path, kind)
    assert str(info.value).startswith(str(path)) and info.value.path == path


@pytest.mark.parametrize("packed", [False, True], ids=["raw", "gzip"])
def test_a_lying_header_allocates_nothing_for_its_claim(tmp_path, packed):
    # The header claims the most images allowed (78 MB); ten are present.
    content = _idx(IMAGES, [MAX_ITEMS, 28, 28], bytes(10 * 784))
    path = tmp_path / "lying"
    path.write_bytes(gzip.compress(content) if packed else content)
    tracemalloc.start()
    try:
        with pytest.raises(MNISTFileError, match=f"the {MAX_ITEMS} images the header promises"):
            read_idx(path, "images")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * 2**20, f"peak {peak} bytes"


def test_a_broken_gzip_stream_is_reported(mnist_folder, tmp_path):
    packed = (mnist_folder / "t10k-labels-idx1-ubyte.gz").read_bytes()
    (tmp_path / "cut.gz").write_bytes(packed[: len(packed) // 2])
    flipped = bytearray(packed)
    flipped[len(packed) // 2] ^= 0xFF
    (tmp_path / "flipped.gz").write_bytes(bytes(flipped))
    for name in ("cut.gz", "flipped.gz"):
        with pytest.raises(MNISTFileError, match="truncated|corrupted|label"):
            read_idx(tmp_path / name, "labels")


def test_the_wrong_count_for_an_official_file_is_refused(tmp_path):
    path = tmp_path / "labels"
    path.write_bytes(_idx(LABELS, [3], b"\x01\x02\x03"))
    with pytest.raises(MNISTFileError, match="announces 3 labels, this file must hold 10000"):
        read_idx(path, "labels", count=10000)
    with pytest.raises(ValueError, match="kind"):
        read_idx(path, "pictures")
