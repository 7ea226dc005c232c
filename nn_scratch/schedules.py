"""Learning-rate schedules: the factor by which :func:`~nn_scratch.training.sgd` scales ``alpha`` each epoch."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

__all__ = ["SCHEDULES", "cosine_schedule", "scheduled_alpha"]


def cosine_schedule(epochs: int) -> Callable[[int], float]:
    r"""The schedule $e \mapsto \tfrac12 (1 + \cos(\pi e / E))$ over $E$ epochs: 1 at the start, near 0 at the end.

    Examples
    --------
    >>> s = cosine_schedule(4)
    >>> [round(s(e), 3) for e in range(4)]
    [1.0, 0.854, 0.5, 0.146]
    """
    return lambda e: 0.5 * (1 + math.cos(math.pi * e / epochs))


SCHEDULES = {"cosine": cosine_schedule}
"""Schedules :func:`~nn_scratch.training.sgd` knows by name, so that a training recipe can be plain data (JSON)."""


def scheduled_alpha(alpha_0: float, schedule: Callable[[int], float], epoch: int) -> float:
    """``alpha_0`` times ``schedule(epoch)``, after checking the factor is positive and finite.

    Examples
    --------
    >>> round(scheduled_alpha(0.1, cosine_schedule(2), 1), 6)
    0.05
    """
    factor = schedule(epoch)
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not (0 < factor < math.inf):
        raise ValueError(f"schedule({epoch}) must return a positive finite factor, got {factor!r}")
    return alpha_0 * float(factor)
