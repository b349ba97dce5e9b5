"""The scene of a report: what it names around each sentence, and what carries from one sentence to the next.

``Scene`` is built once per report from the stages' annotations: places,
times and actors by sentence, the paragraphs that are page furniture or the
writer's commentary, and the date each paragraph's source spoke.  ``Tracker``
holds what carries as the report is read in order — the last place named in
a paragraph and in the report, the one place a story is about, the last
time told — the state a reader keeps in mind to place "the city" or "these
days".
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field

from seethe.extract.attribution import Credit, CreditIndex
from seethe.extract.furniture import furniture_paragraphs
from seethe.extract.when import TimeMention, resolve_mention
from seethe.geo import contains, specificity
from seethe.models import CueMatch, Place, PlaceMention, TimeSpan
from seethe.text import Document

_WORDS = re.compile(r"\w+")
_BROAD = ("province", "country", "region", "feature")


def group_lists(mentions: list[PlaceMention], text: str, gap: re.Pattern[str]) -> list[list[PlaceMention]]:
    """Places named as a list ("in Pyongsong, Hamhung and Chongjin") grouped together."""
    groups: list[list[PlaceMention]] = []
    for m in mentions:
        if groups and gap.match(text[groups[-1][-1].end:m.start]):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def distance(a0: int, a1: int, b0: int, b1: int) -> int:
    if a1 <= b0:
        return b0 - a1
    if b1 <= a0:
        return a0 - b1
    return 0


@dataclass
class Scene:
    """Everything around each sentence of one report, computed once."""

    doc: Document
    published: dt.date
    places: dict[int, list[PlaceMention]]  # by sentence index
    times: dict[int, list[TimeMention]]
    actors: dict[int, list[tuple[int, int, str]]]  # (start, end, actor label) in cue sentences
    credits: list[Credit]
    furniture: set[int]  # paragraphs that are not the body: headline, dateline, captions, related links
    head: set[int]  # the furniture that heads the page: headline, dateline (not captions)
    commentary: set[int]  # paragraphs of the writer's own comment (no place, time or source)
    speech_date: dict[int, dt.date]  # paragraph → the date its source spoke
    reference: dict[int, dt.date]  # paragraph → the date relative times are read against
    home: str
    out_of_scope: frozenset[str]
    lead: int | None = None  # the first body sentence
    starts: list[int] = field(default_factory=list)  # where each sentence starts
    off_topic: float | None = None  # share of body sentences on what reports without incidents are about
    credit_index: CreditIndex | None = None  # credits by paragraph
    next_placed: list[int | None] = field(default_factory=list)  # per sentence: the next of its paragraph with places
    story_province: Place | None = None  # the one province every home place the report names lies in
    _strong: dict[int, list[PlaceMention]] = field(default_factory=dict)  # caches: each sentence is asked often
    _body_placed: bool | None = None
    _times: dict[int, list[TimeSpan]] = field(default_factory=dict)

    def body_names_a_place(self) -> bool:
        """Whether any sentence outside the page furniture names a place that can be a scene."""
        if self._body_placed is None:
            self._body_placed = any(self.doc.sentences[k].paragraph not in self.furniture and self.strong(k)
                                    for k in self.places)
        return self._body_placed

    def sentence_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def is_weak(self, m: PlaceMention) -> bool:
        """The country itself ("North Korea", "North Korean"): context, not a location."""
        return m.place.type == "country" and m.place.country == self.home and m.place.id == self.home.lower()

    def strong(self, k: int) -> list[PlaceMention]:
        """Places of sentence k that can be a scene: resolved as places, not the country itself, in scope."""
        found = self._strong.get(k)
        if found is None:
            found = self._strong[k] = [m for m in self.places.get(k, ()) if m.score >= 0.5 and not self.is_weak(m)
                                       and m.place.country not in self.out_of_scope]
        return found

    def event_times(self, k: int) -> list[TimeSpan]:
        """Times of events told in sentence k, resolved (nothing after publication)."""
        found = self._times.get(k)
        if found is None:
            found = self._times[k] = self._resolve_times(k)
        return found

    def _resolve_times(self, k: int) -> list[TimeSpan]:
        ref = self.reference.get(self.doc.sentences[k].paragraph, self.published)
        out = []
        for t in self.times.get(k, ()):
            if t.kind != "event":
                continue
            span = resolve_mention(t, ref)
            if span is not None and span.start <= self.published + dt.timedelta(days=1):
                out.append(span)
        return out


def build_scene(doc: Document, cues: dict[int, list[CueMatch]], places: list[PlaceMention], times: list[TimeMention],
                credits: list[Credit], published: dt.date, res) -> Scene:
    """The scene of one report from the stages' annotations (``res`` is the extractor's ``Resources``)."""
    starts = [s.start for s in doc.sentences]

    def sentence_of(offset: int) -> int:
        return max(0, bisect.bisect_right(starts, offset) - 1)

    by_place: dict[int, list[PlaceMention]] = {}
    by_time: dict[int, list[TimeMention]] = {}
    for m in places:
        by_place.setdefault(sentence_of(m.start), []).append(m)
    for t in times:
        by_time.setdefault(sentence_of(t.start), []).append(t)
    _lend_fragments(doc, cues, by_place, by_time)
    actors = _actors_in_cue_sentences(doc, cues, res.actor_terms, sentence_of)
    speech = _speech_dates(doc, times, published, sentence_of)
    furniture, head = furniture_paragraphs(doc, res.furniture)
    scene = Scene(doc, published, by_place, by_time, actors, credits, furniture, head, set(), speech,
                  _carried_references(len(doc.paragraphs), speech), res.country, res.out_of_scope)
    scene.starts = starts
    scene.credit_index = CreditIndex(credits)
    scene.commentary = _commentary_paragraphs(scene, places, times, res)
    scene.lead = next((k for k, s in enumerate(doc.sentences) if s.paragraph not in furniture), None)
    scene.next_placed = _next_with_places(doc.sentences, {k for k in by_place if scene.strong(k)})
    scene.story_province = _story_province(scene, res.provinces)
    return scene


def _story_province(scene: Scene, provinces: dict[str, Place]) -> Place | None:
    """The province every place at home the report names (headline and body, not captions) lies in, if one."""
    codes = {m.place.admin1_iso for k in scene.places for m in scene.strong(k)
             if m.place.country == scene.home and (scene.doc.sentences[k].paragraph not in scene.furniture
                                                  or scene.doc.sentences[k].paragraph in scene.head)}
    if len(codes) != 1 or None in codes:
        return None
    return provinces.get(next(iter(codes)))


def _next_with_places(sentences, placed: set[int]) -> list[int | None]:
    """For each sentence, the next sentence of its paragraph that names a place (None if none does):
    one pass from the end, so asking "what place comes next?" costs nothing per sentence."""
    out: list[int | None] = [None] * len(sentences)
    following: int | None = None
    for k in range(len(sentences) - 1, -1, -1):
        if k + 1 < len(sentences) and sentences[k + 1].paragraph != sentences[k].paragraph:
            following = None
        out[k] = following
        if k in placed:
            following = k
    return out


def _paragraph_finder(paragraphs):
    """A function from a character offset to the index of the paragraph holding it (-1: between paragraphs)."""
    starts = [p.start for p in paragraphs]

    def paragraph_of(offset: int) -> int:
        i = bisect.bisect_right(starts, offset) - 1
        return i if i >= 0 and offset < paragraphs[i].end else -1

    return paragraph_of


def _lend_fragments(doc: Document, cues, by_place, by_time) -> None:
    """A short sentence without a cue ("On the night of Kim Il-sung's birthday.") lends its places
    and times to the sentence before it."""
    sentences, text = doc.sentences, doc.text
    for k in range(1, len(sentences)):
        s = sentences[k]
        if k in cues or len(_WORDS.findall(text, s.start, s.end)) > 10:
            continue
        if sentences[k - 1].paragraph != s.paragraph or k - 1 not in cues:
            continue
        by_place.setdefault(k - 1, []).extend(by_place.get(k, []))
        by_time.setdefault(k - 1, []).extend(by_time.get(k, []))


_PARTY_NAME = re.compile(r"['’]?\s*party\b")


def _actors_in_cue_sentences(doc: Document, cues, actor_terms, sentence_of) -> dict[int, list[tuple[int, int, str]]]:
    """Actors named in sentences with cues, found in one pass over the report."""
    out: dict[int, list[tuple[int, int, str]]] = {}
    folded = doc.folded
    n = len(folded)
    for end, (length, label) in actor_terms.iter(folded):
        a, b = end - length + 1, end + 1
        if (a > 0 and folded[a - 1].isalnum()) or (b < n and folded[b].isalnum()):
            continue
        if _PARTY_NAME.match(folded, b):
            continue  # the Workers' Party: a name, not workers
        k = sentence_of(a)
        if k in cues:
            out.setdefault(k, []).append((a, b, label))
    return out


def _speech_dates(doc: Document, times: list[TimeMention], published: dt.date, sentence_of) -> dict[int, dt.date]:
    """The date a quoted source spoke ("told Daily NK on March 6"), by paragraph."""
    out: dict[int, dt.date] = {}
    for t in times:
        if t.kind == "speech":
            span = resolve_mention(t, published)
            if span is not None:
                out.setdefault(doc.sentences[sentence_of(t.start)].paragraph, span.start)
    return out


def _carried_references(paragraphs: int, speech: dict[int, dt.date]) -> dict[int, dt.date]:
    """Later paragraphs quoting the same source read dates against the day it spoke."""
    out: dict[int, dt.date] = {}
    current = None
    for p in range(paragraphs):
        current = speech.get(p, current)
        if current is not None:
            out[p] = current
    return out


def _commentary_paragraphs(scene: Scene, places: list[PlaceMention], times: list[TimeMention], res) -> set[int]:
    """Paragraphs of the writer's own comment: no place, time or source.

    Only a report written in its author's own voice ("I", "we") has commentary.
    The paragraphs that name a place, a time or a credit are found in one pass
    over each, not by asking every paragraph about every mention.
    """
    doc, text = scene.doc, scene.doc.text
    out: set[int] = set()
    if not res.first_person.search(re.sub(r'"[^"]*"', " ", text)):
        return out
    paragraph_of = _paragraph_finder(doc.paragraphs)
    grounded = {paragraph_of(m.start) for m in places if m.score >= 0.5 and not scene.is_weak(m)}
    grounded |= {paragraph_of(t.start) for t in times if t.kind == "event"}
    grounded |= {c.paragraph for c in scene.credits}
    for p, para in enumerate(doc.paragraphs):
        if p in grounded:
            continue
        body = text[para.start:para.end]
        if re.search(r'"[^"]{40,}"', body) is None and res.sourced.search(body) is None:
            out.add(p)
    return out


class Story:
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


@dataclass
class Tracker:
    """What a reader carries from sentence to sentence: places and times told so far."""

    scene: Scene
    gap: re.Pattern[str]
    last_place_in_para: dict[int, list[PlaceMention]] = field(default_factory=dict)
    last_place_doc: list[PlaceMention] = field(default_factory=list)
    last_place_para: int = -1
    story: Story = field(default_factory=Story)  # specific places named so far
    last_time_in_para: dict[int, TimeSpan] = field(default_factory=dict)
    recent_by_type: dict[str, tuple[int, PlaceMention]] = field(default_factory=dict)  # type -> (order, mention)
    named: int = 0
    headline_places: list[PlaceMention] = field(default_factory=list)  # named in the head, before the body

    def remember_places(self, strong: list[PlaceMention], paragraph: int) -> None:
        if not strong:
            return
        for m in strong:
            self.named += 1
            self.recent_by_type[m.place.type] = (self.named, m)
        self.last_place_in_para[paragraph] = group_lists(strong, self.scene.doc.text, self.gap)[-1]
        self.last_place_doc = self.last_place_in_para[paragraph]
        self.last_place_para = paragraph
        for m in strong:
            if m.place.country == self.scene.home and m.place.type not in _BROAD:
                self.story.add(m.place)

    def remember_headline(self, strong: list[PlaceMention]) -> None:
        if strong and not self.headline_places:
            self.headline_places = group_lists(strong, self.scene.doc.text, self.gap)[0]

    def remember_time(self, spans: list[TimeSpan], paragraph: int) -> None:
        if spans:
            self.last_time_in_para[paragraph] = spans[-1]

    def single_story(self) -> Place | None:
        """The one place a story is about, when every specific place named so far is it or inside it."""
        return self.story.single

    def recent_of_type(self, kinds: tuple[str, ...]) -> PlaceMention | None:
        """The last place named that "the city", "the county" ... can refer to."""
        found = [self.recent_by_type[k] for k in kinds if k in self.recent_by_type]
        return max(found, key=lambda pair: pair[0])[1] if found else None

    def next_place_in_para(self, k: int) -> list[PlaceMention]:
        """The first places named later in the same paragraph (the lead named no place)."""
        j = self.scene.next_placed[k] if k < len(self.scene.next_placed) else None
        if j is None:
            return []
        groups = group_lists(self.scene.strong(j), self.scene.doc.text, self.gap)
        return min(groups, key=lambda g: min(specificity(m.place) for m in g))
