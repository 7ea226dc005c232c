"""Preprocessing images of digits into MNIST-like 784-vectors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from nn_scratch.preprocess import (
    BOX_SIZE,
    INK_THRESHOLD,
    area_matrix,
    bounding_box,
    centre_of_mass,
    image_to_ink,
    preprocess_digit,
    scaled_size,
)


def _digit(mnist, i) -> np.ndarray:
    """Test digit ``i`` as a 28 × 28 float64 ink map, exactly its file bytes / 255."""
    return mnist.X_test[:, i].astype(np.float64).reshape(28, 28)


# --------------------------------------------------------------------------- step 1: ink


@pytest.mark.parametrize("mode", ["L", "RGB", "LA"])
def test_image_to_ink_inverts_only_dark_on_light(mode):
    gray = np.zeros((8, 6), np.uint8)
    gray[2:6, 2:4] = 200
    light_on_dark = Image.fromarray(gray).convert(mode)
    dark_on_light = Image.fromarray(255 - gray).convert(mode)
    expected = gray / 255
    np.testing.assert_allclose(image_to_ink(light_on_dark), expected, atol=1e-15)
    np.testing.assert_allclose(image_to_ink(dark_on_light), expected, atol=1e-15)
    assert image_to_ink(light_on_dark).dtype == np.float64


def test_polarity_is_decided_by_the_border_mean_above_one_half():
    # A 4 × 4 image has a ring of 12 border pixels; the middle 2 × 2 is not looked at.
    img = np.zeros((4, 4), np.uint8)
    img[1:3, 1:3] = 255
    img[0, :] = 255
    img[1:3, 0] = 255  # 6 of the 12 ring pixels white: mean exactly 0.5, not "light"
    np.testing.assert_array_equal(image_to_ink(Image.fromarray(img)), img / 255)
    img[1, -1] = 255  # 7 of 12: now the paper is light and the image is inverted
    np.testing.assert_allclose(image_to_ink(Image.fromarray(img)), 1 - img / 255)


# --------------------------------------------------------------------------- steps 2–4


def test_round_half_up_not_to_even():
    # 20·1/8 = 2.5 → 3 (Python's round would give 2); 20·3/8 = 7.5 → 8 (round: 8).
    assert scaled_size(8, 1) == (20, 3) and scaled_size(8, 3) == (20, 8)
    assert scaled_size(1, 8) == (3, 20)
    assert scaled_size(200, 1) == (20, 1)  # never 0 wide


@settings(max_examples=60, deadline=None)
@given(n_out=st.integers(1, 40), n_in=st.integers(1, 40))
def test_area_matrix_rows_sum_to_one_and_conserve_ink(n_out, n_in):
    R = area_matrix(n_out, n_in)
    assert R.shape == (n_out, n_in) and (R >= 0).all()
    np.testing.assert_allclose(R.sum(axis=1), 1, rtol=1e-12)
    # Each input pixel is shared out completely: total ink scales by n_out / n_in.
    np.testing.assert_allclose(R.sum(axis=0), n_out / n_in, rtol=1e-12)


def test_area_matrix_matches_a_brute_force_integral():
    # Split every pixel into 1000 pieces and average the pieces each output covers.
    n_out, n_in, k = 7, 5, 1000
    fine = np.repeat(np.eye(n_in), k, axis=1)  # input pixel i, sampled at n_in·k points
    starts = np.arange(n_out) * n_in * k // n_out
    brute = np.stack([fine[:, a:b].mean(axis=1) for a, b in zip(starts, list(starts[1:]) + [n_in * k], strict=True)])
    np.testing.assert_allclose(area_matrix(n_out, n_in), brute, atol=2e-3)


@settings(max_examples=40, deadline=None)
@given(
    h=st.integers(1, 50),
    w=st.integers(1, 50),
    top=st.integers(0, 30),
    left=st.integers(0, 30),
    seed=st.integers(0, 2**16),
)
def test_any_blob_is_scaled_to_20_and_centred(h, w, top, left, seed):
    ink = np.zeros((top + h + 5, left + w + 3))
    blob = np.random.default_rng(seed).uniform(0.2, 1.0, (h, w))
    ink[top : top + h, left : left + w] = blob
    x = preprocess_digit(ink)
    assert x.shape == (784,) and x.dtype == np.float64
    assert 0 <= x.min() and x.max() <= 1
    image = x.reshape(28, 28)
    t, b, l, r = bounding_box(image, threshold=0)
    assert (b - t, r - l) == scaled_size(h, w) and max(b - t, r - l) == BOX_SIZE
    cy, cx = centre_of_mass(image)
    # Rounding the shift leaves the centre within half a pixel of 13.5 (a blob of fairly
    # even ink has its centre near the middle of its box, so no clipping to the edge).
    assert abs(cy - 13.5) <= 0.5 + 1e-9 and abs(cx - 13.5) <= 0.5 + 1e-9
    # Ink is conserved up to the scale factor of the area average.
    scale = (b - t) * (r - l) / (h * w)
    np.testing.assert_allclose(image.sum(), blob.sum() * scale, rtol=1e-9)
    # Where the digit sits on the canvas does not matter.
    moved = np.zeros((h + 40, w + 40))
    moved[40:, 40:] = blob
    np.testing.assert_array_equal(preprocess_digit(moved), x)


def test_faint_pixels_do_not_widen_the_box():
    ink = np.zeros((30, 30))
    ink[5:25, 10:20] = 1.0
    ink[0, 0] = INK_THRESHOLD  # at the threshold, not above: not part of the digit
    reference = np.zeros((30, 30))
    reference[5:25, 10:20] = 1.0
    reference[0, 0] = 0
    assert bounding_box(ink) == (5, 25, 10, 20)
    np.testing.assert_array_equal(preprocess_digit(ink), preprocess_digit(reference))


@pytest.mark.parametrize(
    "ink, error, message",
    [
        (np.zeros((28, 28)), ValueError, "no digit found"),
        (np.full((5, 5), INK_THRESHOLD), ValueError, "no digit found"),
        (np.zeros(784), ValueError, "2-D"),
        (np.full((4, 4), 2.0), ValueError, r"\[0, 1\]"),
        (np.full((4, 4), np.nan), ValueError, r"\[0, 1\]"),
        (np.array([["a"]]), TypeError, "numeric"),
    ],
)
def test_bad_ink_is_refused(ink, error, message):
    with pytest.raises(error, match=message):
        preprocess_digit(ink)


# --------------------------------------------------------------------------- on MNIST


def test_an_mnist_digit_comes_back_as_itself(mnist):
    # MNIST digits already fill a 20-pixel box and are centred by mass, so
    # preprocessing may only drop their faint (≤ 0.1) pixels outside the box and
    # move them by at most one pixel: MNIST put the centre of mass near (14, 14),
    # this algorithm at 13.5 rounded.
    shifts = set()
    for i in range(300):
        digit = _digit(mnist, i)
        top, bottom, left, right = bounding_box(digit)
        kept = np.zeros_like(digit)
        kept[top:bottom, left:right] = digit[top:bottom, left:right]
        out = preprocess_digit(digit).reshape(28, 28)
        t, _, l, _ = bounding_box(out)
        shift = (t - top, l - left)
        assert max(abs(shift[0]), abs(shift[1])) <= 1
        np.testing.assert_allclose(out, np.roll(kept, shift, axis=(0, 1)), atol=1e-12)
        shifts.add(shift)
    assert (0, 0) in shifts  # most often it is already in place


def test_a_digit_pasted_anywhere_in_either_polarity_gives_the_same_pixels(mnist):
    digit = _digit(mnist, 0)
    expected = preprocess_digit(digit)
    pixels = np.rint(digit * 255).astype(np.uint8)
    canvas = np.zeros((90, 70), np.uint8)
    canvas[50:78, 3:31] = pixels
    for img in (Image.fromarray(canvas), Image.fromarray(255 - canvas), Image.fromarray(canvas).convert("RGB")):
        np.testing.assert_allclose(preprocess_digit(image_to_ink(img)), expected, atol=1e-12)
