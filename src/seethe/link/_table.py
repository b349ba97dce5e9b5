"""Incidents as columns: what linking compares, read once from each ``Incident``.

A million incidents do not fit comfortably as Python objects next to the
pairs made from them, so each incident is read once into numpy columns
(codes for categories, places and outlets; dates as day numbers; hashed
evidence words; numbers named) and the ``Incident`` itself is let go.  What a
person later reads (place names, dates, the words a link rests on) is kept
in small vocabularies beside the columns.
"""

from __future__ import annotations

import re
import zlib
from array import array
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from seethe.geo.variants import base_name, name_key
from seethe.link._params import LOCATION_PRECISIONS, TIME_PRECISIONS, LinkParams
from seethe.models import Incident

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w])")
_MAX_NUMBERS = 4
_OPENING = 1500  # characters of a report read for its story words (headline and lead)
_UNITS = ("city", "county", "district", "town")


_HASHES: dict[str, int] = {}


def word_hash(word: str) -> int:
    """A stable 32-bit hash of a word (the same in every process and run)."""
    h = _HASHES.get(word)
    if h is None:
        h = zlib.crc32(word.encode("utf-8")) or 1  # 0 pads the word matrices
        if len(_HASHES) < 2_000_000:
            _HASHES[word] = h
    return h


def _plural(w: str) -> str:
    return w[:-1] if len(w) > 4 and w[-1] == "s" and w[-2] != "s" else w


def content_words(text: str, stopwords: frozenset[str]) -> list[str]:
    """The words of a text that carry its content: folded, stopwords dropped, a plural ``s`` dropped."""
    return [_plural(w.strip("'’-")) for w in _WORD.findall(text.casefold()) if len(w) > 2 and w not in stopwords]


class _Vocab:
    """Strings to small integer codes and back; code -1 is "none"."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.names: list[str] = []

    def code(self, value: str | None) -> int:
        if not value:
            return -1
        c = self.codes.get(value)
        if c is None:
            c = self.codes[value] = len(self.names)
            self.names.append(value)
        return c

    def name(self, code: int) -> str | None:
        return self.names[code] if code >= 0 else None


@dataclass
class IncidentTable:
    """Columns over n incidents, in the order they were given."""

    n: int
    id: np.ndarray  # int64 incident id
    report: np.ndarray  # int64 report id
    outlet: np.ndarray  # int32 code of the report's outlet (canonical name)
    category: np.ndarray  # int16 index into params.categories
    loc_precision: np.ndarray  # int8 index into LOCATION_PRECISIONS
    admin1: np.ndarray  # int32
    country: np.ndarray  # int32
    place: np.ndarray  # int32 place id code
    unit: np.ndarray  # int32: the administrative unit the place lies in (name key)
    self_unit: np.ndarray  # int32: the unit the place is, when it is one
    lat: np.ndarray  # float64, nan when unknown
    lon: np.ndarray
    start: np.ndarray  # int32 proleptic ordinal
    end: np.ndarray
    time_precision: np.ndarray  # int8 index into TIME_PRECISIONS
    published: np.ndarray  # int32 ordinal, 0 when unknown
    actors: np.ndarray  # int64 bitmask of actor labels
    numbers: np.ndarray  # int64 [n, 4], -1 padded
    words: np.ndarray  # uint32 [n, K], 0 padded: the smallest hashes of the evidence's content words
    word_count: np.ndarray  # int16: how many of ``words`` are set
    story: np.ndarray  # uint32 [n, S], 0 padded: content words of the report's opening (headline and lead)
    source_kind: np.ndarray  # int8 index into params' source kinds, -1 none stated in the evidence
    new_source: np.ndarray  # bool: the evidence names a new source ("another source")
    hearsay: np.ndarray  # bool: the evidence credits unnamed media ("according to reports")
    evidence_at: np.ndarray  # int32 [n, 2]: where the evidence is in its report's plain text
    outcomes: np.ndarray  # int64 bitmask of outcome labels named in the evidence
    credits: list[tuple[str, ...]]  # canonical outlets credited
    candidates: np.ndarray | None = None  # int32: how many candidates blocking gave each row (the pair prior uses it)
    vocab: dict[str, _Vocab] = field(default_factory=dict)
    labels: dict[str, list] = field(default_factory=dict)  # per-incident strings for people (place, time mention)

    def name(self, kind: str, code: int) -> str | None:
        return self.vocab[kind].name(int(code))

    @property
    def word_weights(self) -> np.ndarray:
        """Inverse document frequency of each of ``words`` (0 where unset): rare words weigh more."""
        return self._idf("words")

    @property
    def story_weights(self) -> np.ndarray:
        return self._idf("story")

    @property
    def report_index(self) -> np.ndarray:
        """Each row's report as 0..(reports-1)."""
        cached = self.__dict__.get("_report_index")
        if cached is None:
            reports = sorted_unique(self.report)
            cached = self.__dict__["_report_index"] = np.searchsorted(reports, self.report)
            first = np.full(len(reports), self.n, dtype=np.int64)
            np.minimum.at(first, cached, np.arange(self.n))
            self.__dict__["_report_first_row"] = first
        return cached

    @property
    def report_first_row(self) -> np.ndarray:
        """Per report (as ``report_index``), its first row: where its story words are."""
        self.report_index  # noqa: B018 - computes both
        return self.__dict__["_report_first_row"]

    def _idf(self, name: str) -> np.ndarray:
        cached = self.__dict__.get("_idf_" + name)
        if cached is None:
            cached = self.__dict__["_idf_" + name] = idf_weights(getattr(self, name))
        return cached

    def index_of(self) -> dict[int, int]:
        """Incident id → row."""
        return {int(k): i for i, k in enumerate(self.id)}


class TableBuilder:
    """Reads incidents one at a time into growing columns; ``build()`` gives the table."""

    def __init__(self, params: LinkParams) -> None:
        self.p = params
        self.vocab = {k: _Vocab() for k in ("outlet", "admin1", "country", "place", "unit")}
        # Compact growing columns (array.array), not lists of Python ints: a million rows stay small.
        self.rows: dict[str, array] = {k: array("d" if k in ("lat", "lon") else "q") for k in (
            "id", "report", "outlet", "category", "loc_precision", "admin1", "country", "place", "unit", "self_unit",
            "lat", "lon", "start", "end", "time_precision", "published", "actors", "source_kind", "new_source",
            "hearsay", "outcomes", "ev_start", "ev_end")}
        self.numbers, self.number_n = array("q"), array("b")
        self.words, self.word_n = array("I"), array("h")
        self.story, self.story_n = array("I"), array("h")
        self.credits: list[tuple[str, ...]] = []
        self.labels: dict[str, list] = {"place": [], "name": [], "time": [], "summary": []}
        self._credit_tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._actor_bits = {label: 1 << i for i, label in enumerate(params.actor_labels[:63])}
        self._kind_rank = {k: n for n, k in enumerate(params.source_kinds)}
        self._outcome_bits = {name: 1 << i for i, name in enumerate(params.outcome_names)}

    def add(self, inc: Incident, story: tuple[int, ...] = (), row_id: int | None = None) -> None:
        """Read one incident; ``story`` is ``story_words`` of its report's text, when known."""
        p, r, v = self.p, self.rows, self.vocab
        ref = inc.report
        loc, t = inc.location, inc.time
        r["id"].append(inc.id if inc.id is not None else (row_id if row_id is not None else len(r["id"])))
        r["actors"].append(sum(self._actor_bits.get(a, 0) for a in set(inc.actors)))
        r["report"].append(ref.id if ref is not None and ref.id is not None
                           else -(1 + zlib.crc32((ref.source if ref else str(len(r["id"]))).encode("utf-8"))))
        r["outlet"].append(v["outlet"].code(p.canonical_outlet(ref.outlet if ref else None)))
        r["category"].append(p.category_index.get(inc.category, -1))
        r["loc_precision"].append(LOCATION_PRECISIONS.index(loc.precision) if loc.precision in LOCATION_PRECISIONS
                                  else 5)
        r["admin1"].append(v["admin1"].code(loc.admin1_iso))
        r["country"].append(v["country"].code(loc.country))
        r["place"].append(v["place"].code(loc.place_id))
        r["unit"].append(v["unit"].code(_unit_key(loc.admin2)))
        r["self_unit"].append(v["unit"].code(_unit_key(loc.name) if loc.place_type in _UNITS else None))
        r["lat"].append(loc.lat if loc.lat is not None else np.nan)
        r["lon"].append(loc.lon if loc.lon is not None else np.nan)
        r["start"].append(t.start.toordinal())
        r["end"].append(t.end.toordinal())
        r["time_precision"].append(TIME_PRECISIONS.index(t.precision) if t.precision in TIME_PRECISIONS else 5)
        r["published"].append(ref.published.toordinal() if ref is not None and ref.published else 0)
        r["ev_start"].append(inc.evidence_start)
        r["ev_end"].append(inc.evidence_end)
        text = inc.evidence_text or ""
        kind, fresh, hearsay, outcomes, numbers = self._read(text)
        r["source_kind"].append(kind)
        r["new_source"].append(int(fresh))
        r["hearsay"].append(int(hearsay))
        r["outcomes"].append(outcomes)
        self.numbers.extend(numbers)
        self.number_n.append(len(numbers))
        words = sorted({word_hash(w) for w in content_words(text, p.stopwords)})[:p.data.text.max_words]
        self.words.extend(words)
        self.word_n.append(len(words))
        self.story.extend(story)
        self.story_n.append(len(story))
        credit = tuple(sorted({c for c in (p.canonical_outlet(x) for x in inc.reported_by) if c}))
        self.credits.append(self._credit_tuples.setdefault(credit, credit))
        self.labels["place"].append(loc.name or loc.admin1_iso or loc.country)
        self.labels["name"].append(loc.name)
        self.labels["time"].append(t.mention)
        self.labels["summary"].append(inc.summary)

    def _read(self, text: str) -> tuple[int, bool, bool, int, list[int]]:
        """From the evidence, in one pass: the kind of source named (best first), a new source, unnamed media,
        outcomes, and the counts named (13 workers, eighty people; years and 0/1 are not counts)."""
        kind, fresh, hearsay, outcomes = -1, False, False, 0
        found: list[int] = []
        for name, value in self.p.terms.find(text):
            if name == "kind":
                rank = self._kind_rank[value]
                kind = rank if kind < 0 else min(kind, rank)
            elif name == "new_source":
                fresh = True
            elif name == "hearsay":
                hearsay = True
            elif name == "outcome":
                outcomes |= self._outcome_bits.get(value, 0)
            elif name == "number":
                found.append(value)
        for m in _NUMBER.finditer(text):
            n = int(m.group(1).replace(",", ""))
            if n > 1 and not (1900 <= n <= 2100):
                found.append(n)
        return kind, fresh, hearsay, outcomes, sorted(set(found))[:_MAX_NUMBERS]

    def build(self) -> IncidentTable:
        r = self.rows
        n = len(r["id"])
        k = self.p.data.text.max_words
        count = np.array(self.word_n, dtype=np.int16)
        words = _ragged_to_matrix(np.array(self.words, dtype=np.uint32), count, k, 0)
        story = _ragged_to_matrix(np.array(self.story, dtype=np.uint32), np.array(self.story_n, dtype=np.int16),
                                  self.p.data.text.story_words, 0)
        numbers = _ragged_to_matrix(np.array(self.numbers, dtype=np.int64), np.array(self.number_n, dtype=np.int16),
                                    _MAX_NUMBERS, -1)
        return IncidentTable(
            n=n, id=np.array(r["id"], dtype=np.int64), report=np.array(r["report"], dtype=np.int64),
            outlet=np.array(r["outlet"], dtype=np.int32), category=np.array(r["category"], dtype=np.int16),
            loc_precision=np.array(r["loc_precision"], dtype=np.int8), admin1=np.array(r["admin1"], dtype=np.int32),
            country=np.array(r["country"], dtype=np.int32), place=np.array(r["place"], dtype=np.int32),
            unit=np.array(r["unit"], dtype=np.int32), self_unit=np.array(r["self_unit"], dtype=np.int32),
            lat=np.array(r["lat"], dtype=np.float64), lon=np.array(r["lon"], dtype=np.float64),
            start=np.array(r["start"], dtype=np.int32), end=np.array(r["end"], dtype=np.int32),
            time_precision=np.array(r["time_precision"], dtype=np.int8),
            published=np.array(r["published"], dtype=np.int32), actors=np.array(r["actors"], dtype=np.int64),
            numbers=numbers, words=words, word_count=count, story=story,
            source_kind=np.array(r["source_kind"], dtype=np.int8), new_source=np.array(r["new_source"], dtype=bool),
            hearsay=np.array(r["hearsay"], dtype=bool),
            evidence_at=np.stack([np.array(r["ev_start"], dtype=np.int32), np.array(r["ev_end"], dtype=np.int32)],
                                 axis=1).reshape(n, 2),
            outcomes=np.array(r["outcomes"], dtype=np.int64), credits=self.credits, vocab=self.vocab,
            labels=self.labels,
        )


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (by sorting: faster than ``np.unique`` on millions of integers)."""
    if not len(values):
        return values
    values = np.sort(values, kind="stable")
    keep = np.empty(len(values), bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def idf_weights(words: np.ndarray) -> np.ndarray:
    """For a padded matrix of word hashes (one row per incident), each word's inverse document frequency."""
    n = len(words)
    flat = words[words != 0]
    if not len(flat):
        return np.zeros(words.shape, dtype=np.float32)
    flat = np.sort(flat)
    starts = np.flatnonzero(np.concatenate([[True], flat[1:] != flat[:-1]]))
    values, counts = flat[starts], np.diff(np.concatenate([starts, [len(flat)]]))
    idf = np.log((n + 1) / (counts + 1)) + 1.0
    pos = np.minimum(np.searchsorted(values, words), len(values) - 1)
    return np.where(words != 0, idf[pos], 0.0).astype(np.float32)


def story_words(text: str, p: LinkParams) -> tuple[int, ...]:
    """The hashed content words of a report's opening: what the report is about, for every incident in it."""
    words: list[int] = []
    seen: set[int] = set()
    for w in content_words(text[:_OPENING], p.stopwords):
        h = word_hash(w)
        if h not in seen:
            seen.add(h)
            words.append(h)
            if len(words) >= p.data.text.story_words:
                break
    return tuple(sorted(words))


def _ragged_to_matrix(flat: np.ndarray, counts: np.ndarray, width: int, pad) -> np.ndarray:
    """Rows of different lengths (concatenated in ``flat``) as a padded matrix."""
    out = np.full((len(counts), width), pad, dtype=flat.dtype)
    rows = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    cols = np.arange(len(flat)) - np.repeat(starts, counts)
    out[rows, cols] = flat
    return out


@lru_cache(maxsize=100_000)
def _unit_key(name: str | None) -> str | None:
    return name_key(base_name(name)) or None if name else None


def incident_table(incidents: Iterable[Incident], params: LinkParams,
                   stories: dict[int, tuple[int, ...]] | None = None) -> IncidentTable:
    """The columns of some incidents (streamed: each incident is read once and let go).

    ``stories`` gives ``story_words`` by report id, when the reports' texts are at hand.
    """
    builder = TableBuilder(params)
    stories = stories or {}
    for inc in incidents:
        builder.add(inc, stories.get(inc.report.id, ()) if inc.report is not None else ())
    return builder.build()
