"""The maths module: unit tests and hypothesis properties of softmax and one_hot."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nn_scratch.maths import (
    cross_entropy,
    get_accuracy,
    get_predictions,
    one_hot,
    relu,
    relu_prime,
    softmax,
)

finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)
matrices = st.tuples(st.integers(1, 12), st.integers(1, 9)).flatmap(
    lambda shape: arrays(np.float64, shape, elements=finite)
)


def test_relu_and_its_derivative():
    Z = np.array([[-1.5, 0.0, 2.0], [3.0, -0.1, 0.2]])
    assert np.array_equal(relu(Z), [[0, 0, 2.0], [3.0, 0, 0.2]])
    assert np.array_equal(relu_prime(Z), [[0, 0, 1], [1, 0, 1]])
    assert relu_prime(Z.astype(np.float32)).dtype == np.float32


def test_relu_prime_matches_finite_difference_away_from_the_kink():
    Z = np.linspace(-3, 3, 61).reshape(1, -1)
    Z = Z[np.abs(Z) > 1e-3].reshape(1, -1)
    h = 1e-6
    numeric = (relu(Z + h) - relu(Z - h)) / (2 * h)
    assert np.allclose(relu_prime(Z), numeric)


def test_softmax_worked_example():
    z = np.array([[1.3], [5.1], [2.2], [0.7], [1.1]])
    a = softmax(z).ravel()
    assert np.allclose(a, [0.02, 0.90, 0.05, 0.01, 0.02], atol=0.005)
    assert np.allclose(a, np.exp(z.ravel()) / np.exp(z.ravel()).sum())


def test_softmax_is_per_column():
    Z = np.array([[1.0, 10.0], [2.0, 10.0]])
    A = softmax(Z)
    assert np.allclose(A[:, 1], [0.5, 0.5])  # normalising the whole matrix would not give this
    assert np.allclose(A.sum(axis=0), 1)


def test_softmax_of_a_column_of_thousands_is_finite():
    A = softmax(np.full((10, 3), 1000.0))
    assert np.isfinite(A).all()
    assert np.allclose(A, 0.1)


def test_softmax_rejects_vectors():
    with pytest.raises(ValueError, match="2-D"):
        softmax(np.array([1.0, 2.0]))


@settings(max_examples=200, deadline=None)
@given(matrices)
def test_softmax_columns_are_probabilities(Z):
    A = softmax(Z)
    assert A.shape == Z.shape
    assert (A >= 0).all()
    assert np.allclose(A.sum(axis=0), 1)


@settings(max_examples=200, deadline=None)
@given(matrices, st.lists(finite, min_size=9, max_size=9))
def test_softmax_is_invariant_to_adding_a_constant_to_a_column(Z, shifts):
    c = np.array(shifts[: Z.shape[1]])
    assert np.allclose(softmax(Z + c), softmax(Z), atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(
    st.tuples(st.integers(1, 10), st.integers(1, 6)).flatmap(
        lambda s: arrays(np.float64, s, elements=st.floats(-1e300, 1e300))
    )
)
def test_softmax_is_finite_for_huge_inputs(Z):
    A = softmax(Z)
    assert np.isfinite(A).all()
    assert np.allclose(A.sum(axis=0), 1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=50))
def test_one_hot_shape_and_content(labels):
    Y = np.array(labels)
    H = one_hot(Y)
    assert H.shape == (10, len(labels))  # never depends on which labels are present
    assert np.array_equal(H.sum(axis=0), np.ones(len(labels)))
    assert np.array_equal(H.argmax(axis=0), Y)


def test_one_hot_without_a_nine_still_has_ten_rows():
    assert one_hot(np.array([0, 1, 2])).shape == (10, 3)


@pytest.mark.parametrize(
    "labels, error, message",
    [
        ([0, 10], ValueError, "label 10 outside the range 0–9"),
        ([-1, 3], ValueError, "label -1"),
        ([0.5], TypeError, "integer class labels"),
        ([], ValueError, "empty"),
        ([[0, 1], [2, 3]], ValueError, "1-D"),
    ],
)
def test_one_hot_rejects_bad_labels(labels, error, message):
    with pytest.raises(error, match=message):
        one_hot(np.array(labels))


def test_cross_entropy_matches_the_one_hot_formula():
    rng = np.random.default_rng(0)
    A = softmax(rng.normal(size=(10, 7)))
    Y = rng.integers(0, 10, 7)
    expected = -np.sum(one_hot(Y) * np.log(A)) / 7
    assert cross_entropy(A, Y) == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_of_a_zero_probability_is_finite():
    A = np.array([[1.0, 0.5], [0.0, 0.5]])
    loss = cross_entropy(A, np.array([1, 0]))
    assert np.isfinite(loss) and loss > 300  # −log(tiny)/2 ≈ 354
    loss32 = cross_entropy(A.astype(np.float32), np.array([1, 0]))
    assert np.isfinite(loss32)


def test_cross_entropy_checks_label_count():
    with pytest.raises(ValueError, match="3 labels but there are 2 examples"):
        cross_entropy(np.full((10, 2), 0.1), np.array([1, 2, 3]))


def test_predictions_and_accuracy():
    A = np.array([[0.9, 0.2, 0.1], [0.1, 0.8, 0.9]])
    assert np.array_equal(get_predictions(A), [0, 1, 1])
    assert get_accuracy(get_predictions(A), np.array([0, 1, 0])) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="same shape"):
        get_accuracy(np.array([1, 2]), np.array([1, 2, 3]))
