"""Estimating the Fellegi–Sunter model from the corpus being linked: expectation–maximisation.

No labels are used.  EM learns from pairs of different reports only: within
one report, the pairs that are one happening are duplicates of a telling,
another population, and EM would learn "the same report" instead of "the
same happening" (the ``source`` field keeps the profile's values).  Each
candidate pair is a mixture of "one happening"
(m) and "not" (u).  EM alternates between each pair's posterior of being a
match and the m/u probabilities of every level those posteriors imply,
assuming the fields independent given the class (the model's own
assumption).  A pair's prior is ``expected_matches`` divided among the
reports its busier incident has candidates in (capped at ``max_prior``);
EM fits ``expected_matches`` too.  The profile's m and u are a prior worth
``strength`` pairs (maximum a posteriori EM): a small corpus moves them a
little, a large one a lot, and a level never seen keeps a finite weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seethe.link._compare import Comparison
from seethe.link._params import FIELDS, LEVELS, LinkParams
from seethe.link._table import IncidentTable

STRENGTH = 20.0
_FIXED = ("source",)
_TINY = 1e-9
_BOUND = 20.0
MIN_PAIRS = 30  # fewer candidate pairs than this tell EM too little: the profile's values stand
MAX_PAIRS = 200_000  # a larger candidate set is sampled (seeded): the estimate is as good, and bounded in time


@dataclass(frozen=True)
class Estimate:
    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    expected_matches: float
    iterations: int
    pairs: int

    def weights(self) -> dict[str, np.ndarray]:
        """log2(m/u) per level, bounded: a level never seen on one side is strong evidence, not infinite."""
        return {f: np.clip(np.log2(np.maximum(self.m[f], _TINY) / np.maximum(self.u[f], _TINY)), -_BOUND, _BOUND)
                for f in FIELDS}

    def to_dict(self) -> dict:
        """The estimate as ``linking.json`` writes a model (``comparisons`` and ``expected_matches``)."""
        return {"expected_matches": round(self.expected_matches, 4), "pairs": self.pairs,
                "iterations": self.iterations,
                "comparisons": {f: {lv: {"m": float(self.m[f][k]), "u": float(self.u[f][k])}
                                    for k, lv in enumerate(LEVELS[f])} for f in FIELDS}}

    @classmethod
    def from_dict(cls, d: dict) -> "Estimate":
        comps = d["comparisons"]
        m = {f: np.array([comps[f][lv]["m"] for lv in LEVELS[f]]) for f in FIELDS}
        u = {f: np.array([comps[f][lv]["u"] for lv in LEVELS[f]]) for f in FIELDS}
        return cls(m, u, float(d["expected_matches"]), int(d.get("iterations", 0)), int(d.get("pairs", 0)))


def profile_model(p: LinkParams) -> Estimate:
    """The profile's own m, u and expected matches, as an estimate."""
    return Estimate({f: _start(p, f, "m") for f in FIELDS}, {f: _start(p, f, "u") for f in FIELDS},
                    p.data.expected_matches, 0, 0)


def estimate(t: IncidentTable, c: Comparison, p: LinkParams, iterations: int = 200, tolerance: float = 1e-5,
             strength: float = STRENGTH) -> Estimate:
    """m, u and expected matches fitted by EM to the candidate pairs of ``c``, from the profile's values."""
    start = profile_model(p)
    across = np.flatnonzero(t.report[c.i] != t.report[c.j])
    if len(across) > MAX_PAIRS:
        across = np.sort(np.random.default_rng(0).choice(across, MAX_PAIRS, replace=False))
    n = len(across)
    if n < MIN_PAIRS:
        return start
    m0, u0 = start.m, start.u
    m, u = dict(m0), dict(u0)
    ci, cj = c.i[across], c.j[across]
    levels = {f: c.levels[f][across] for f in FIELDS}
    busy = np.maximum(np.maximum(t.candidates[ci], t.candidates[cj]), 1).astype(float) \
        if t.candidates is not None else np.ones(n)
    expected = start.expected_matches
    cap = p.data.max_prior
    fitted = tuple(f for f in FIELDS if f not in _FIXED)
    hits = {f: np.eye(len(LEVELS[f]))[levels[f]] for f in fitted}
    done = 0
    for done in range(1, iterations + 1):
        prior = np.clip(expected / busy, 1e-9, cap)
        log_odds = np.log(prior) - np.log1p(-prior)
        for f in FIELDS:
            log_odds += np.log(m[f][levels[f]]) - np.log(u[f][levels[f]])
        post = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -50, 50)))
        for f in fitted:
            m[f] = (post @ hits[f] + strength * m0[f]) / (post.sum() + strength)
            u[f] = ((1 - post) @ hits[f] + strength * u0[f]) / ((1 - post).sum() + strength)
        new_expected = float(np.clip(post.sum() / (1.0 / busy).sum(), 1e-3, 100.0))
        moved = abs(new_expected - expected)
        expected = new_expected
        if moved < tolerance * max(expected, 1.0):
            break
    return Estimate(m, u, expected, done, n)


def with_model(p: LinkParams, e: Estimate) -> LinkParams:
    """Settings like ``p`` but weighing levels and setting the prior by a model ``e``."""
    q = LinkParams(p.profile)
    q.__dict__["weights"] = e.weights()
    q.__dict__["model"] = e
    cap = p.data.max_prior

    def prior_weight(candidates: np.ndarray) -> np.ndarray:
        prior = np.minimum(e.expected_matches / np.maximum(candidates, 1), cap)
        return np.log2(prior / (1 - prior))

    q.__dict__["prior_weight"] = prior_weight
    return q


def _start(p: LinkParams, field: str, which: str) -> np.ndarray:
    spec = p.data.comparisons[field]
    return np.array([getattr(spec[lv], which) for lv in LEVELS[field]])


__all__ = ["Estimate", "MIN_PAIRS", "STRENGTH", "estimate", "profile_model", "with_model"]
