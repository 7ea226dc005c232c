"""Turn a picture of a handwritten digit into the 784 pixels an MNIST network expects.

The network learnt from MNIST, whose digits were prepared in a particular
way: white ink on black, the digit scaled so that its longer side fits in a
20 × 20 box, then placed in a 28 × 28 image so that its centre of mass is at
the centre. A photo or a drawing has to go through the same steps, or the
network sees something unlike anything it trained on:

1. :func:`image_to_ink` — grayscale in ``[0, 1]``, flipped if the digit is dark on light;
2. :func:`bounding_box` and crop — find the digit;
3. :func:`area_matrix` — scale the crop so its longer side is 20 pixels;
4. :func:`centre_of_mass` and placement — centre it in 28 × 28 by its mass;
5. flatten to 784 values, row by row, in the order of MNIST's pixels.

:func:`preprocess_digit` runs steps 2–5. Everything is float64 NumPy with
no other dependency, and the site's drawing page runs the *same* algorithm in
JavaScript; a test checks that both agree to 1e-6.
"""

from __future__ import annotations

import math

import numpy as np

from .idx import SIDE

__all__ = [
    "INK_THRESHOLD",
    "BOX_SIZE",
    "image_to_ink",
    "bounding_box",
    "scaled_size",
    "area_matrix",
    "centre_of_mass",
    "preprocess_digit",
]

INK_THRESHOLD = 0.1
"""A pixel with more ink than this belongs to the digit's bounding box."""

BOX_SIZE = 20
"""The longer side of the digit after scaling, in pixels (as in MNIST)."""

_CENTRE = (SIDE - 1) / 2  # 13.5: the middle of pixel indices 0 … 27
_TIE = 1e-9  # rounds exact halves up whatever the rounding error of the centre of mass
_BORDER_DARK_ON_LIGHT = 0.5  # a border brighter than this means paper is light, ink dark


def image_to_ink(img) -> np.ndarray:
    """Convert a Pillow image to an ink map: a float64 array in ``[0, 1]``, 1 = full ink.

    The image is converted to grayscale (``img.convert("L")``) and divided by 255.
    MNIST digits are light on dark; a scan of pen on paper is the opposite. The
    background shows at the edges, so if the mean of the outermost ring of
    pixels is above 0.5 the image is dark-on-light and is inverted,
    ``ink = 1 − gray``; otherwise ``ink = gray``.

    Parameters
    ----------
    img : PIL.Image.Image
        Any mode Pillow can convert to ``"L"``.

    Returns
    -------
    ndarray of float64, shape (height, width)

    Examples
    --------
    >>> from PIL import Image
    >>> paper = np.full((5, 5), 255, dtype=np.uint8)
    >>> paper[1:4, 2] = 0                      # a dark stroke on white paper
    >>> image_to_ink(Image.fromarray(paper))[:, 2]
    array([0., 1., 1., 1., 0.])
    >>> image_to_ink(Image.fromarray(255 - paper))[:, 2]   # already light on dark
    array([0., 1., 1., 1., 0.])
    """
    gray = np.asarray(img.convert("L"), dtype=np.float64) / 255
    if gray.ndim != 2 or gray.size == 0:
        raise ValueError(f"img must be a non-empty 2-D image, got an array of shape {gray.shape}")
    ring = np.ones(gray.shape, dtype=bool)
    ring[1:-1, 1:-1] = False  # the outermost rows and columns, each pixel once
    if gray[ring].mean() > _BORDER_DARK_ON_LIGHT:
        return 1 - gray
    return gray


def bounding_box(ink: np.ndarray, threshold: float = INK_THRESHOLD) -> tuple[int, int, int, int] | None:
    """Rows and columns ``(top, bottom, left, right)`` (end-exclusive) of the pixels with ink > ``threshold``.

    ``None`` if no pixel has that much ink.

    Examples
    --------
    >>> ink = np.zeros((6, 6)); ink[2:4, 1:5] = 0.8
    >>> bounding_box(ink)
    (2, 4, 1, 5)
    >>> bounding_box(np.full((3, 3), 0.05)) is None
    True
    """
    mask = ink > threshold
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def _round_half_up(x: float) -> int:
    # Python's round() rounds halves to even (round(2.5) == 2); JavaScript's Math.round
    # and this function round them up, so both implementations choose the same size.
    return math.floor(x + 0.5)


def scaled_size(h: int, w: int) -> tuple[int, int]:
    """Size ``(h, w)`` of an ``h × w`` crop once its longer side is :data:`BOX_SIZE`, aspect kept.

    Examples
    --------
    >>> scaled_size(40, 10), scaled_size(10, 40), scaled_size(3, 3), scaled_size(100, 1)
    ((20, 5), (5, 20), (20, 20), (20, 1))
    """
    if h >= w:
        return BOX_SIZE, max(1, _round_half_up(BOX_SIZE * w / h))
    return max(1, _round_half_up(BOX_SIZE * h / w)), BOX_SIZE


def area_matrix(n_out: int, n_in: int) -> np.ndarray:
    r"""Resampling weights ``R`` (``n_out × n_in``) for exact area averaging along one axis.

    Output pixel $j$ covers the input interval
    $[\,j\,n_{in}/n_{out},\ (j+1)\,n_{in}/n_{out})$; its value is the mean of
    the input pixels weighted by how much of each the interval covers. So
    ``R[j, i]`` is the overlap of input pixel $[i, i+1)$ with that interval,
    divided by the interval's length, and every row sums to 1. Scaling a crop
    is then two matrix products, ``Ry @ crop @ Rx.T``. Unlike sampling, area
    averaging keeps every stroke's total ink, so thin lines do not vanish when
    shrunk.

    Examples
    --------
    >>> area_matrix(2, 4)                      # halve: average pairs
    array([[0.5, 0.5, 0. , 0. ],
           [0. , 0. , 0.5, 0.5]])
    >>> area_matrix(2, 3)                      # the middle pixel is shared
    array([[0.66666667, 0.33333333, 0.        ],
           [0.        , 0.33333333, 0.66666667]])
    >>> area_matrix(3, 1).ravel()              # enlarge: copies
    array([1., 1., 1.])
    """
    step = n_in / n_out  # input pixels per output pixel
    j = np.arange(n_out, dtype=np.float64)[:, None]
    i = np.arange(n_in, dtype=np.float64)[None, :]
    start, end = j * n_in / n_out, (j + 1) * n_in / n_out
    overlap = np.clip(np.minimum(end, i + 1) - np.maximum(start, i), 0, None)
    return overlap / step


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    r"""Centre of mass ``(cy, cx)`` of ``image`` in pixel-index coordinates.

    $c_y = \sum_{y,x} y\,v_{yx} / \sum v$ and likewise for $c_x$.

    Examples
    --------
    >>> image = np.zeros((5, 5)); image[1, 1] = 1; image[1, 3] = 3
    >>> centre_of_mass(image)
    (1.0, 2.5)
    """
    total = image.sum()
    ys, xs = np.arange(image.shape[0]), np.arange(image.shape[1])
    return float(ys @ image.sum(axis=1) / total), float(xs @ image.sum(axis=0) / total)


def preprocess_digit(ink) -> np.ndarray:
    """Crop, scale and centre an ink map as MNIST did; return the 784 pixels.

    Steps: crop to the :func:`bounding_box` of ink > :data:`INK_THRESHOLD`;
    scale by area averaging (:func:`area_matrix`) so the longer side is
    :data:`BOX_SIZE` = 20 pixels (:func:`scaled_size`); put the box in a
    28 × 28 zero image at ``((28 − h) // 2, (28 − w) // 2)``; move it by
    ``floor(13.5 − c + 0.5)`` along each axis (exact halves rounded up), where ``c`` is the
    :func:`centre_of_mass` there, keeping it inside the image; clip to
    ``[0, 1]``; flatten row by row.

    Parameters
    ----------
    ink : array_like of shape (height, width)
        Values in ``[0, 1]``, 1 = full ink (see :func:`image_to_ink`).

    Returns
    -------
    ndarray of float64, shape (784,)
        One column of ``X``: ``net.predict(x[:, None])``.

    Raises
    ------
    ValueError
        If ``ink`` is not 2-D, not within ``[0, 1]``, or no pixel exceeds the threshold
        ("no digit found").

    Examples
    --------
    >>> ink = np.zeros((50, 60)); ink[5:45, 10:20] = 1.0   # a 40 × 10 bar, off-centre
    >>> x = preprocess_digit(ink)
    >>> x.shape
    (784,)
    >>> image = x.reshape(28, 28)
    >>> bounding_box(image)                                 # 20 × 5, centred
    (4, 24, 12, 17)
    >>> centre_of_mass(image)
    (13.5, 14.0)
    """
    ink = np.asarray(ink)
    if ink.dtype == object or not (np.issubdtype(ink.dtype, np.number) or ink.dtype == bool):
        raise TypeError(f"ink must be a numeric array, got dtype {ink.dtype}")
    if ink.ndim != 2:
        raise ValueError(f"ink must be a 2-D image (height × width), got shape {ink.shape}")
    ink = ink.astype(np.float64)
    if not np.isfinite(ink).all() or ink.min() < 0 or ink.max() > 1:
        raise ValueError(f"ink must hold values in [0, 1] (1 = full ink), got range [{ink.min()}, {ink.max()}]")
    box = bounding_box(ink)
    if box is None:
        raise ValueError(
            f"no digit found: no pixel of the {ink.shape[0]} × {ink.shape[1]} image has ink > {INK_THRESHOLD}"
        )
    top, bottom, left, right = box
    crop = ink[top:bottom, left:right]
    h, w = scaled_size(*crop.shape)
    digit = area_matrix(h, crop.shape[0]) @ crop @ area_matrix(w, crop.shape[1]).T

    image = np.zeros((SIDE, SIDE))
    y0, x0 = (SIDE - h) // 2, (SIDE - w) // 2
    image[y0 : y0 + h, x0 : x0 + w] = digit
    cy, cx = centre_of_mass(image)
    # Shift so the centre of mass lands on the middle pixel, as MNIST's digits were placed.
    # _TIE nudges exact halves up: a symmetric digit has c = 13.0 exactly, and the last
    # bit of a float sum must not decide between two placements (digit.js does the same).
    y1 = min(max(y0 + math.floor(_CENTRE - cy + 0.5 + _TIE), 0), SIDE - h)
    x1 = min(max(x0 + math.floor(_CENTRE - cx + 0.5 + _TIE), 0), SIDE - w)
    image = np.zeros((SIDE, SIDE))
    image[y1 : y1 + h, x1 : x1 + w] = digit
    return np.clip(image, 0, 1).ravel()
