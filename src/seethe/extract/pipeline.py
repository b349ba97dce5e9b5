"""The extraction pipeline: normalize → cues → places → when → attribution → assemble.

Each stage is a function from an ``Analysis`` to a new ``Analysis``, registered
under a versioned name (``seethe.cues.v1``) so that an extraction run can
record exactly which stages produced its incidents.  ``Extractor`` refuses a
pipeline naming a stage that is not registered, and compiles what the stages
use from the profile (the cue automaton, the place resolver, the outlet and
holiday matchers, the actors) once per process, on first use.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Callable

import ahocorasick

from seethe.errors import PublicationDateError, UsageError
from seethe.extract.assemble import Draft, Resources, assemble
from seethe.extract.confidence import ConfidenceModel
from seethe.extract.furniture import FurniturePatterns
from seethe.extract.happening import HappeningWords
from seethe.extract.attribution import Credit, OutletMatcher, compile_outlets, find_credits
from seethe.extract.cues import CueSet, compile_cues, find_cues
from seethe.extract.when import HolidayMatcher, TimeMention, compile_holidays, find_times, other_event_pattern
from seethe.geo import Resolver, find_places, resolver_for
from seethe.models import CueMatch, Incident, Place, PlaceMention, Report
from seethe.profile import Profile, load_profile
from seethe.text import Document, WorkBudget, WorkLimits, normalize


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the stages have found in one report so far."""

    report: Report
    published: dt.date
    doc: Document | None = None
    cues: dict[int, list[CueMatch]] = field(default_factory=dict)
    places: list[PlaceMention] = field(default_factory=list)
    times: list[TimeMention] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)  # every candidate with its features, kept or not
    incidents: list[Incident] = field(default_factory=list)
    budget: WorkBudget = field(default_factory=WorkBudget.unlimited, compare=False, repr=False)


Stage = Callable[[Analysis, "Extractor"], Analysis]
STAGES: dict[str, Stage] = {}


def stage(name: str) -> Callable[[Stage], Stage]:
    """Register a pipeline stage under a versioned name."""

    def register(fn: Stage) -> Stage:
        STAGES[name] = fn
        return fn

    return register


@stage("seethe.normalize.v1")
def _normalize(a: Analysis, ex: "Extractor") -> Analysis:
    return replace(a, doc=normalize(a.report, ex.profile.lexicon.abbreviations, a.budget))


@stage("seethe.cues.v1")
def _cues(a: Analysis, ex: "Extractor") -> Analysis:
    return replace(a, cues=find_cues(a.doc, ex.cues, budget=a.budget))


@stage("seethe.places.v1")
def _places(a: Analysis, ex: "Extractor") -> Analysis:
    return replace(a, places=find_places(a.doc, ex.resolver, a.budget))


@stage("seethe.when.v1")
def _when(a: Analysis, ex: "Extractor") -> Analysis:
    # Times matter only in paragraphs with a cue, and where a source is quoted with a date.
    doc = a.doc
    cue_paragraphs = {doc.sentences[k].paragraph for k in a.cues}
    spans = []
    for i, p in enumerate(doc.paragraphs):
        if i in cue_paragraphs or ex.speech_words.search(doc.folded, p.start, p.end):
            if spans and spans[-1][1] >= p.start - 1:
                spans[-1] = (spans[-1][0], p.end)
            else:
                spans.append((p.start, p.end))
    return replace(a, times=find_times(doc.folded, doc.text, ex.holidays, ex.communication_verbs, spans,
                                       ex.other_event_times, a.budget, ex.dateline_date, ex.page_stamp))


@stage("seethe.attribution.v1")
def _attribution(a: Analysis, ex: "Extractor") -> Analysis:
    return replace(a, credits=find_credits(a.doc, ex.outlets))


@stage("seethe.assemble.v1")
def _assemble(a: Analysis, ex: "Extractor") -> Analysis:
    incidents, drafts = assemble(a.doc, a.cues, a.places, a.times, a.credits, a.published, ex.resources,
                                 ex.min_confidence, own_outlet=ex.first_hand_outlet(a.report.outlet), budget=a.budget)
    return replace(a, incidents=incidents, drafts=drafts)


# The confidence model is calibrated (incidents given 0.8 are right about nine times in ten on
# held-out reports); the default keeps every incident with at least a 30% chance of being right,
# where F1 peaks in cross-validation on real reports: a missed incident costs an analyst more
# than one more line to read.
DEFAULT_MIN_CONFIDENCE = 0.3

DEFAULT_PIPELINE = (
    "seethe.normalize.v1",
    "seethe.cues.v1",
    "seethe.places.v1",
    "seethe.when.v1",
    "seethe.attribution.v1",
    "seethe.assemble.v1",
)


_COMPILED: dict[tuple[str, str, str], object] = {}


def _compiled(profile: Profile, part: str, build: Callable[[], object]):
    """One compiled resource per profile and process, shared by every ``Extractor``."""
    key = (str(profile.folder), profile.version, part)
    value = _COMPILED.get(key)
    if value is None:
        value = _COMPILED[key] = build()
    return value


class Extractor:
    """Turns reports into incidents with one country profile.

    Cheap to construct; the profile's data is read and compiled on first use
    and then shared by every report (and every ``Extractor`` of the profile).
    """

    def __init__(self, profile: Profile | str = "kp", pipeline: tuple[str, ...] = DEFAULT_PIPELINE,
                 min_confidence: float = DEFAULT_MIN_CONFIDENCE, limits: WorkLimits = WorkLimits()) -> None:
        unknown = [name for name in pipeline if name not in STAGES]
        if unknown:
            raise UsageError(f"unknown pipeline stage {unknown[0]!r} (registered: {', '.join(sorted(STAGES))})",
                             code="usage.stage")
        if not (0.0 <= min_confidence <= 1.0):  # NaN fails both comparisons
            raise UsageError(f"min_confidence must be a number from 0 to 1, not {min_confidence!r}",
                             code="usage.confidence")
        self.profile = load_profile(profile) if isinstance(profile, str) else profile
        self.pipeline = tuple(pipeline)
        self.min_confidence = min_confidence
        self.limits = limits
        self._warm = False

    @property
    def cues(self) -> CueSet:
        return _compiled(self.profile, "cues", lambda: compile_cues(self.profile.cue_rules, self.profile.lexicon))

    @property
    def resolver(self) -> Resolver:
        return resolver_for(self.profile)

    @property
    def holidays(self) -> HolidayMatcher:
        return _compiled(self.profile, "holidays", lambda: compile_holidays(self.profile.holidays))

    @property
    def outlets(self) -> OutletMatcher:
        return _compiled(self.profile, "outlets", lambda: compile_outlets(self.profile.outlets, self.profile.lexicon))

    @cached_property
    def other_event_times(self) -> re.Pattern[str] | None:
        return other_event_pattern(self.profile.lexicon.other_event_time_words)

    @cached_property
    def dateline_date(self) -> re.Pattern[str]:
        return re.compile(self.profile.lexicon.patterns["dateline_date"])

    @cached_property
    def page_stamp(self) -> re.Pattern[str]:
        return re.compile(self.profile.lexicon.patterns["page_stamp_before"])

    @cached_property
    def communication_verbs(self) -> frozenset[str]:
        return frozenset(self.profile.lexicon.communication_verbs)

    def first_hand_outlet(self, outlet: str | None) -> str | None:
        """The canonical name of a report's own outlet when it reports first-hand (not a relay)."""
        o = self.profile.outlet_named(outlet)
        return o.name if o is not None and not o.relay else None

    @cached_property
    def speech_words(self) -> re.Pattern[str]:
        return speech_pattern(self.communication_verbs)

    @property
    def resources(self) -> Resources:
        return _compiled(self.profile, "resources", lambda: _resources(self.profile))

    def versions(self) -> dict[str, str]:
        return {**self.profile.versions(), "pipeline": ",".join(self.pipeline)}

    def warm_up(self) -> None:
        """Compile the profile's data now rather than on the first report.

        The compiled data (tens of thousands of long-lived objects) is then
        moved out of the garbage collector's sight with ``gc.freeze()``: it
        lives as long as the process, and scanning it on every collection cost
        a fifth of the extraction time in the benchmark.
        """
        if self._warm:
            return
        _ = (self.cues, self.resolver, self.holidays, self.outlets, self.resources, self.speech_words)
        gc.collect()
        gc.freeze()
        self._warm = True

    def analyse(self, report: Report) -> Analysis:
        """Run every stage; the full ``Analysis`` (for debugging and evaluation).

        A report that takes longer than ``limits`` allow for its size raises
        ``ReportError`` (``report.too_complex``) naming the stage it was in.
        """
        if not self._warm:
            self.warm_up()
        if report.published is None:
            raise PublicationDateError("no publication date given and none found in the report",
                                       source=report.source)
        budget = WorkBudget.for_text(report.source, len(report.text), self.limits)
        a = Analysis(report=report, published=report.published, budget=budget)
        for name in self.pipeline:
            budget.enter(name)
            a = STAGES[name](a, self)
        return a

    def extract(self, report: Report) -> list[Incident]:
        """The incidents in one report with at least ``min_confidence``."""
        return self.analyse(report).incidents


def speech_pattern(verbs) -> re.Pattern[str]:
    """Any verb of speech ("said", "told"), longest first."""
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(verbs, key=len, reverse=True)) + r")\b")


def _resources(profile: Profile) -> Resources:
    """What assembly needs from the profile and its language."""
    cats = profile.codebook.categories
    actors = ahocorasick.Automaton()
    for a in profile.actors:
        for term in a.terms:
            actors.add_word(term.lower(), (len(term), a.label))
    actors.make_automaton()
    lex = profile.lexicon
    p = lex.patterns
    return Resources(
        labels={k: v.label for k, v in cats.items()},
        abroad_ok=frozenset(k for k, v in cats.items() if v.abroad),
        country=profile.country,
        actor_terms=actors,
        out_of_scope=frozenset(profile.codebook.out_of_scope),
        list_gap=re.compile(p["list_gap"], re.I),
        first_person=re.compile(p["first_person"]),
        elsewhere=re.compile(p["elsewhere_opener"]),
        source_place=re.compile(p["source_place_before"]),
        statistic=re.compile(p["statistic_sentence"]),
        speech=speech_pattern(lex.communication_verbs),
        sourced=re.compile(p["sourced_paragraph"]),
        place_anaphora=re.compile(p["place_anaphora"]),
        anaphor_types=dict(lex.anaphor_types),
        clause_cut=re.compile(p["clause_cut"]),
        furniture=FurniturePatterns.from_lexicon(lex),
        happening=HappeningWords.from_lexicon(lex),
        state_actors=frozenset(a.label for a in profile.actors if a.side == "state"),
        nature=frozenset(a.label for a in profile.actors if a.side == "nature"),
        category_of=_category_by_actor(profile),
        model=ConfidenceModel.of(profile),
        telling_of=profile.codebook.telling_of,
        destination_scenes=frozenset(k for k, v in cats.items() if v.destination_is_scene),
        post_scenes=frozenset(k for k, v in cats.items() if v.post_is_scene),
        provinces=_provinces(profile),
        sanctions=frozenset(k for k, v in cats.items() if v.sanction),
        charge_before=re.compile(p["charge_before"]),
    )


def _provinces(profile: Profile) -> dict[str, Place]:
    gazetteer = resolver_for(profile).gazetteer
    return {p.admin1_iso: p for p in gazetteer.places.values()
            if p.type == "province" and p.country == profile.country and p.admin1_iso}


def _category_by_actor(profile: Profile) -> Callable[[str, str | None], str]:
    side = {a.label: a.side for a in profile.actors}
    codebook = profile.codebook
    return lambda code, actor: codebook.category_of(code, side.get(actor or ""))


def extract_report(report: Report, profile: Profile | str = "kp") -> list[Incident]:
    """Incidents in one report (a convenience over ``Extractor``)."""
    return Extractor(profile).extract(report)
