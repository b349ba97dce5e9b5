"""How well a clustering matches a gold one: pairwise and B-cubed precision, recall and F1."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Hashable, Sequence


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        s = self.precision + self.recall
        return 2 * self.precision * self.recall / s if s else 0.0

    def line(self) -> str:
        return f"P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}"


def bcubed(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> PRF:
    """B-cubed (Bagga & Baldwin): per item, the share of its predicted cluster that is its gold cluster, and back."""
    if len(predicted) != len(gold):
        raise ValueError("predicted and gold label lists differ in length")
    if not gold:
        return PRF(1.0, 1.0)
    both = Counter(zip(predicted, gold))
    size_p, size_g = Counter(predicted), Counter(gold)
    p = sum(both[(a, b)] / size_p[a] for a, b in zip(predicted, gold)) / len(gold)
    r = sum(both[(a, b)] / size_g[b] for a, b in zip(predicted, gold)) / len(gold)
    return PRF(p, r)


def pairwise(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> PRF:
    """Over all pairs of items: linked in the prediction and in gold, against linked in either."""
    if len(predicted) != len(gold):
        raise ValueError("predicted and gold label lists differ in length")
    pairs = lambda counts: sum(n * (n - 1) // 2 for n in counts.values())  # noqa: E731
    true_pos = pairs(Counter(zip(predicted, gold)))
    linked_p, linked_g = pairs(Counter(predicted)), pairs(Counter(gold))
    return PRF(true_pos / linked_p if linked_p else 1.0, true_pos / linked_g if linked_g else 1.0)
