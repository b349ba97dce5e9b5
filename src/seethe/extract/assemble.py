"""Assembly: from cues, places, times and credits to incidents.

One incident per (category, place, span).  The rules mirror how reports are
written:

* a sentence that lists places ("in Pyongsong, Hamhung, Chongjin, and even
  Pyongyang") yields one incident per place; otherwise the place nearest the
  cue is taken;
* a sentence with no place or time takes the last one named earlier in its
  paragraph, then the last place named earlier in the report (quotes follow
  the paragraph that set the scene), with lower confidence;
* a short fragment that follows a sentence ("On the night of Kim Il-sung's
  birthday.") belongs to it;
* inside a paragraph that quotes a dated source, "these days" and undated
  incidents are read against the date the source spoke;
* the same incident named twice is one incident: same category and place,
  spans that overlap (or one unknown) merge, keeping the more precise time.
"""

from __future__ import annotations

import bisect
import itertools
import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any

from seethe.extract.attribution import Credit, CreditIndex, introduces_quote
from seethe.extract.when import TimeMention, default_span, resolve_mention
from seethe.geo import contains, specificity
from seethe.models import CueMatch, Incident, Location, Place, PlaceMention, ReportRef, TimeSpan
from seethe.text import Document, Sentence, Span, WorkBudget

_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "season": 3, "year": 4, "unknown": 5}
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Resources:
    """What assembly needs from the profile."""

    labels: dict[str, str]
    abroad_ok: frozenset[str]
    country: str
    actor_terms: Any  # Aho-Corasick automaton: term -> (length, actor label)
    out_of_scope: frozenset[str] = frozenset()
    # The language's patterns (from the lexicon):
    list_gap: re.Pattern[str] = re.compile(r"(?!)")  # between the places of a list: ", ", " and "
    first_person: re.Pattern[str] = re.compile(r"(?!)")  # the writer's own voice: "I", "we"
    sourced: re.Pattern[str] = re.compile(r"(?!)")  # a paragraph that cites someone: "a source said"
    place_anaphora: re.Pattern[str] = re.compile(r"(?!)")  # "the city", "the county" (group "noun")
    anaphor_types: dict[str, tuple[str, ...]] = field(default_factory=dict)  # noun -> place types it refers to
    clause_cut: re.Pattern[str] = re.compile(r"(?!)")  # where a summary's clause ends


def _group_lists(mentions: list[PlaceMention], text: str, gap: re.Pattern[str]) -> list[list[PlaceMention]]:
    groups: list[list[PlaceMention]] = []
    for m in mentions:
        if groups and gap.match(text[groups[-1][-1].end:m.start]):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _distance(a0: int, a1: int, b0: int, b1: int) -> int:
    if a1 <= b0:
        return b0 - a1
    if b1 <= a0:
        return a0 - b1
    return 0


def _usable(m: PlaceMention, category: str, res: Resources) -> bool:
    if m.score < 0.5 or m.place.country in res.out_of_scope:
        return False
    if m.place.country != res.country and category not in res.abroad_ok:
        return False
    return True


def _is_weak(m: PlaceMention, country: str) -> bool:
    """The country itself ("North Korea", "North Korean"): context, not a location."""
    return m.place.type in ("country",) and m.place.country == country and m.place.id == country.lower()


def _summary(label: str, text: str, s: Sentence, cue: CueMatch, clause_cut: re.Pattern[str]) -> str:
    sentence = text[s.start:s.end].strip().strip('"').strip()
    # The clause around the cue, at most ~140 characters.
    lo, hi = s.start, s.end
    for m in clause_cut.finditer(text[s.start:s.end]):
        cut = s.start + m.start()
        if cut < cue.start and cue.start - cut < 200:
            lo = s.start + m.end()
        elif cut >= cue.end:
            hi = min(hi, cut)
            break
    clause = text[lo:hi].strip(" ,\"'")
    if len(clause) > 140:
        center = max(0, cue.start - lo - 60)
        clause = ("…" if center else "") + clause[center:center + 140].strip() + "…"
    return f"{label}: {clause or sentence[:140]}"


def _actors(mentions: list[tuple[int, int, str]], cue: CueMatch) -> tuple[str, ...]:
    """The actor named nearest the cue in its sentence, if any."""
    best = None
    for a, b, label in mentions:
        d = _distance(a, b, cue.start, cue.end)
        if best is None or d < best[0]:
            best = (d, label)
    return (best[1],) if best else ()


def _paragraph_finder(paragraphs: tuple[Span, ...]):
    """A function from a character offset to the index of the paragraph holding it (-1: between paragraphs)."""
    starts = [p.start for p in paragraphs]

    def paragraph_of(offset: int) -> int:
        i = bisect.bisect_right(starts, offset) - 1
        return i if i >= 0 and offset < paragraphs[i].end else -1

    return paragraph_of


def _next_with_places(sentences: tuple[Sentence, ...], placed: set[int]) -> list[int | None]:
    """For each sentence, the next sentence of its paragraph that names a place (None if none does)."""
    out: list[int | None] = [None] * len(sentences)
    following: int | None = None
    for k in range(len(sentences) - 1, -1, -1):
        if k + 1 < len(sentences) and sentences[k + 1].paragraph != sentences[k].paragraph:
            following = None
        out[k] = following
        if k in placed:
            following = k
    return out


def _header_paragraphs(text: str, paragraphs: tuple[Span, ...]) -> set[int]:
    """The report's head: headline, dateline, byline and notes before the body.

    Leading paragraphs that are short and end without sentence punctuation
    (a headline), "Key: value" lines (Published:, Outlet:) and bracketed
    notes; the body starts at the first other paragraph.
    """
    heads: set[int] = set()
    for i, para in enumerate(paragraphs[:8]):
        body = text[para.start:para.end].strip()
        short = len(_WORDS.findall(body)) <= 20
        headline = short and not re.search(r"[.!?\"']$", body)
        meta = short and re.match(r"^[A-Z][\w ]{1,20}:\s", body) is not None and body.count(".") <= 1
        note = body.startswith("[") and body.endswith("]")
        if not (headline or meta or note):
            break
        heads.add(i)
    return heads


def assemble(
    doc: Document,
    cues: dict[int, list[CueMatch]],
    places: list[PlaceMention],
    times: list[TimeMention],
    credits: list[Credit],
    published: dt.date,
    res: Resources,
    min_confidence: float = 0.0,
    own_outlet: str | None = None,
    budget: WorkBudget | None = None,
) -> list[Incident]:
    """Incidents from the stages' annotations with at least ``min_confidence``,
    deduplicated, in text order.

    ``own_outlet`` is the outlet that published the report when it reports
    first-hand (not a blog relaying others): it is credited where the text
    credits no one.
    """
    text = doc.text
    sentences = doc.sentences
    places_by_sentence: dict[int, list[PlaceMention]] = {}
    times_by_sentence: dict[int, list[TimeMention]] = {}
    starts = [s.start for s in sentences]

    def sentence_of(offset: int) -> int:
        return max(0, bisect.bisect_right(starts, offset) - 1)

    for m in places:
        places_by_sentence.setdefault(sentence_of(m.start), []).append(m)
    for t in times:
        times_by_sentence.setdefault(sentence_of(t.start), []).append(t)

    titles = _header_paragraphs(text, doc.paragraphs)

    # Actors named in sentences with cues, found in one pass over the report.
    actors_by_sentence: dict[int, list[tuple[int, int, str]]] = {}
    folded = doc.folded
    n = len(folded)
    for end, (length, label) in res.actor_terms.iter(folded):
        a, b = end - length + 1, end + 1
        if (a > 0 and folded[a - 1].isalnum()) or (b < n and folded[b].isalnum()):
            continue
        k = sentence_of(a)
        if k in cues:
            actors_by_sentence.setdefault(k, []).append((a, b, label))

    # The reference date of each paragraph: the date a quoted source spoke, if given.
    para_ref: dict[int, dt.date] = {}
    for t in times:
        if t.kind == "speech":
            span = resolve_mention(t, published)
            if span is not None:
                para_ref.setdefault(sentences[sentence_of(t.start)].paragraph, span.start)
    # Later paragraphs quoting the same source read dates against the same day.
    carried_ref: dict[int, dt.date] = {}
    current = None
    for p_index in range(len(doc.paragraphs)):
        current = para_ref.get(p_index, current)
        if current is not None:
            carried_ref[p_index] = current

    # Fragments: a short sentence without a cue lends its places and times to the one before.
    for k in range(1, len(sentences)):
        s = sentences[k]
        if k in cues or len(_WORDS.findall(text, s.start, s.end)) > 10:
            continue
        if sentences[k - 1].paragraph != s.paragraph or k - 1 not in cues:
            continue
        places_by_sentence.setdefault(k - 1, []).extend(places_by_sentence.get(k, []))
        times_by_sentence.setdefault(k - 1, []).extend(times_by_sentence.get(k, []))

    def strong_in(k: int) -> list[PlaceMention]:
        return [m for m in places_by_sentence.get(k, [])
                if m.score >= 0.5 and not _is_weak(m, res.country) and m.place.country not in res.out_of_scope]

    next_strong = _next_with_places(sentences, {k for k in places_by_sentence if strong_in(k)})

    def next_place_in_para(k: int) -> list[PlaceMention]:
        """The first places named later in the same paragraph (the lead named no place)."""
        j = next_strong[k]
        if j is None:
            return []
        groups = _group_lists(strong_in(j), text, res.list_gap)
        return min(groups, key=lambda g: min(specificity(m.place) for m in g))

    # A paragraph of commentary names no place, time or source: its cues are
    # the writer's generalizations more often than incidents.
    # Only a report written in its author's own voice ("I", "we") has commentary.
    commentary: set[int] = set()
    unquoted = re.sub(r'"[^"]*"', " ", text)
    if res.first_person.search(unquoted):
        paragraph_of_offset = _paragraph_finder(doc.paragraphs)
        grounded = {paragraph_of_offset(m.start) for m in places if m.score >= 0.5 and not _is_weak(m, res.country)}
        grounded |= {paragraph_of_offset(t.start) for t in times if t.kind == "event"}
        grounded |= {c.paragraph for c in credits}
        for p_index, para in enumerate(doc.paragraphs):
            if p_index in grounded:
                continue
            body = text[para.start:para.end]
            if re.search(r'"[^"]{40,}"', body) is None and res.sourced.search(body) is None:
                commentary.add(p_index)

    credit_index = CreditIndex(credits)
    credited_paragraphs: dict[int, tuple[str, ...]] = {}

    def credited(paragraph: int) -> tuple[str, ...]:
        if paragraph not in credited_paragraphs:
            para = doc.paragraphs[paragraph]
            credited_paragraphs[paragraph] = credit_index.credits_for(
                paragraph, introduces_quote(text[max(para.start, para.end - 200):para.end]))
        return credited_paragraphs[paragraph]

    incidents: list[Incident] = []
    report_ref = ReportRef.of(doc.report)
    last_place_in_para: dict[int, list[PlaceMention]] = {}
    last_place_doc: list[PlaceMention] = []
    last_place_para = -1
    # Specific places (below province) named so far, to tell a one-place story from a roundup.
    story = _Story()
    last_time_in_para: dict[int, TimeSpan] = {}
    recent_of_type: dict[str, tuple[int, PlaceMention]] = {}  # place type -> (order named, last mention)
    named = itertools.count()

    def _remember(strong: list[PlaceMention], paragraph: int) -> None:
        nonlocal last_place_doc, last_place_para
        for m in strong:
            recent_of_type[m.place.type] = (next(named), m)
        last_place_in_para[paragraph] = _group_lists(strong, text, res.list_gap)[-1]
        last_place_doc = last_place_in_para[paragraph]
        last_place_para = paragraph
        for m in strong:
            if m.place.country == res.country and m.place.type not in ("province", "country", "region", "feature"):
                story.add(m.place)

    budget = budget or WorkBudget.unlimited()
    for k, s in enumerate(sentences):
        budget.tick()
        if s.paragraph in titles:
            continue
        ref = carried_ref.get(s.paragraph, published)
        strong = strong_in(k)
        s_times = []
        event_times = [t for t in times_by_sentence.get(k, []) if t.kind == "event"]
        if k not in cues:
            # Only the carried state changes: the last time and the places named.
            for t in reversed(event_times):
                span = resolve_mention(t, ref)
                if span is not None and span.start <= published + dt.timedelta(days=1):
                    last_time_in_para[s.paragraph] = span
                    break
            if strong:
                _remember(strong, s.paragraph)
            continue
        for t in event_times:
            span = resolve_mention(t, ref)
            if span is not None and span.start <= published + dt.timedelta(days=1):
                s_times.append(span)
        s_places = [m for m in places_by_sentence.get(k, []) if m.score >= 0.5]
        sentence_text = doc.folded[s.start:s.end]
        refers_back = res.place_anaphora.search(sentence_text) is not None
        single_story = story.single
        named_out = [m for m in places_by_sentence.get(k, []) if m.score >= 0.5 and m.place.country in res.out_of_scope]
        actor_mentions = actors_by_sentence.get(k, [])
        for cue in cues.get(k, []):
            usable = [m for m in strong if _usable(m, cue.category, res)]
            if named_out and not usable:
                continue  # it happened where the profile does not look (police in a South Korean city)
            place_conf = 0.05
            chosen: list[PlaceMention] = []
            if usable:
                groups = _group_lists(usable, text, res.list_gap)
                chosen = min(groups, key=lambda g: (
                    # Rivers and regions locate less well than towns: prefer any other group.
                    all(m.place.type in ("feature", "region") for m in g),
                    _distance(g[0].start, g[-1].end, cue.start, cue.end), g[0].start))
                # "A source in X Province" after the story named a town in X: the town.
                if len(chosen) == 1 and chosen[0].place.type == "province":
                    inner = [m for m in (last_place_in_para.get(s.paragraph) or last_place_doc)
                             if contains(chosen[0].place, m.place)]
                    if inner:
                        chosen = inner
            else:
                carried = [m for m in last_place_in_para.get(s.paragraph, []) if _usable(m, cue.category, res)]
                ahead = [m for m in next_place_in_para(k) if _usable(m, cue.category, res)]
                weak = any(_is_weak(m, res.country) or m.place.type == "country" for m in s_places)
                ahead_is_broad = ahead and all(m.place.type in ("country", "region") for m in ahead)
                anaphor = res.place_anaphora.search(sentence_text)
                typed = _recent_of_type(recent_of_type, res.anaphor_types.get(anaphor.group("noun"), ())) if anaphor else None
                if carried:
                    chosen, place_conf = carried, -0.05
                elif typed is not None and _usable(typed, cue.category, res):
                    chosen, place_conf = [typed], -0.07  # "the city's detention center": the last city named
                elif ahead and not weak and not (ahead_is_broad and last_place_para == s.paragraph - 1):
                    chosen, place_conf = ahead, -0.07
                elif s.paragraph not in commentary and not weak:
                    # The scene set in the paragraph just before carries into the quotes that
                    # follow; "the city", "the county" and one-place stories carry further.
                    doc_place = [m for m in last_place_doc if _usable(m, cue.category, res)]
                    if doc_place and (last_place_para == s.paragraph - 1 or refers_back):
                        chosen, place_conf = doc_place, -0.1
                    elif single_story is not None and _usable_place(single_story, cue.category, res):
                        chosen = [PlaceMention(-1, -1, single_story.name, single_story)]
                        place_conf = -0.1
                if not chosen:
                    place_conf = -0.15
            # A province stands for the story's town inside it ("a source in X Province").
            if len(chosen) == 1 and chosen[0].place.type == "province" and single_story is not None \
                    and contains(chosen[0].place, single_story):
                chosen = [PlaceMention(-1, -1, single_story.name, single_story)]
            if s_times:
                span = min(s_times, key=lambda t: _distance(t.offset or 0, (t.offset or 0) + len(t.mention or ""), cue.start, cue.end))
                time_conf = 0.03
            elif s.paragraph in last_time_in_para:
                span, time_conf = last_time_in_para[s.paragraph], 0.0
            elif s.paragraph in para_ref:
                ref = para_ref[s.paragraph]
                span = TimeSpan(ref - dt.timedelta(days=7), ref, "week", None, None)
                time_conf = 0.0
            else:
                span, time_conf = default_span(published), -0.02
            reported = credited(s.paragraph) or ((own_outlet,) if own_outlet else ())
            confidence = cue.weight + place_conf + time_conf + (0.02 if reported else 0.0)
            if s.paragraph in commentary:
                confidence -= 0.15
            confidence = max(0.05, min(0.99, confidence))
            evidence = text[s.start:s.end]
            summary = _summary(res.labels.get(cue.category, cue.category), text, s, cue, res.clause_cut)
            actors = _actors(actor_mentions, cue)
            targets: list[PlaceMention | None] = list(chosen) or [None]
            for m in targets:
                incidents.append(Incident(
                    category=cue.category, summary=summary,
                    location=Location.of(m.place if m else None, m.text if m else None, res.country),
                    time=span, evidence_text=evidence, evidence_start=s.start, evidence_end=s.end,
                    confidence=confidence, reported_by=reported, actors=actors, rule_ids=(cue.rule_id,),
                    report=report_ref,
                ))
        if strong:
            _remember(strong, s.paragraph)
        if s_times:
            last_time_in_para[s.paragraph] = s_times[-1]
    paragraph_of = {s.start: s.paragraph for s in sentences}
    kept = [i for i in incidents if i.confidence >= min_confidence]
    return merge_duplicates(kept, paragraph_of)


def _recent_of_type(recent: dict[str, tuple[int, PlaceMention]], kinds: tuple[str, ...]) -> PlaceMention | None:
    """The last place named that "the city", "the county" ... can refer to."""
    found = [recent[k] for k in kinds if k in recent]
    return max(found, key=lambda pair: pair[0])[1] if found else None


class _Story:
    """The specific places a story has named, and the one it is about: the place
    that is, or contains, every one of them (None when there is no such place).

    Only the least specific place named can contain all the others, so the
    answer is checked against every place only when a wider place than any
    before is named (a few times per report), not at every new place.
    """

    def __init__(self) -> None:
        self.places: dict[str, Place] = {}
        self.single: Place | None = None
        self.widest: Place | None = None

    def add(self, place: Place) -> None:
        if place.id in self.places:
            return
        self.places[place.id] = place
        if self.single is not None and contains(self.single, place):
            return  # still the story's place
        if self.widest is None or specificity(place) > specificity(self.widest):
            self.widest = place
            self.single = place if all(q is place or contains(place, q) for q in self.places.values()) else None
        else:
            self.single = None


def _usable_place(place: Place, category: str, res: Resources) -> bool:
    return place.country not in res.out_of_scope and (place.country == res.country or category in res.abroad_ok)


def _overlap(a: TimeSpan, b: TimeSpan) -> bool:
    return a.start <= b.end and b.start <= a.end


MERGE_LOOKBACK = 64  # earlier incidents of one category (nearby, or at one place) a mention is compared with


def merge_duplicates(incidents: list[Incident], paragraph_of: dict[int, int] | None = None) -> list[Incident]:
    """One incident for repeated mentions: same category and place, compatible time.

    A mention without a place joins a placed one only within two paragraphs
    of it: further away it is more likely another incident.  Of two nested
    places (a town and its county) the more specific is kept.

    A mention is compared only with the incidents it could join: the last
    ``MERGE_LOOKBACK`` of its category within two paragraphs and the last
    ``MERGE_LOOKBACK`` of its category and place (far more than a report
    tells of one place), so a report with thousands of incidents is not
    compared pair by pair.
    """
    paragraph_of = paragraph_of or {}
    out: list[Incident] = []
    out_places: list[Place | None] = []  # out[i].location.as_place(), kept beside it
    same_place: dict[tuple[str, str | None], list[int]] = {}  # (category, place id) -> indices into out
    by_category: dict[str, tuple[list[int], list[int]]] = {}  # category -> (paragraphs, indices), in text order
    for inc in incidents:
        key_place = inc.location.place_id
        inc_place = inc.location.as_place()
        paragraph = paragraph_of.get(inc.evidence_start, 0)
        paragraphs, indices = by_category.setdefault(inc.category, ([], []))
        near = indices[max(bisect.bisect_left(paragraphs, paragraph - 2), len(indices) - MERGE_LOOKBACK):]
        for i in sorted(set(near).union(same_place.get((inc.category, key_place), [])[-MERGE_LOOKBACK:])):
            prev, prev_place = out[i], out_places[i]
            # A time the sentence did not state itself (inherited or default) never keeps two mentions apart.
            if not (_overlap(prev.time, inc.time) or "unknown" in (prev.time.precision, inc.time.precision)
                    or prev.time.mention is None or inc.time.mention is None):
                continue
            if prev.location.place_id != key_place:
                # A later mention without a place is the incident already placed.
                nested = prev_place is not None and inc_place is not None and (
                    contains(prev_place, inc_place) or contains(inc_place, prev_place))
                if None not in (prev.location.place_id, key_place) and not nested:
                    continue
                gap = abs(paragraph_of.get(prev.evidence_start, 0) - paragraph)
                if gap > 2:
                    continue
            better_time = inc.time if (inc.time.mention is not None, -_PRECISION_RANK[inc.time.precision]) > \
                (prev.time.mention is not None, -_PRECISION_RANK[prev.time.precision]) else prev.time
            placed = prev if prev_place is not None else inc
            if prev_place is not None and inc_place is not None and contains(prev_place, inc_place):
                placed = inc  # keep the more specific place
            out[i] = replace(
                prev,
                location=placed.location,
                time=better_time,
                confidence=min(0.99, max(prev.confidence, inc.confidence) + 0.03),
                reported_by=tuple(dict.fromkeys(prev.reported_by + inc.reported_by)),
                rule_ids=tuple(dict.fromkeys(prev.rule_ids + inc.rule_ids)),
                actors=prev.actors or inc.actors,
            )
            out_places[i] = prev_place if placed is prev else inc_place
            if placed.location.place_id != prev.location.place_id:
                bisect.insort(same_place.setdefault((inc.category, placed.location.place_id), []), i)
            break
        else:
            same_place.setdefault((inc.category, key_place), []).append(len(out))
            paragraphs.append(paragraph)
            indices.append(len(out))
            out.append(inc)
            out_places.append(inc_place)
    return out
