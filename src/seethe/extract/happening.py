"""Reported happenings: does a sentence tell a specific act, or background around it?

A real report carries one to three happenings and a great deal of context:
background and generalizations ("defections are not uncommon"), statistics
("a total of N defected last year"), how things work, history, analysis,
hypotheticals and warnings.  A sentence that reports a happening has marks of
its own — a source's account, a told time and place, past tense — and a
sentence of context has others.  This stage reads those marks as named
features; the confidence model (profile data) weighs them.  The words are the
language lexicon's (``happening``).

Two kinds of feature:

* ``sentence_features`` — about the sentence as a whole (the same for every
  cue in it);
* ``act_features`` — about one cue in it: is its act the sentence's main act,
  or a circumstance ("executed *for crimes*", "mobilized *to collect*")?
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import ahocorasick

from seethe.extract.scene import Scene
from seethe.models import CueMatch
from seethe.profile import Lexicon

_CLAUSE = re.compile(r"[;:]|,\s|\s-\s|\(|\)")
_PAST = re.compile(r"\b[a-z]{3,}ed\b")
_PERCENT = re.compile(r"\d+(?:\.\d+)?\s*%")
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_PRESENT = re.compile(r"\b(?:is|are|has|have|does|do|remains|remain)\b")


def _tail(terms: tuple[str, ...], words: int = 6) -> re.Pattern[str]:
    """One of the phrases within the last few words before a position (the end of the searched text)."""
    alternatives = "|".join(re.escape(t.lower().strip()) for t in sorted(terms, key=len, reverse=True) if t.strip())
    return re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])(?:\W+[\w']+){{0,{words}}}\W*$")


_LISTS = ("generic", "statistic", "future", "commentary", "foreign_actors", "source_words", "meta", "off_topic")


@dataclass(frozen=True, slots=True)
class HappeningWords:
    """The lexicon's happening words, compiled: every phrase list in one automaton, read once per sentence."""

    phrases: Any  # Aho-Corasick automaton: phrase -> (length, names of the lists it is in)
    reason: re.Pattern[str]
    purpose: re.Pattern[str]
    circumstance: re.Pattern[str]
    relative: re.Pattern[str]
    past_forms: frozenset[str]
    history_days: int

    @classmethod
    def from_lexicon(cls, lex: Lexicon) -> "HappeningWords":
        h = lex.happening
        past = frozenset(form for forms in lex.irregular.values() for form in forms
                         if not form.endswith(("ing", "s")))
        tags: dict[str, set[str]] = {}
        for name in _LISTS:
            for phrase in getattr(h, name):
                tags.setdefault(phrase.lower().strip(), set()).add(name)
        auto = ahocorasick.Automaton()
        for phrase, names in tags.items():
            if phrase:
                auto.add_word(phrase, (len(phrase), frozenset(names)))
        auto.make_automaton()
        return cls(auto, _tail(h.reason), _tail(h.purpose), _tail(h.circumstance, 4), _tail(h.relative, 5), past,
                   int(h.history_years * 365))

    def marks(self, folded: str, start: int, end: int) -> set[str]:
        """The names of the phrase lists that have a phrase, as whole words, in ``folded[start:end]``."""
        found: set[str] = set()
        text = folded[start:end]
        n = len(text)
        for stop, (length, names) in self.phrases.iter(text):
            a, b = stop - length + 1, stop + 1
            if (a > 0 and text[a - 1].isalnum()) or (b < n and text[b].isalnum()):
                continue
            found |= names
        return found


def off_topic_share(scene: Scene, words: HappeningWords) -> float:
    """The share of the report's body sentences about what reports without incidents are about
    (missiles, sanctions, summits, prices): a report on those mentions acts in passing."""
    doc = scene.doc
    body = [s for s in doc.sentences if s.paragraph not in scene.furniture]
    if not body:
        return 0.0
    return sum(1 for s in body if "off_topic" in words.marks(doc.folded, s.start, s.end)) / len(body)


def sentence_features(scene: Scene, k: int, words: HappeningWords) -> dict[str, float]:
    """Marks of a reported happening (and of context) in sentence k."""
    doc = scene.doc
    s = doc.sentences[k]
    folded = doc.folded[s.start:s.end]
    raw = doc.text[s.start:s.end].strip()
    told = scene.event_times(k)
    old = [t for t in told if t.end < scene.published - dt.timedelta(days=words.history_days)]
    tokens = re.findall(r"[a-z']+", folded)
    past = bool(_PAST.search(folded)) or any(t in words.past_forms for t in tokens)
    credited = any(c.paragraph == s.paragraph for c in scene.credits)
    years = [int(y) for y in _YEAR.findall(folded)]
    marks = words.marks(doc.folded, s.start, s.end)
    return {
        "generic": float("generic" in marks),
        "statistic": float("statistic" in marks or bool(_PERCENT.search(folded))),
        "future": float("future" in marks),
        "commentary": float("commentary" in marks or s.paragraph in scene.commentary),
        "foreign_actor": float("foreign_actors" in marks),
        "source": float("source_words" in marks or credited),
        "question": float(raw.endswith("?")),
        "quoted": float(raw.startswith('"') or raw.endswith('"') or raw.endswith('."')),
        "lead": float(k == scene.lead),
        "told_time": float(bool(told) and not old),
        "history": float(bool(old) and len(old) == len(told)),
        # "since 2011", "over the past year": a span this long is a trend, not one happening.
        "long_span": float(any((t.end - t.start).days > 180 for t in told)),
        "old_year": float(any(y < scene.published.year - 1 for y in years)),
        "told_place": float(bool(scene.strong(k))),
        "present_tense": float(bool(_PRESENT.search(folded)) and not past),
        "long_sentence": float(len(tokens) > 45),
        "meta": float("meta" in marks),
    }


def act_features(scene: Scene, k: int, cue: CueMatch, cues: list[CueMatch], actor: str | None,
                 state_actors: frozenset[str], words: HappeningWords) -> dict[str, float]:
    """Is this cue's act the sentence's main act, done by the actor its category expects?"""
    doc = scene.doc
    s = doc.sentences[k]
    folded = doc.folded
    # The clause the cue stands in, up to the cue: a reason or purpose word there makes it a circumstance.
    lo = max(s.start, cue.start - 80)
    breaks = list(_CLAUSE.finditer(folded, lo, cue.start))
    clause_start = breaks[-1].end() if breaks else lo
    before = folded[clause_start:cue.start]
    family = cue.category.split(".", 1)[0]
    return {
        "reason_phrase": float(bool(words.reason.search(before))),
        "purpose_phrase": float(bool(words.purpose.search(before))),
        "circumstance_phrase": float(bool(words.circumstance.search(before))),
        "relative_clause": float(bool(words.relative.search(folded[max(s.start, cue.start - 60):cue.start]))),
        "position": round((cue.start - s.start) / max(1, s.end - s.start), 2),
        "other_acts": float(min(3, len({c.category for c in cues} - {cue.category}))),
        "first_act": float(cue.start == min(c.start for c in cues)),
        "cue_weight": cue.weight,
        "state_actor_popular_act": float(family in ("dissent", "burden", "disorder") and actor in state_actors),
    }
