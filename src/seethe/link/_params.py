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


class TermFinder:
    """Every term of several word lists found in one pass over a text (Aho–Corasick), whole words only.

    ``find(text)`` gives the set of (list, value) whose terms occur: ("kind", "own_informant"),
    ("outcome", "executed"), ("number", 12), ("new_source", True).
    """

    def __init__(self, lists: dict[str, dict[str, object]]) -> None:
        import ahocorasick

        self.automaton = ahocorasick.Automaton()
        table: dict[str, list[tuple[str, object]]] = {}
        for name, terms in lists.items():
            for term, value in terms.items():
                table.setdefault(term.casefold(), []).append((name, value))
        for term, hits in table.items():
            self.automaton.add_word(term, (len(term), tuple(hits)))
        self.empty = not table
        if not self.empty:
            self.automaton.make_automaton()

    def find(self, text: str) -> list[tuple[str, object]]:
        if self.empty or not text:
            return []
        folded = text.casefold()
        if len(folded) != len(text):  # a few letters fold to two: match on the folded text alone
            text = folded
        out = []
        n = len(folded)
        for end, (length, hits) in self.automaton.iter(folded):
            start = end - length + 1
            if (start > 0 and folded[start - 1].isalnum()) or (end + 1 < n and folded[end + 1].isalnum()):
                continue
            out.extend(hits)
        return out


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
    def conflicting_outcomes(self) -> frozenset[frozenset[str]]:
        return frozenset(frozenset(pair) for pair in self.profile.corroboration.conflicting_outcomes)

    @cached_property
    def number_words(self) -> dict[str, int]:
        return {w.casefold(): n for w, n in self.events_words.number_words.items()}

    @cached_property
    def source_kinds(self) -> tuple[str, ...]:
        """Kinds of source in order of precedence (the corroboration file's order)."""
        return tuple(self.profile.corroboration.source_kinds)

    @cached_property
    def terms(self) -> TermFinder:
        """The lexicon's words about sources, outcomes and counts, found in one pass."""
        w = self.events_words
        kinds = {t: k for k in reversed(self.source_kinds) for t in w.source_kinds.get(k, ())}
        return TermFinder({
            "kind": kinds,
            "new_source": {t: True for t in w.new_source},
            "hearsay": {t: True for t in w.hearsay},
            "outcome": {t: name for name, terms in w.outcomes.items() for t in terms},
            "number": dict(self.number_words),
        })

    @cached_property
    def byline_patterns(self) -> tuple[re.Pattern, ...]:
        """The lexicon's byline patterns with {outlet} standing for every outlet's name and alias."""
        names = sorted({a for o in self.profile.outlets for a in (o.name, *o.aliases)}, key=len, reverse=True)
        outlet = "(?P<outlet>" + "|".join(re.escape(n) for n in names) + r")(?!\w)"
        return tuple(re.compile(t.replace("{outlet}", outlet)) for t in self.events_words.byline) if names else ()

    @cached_property
    def outcome_names(self) -> tuple[str, ...]:
        return tuple(self.events_words.outcomes)[:63]

    @cached_property
    def actor_labels(self) -> tuple[str, ...]:
        return tuple(a.label for a in self.profile.actors)

    # -- outlets ----------------------------------------------------------
    @cached_property
    def _outlets(self) -> dict[str, object]:
        out = {}
        for o in self.profile.outlets:
            for alias in (o.name, *o.aliases):
                out.setdefault(alias.strip().lower(), o)
        return out

    def outlet(self, name: str | None):
        """The profile's outlet a name or alias means (compared without case), or None."""
        return self._outlets.get(name.strip().lower()) if name else None

    def canonical_outlet(self, name: str | None) -> str | None:
        if not name:
            return None
        o = self.outlet(name)
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
