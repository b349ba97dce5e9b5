"""Confidence that means something: a logistic model over a candidate incident's named features.

Every step of assembly leaves named evidence on its draft — the happening
marks of its sentence, whether its act is the sentence's main act, where its
place and time came from, whether a source is credited.  The model turns them
into the probability that the incident is right: ``sigmoid(bias + Σ wᵢ·fᵢ)``.
The weights are profile data (``confidence.json``), fitted on annotated
reports by ``scripts/fit_confidence.py`` and checked with ``seethe eval
--calibration``: among incidents given 0.8 or more, about eight in ten should
be right.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from seethe.profile import Profile


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


@dataclass(frozen=True, slots=True)
class HappeningModel:
    """The second stage: one happening (all its tellings in a report) → the probability it is right."""

    bias: float
    weights: dict[str, float]


@dataclass(frozen=True, slots=True)
class ConfidenceModel:
    bias: float
    weights: dict[str, float]
    repeat_bonus: float = 0.03
    happening: HappeningModel | None = None
    lone_floor: float = 0.0  # the confidence a report's only incident must reach

    @classmethod
    def of(cls, profile: Profile) -> "ConfidenceModel":
        c = profile.confidence
        h = HappeningModel(c.happening.bias, dict(c.happening.weights)) if c.happening else None
        return cls(c.bias, dict(c.weights), c.repeat_bonus, h, c.lone_floor)

    def happening_probability(self, features: dict[str, float]) -> float:
        assert self.happening is not None
        h = self.happening
        return _sigmoid(h.bias + sum(h.weights.get(name, 0.0) * value for name, value in features.items()))

    def logit(self, features: dict[str, float]) -> float:
        return self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())

    def probability(self, features: dict[str, float]) -> float:
        return _sigmoid(self.logit(features))

    def reasons(self, features: dict[str, float], most: int = 4) -> list[tuple[str, float]]:
        """The features that moved this confidence most, with their contributions to the logit."""
        parts = [(name, self.weights.get(name, 0.0) * value) for name, value in features.items()]
        return sorted((p for p in parts if p[1]), key=lambda p: -abs(p[1]))[:most]
