"""The same code on other array libraries: array_api_strict and PyTorch CPU tensors give NumPy's numbers.

array_api_strict is the standard's reference implementation: it refuses every
function, method and implicit conversion the Python array API standard does
not define, so a test that passes on it proves the package uses only the
standard. PyTorch is a real second library with its own kernels. Both are
compared with NumPy in float64: one forward and backward pass to 1e-10
relative, a few training steps to 1e-8.

The tests marked ``cuda`` run the same comparisons on a GPU (CuPy,
``torch.cuda``); where no GPU is present they are skipped, saying so.
``benchmarks/gpu_check.py`` runs them on a machine that has one.
"""

from __future__ import annotations

import needs
import numpy as np
import pytest

import nn_scratch as nn
from nn_scratch.saving import load_model, network_to_dict, save_model

BACKENDS = ["array_api_strict", "torch"]


def _library(name: str):
    """Import a test dependency; missing, it fails in CI and skips on a developer's machine (tests/needs.py)."""
    return needs.library(name)


@pytest.fixture(params=BACKENDS)
def lib(request):
    """The array library under test, as the user imports it."""
    return _library(request.param)


def host(a) -> np.ndarray:
    """An array of any library on the CPU, as NumPy (through DLPack, as the standard prescribes)."""
    return np.from_dlpack(a)


def close(a, b, rtol: float) -> None:
    np.testing.assert_allclose(host(a), b, rtol=rtol, atol=0)


@pytest.fixture
def batch():
    rng = np.random.default_rng(3)
    X = rng.random((20, 12))  # float64: the comparisons are about the arithmetic, not rounding
    Y = rng.integers(0, 3, 12)
    return X, Y


def test_maths_functions_give_numpys_numbers(lib):
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((5, 7))
    Y = rng.integers(0, 5, 7)
    Zx, Yx = lib.asarray(Z), lib.asarray(Y)
    close(nn.relu(Zx), nn.relu(Z), 0)
    close(nn.relu_prime(Zx), nn.relu_prime(Z), 0)
    close(nn.softmax(Zx), nn.softmax(Z), 1e-12)
    close(nn.one_hot(Yx, 5), nn.one_hot(Y, 5), 0)
    assert host(nn.one_hot(Yx, 5, dtype=lib.float32)).dtype == np.float32
    A, Ax = nn.softmax(Z), nn.softmax(Zx)
    assert nn.cross_entropy(Ax, Yx) == pytest.approx(nn.cross_entropy(A, Y), rel=1e-12)
    np.testing.assert_array_equal(host(nn.get_predictions(Ax)), nn.get_predictions(A))
    assert nn.get_accuracy(nn.get_predictions(Ax), Yx) == nn.get_accuracy(nn.get_predictions(A), Y)


def test_one_forward_and_backward_pass_agree_to_1e_10(lib):
    rng = np.random.default_rng(1)
    X, Y = rng.random((784, 16)), rng.integers(0, 10, 16)
    for sizes in ((784, 10, 10), (784, 50, 20, 10)):
        params = nn.init_params(sizes, seed=0, dtype=np.float64)
        params_x = {k: lib.asarray(P) for k, P in params.items()}
        A, cache = nn.forward_prop(params, X)
        Ax, cache_x = nn.forward_prop(params_x, lib.asarray(X))
        close(Ax, A, 1e-10)
        for k in cache:
            close(cache_x[k], cache[k], 1e-10)
        grads = nn.backward_prop(params, cache, Y)
        grads_x = nn.backward_prop(params_x, cache_x, lib.asarray(Y))
        assert sorted(grads_x) == sorted(grads)
        for k in grads:
            close(grads_x[k], grads[k], 1e-10)
        nn.update_params(params, grads, 0.5)
        nn.update_params(params_x, grads_x, 0.5)
        for k in params:
            close(params_x[k], params[k], 1e-10)


def test_parameters_are_the_same_numbers_on_every_library(lib):
    for dtype in (np.float32, np.float64):
        net = nn.Network((784, 10, 10), seed=7, dtype=dtype)
        other = nn.Network((784, 10, 10), seed=7, dtype=dtype, xp=lib)
        assert other.xp is not np
        for k in net.params:
            np.testing.assert_array_equal(host(other.params[k]), net.params[k])
            assert host(other.params[k]).dtype == dtype


def test_network_methods_on_the_library_give_numpys_numbers(lib, batch):
    X, Y = batch
    net = nn.Network((20, 7, 5, 3), seed=0, dtype=np.float64)
    other = net.to(lib)
    assert other.layer_sizes == net.layer_sizes
    assert "xp=" in repr(other) and "float64" in repr(other)
    for given in ((X, Y), (lib.asarray(X), lib.asarray(Y))):  # NumPy inputs move; the library's stay
        close(other.predict_proba(given[0]), net.predict_proba(X), 1e-10)
        np.testing.assert_array_equal(host(other.predict(given[0])), net.predict(X))
        assert other.loss(*given) == pytest.approx(net.loss(X, Y), rel=1e-10)
        assert other.accuracy(*given) == net.accuracy(X, Y)
        A, cache = net.forward(X)
        Ax, cache_x = other.forward(given[0])
        grads, grads_x = net.backward(cache, Y), other.backward(cache_x, given[1])
        for k in grads:
            close(grads_x[k], grads[k], 1e-10)
    other.update(grads_x, 0.1)
    net.update(grads, 0.1)
    for k in net.params:
        close(other.params[k], net.params[k], 1e-10)
    # net.W1 = … stays on the network's library, whatever it was given
    other.b1 = np.ones((7, 1))
    assert other.xp is not np and float(host(other.b1).sum()) == 7.0
    back = other.to(np)
    assert back.xp is np and all(np.array_equal(back.params[k], host(other.params[k])) for k in net.params)


def test_a_few_sgd_steps_agree_to_1e_8(lib):
    rng = np.random.default_rng(2)
    X, Y = rng.random((784, 320)), rng.integers(0, 10, 320)
    options = dict(alpha=0.1, epochs=2, batch_size=64, momentum=0.9, weight_decay=1e-4, seed=0)
    net = nn.Network((784, 10, 10), seed=0, dtype=np.float64)
    other = nn.Network((784, 10, 10), seed=0, dtype=np.float64, xp=lib)
    h = nn.sgd(net, X, Y, **options, X_val=X[:, :50], Y_val=Y[:50])
    h_x = nn.sgd(other, X, Y, **options, X_val=X[:, :50], Y_val=Y[:50])
    for k in net.params:
        close(other.params[k], net.params[k], 1e-8)
    np.testing.assert_allclose(h_x.loss, h.loss, rtol=1e-8)
    assert h_x.train_accuracy == h.train_accuracy and h_x.val_accuracy == h.val_accuracy


def test_full_batch_gradient_descent_agrees_to_1e_8(lib, batch):
    X, Y = batch
    net = nn.Network((20, 7, 5, 3), seed=0, dtype=np.float64)
    other = net.to(lib)
    h = nn.gradient_descent(net, X, Y, alpha=0.5, iterations=15, log_every=5)
    h_x = nn.gradient_descent(other, lib.asarray(X), lib.asarray(Y), alpha=0.5, iterations=15, log_every=5)
    np.testing.assert_allclose(h_x.loss, h.loss, rtol=1e-8)
    for k in net.params:
        close(other.params[k], net.params[k], 1e-8)


def test_gradient_check_takes_a_network_of_any_library(lib, batch):
    X, Y = batch
    net = nn.Network((20, 7, 5, 3), seed=0, dtype=np.float64)
    error = nn.gradient_check(net.to(lib), lib.asarray(X), lib.asarray(Y), per_parameter=True)
    assert error == nn.gradient_check(net, X, Y, per_parameter=True)
    assert max(error.values()) < nn.gradcheck.TOLERANCE


def test_saving_and_exporting_go_through_numpy(lib, tmp_path):
    net = nn.Network((20, 7, 3), seed=0).to(lib)
    loaded = load_model(save_model(net, tmp_path / "m.npz"))
    assert loaded.xp is np
    assert all(np.array_equal(loaded.params[k], host(net.params[k])) for k in loaded.params)
    assert network_to_dict(net)["dtype"] == "float32"


def test_numpy_inputs_move_once_per_call_not_per_step(monkeypatch):
    xp = _library("array_api_strict")
    moved = []
    real = xp.asarray
    monkeypatch.setattr(xp, "asarray", lambda *a, **k: moved.append(1) or real(*a, **k))
    rng = np.random.default_rng(0)
    X, Y = rng.random((20, 256)), rng.integers(0, 3, 256)
    counts = []
    for batch_size in (128, 16):  # 2 and 16 steps per epoch
        net = nn.Network((20, 7, 3), seed=0, dtype=np.float64, xp=xp)
        moved.clear()
        nn.sgd(net, X, Y, alpha=0.1, epochs=2, batch_size=batch_size)
        counts.append(len(moved))
    # X and Y once, and one shuffled order per epoch — however many steps.
    assert counts == [4, 4]


def test_mixing_libraries_names_both():
    torch = _library("torch")
    strict = _library("array_api_strict")
    X, Y = np.ones((4, 2)), np.array([0, 1])
    on_numpy = nn.Network((4, 3, 2))
    with pytest.raises(TypeError, match=r"X is an array of torch but the network's parameters are arrays of numpy"):
        on_numpy.predict(torch.ones((4, 2)))
    on_torch = nn.Network((4, 3, 2), xp=torch)
    with pytest.raises(
        TypeError, match=r"X is an array of array_api_strict but the network's parameters are arrays of torch"
    ):
        on_torch.predict(strict.ones((4, 2)))
    with pytest.raises(TypeError, match=r"Y is an array of array_api_strict but .* arrays of torch"):
        on_torch.loss(X, strict.asarray(Y))
    with pytest.raises(TypeError, match=r"cannot be mixed: got array_api_strict and torch"):
        nn.get_accuracy(torch.asarray(Y), strict.asarray(Y))
    with pytest.raises(TypeError, match=r"cannot be mixed: got numpy and torch"):
        nn.forward_prop(nn.init_params((4, 3, 2)), torch.ones((4, 2)))
    with pytest.raises(TypeError, match=r"X_val is an array of array_api_strict but .* arrays of torch"):
        nn.sgd(on_torch, X, Y, X_val=strict.ones((4, 2)), Y_val=Y)


def test_an_unknown_library_is_refused_by_name():
    import math

    with pytest.raises(TypeError, match=r"xp must be an array library such as numpy, cupy, torch"):
        nn.Network((4, 3, 2), xp=math)

    class NotAnArrayLibrary:
        @staticmethod
        def asarray(x, device=None):
            return object()

    with pytest.raises(TypeError, match=r"is not an array library nn_scratch can use.*object is not an array"):
        nn.Network((4, 3, 2), xp=NotAnArrayLibrary)
    with pytest.raises(TypeError, match=r"builtins.list is not an array of a known array library"):
        nn.forward_prop(nn.init_params((4, 3, 2)), [[1.0]] * 4)


def test_a_device_that_is_not_there_is_named_with_the_library():
    """A device the library cannot reach is one clear error, not PyTorch's NotImplementedError from inside."""
    torch = _library("torch")
    missing = "cuda:7" if not torch.cuda.is_available() or torch.cuda.device_count() <= 7 else "cuda:1000"
    with pytest.raises(ValueError, match=rf"device='{missing}' is not available to torch on this machine"):
        nn.Network((4, 3, 2), xp=torch, device=missing)
    with pytest.raises(ValueError, match=r"device='banana' is not available to torch.*leave device out"):
        nn.Network((4, 3, 2), seed=0).to(torch, device="banana")
    with pytest.raises(ValueError, match=r"device='cuda' is not available to numpy"):
        nn.Network((4, 3, 2), device="cuda")


def test_784_10_10_trains_on_torch_tensors_like_numpy(mnist):
    """The public API on PyTorch CPU tensors reaches NumPy's test accuracy from the same seed."""
    torch = _library("torch")
    n = 10_000
    X = mnist.X_train[:, :n].astype(np.float64)
    Y = mnist.Y_train[:n]
    X_test, Y_test = mnist.X_test.astype(np.float64), mnist.Y_test
    results = []
    for xp, to in ((np, np.asarray), (torch, torch.asarray)):
        net = nn.Network((784, 10, 10), seed=0, dtype=np.float64, xp=xp)
        nn.sgd(net, to(X), to(Y), alpha=0.1, epochs=2, batch_size=64, seed=0)
        results.append(net.accuracy(to(X_test), to(Y_test)))
    assert results[0] > 0.85
    assert results[1] == results[0]


# --- On a GPU (skipped, with the reason, where none is present) -------------------------------


def _cuda_libraries():
    found = []
    try:
        import torch

        if torch.cuda.is_available():
            found.append(pytest.param((torch, "cuda"), id="torch.cuda"))
        else:
            found.append(
                pytest.param(
                    None, id="torch.cuda", marks=pytest.mark.skip(f"torch.cuda: no CUDA GPU here; {needs.HOW['cuda']}")
                )
            )
    except ImportError:
        found.append(
            pytest.param(None, id="torch.cuda", marks=pytest.mark.skip(f"torch is not installed: {needs.HOW['torch']}"))
        )
    try:
        import cupy

        ok = cupy.cuda.runtime.getDeviceCount() > 0
    except ImportError:
        found.append(
            pytest.param(None, id="cupy", marks=pytest.mark.skip(f"CuPy is not installed: {needs.HOW['cupy']}"))
        )
    except Exception as err:  # CuPy without a driver or a device raises its own CUDA errors
        found.append(
            pytest.param(
                None, id="cupy", marks=pytest.mark.skip(f"CuPy finds no CUDA GPU ({err}); {needs.HOW['cuda']}")
            )
        )
    else:
        marks = [] if ok else [pytest.mark.skip(f"CuPy finds no CUDA GPU; {needs.HOW['cuda']}")]
        found.append(pytest.param((cupy, None), id="cupy", marks=marks))
    return found


def from_gpu(a) -> np.ndarray:
    """A CuPy array or a CUDA tensor, copied to the host."""
    return a.get() if type(a).__module__.startswith("cupy") else a.cpu().numpy()


@pytest.mark.cuda
@pytest.mark.parametrize("gpu", _cuda_libraries())
def test_on_a_gpu_one_pass_and_a_few_steps_agree_with_numpy(gpu):
    lib, device = gpu
    rng = np.random.default_rng(1)
    X, Y = rng.random((784, 256)), rng.integers(0, 10, 256)
    net = nn.Network((784, 50, 20, 10), seed=0, dtype=np.float64)
    on_gpu = nn.Network((784, 50, 20, 10), seed=0, dtype=np.float64, xp=lib, device=device)
    A, cache = net.forward(X)
    A_g, cache_g = on_gpu.forward(X)
    np.testing.assert_allclose(from_gpu(A_g), A, rtol=1e-10)
    grads, grads_g = net.backward(cache, Y), on_gpu.backward(cache_g, Y)
    for k in grads:
        np.testing.assert_allclose(from_gpu(grads_g[k]), grads[k], rtol=1e-10)
    nn.sgd(net, X, Y, alpha=0.1, epochs=2, batch_size=64, momentum=0.9)
    nn.sgd(on_gpu, X, Y, alpha=0.1, epochs=2, batch_size=64, momentum=0.9)
    back = on_gpu.to(np)
    for k in net.params:
        np.testing.assert_allclose(back.params[k], net.params[k], rtol=1e-8)
    assert on_gpu.accuracy(X, Y) == net.accuracy(X, Y)
