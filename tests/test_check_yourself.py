"""The teaching pages keep two promises: every maths page ends with exercises whose
answers are doctests, and every gradient check is judged by the one policy of
``nn_scratch.gradcheck`` (``TOLERANCE``), never by a number typed on a page.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from nn_scratch import backward_prop, forward_prop, gradient_check, init_params
from nn_scratch.gradcheck import EPSILON, TOLERANCE

REPO = Path(__file__).resolve().parents[1]
MATHS = sorted((REPO / "docs" / "maths").glob("*.md"))

QUESTION = re.compile(r"^\?\?\?\+? question ", re.MULTILINE)
ANSWER = re.compile(r'^    \?\?\? success "Answer"\n(?P<body>(?:\n|        .*\n)+)', re.MULTILINE)


def test_there_are_maths_pages():
    assert {"backprop.md", "general.md", "notation.md"} <= {md.name for md in MATHS}


@pytest.mark.parametrize("md", MATHS, ids=lambda md: md.name)
def test_each_maths_page_ends_with_exercises_answered_by_doctests(md):
    text = md.read_text(encoding="utf-8")
    assert "\n## Check yourself\n" in text, f"{md.name} has no 'Check yourself' section"
    exercises = text.split("\n## Check yourself\n", 1)[1]
    assert "\n## " not in exercises, f"{md.name}: 'Check yourself' must be the last section"
    questions, answers = QUESTION.findall(exercises), list(ANSWER.finditer(exercises))
    assert 2 <= len(questions) <= 3, f"{md.name}: {len(questions)} exercises, expected two or three"
    assert len(answers) == len(questions), f"{md.name}: every exercise needs one collapsed Answer"
    for answer in answers:
        assert "```pycon" in answer["body"] and ">>> " in answer["body"], f"{md.name}: an answer without a doctest"


# A gradient check compared with a literal like 1e-7 instead of TOLERANCE.
_TYPED_THRESHOLD = re.compile(r"(gradient_check|relative_error|\berrors?\b)[^\n]*[<>]=?\s*\d(\.\d+)?e-\d")


def _sources():
    for pattern in ("docs/**/*.md", "docs/notebooks/*.py", "tests/*.py"):
        yield from sorted(REPO.glob(pattern))


@pytest.mark.parametrize("path", list(_sources()), ids=lambda p: p.relative_to(REPO).as_posix())
def test_gradient_checks_are_judged_by_the_one_policy(path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert not _TYPED_THRESHOLD.search(line), (
            f"{path.name}:{number} judges a gradient check by a typed number: {line.strip()}"
        )


def test_the_policy_check_catches_a_typed_threshold():
    assert _TYPED_THRESHOLD.search(">>> gradient_check(small, Xs, Ys) < 1e" + "-7")
    assert not _TYPED_THRESHOLD.search(">>> gradient_check(small, Xs, Ys) < TOLERANCE")


def test_a_relu_kink_fails_a_correct_gradient_and_a_smaller_step_clears_it():
    params = init_params((6, 5, 3), seed=0, dtype=np.float64)
    X, Y = np.random.default_rng(0).random((6, 4)), np.array([0, 1, 2, 1])
    _, cache = forward_prop(params, X)
    assert gradient_check(params, X, Y) < TOLERANCE
    unit = int(np.argmax(cache["Z1"][:, 0]))  # an active unit, moved to 0.3 ε above its kink
    params["b1"][unit] -= cache["Z1"][unit, 0] - 0.3 * EPSILON
    errors = gradient_check(params, X, Y, per_parameter=True)
    assert errors["dW1"] > TOLERANCE and errors["db1"] > TOLERANCE
    assert errors["dW2"] < TOLERANCE and errors["db2"] < TOLERANCE
    assert gradient_check(params, X, Y, epsilon=EPSILON / 10) < TOLERANCE
    # backward_prop is unchanged code: its gradient is the one-sided slope on the unit's own side.
    assert backward_prop(params, forward_prop(params, X)[1], Y)["db1"].shape == (5, 1)
