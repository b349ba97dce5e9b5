"""B-cubed and pairwise scores on clusterings small enough to score by hand."""

from __future__ import annotations

import pytest

from seethe.link import bcubed, pairwise


def test_a_perfect_clustering_scores_one():
    assert bcubed([1, 1, 2], ["a", "a", "b"]).f1 == 1.0
    assert pairwise([1, 1, 2], ["a", "a", "b"]).f1 == 1.0


def test_one_wrong_merge():
    # gold {x, y} {z}; predicted all three together.
    b = bcubed([1, 1, 1], ["a", "a", "b"])
    assert b.precision == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)
    assert b.recall == 1.0
    w = pairwise([1, 1, 1], ["a", "a", "b"])
    assert (w.precision, w.recall) == (pytest.approx(1 / 3), 1.0)


def test_one_missed_link():
    b = bcubed([1, 2, 3], ["a", "a", "b"])
    assert b.precision == 1.0 and b.recall == pytest.approx((1 / 2 + 1 / 2 + 1) / 3)
    assert pairwise([1, 2, 3], ["a", "a", "b"]).recall == 0.0


def test_lists_of_different_lengths_are_refused():
    with pytest.raises(ValueError):
        bcubed([1], [1, 2])
