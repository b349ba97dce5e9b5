"""Assembly: from cues, places, times and credits to incidents, one decision per step.

Every cue in a body sentence becomes a ``Draft``, an explicit record that the
steps fill in turn, in the order a reader decides:

1. ``choose_happening`` — does the sentence report a happening at all, or is
   it background, a statistic, a hypothetical, commentary?  (page furniture
   never gets here);
2. ``choose_act`` — is this cue's act the sentence's main act, and who does it?
3. ``choose_place`` — where: the sentence's own place (one incident per place
   of a list), else the place carried from the paragraph, "the city", the
   next place of the paragraph, the scene set just before, the one place of
   the story;
4. ``choose_time`` — when: the sentence's own time, else the paragraph's, the
   date its source spoke, or the weeks before publication;
5. ``choose_credit`` — who reported it;
6. ``score`` — the confidence model (profile data) turns the named evidence
   the steps left into a probability.

Each step leaves its evidence in ``Draft.features`` under a name; the weights
of those names are the profile's ``confidence.json``.  Drafts under the
minimum confidence are set aside; the same incident told twice is one
incident (``merge_duplicates``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from seethe.extract.attribution import Credit, introduces_quote
from seethe.extract.confidence import ConfidenceModel
from seethe.extract.furniture import FurniturePatterns
from seethe.extract.happening import HappeningWords, act_features, off_topic_share, sentence_features
from seethe.extract.scene import Scene, Tracker, build_scene, distance, group_lists
from seethe.extract.when import TimeMention, default_span
from seethe.geo import contains
from seethe.models import MAX_SPAN, CueMatch, Incident, Location, Place, PlaceMention, ReportRef, TimeSpan
from seethe.text import Document, Sentence, WorkBudget

_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "season": 3, "year": 4, "unknown": 5}
_BROAD_TYPES = ("province", "country", "region")


@dataclass(frozen=True, slots=True)
class Resources:
    """What assembly needs from the profile and its language, compiled once."""

    labels: dict[str, str]
    abroad_ok: frozenset[str]
    country: str
    actor_terms: Any  # Aho-Corasick automaton: term -> (length, actor label)
    out_of_scope: frozenset[str]
    list_gap: re.Pattern[str]  # between the places of a list: ", ", " and "
    first_person: re.Pattern[str]  # the writer's own voice: "I", "we"
    elsewhere: re.Pattern[str]  # "Elsewhere, ...": a sentence that leaves the place told so far
    source_place: re.Pattern[str]  # "a source in X Province told ...": where the source is, before X
    speech: re.Pattern[str]  # a verb of speech: "said", "told"
    statistic: re.Pattern[str]  # "the number of defectors fell", "compared with a year earlier": counts, not acts
    sourced: re.Pattern[str]  # a paragraph that cites someone: "a source said"
    place_anaphora: re.Pattern[str]  # "the city", "the county" (group "noun")
    anaphor_types: dict[str, tuple[str, ...]]  # noun -> place types it refers to
    clause_cut: re.Pattern[str]  # where a summary's clause ends
    furniture: FurniturePatterns
    happening: HappeningWords
    state_actors: frozenset[str]  # actor labels on the state's side
    model: ConfidenceModel
    telling_of: Callable[[str], tuple[str, int]]  # the category naming a happening told as this one
    destination_scenes: frozenset[str] = frozenset()  # categories whose destination is their scene
    post_scenes: frozenset[str] = frozenset()  # categories whose actor's post abroad is their scene
    provinces: dict[str, Place] = field(default_factory=dict)  # ISO 3166-2 code -> the province's gazetteer entry
    sanctions: frozenset[str] = frozenset()  # categories that punish: what they punish is their charge
    charge_before: re.Pattern[str] = re.compile(r"(?!)")  # "charged with", "for watching": a charge ends here
    category_of: Callable[[str, str | None], str] = lambda code, actor: code  # the act's category for its actor
    nature: frozenset[str] = frozenset()  # actor labels that are forces of nature: what they do is no incident


@dataclass
class Draft:
    """One candidate incident as the steps decide it."""

    k: int  # the sentence
    cue: CueMatch
    actor: str | None = None
    places: list[PlaceMention] = field(default_factory=list)
    time: TimeSpan | None = None
    credit: tuple[str, ...] = ()
    features: dict[str, float] = field(default_factory=dict)
    logit: float = 0.0  # the telling model's log-odds
    confidence: float = 0.0
    dropped: str | None = None  # why a step set it aside

    @property
    def category(self) -> str:
        return self.cue.category


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
) -> tuple[list[Incident], list[Draft]]:
    """Incidents with at least ``min_confidence``, deduplicated, in text order; and every draft.

    ``own_outlet`` is the outlet that published the report when it reports
    first-hand (not a blog relaying others): it is credited where the text
    credits no one.
    """
    scene = build_scene(doc, cues, places, times, credits, published, res)
    tracker = Tracker(scene, res.list_gap)
    budget = budget or WorkBudget.unlimited()
    drafts: list[Draft] = []
    for k, s in enumerate(doc.sentences):
        budget.tick()
        if s.paragraph in scene.furniture:
            if s.paragraph in scene.head and (scene.lead is None or k < scene.lead):
                tracker.remember_headline(scene.strong(k))  # the head names where the story is
            continue
        strong = scene.strong(k)
        told = scene.event_times(k)
        if k in cues:
            drafts.extend(_drafts_of_sentence(k, s, cues[k], scene, tracker, res, own_outlet))
        tracker.remember_places(strong, s.paragraph)
        tracker.remember_time(told, s.paragraph)
    mentions = [(d, inc) for d in drafts if d.dropped is None for inc in _incidents_of(d, scene, res)]
    paragraph_of = {s.start: s.paragraph for s in doc.sentences}
    members: list[list[int]] = []
    merged = merge_duplicates([inc for _, inc in mentions], paragraph_of, res.model.repeat_bonus, res.telling_of,
                              members=members)
    if res.model.happening is not None:
        merged = judge_happenings(merged, [[mentions[i][0] for i in group] for group in members], scene, res.model)
    return confident(merged, min_confidence, res.model.lone_floor), drafts


def confident(incidents: list[Incident], min_confidence: float, lone_floor: float) -> list[Incident]:
    """The incidents a report yields at ``min_confidence``: none when its only one is under ``lone_floor``.

    A report with a single weak candidate is mostly a report about something else (a review, a missile
    launch, prices) that touches a cue once; a report of a happening tells it firmly.  Asked for every
    candidate (``min_confidence`` 0), a reviewer gets them all.
    """
    kept = [inc for inc in incidents if inc.confidence >= min_confidence]
    if len(kept) == 1 and kept[0].confidence < lone_floor and min_confidence > 0:
        return []
    return kept


def happening_features(tellings: list[list[Draft]], scene: Scene) -> list[dict[str, float]]:
    """What a report says of each happening as a whole: its strongest telling, how often it is told,
    whether its lead tells it, and whether it is the report's strongest happening.  (How many
    happenings a report has is left out on purpose: a roundup of fifteen incidents is as true as a
    report of one.)"""
    best = [max(d.logit for d in group) for group in tellings]
    order = sorted(range(len(best)), key=lambda i: -best[i])
    rank = {i: r + 1 for r, i in enumerate(order)}
    out = []
    for i, group in enumerate(tellings):
        out.append({
            "best_telling": best[i],
            "retold": math.log(len({d.k for d in group})),
            "in_lead": float(any(d.k == scene.lead for d in group)),
            "rank:1": float(rank[i] == 1),
        })
    return out


def judge_happenings(merged: list[Incident], tellings: list[list[Draft]], scene: Scene,
                     model: ConfidenceModel) -> list[Incident]:
    """The confidence of each happening, from the happening model over its tellings."""
    features = happening_features(tellings, scene)
    return [replace(inc, confidence=min(0.99, max(0.01, model.happening_probability(f))))
            for inc, f in zip(merged, features)]


def _drafts_of_sentence(k: int, s: Sentence, cues: list[CueMatch], scene: Scene, tracker: Tracker, res: Resources,
                        own_outlet: str | None) -> list[Draft]:
    happening = choose_happening(scene, k, res)
    # A count over a period ("a total of 1,508 defected in 2012, compared with 2,706 in 2011") tells no act.
    statistic = res.statistic.search(scene.doc.text, s.start, s.end) is not None
    out = []
    for cue in cues:
        d = Draft(k, cue, features=dict(happening))
        if statistic:
            d.dropped = "a statistic"
            out.append(d)
            continue
        d.features[f"family:{cue.category.split('.', 1)[0]}"] = 1.0
        choose_act(d, scene, cues, res)
        if not d.dropped:
            choose_place(d, scene, tracker, res)
        if d.dropped:
            out.append(d)
            continue
        choose_time(d, scene, tracker)
        choose_credit(d, scene, own_outlet)
        score(d, res.model)
        out.append(d)
    return out


# -- 1. the happening -------------------------------------------------------

def choose_happening(scene: Scene, k: int, res: Resources) -> dict[str, float]:
    """The sentence's marks of a reported happening (and of context), and what the report is about."""
    if scene.off_topic is None:
        scene.off_topic = off_topic_share(scene, res.happening)
    return {**sentence_features(scene, k, res.happening), "off_topic": scene.off_topic}


# -- 2. the act and its actor -----------------------------------------------

def choose_act(d: Draft, scene: Scene, cues: list[CueMatch], res: Resources) -> None:
    """Who performs the cue's act (the actor named nearest it), and whether it is the sentence's main act.

    The act a sanction was for ("executed for watching South Korean dramas",
    "arrested on charges of smuggling") is its reason, not an incident of its
    own: such a cue is set aside when its sentence tells the sanction.
    """
    mentions = scene.actors.get(d.k, [])
    doer = _doer(mentions, d.cue, scene.doc.folded, res.speech)
    if doer in res.nature:  # "floods killed hundreds": a disaster, not an act of anyone
        d.dropped = "a force of nature did it"
    d.actor = doer or _nearest_actor([m for m in mentions if m[2] not in res.nature], d.cue)
    # Only the one the sentence makes do the act moves its category (a diplomat who defects, residents who
    # kill an official); an actor merely named nearby does not.
    category = res.category_of(d.category, doer)
    if category != d.category:  # a diplomat's defection is an elite's dissent
        d.cue = replace(d.cue, category=category)
    d.features.update(act_features(scene, d.k, d.cue, cues, d.actor, res.state_actors, res.happening))
    if d.category not in res.sanctions and any(c.category in res.sanctions for c in cues):
        s = scene.doc.sentences[d.k]
        if res.charge_before.search(scene.doc.folded, max(s.start, d.cue.start - 80), d.cue.start):
            d.dropped = "the charge of a sanction told in the same sentence"


_SUBJECT_REACH = 60  # characters before the act within which its subject is looked for
_PASSIVE_AGENT = re.compile(r"\bby\s+(?:the\s+|a\s+|an\s+)?$")


def _doer(mentions: list[tuple[int, int, str]], cue: CueMatch, folded: str,
          speech: re.Pattern[str] | None = None) -> str | None:
    """Who the sentence says performs the act: the agent of a passive ("arrested by police"), else the
    subject named just before the act ("the ambassador deserted the regime": not the regime), unless a verb
    of speech comes between ("residents said officials were executed": the residents only tell it)."""
    agents = [(a, label) for a, b, label in mentions if a >= cue.end and _PASSIVE_AGENT.search(folded[max(cue.end, a - 12):a])]
    if agents:
        return min(agents)[1]
    subjects = [(cue.start - b, label) for a, b, label in mentions if b <= cue.start and cue.start - b <= _SUBJECT_REACH
                and not (speech is not None and speech.search(folded, b, cue.start))]
    if subjects:
        return min(subjects)[1]
    return None


def _nearest_actor(mentions: list[tuple[int, int, str]], cue: CueMatch) -> str | None:
    best = None
    for a, b, label in mentions:
        gap = distance(a, b, cue.start, cue.end)
        if best is None or gap < best[0]:
            best = (gap, label)
    return best[1] if best else None


# -- 3. the place -------------------------------------------------------------

def _usable_place(place: Place, category: str, res: Resources) -> bool:
    return place.country not in res.out_of_scope and (place.country == res.country or category in res.abroad_ok)


def _usable(m: PlaceMention, category: str, res: Resources) -> bool:
    return m.score >= 0.5 and _usable_place(m.place, category, res)


def choose_place(d: Draft, scene: Scene, tracker: Tracker, res: Resources) -> None:
    """Where the act happened, and where that knowledge came from (``place:<basis>`` feature)."""
    k, category = d.k, d.category
    in_sentence = [m for m in scene.places.get(k, ()) if m.score >= 0.5]
    usable = [m for m in scene.strong(k) if _usable(m, category, res)]
    if not usable and category in res.destination_scenes:
        usable = [replace(m, score=1.0) for m in scene.places.get(k, ())
                  if m.role == "destination" and m.place.country == res.country and _usable_place(m.place, category, res)]
    if not usable and category in res.post_scenes:
        usable = [replace(m, score=1.0) for m in scene.places.get(k, ())
                  if m.role == "post" and _usable_place(m.place, category, res)]
    if not usable and any(m.place.country in res.out_of_scope for m in in_sentence):
        d.dropped = "it happened where the profile does not look"  # police in a South Korean city
        return
    if usable:
        chosen, basis = _place_in_sentence(d.cue, usable, scene, tracker, res), "sentence"
    else:
        chosen, basis = _carried_place(d, scene, tracker, res, in_sentence)
    story = tracker.single_story()
    # A river or mountain locates less well than the town the story is about.
    if chosen and story is not None and all(m.place.type == "feature" for m in chosen) \
            and _usable_place(story, category, res):
        chosen, basis = [PlaceMention(-1, -1, story.name, story)], "story"
    # A province stands for the story's town inside it ("a source in X Province").
    if len(chosen) == 1 and chosen[0].place.type == "province" and story is not None \
            and contains(chosen[0].place, story):
        chosen, basis = [PlaceMention(-1, -1, story.name, story)], basis if basis != "none" else "story"
    # A foreign country stands for the one town the report names in it ("workers in China" in a story about a
    # factory in Helong, named further down).
    if len(chosen) == 1 and chosen[0].place.type == "country" and chosen[0].place.country != res.country:
        inside = _only_town_in(chosen[0].place, scene)
        if inside is not None and _usable_place(inside, category, res):
            chosen, basis = [PlaceMention(-1, -1, inside.name, inside)], "story"
    d.places = chosen
    d.features[f"place:{basis}"] = 1.0
    d.features["place_broad"] = float(bool(chosen) and all(m.place.type in _BROAD_TYPES for m in chosen))


def _only_town_in(country: Place, scene: Scene) -> Place | None:
    """The one place finer than a province that the report names as a scene in ``country``, if there is one."""
    found = {m.place.id: m.place for mentions in scene.places.values() for m in mentions
             if m.score >= 0.5 and m.place.country == country.country and contains(country, m.place)
             and m.place.type not in _BROAD_TYPES}
    return next(iter(found.values())) if len(found) == 1 else None


def _place_in_sentence(cue: CueMatch, usable: list[PlaceMention], scene: Scene, tracker: Tracker,
                       res: Resources) -> list[PlaceMention]:
    """The sentence's place nearest the cue; a list of places is one incident each."""
    groups = group_lists(usable, scene.doc.text, res.list_gap)
    text = scene.doc.text
    chosen = min(groups, key=lambda g: (
        # Where the source is ("a source in Chagang Province told ...") yields to a place the sentence tells.
        res.source_place.search(text, max(0, g[0].start - 60), g[0].start) is not None,
        # Rivers and regions locate less well than towns: prefer any other group.
        all(m.place.type in ("feature", "region") for m in g),
        distance(g[0].start, g[-1].end, cue.start, cue.end), g[0].start))
    # "A source in X Province" after the story named a town in X: the town.
    if len(chosen) == 1 and chosen[0].place.type == "province":
        paragraph = scene.doc.sentences[scene.sentence_of(cue.start)].paragraph
        inner = [m for m in (tracker.last_place_in_para.get(paragraph) or tracker.last_place_doc)
                 if contains(chosen[0].place, m.place)]
        if inner:
            return inner
    return chosen


def _carried_place(d: Draft, scene: Scene, tracker: Tracker, res: Resources,
                   in_sentence: list[PlaceMention]) -> tuple[list[PlaceMention], str]:
    """A place the sentence does not name itself, as a reader would carry it."""
    k, category = d.k, d.category
    s = scene.doc.sentences[k]
    folded = scene.doc.folded[s.start:s.end]
    if res.elsewhere.match(folded):
        return [], "none"  # "Elsewhere, mine workers went on strike": not where the last story was
    carried = [m for m in tracker.last_place_in_para.get(s.paragraph, []) if _usable(m, category, res)]
    if carried:
        return carried, "paragraph"
    anaphor = res.place_anaphora.search(folded)
    typed = tracker.recent_of_type(res.anaphor_types.get(anaphor.group("noun"), ())) if anaphor else None
    if typed is not None and _usable(typed, category, res):
        return [typed], "anaphor"  # "the city's detention center": the last city named
    ahead = [m for m in tracker.next_place_in_para(k) if _usable(m, category, res)]
    weak = any(scene.is_weak(m) or m.place.type == "country" for m in in_sentence)
    ahead_is_broad = ahead and all(m.place.type in ("country", "region") for m in ahead)
    if ahead and not weak and not (ahead_is_broad and tracker.last_place_para == s.paragraph - 1):
        return ahead, "ahead"
    if not weak and not scene.body_names_a_place():
        # A story told with no place but in its headline happened there (its paragraphs name none, so they
        # would otherwise pass for the writer's comment).
        headline = [m for m in tracker.headline_places if _usable(m, category, res)]
        if headline:
            return headline, "story"
    if s.paragraph in scene.commentary or weak:
        return [], "none"
    # The scene set in the paragraph just before carries into the quotes that
    # follow; "the city", "the county" and one-place stories carry further.
    previous = [m for m in tracker.last_place_doc if _usable(m, category, res)]
    if previous and (tracker.last_place_para == s.paragraph - 1 or anaphor is not None):
        return previous, "previous"
    story = tracker.single_story()
    if story is not None and _usable_place(story, category, res):
        return [PlaceMention(-1, -1, story.name, story)], "story"
    # Every place the report names lies in one province: what it does not place, it tells of that province.
    province = scene.story_province
    if province is not None and _usable_place(province, category, res):
        return [PlaceMention(-1, -1, province.name, province)], "story_province"
    return [], "none"


# -- 4. the time --------------------------------------------------------------

def choose_time(d: Draft, scene: Scene, tracker: Tracker) -> None:
    """When it happened, and where that came from (``time:<basis>`` feature)."""
    s = scene.doc.sentences[d.k]
    told = scene.event_times(d.k)
    if told:
        cue = d.cue
        d.time = min(told, key=lambda t: distance(t.offset or 0, (t.offset or 0) + len(t.mention or ""),
                                                  cue.start, cue.end))
        basis = "sentence"
    elif s.paragraph in tracker.last_time_in_para:
        d.time, basis = tracker.last_time_in_para[s.paragraph], "paragraph"
    elif s.paragraph in scene.speech_date:
        spoke = scene.speech_date[s.paragraph]
        d.time, basis = TimeSpan(spoke - dt.timedelta(days=7), spoke, "week", None, None), "speech"
    else:
        d.time, basis = default_span(scene.published), "default"
    if d.time.end - d.time.start > MAX_SPAN:
        # "Since 2011": a trend told over years; the incident's time is its latest part.
        d.time = replace(d.time, start=d.time.end - MAX_SPAN + dt.timedelta(days=1), precision="year")
    d.features[f"time:{basis}"] = 1.0


# -- 5. the credit ------------------------------------------------------------

def choose_credit(d: Draft, scene: Scene, own_outlet: str | None) -> None:
    """The outlets the report credits for the sentence's paragraph, or the publisher's own reporting."""
    s = scene.doc.sentences[d.k]
    para = scene.doc.paragraphs[s.paragraph]
    # Whether a paragraph leads into a quote is in its last words.
    credited = scene.credit_index.credits_for(
        s.paragraph, introduces_quote(scene.doc.text[max(para.start, para.end - 200):para.end]))
    d.credit = credited or ((own_outlet,) if own_outlet else ())
    d.features["credited"] = float(bool(credited))


# -- 6. the score -------------------------------------------------------------

def score(d: Draft, model: ConfidenceModel) -> None:
    d.logit = model.logit(d.features)
    d.confidence = min(0.99, max(0.01, 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, d.logit))))))


# -- from drafts to incidents -------------------------------------------------

def _incidents_of(d: Draft, scene: Scene, res: Resources) -> list[Incident]:
    """One incident per place the draft names (a list of towns is one incident each)."""
    doc = scene.doc
    s = doc.sentences[d.k]
    summary = _summary(res.labels.get(d.category, d.category), doc.text, s, d.cue, res.clause_cut)
    report = ReportRef.of(doc.report)
    targets: list[PlaceMention | None] = list(d.places) or [None]
    assert d.time is not None
    return [Incident(
        category=d.category, summary=summary,
        location=Location.of(m.place if m else None, m.text if m else None, res.country),
        time=d.time, evidence_text=doc.text[s.start:s.end], evidence_start=s.start, evidence_end=s.end,
        confidence=d.confidence, reported_by=d.credit, actors=(d.actor,) if d.actor else (),
        rule_ids=(d.cue.rule_id,), report=report,
    ) for m in targets]


def _summary(label: str, text: str, s: Sentence, cue: CueMatch, clause_cut: re.Pattern[str]) -> str:
    """The clause around the cue, at most ~140 characters, after the category's label."""
    sentence = text[s.start:s.end].strip().strip('"').strip()
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


def _overlap(a: TimeSpan, b: TimeSpan) -> bool:
    return a.start <= b.end and b.start <= a.end


MERGE_LOOKBACK = 64  # earlier incidents of one kind a mention is compared with


def _same_telling(code: str) -> tuple[str, int]:
    return code, 0


def _along(a: Place, b: Place, ta: TimeSpan, tb: TimeSpan) -> bool:
    """A river or border and a place in the same country, on a day both tellings state: the same spot
    told twice ("escaped across the Tumen River on April 15" and "Musan County ... on April 15")."""
    if (a.type == "feature") == (b.type == "feature") or a.country != b.country:
        return False
    return _overlap(ta, tb)


def merge_duplicates(incidents: list[Incident], paragraph_of: dict[int, int] | None = None,
                     repeat_bonus: float = 0.03, telling_of: Callable[[str], tuple[str, int]] = _same_telling,
                     max_gap: int = 2, members: list[list[int]] | None = None) -> list[Incident]:
    """One incident for repeated mentions of one happening: the same category (or
    categories one happening is told as, by ``telling_of``) and place, compatible time.

    A mention without a place joins a placed one within ``max_gap``
    paragraphs of it, or anywhere when the report places that kind of
    happening in one place only (a lead that names no place and the details
    further down); otherwise it is more likely another incident.  Of two
    nested places (a town and its county) the more specific is kept; of two
    tellings, the category that names the happening.  Telling an incident
    again adds ``repeat_bonus`` to its confidence.  ``members``, when given,
    receives for each merged incident the indexes of the mentions it is made of.
    """
    paragraph_of = paragraph_of or {}
    groups: list[list[int]] = []
    places_of: dict[str, set[str]] = {}
    for inc in incidents:
        if inc.location.place_id is not None:
            places_of.setdefault(telling_of(inc.category)[0], set()).add(inc.location.place_id)
    out: list[Incident] = []
    out_places: list[Place | None] = []  # out[i].location.as_place(), kept beside it
    of_happening: dict[str, list[int]] = {}  # the happening a category tells -> indices into out
    for n, inc in enumerate(incidents):
        key_place = inc.location.place_id
        inc_place = inc.location.as_place()
        happening, inc_rank = telling_of(inc.category)
        # Compared only with the last MERGE_LOOKBACK incidents of its kind (far more than a report
        # tells of one kind), so a report with thousands of incidents is not compared pair by pair.
        candidates = of_happening.setdefault(happening, [])
        for i in candidates[-MERGE_LOOKBACK:]:
            prev, prev_place = out[i], out_places[i]
            prev_rank = telling_of(prev.category)[1]
            if prev.location.place_id != key_place:
                # A later mention without a place is the incident already placed.
                nested = prev_place is not None and inc_place is not None and (
                    contains(prev_place, inc_place) or contains(inc_place, prev_place)
                    or _along(prev_place, inc_place, prev.time, inc.time))
                if None not in (prev.location.place_id, key_place) and not nested:
                    continue
                gap = abs(paragraph_of.get(prev.evidence_start, 0) - paragraph_of.get(inc.evidence_start, 0))
                if gap > max_gap and len(places_of.get(happening, ())) != 1:
                    continue
            # A time the sentence did not state itself (inherited or default) never keeps two mentions apart;
            # two tellings in different categories must agree on a time both state (or share a sentence).
            if prev.category != inc.category and prev.evidence_start != inc.evidence_start:
                if not (_overlap(prev.time, inc.time) and prev.time.mention and inc.time.mention):
                    continue
            elif not (_overlap(prev.time, inc.time) or "unknown" in (prev.time.precision, inc.time.precision)
                      or prev.time.mention is None or inc.time.mention is None):
                continue
            better_time = inc.time if (inc.time.mention is not None, -_PRECISION_RANK[inc.time.precision]) > \
                (prev.time.mention is not None, -_PRECISION_RANK[prev.time.precision]) else prev.time
            placed = prev if prev_place is not None else inc
            if prev_place is not None and inc_place is not None and (
                    contains(prev_place, inc_place) or prev_place.type == "feature" != inc_place.type):
                placed = inc  # keep the more specific place; a town locates better than the river it is on
            out[i] = replace(
                prev,
                category=inc.category if inc_rank < prev_rank else prev.category,
                location=placed.location,
                time=better_time,
                confidence=min(0.99, max(prev.confidence, inc.confidence) + repeat_bonus),
                reported_by=tuple(dict.fromkeys(prev.reported_by + inc.reported_by)),
                rule_ids=tuple(dict.fromkeys(prev.rule_ids + inc.rule_ids)),
                actors=prev.actors or inc.actors,
            )
            out_places[i] = out[i].location.as_place()
            groups[i].append(n)
            break
        else:
            candidates.append(len(out))
            out.append(inc)
            out_places.append(inc_place)
            groups.append([n])
    if members is not None:
        members[:] = groups
    return out


__all__ = ["Draft", "Resources", "assemble", "confident", "choose_act", "choose_credit", "choose_happening", "choose_place",
           "choose_time", "merge_duplicates", "score"]
