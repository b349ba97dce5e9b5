"""The linker's settings, compiled once from a profile's data files.

The profile says which codes are compatible, how far apart places may be at
each precision, how much a time span is widened at each precision, and the
m/u probabilities of every comparison level.  The comparison levels
themselves are defined in code (``LEVELS``); the data must give every one of
them, and no other, so a misspelt level is an error naming the file.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from seethe.errors import ProfileError
from seethe.profile import Profile

# The comparison levels, best evidence for a link first.  ``_compare`` assigns them.
LEVELS: dict[str, tuple[str, ...]] = {
    "category": ("same", "compatible"),
    "place": ("same_place", "within", "near", "same_province", "not_named", "far", "conflict"),
    "time": ("same_days", "overlap", "vague", "near", "apart"),
    "text": ("very_similar", "similar", "some", "dissimilar"),
    "story": ("very_similar", "similar", "some", "dissimilar", "unknown"),
    "numbers": ("same", "different", "none"),
    "actors": ("shared", "different", "unknown"),
    "source": ("same_report", "same_outlet", "other_outlet"),
}
FIELDS = tuple(LEVELS)
LOCATION_PRECISIONS = ("site", "city", "county", "province", "country", "unknown")
TIME_PRECISIONS = ("day", "week", "month", "season", "year", "unknown")
LETTERS = "ABCDEF"


def _word_pattern(terms) -> re.Pattern[str] | None:
    """One pattern for a list of terms, each matched as whole words without case."""
    terms = sorted({t.casefold() for t in terms}, key=len, reverse=True)
    if not terms:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class LinkParams:
    """Everything linking needs from a profile, compiled (weights as arrays, word lists as patterns)."""

    profile: Profile

    @cached_property
    def data(self):
        return self.profile.linking

    @cached_property
    def categories(self) -> tuple[str, ...]:
        return tuple(self.profile.codebook.categories)

    @cached_property
    def category_index(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.categories)}

    @cached_property
    def compatible(self) -> np.ndarray:
        """Square boolean matrix over category indexes: True where two different codes may be one happening."""
        n = len(self.categories)
        matrix = np.zeros((n, n), dtype=bool)
        for pair in self.data.compatible:
            a, b = (self.category_index[c] for c in pair.categories)
            matrix[a, b] = matrix[b, a] = True
        return matrix

    @cached_property
    def compatible_why(self) -> dict[frozenset[str], str]:
        return {frozenset(p.categories): p.why for p in self.data.compatible}

    @cached_property
    def weights(self) -> dict[str, np.ndarray]:
        """log2(m/u) of every level of every field, in ``LEVELS`` order."""
        path = str(self.profile.path("linking"))
        given = self.data.comparisons
        out = {}
        for name, levels in LEVELS.items():
            spec = given.get(name)
            if spec is None:
                raise ProfileError(f"comparisons lacks the field {name!r}", source=path, code="profile.schema")
            unknown = set(spec) - set(levels)
            missing = set(levels) - set(spec)
            if unknown or missing:
                raise ProfileError(f"comparisons.{name} must give exactly the levels {', '.join(levels)}",
                                   source=path, code="profile.schema")
            out[name] = np.array([math.log2(spec[lv].m / spec[lv].u) for lv in levels])
        extra = set(given) - set(LEVELS)
        if extra:
            raise ProfileError(f"comparisons has unknown fields: {', '.join(sorted(extra))}", source=path,
                               code="profile.schema")
        return out

    def prior_weight(self, candidates: np.ndarray) -> np.ndarray:
        """Prior log-odds of a pair whose busier incident has this many candidates."""
        q = np.minimum(self.data.expected_matches / np.maximum(candidates, 1), self.data.max_prior)
        return np.log2(q / (1 - q))

    @cached_property
    def link_weight(self) -> float:
        """The total match weight at which a pair's probability reaches ``link_probability``."""
        p = self.data.link_probability
        return math.log2(p / (1 - p))

    @cached_property
    def keep_weight(self) -> float:
        p = self.data.keep_probability
        return math.log2(p / (1 - p))

    @cached_property
    def radius_km(self) -> np.ndarray:
        """Allowed distance by the coarser location precision (index of ``LOCATION_PRECISIONS``)."""
        r = self.data.place_radius_km
        return np.array([r["site"], r["city"], r["county"], np.inf, np.inf, np.inf])

    @cached_property
    def tolerance_days(self) -> np.ndarray:
        t = self.data.time_tolerance_days
        return np.array([t.get(p, 0) for p in TIME_PRECISIONS], dtype=np.int32)

    # -- words the linker reads in evidence and reports ---------------------
    @cached_property
    def stopwords(self) -> frozenset[str]:
        lex = self.profile.lexicon
        return frozenset(w.casefold() for w in (*lex.stopwords, *lex.communication_verbs))

    @cached_property
    def events_words(self):
        words = self.profile.lexicon.events
        if words is None:
            raise ProfileError(f"the {self.profile.language!r} lexicon has no 'events' words (needed to link events)",
                               source=self.profile.language, code="profile.schema")
        return words

    @cached_property
    def source_kind_patterns(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        """(kind, pattern) in the corroboration file's order of precedence."""
        kinds = self.profile.corroboration.source_kinds
        out = []
        for kind in kinds:
            pattern = _word_pattern(self.events_words.source_kinds.get(kind, ()))
            if pattern is not None:
                out.append((kind, pattern))
        return tuple(out)

    @cached_property
    def new_source_pattern(self) -> re.Pattern[str] | None:
        return _word_pattern(self.events_words.new_source)

    @cached_property
    def hearsay_pattern(self) -> re.Pattern[str] | None:
        return _word_pattern(self.events_words.hearsay)

    @cached_property
    def outcome_patterns(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        return tuple((name, p) for name, terms in self.events_words.outcomes.items()
                     if (p := _word_pattern(terms)) is not None)

    @cached_property
    def conflicting_outcomes(self) -> frozenset[frozenset[str]]:
        return frozenset(frozenset(pair) for pair in self.profile.corroboration.conflicting_outcomes)

    @cached_property
    def number_words(self) -> dict[str, int]:
        return {w.casefold(): n for w, n in self.events_words.number_words.items()}

    @cached_property
    def actor_labels(self) -> tuple[str, ...]:
        return tuple(a.label for a in self.profile.actors)

    # -- outlets ----------------------------------------------------------
    def outlet(self, name: str | None):
        return self.profile.outlet_named(name)

    def canonical_outlet(self, name: str | None) -> str | None:
        if not name:
            return None
        o = self.profile.outlet_named(name)
        return o.name if o is not None else " ".join(name.split())

    @cached_property
    def outlet_domains(self) -> dict[str, str]:
        return {d: o.name for o in self.profile.outlets for d in o.domains}


_PARAMS: dict[int, LinkParams] = {}


def params_for(profile: Profile) -> LinkParams:
    """The compiled settings of a profile (one per loaded profile)."""
    key = id(profile)
    p = _PARAMS.get(key)
    if p is None or p.profile is not profile:
        p = _PARAMS[key] = LinkParams(profile)
        p.weights  # noqa: B018 - check the model's levels now, not in the middle of a run
    return p
