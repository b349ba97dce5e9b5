"""The declared schemas of a country profile's files and of a language lexicon.

Every model forbids unknown keys: a misspelt key in a data file is an error
with ``file:line``, not a setting silently ignored.  Cross-file checks (a cue
rule's category must be in the codebook) are made by the loader.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ISO_COUNTRY = r"^[A-Z]{2}$"
ISO_ADMIN1 = r"^[A-Z]{2}-[A-Z0-9]{1,3}$"
CATEGORY = r"^[a-z_]+\.[a-z_]+$"
# A file named by a manifest lives in the profile's own folder: no paths, no hidden files.
FILE_NAME = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$"
PROFILE_ID = r"^[a-z][a-z0-9_-]{0,31}$"

Country = Annotated[str, Field(pattern=ISO_COUNTRY)]
Admin1 = Annotated[str, Field(pattern=ISO_ADMIN1)]
Code = Annotated[str, Field(pattern=CATEGORY)]
FileName = Annotated[str, Field(pattern=FILE_NAME)]
Term = Annotated[str, Field(min_length=1, max_length=200)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProfileFiles(_Strict):
    codebook: FileName
    cues: FileName
    holidays: FileName
    outlets: FileName
    gazetteer: FileName
    actors: FileName
    confidence: FileName
    not_places: FileName | None = None
    areas: FileName | None = None  # province areas and border provinces (the analyses)
    travel: FileName | None = None  # speeds by mode and the detour factor (the reach analysis)
    linking: FileName | None = None  # the event linker's model and blocking (seethe link)
    corroboration: FileName | None = None  # provenance and grades of events


class Manifest(_Strict):
    id: Annotated[str, Field(pattern=PROFILE_ID)]
    name: Name
    country: Country
    version: Annotated[str, Field(min_length=1, max_length=64)]
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")] = "en"
    # Provinces that are cities in their own right ("the city of Rason").
    city_provinces: tuple[Admin1, ...] = ()
    # Capitals stand for their governments ("Pyongyang has ...").
    capitals: tuple[Name, ...] = ()
    files: ProfileFiles
    comment: str | None = None


class Category(_Strict):
    label: Name
    description: str = ""
    abroad: bool = False
    # The place a movement is restricted *to* ("entry to Pyongyang") is where the act happens.
    destination_is_scene: bool = False
    # An act of the one who holds a post abroad (a diplomat's defection): the post ("ambassador to Rome") is its scene.
    post_is_scene: bool = False
    # A sanction (punishment, arrest, purge): the acts named as its charge are its reason, not incidents.
    sanction: bool = False


class CodebookFile(_Strict):
    version: Annotated[str, Field(min_length=1, max_length=32)]
    categories: dict[Code, Category] = Field(min_length=1)
    out_of_scope_countries: tuple[Country, ...] = ()
    # Categories one happening may be told as; the first of a group names the happening.
    tellings: tuple[tuple[Code, ...], ...] = ()
    # The same act is another category when an actor of this side does it: {side: {code: code}}
    # (a diplomat's defection is an elite's dissent, not a resident's escape).
    by_actor_side: dict[Annotated[str, Field(min_length=1, max_length=40)], dict[Code, Code]] = {}
    comment: str | None = None

    @model_validator(mode="after")
    def _tellings_are_categories(self) -> "CodebookFile":
        for group in self.tellings:
            unknown = [c for c in group if c not in self.categories]
            if unknown:
                raise ValueError(f"tellings name unknown categories: {', '.join(unknown)}")
        for side, mapping in self.by_actor_side.items():
            unknown = [c for pair in mapping.items() for c in pair if c not in self.categories]
            if unknown:
                raise ValueError(f"by_actor_side.{side} names unknown categories: {', '.join(unknown)}")
        return self


class CueRuleSpec(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_.-]+$", max_length=80)]
    category: Code
    weight: Annotated[float, Field(gt=0, le=1)] = 0.8
    any: tuple[Term, ...] | None = None
    all: tuple[tuple[Term, ...], ...] | None = None
    window: Annotated[int, Field(ge=0, le=60)] = 8
    ordered: bool = False
    not_between: tuple[Term, ...] = ()
    unless: tuple[Term, ...] = ()
    unless_scope: Literal["sentence", "paragraph", "document"] = "sentence"
    move_to: Code | None = None
    move_when: tuple[Term, ...] = ()
    # Only a move term after the cue counts: the object of the act ("executed two officials"), not its agent
    # ("officials carried out the executions").
    move_after: bool = False
    supersedes: tuple[Code, ...] = ()
    comment: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "CueRuleSpec":
        if (self.any is None) == (self.all is None):
            raise ValueError("a rule needs exactly one of 'any' or 'all'")
        if self.any is not None and not self.any:
            raise ValueError("'any' must be a non-empty term list")
        if self.all is not None and (len(self.all) < 2 or not all(self.all)):
            raise ValueError("'all' must be a list of at least two non-empty term lists")
        for term in (self.any or ()) + tuple(t for slot in self.all or () for t in slot):
            if term.startswith("re:"):
                try:
                    re.compile(term[3:])
                except re.error as exc:
                    raise ValueError(f"term {term!r} is not a valid regular expression: {exc}") from None
        return self

    @property
    def slots(self) -> tuple[tuple[str, ...], ...]:
        return self.all if self.all is not None else (self.any or (),)


class HolidaySpec(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    month: Annotated[int, Field(ge=1, le=12)]
    day: Annotated[int, Field(ge=1, le=31)]
    names: tuple[Name, ...] = Field(min_length=1)


class HolidaysFile(_Strict):
    version: str
    holidays: tuple[HolidaySpec, ...]
    comment: str | None = None


Letter = Literal["A", "B", "C", "D", "E", "F"]
LocationPrecision = Literal["site", "city", "county", "province", "country", "unknown"]
TimePrecision = Literal["day", "week", "month", "season", "year", "unknown"]
_LABEL = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?"
Domain = Annotated[str, Field(pattern=rf"^{_LABEL}(\.{_LABEL})+$", max_length=200)]


class OutletSpec(_Strict):
    name: Name
    aliases: tuple[Name, ...]
    relay: bool = False  # mostly repeats others (blogs, aggregators): never an independent origin by itself
    kind: Literal["news", "wire", "official", "government", "blog", "research", "ngo"] = "news"
    domains: tuple[Domain, ...] = ()  # its web sites: a link to one of them credits the outlet
    reposts: tuple[Name, ...] = ()  # outlets whose reports it is known to republish
    reliability: Letter | None = None  # prior source reliability on the Admiralty scale (A best, F cannot be judged)


class OutletsFile(_Strict):
    version: str
    outlets: tuple[OutletSpec, ...]
    comment: str | None = None


class CompatiblePair(_Strict):
    """Two codes one happening can carry in different tellings (a riot: protest to one outlet, violence to another)."""

    categories: tuple[Code, Code]
    why: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _two_codes(self) -> "CompatiblePair":
        if self.categories[0] == self.categories[1]:
            raise ValueError("a compatible pair needs two different codes")
        return self


Probability = Annotated[float, Field(gt=0, lt=1)]
Identifier = Annotated[str, Field(pattern=r"^[a-z_]+$")]


class LevelSpec(_Strict):
    """One comparison level: how often it is seen among pairs that are one happening (m) and pairs that are not (u)."""

    m: Probability
    u: Probability


class BlockingSpec(_Strict):
    bucket_days: Annotated[int, Field(ge=1, le=366)] = 30
    max_buckets: Annotated[int, Field(ge=1, le=60)] = 20  # a span wider than this many buckets is compared within them
    max_block: Annotated[int, Field(ge=2, le=100000)] = 400  # larger blocks: each incident meets its time neighbours
    neighbours: Annotated[int, Field(ge=1, le=1000)] = 40
    vague_block: Annotated[int, Field(ge=2, le=100000)] = 40  # larger blocks without a province split by rare words
    rare_words: Annotated[int, Field(ge=1, le=20)] = 6


class TextSpec(_Strict):
    very_similar: Probability = 0.5
    similar: Probability = 0.25
    some: Probability = 0.1
    max_words: Annotated[int, Field(ge=4, le=256)] = 32
    story_words: Annotated[int, Field(ge=4, le=256)] = 48  # content words read from a report's opening


class ProvenanceSpec(_Strict):
    shingle_words: Annotated[int, Field(ge=3, le=20)] = 7
    min_shared_shingles: Annotated[int, Field(ge=1, le=1000)] = 8  # 8 shingles of 7 words: a shared run of 14
    background_days: Annotated[int, Field(ge=0, le=3650)] = 10
    paragraph_window: Annotated[int, Field(ge=0, le=100)] = 2  # paragraphs either side of the evidence compared


class LinkingFile(_Strict):
    """How incidents are linked into events: compatibility, tolerances and the Fellegi–Sunter model's levels."""

    version: str
    compatible: tuple[CompatiblePair, ...] = ()
    place_radius_km: dict[Literal["site", "city", "county"], Annotated[float, Field(gt=0, le=500)]]
    time_tolerance_days: dict[TimePrecision, Annotated[int, Field(ge=0, le=365)]]
    # The prior that two candidates are one happening is expected_matches divided among the reports the busier
    # of the two has candidates in, at most max_prior: in a dense province and month two incidents need more
    # evidence than in a sparse one.
    expected_matches: Annotated[float, Field(gt=0, le=100)] = 1.0
    max_prior: Probability = 0.5
    link_probability: Probability
    keep_probability: Probability  # link decisions kept for review from this probability up
    comparisons: dict[Identifier, dict[Identifier, LevelSpec]]
    blocking: BlockingSpec = BlockingSpec()
    text: TextSpec = TextSpec()
    provenance: ProvenanceSpec = ProvenanceSpec()
    max_event_incidents: Annotated[int, Field(ge=2, le=100000)] = 200
    comment: str | None = None


class SourceKindSpec(_Strict):
    label: Name
    reliability: Letter | None = None  # the kind's own reliability when the outlet has no prior
    shift: Annotated[int, Field(ge=-5, le=5)] = 0  # letters worse (+) or better (-) than the outlet's prior


Aspect = Literal["place", "time", "numbers", "outcome"]


class CredibilityRule(_Strict):
    """One rule of the information-credibility scale; the first rule whose conditions hold gives the grade."""

    credibility: Annotated[int, Field(ge=1, le=6)]
    rule: Annotated[str, Field(min_length=1)]
    min_origins: Annotated[int, Field(ge=0)] = 0
    max_origins: Annotated[int, Field(ge=0)] | None = None
    contradicted: tuple[Aspect, ...] = ()  # holds when any of these is contradicted
    not_contradicted: tuple[Aspect, ...] = ()  # holds when none of these is
    min_reliability: Letter | None = None  # the best origin's reliability is this or better


class CorroborationFile(_Strict):
    """The corroboration scale (Admiralty code), outlet-independent priors and the rules that grade an event."""

    version: str
    reliability: dict[Letter, Name]
    credibility: dict[Annotated[int, Field(ge=1, le=6)], Name]
    default_reliability: Letter = "F"
    source_kinds: dict[Annotated[str, Field(pattern=r"^[a-z_]+$")], SourceKindSpec]
    credibility_rules: tuple[CredibilityRule, ...] = Field(min_length=1)
    conflicting_outcomes: tuple[tuple[Name, Name], ...] = ()
    comment: str | None = None

    @model_validator(mode="after")
    def _complete_scale(self) -> "CorroborationFile":
        if set(self.reliability) != set("ABCDEF") or set(self.credibility) != set(range(1, 7)):
            raise ValueError("the scale needs labels for reliability A-F and credibility 1-6")
        last = self.credibility_rules[-1]
        if (last.min_origins or last.max_origins is not None or last.contradicted or last.not_contradicted
                or last.min_reliability):
            raise ValueError("the last credibility rule must have no conditions (it grades what no other rule does)")
        return self


class ActorSpec(_Strict):
    label: Name
    terms: tuple[Term, ...] = Field(min_length=1)
    # Whose side the actor is on: the state's acts are control, the people's dissent; what nature does
    # (a flood that kills, a typhoon that destroys) is no one's act and no incident.
    side: Literal["state", "people", "elite", "military", "nature", "unknown"] = "unknown"


class ActorsFile(_Strict):
    version: str
    actors: tuple[ActorSpec, ...]
    comment: str | None = None


class HappeningWeights(_Strict):
    bias: float
    weights: dict[Annotated[str, Field(pattern=r"^[a-z_:.0-9]+$")], float]


class ConfidenceFile(_Strict):
    """The confidence model: a logistic model over the named features of a candidate incident,
    and (optionally) a second over the features of a happening told by one or more candidates."""

    version: str
    bias: float
    weights: dict[Annotated[str, Field(pattern=r"^[a-z_:.0-9]+$")], float]
    repeat_bonus: Annotated[float, Field(ge=0, le=0.5)] = 0.03
    # A report that tells one happening only, and that weakly, tells none: its one candidate must reach this.
    lone_floor: Annotated[float, Field(ge=0, le=1)] = 0.0
    happening: HappeningWeights | None = None
    trained_on: str = ""
    comment: str | None = None


class NotPlacesFile(_Strict):
    version: str
    names: tuple[Name, ...]
    comment: str | None = None


class CreditWords(_Strict):
    """How a language credits a news outlet ("told Daily NK", "RFA reported")."""

    report_verbs: tuple[Term, ...]
    before_last_word: tuple[Term, ...]
    before_last_two: tuple[tuple[Term, Term], ...]
    conversation_nouns: tuple[Term, ...]
    conversation_preposition: Term
    verb_prepositions: tuple[Term, ...]
    article: Term
    possessive_tails: tuple[Term, ...] = ()


_PATTERN_NAMES = (
    "conditional_opener", "anaphora_not_before", "list_gap", "first_person", "sourced_paragraph",
    "place_anaphora", "clause_cut", "place_connector", "metonymy_next", "metonymy_before", "source_from",
    "preposition_before",
    "destination_before", "not_locative_before", "origin_before", "detention_name", "negating_prefix", "sent_from",
    "charge_before", "owner_after", "posted_to", "capital_owns", "dateline_after", "dateline_date", "comparison_before", "elsewhere_opener", "statistic_sentence", "hypothetical_reach", "speaker_after", "page_stamp_before", "source_place_before",
)


def _check_patterns(patterns: dict[str, str]) -> dict[str, str]:
    missing = [n for n in _PATTERN_NAMES if n not in patterns]
    if missing:
        raise ValueError(f"patterns lacks {', '.join(missing)}")
    for name, pattern in patterns.items():
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"pattern {name!r} is not a valid regular expression: {exc}") from None
    return patterns


def _compiles(patterns: tuple[str, ...] | str, what: str) -> None:
    for pattern in (patterns,) if isinstance(patterns, str) else patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{what} {pattern!r} is not a valid regular expression: {exc}") from None


class HappeningWords(_Strict):
    """Words that tell a reported happening from background, generalization and comment."""

    generic: tuple[Term, ...]
    statistic: tuple[Term, ...]
    future: tuple[Term, ...]
    commentary: tuple[Term, ...]
    reason: tuple[Term, ...]  # "for", "charged with": the act a punishment was for
    purpose: tuple[Term, ...]  # "to prevent", "in order to": an act intended, not done
    foreign_actors: tuple[Term, ...]
    source_words: tuple[Term, ...]
    circumstance: tuple[Term, ...] = ()  # "under strict surveillance", "after the arrests": a setting, not the act
    relative: tuple[Term, ...] = ()  # "... who had been caught": a clause about someone, not the main act
    meta: tuple[Term, ...] = ()  # "according to reports", "could not be confirmed": about the reporting
    off_topic: tuple[Term, ...] = ()  # what reports without incidents are about: missiles, sanctions, prices
    history_years: Annotated[float, Field(gt=0, le=50)] = 2
    comment: str | None = None


class FurnitureWords(_Strict):
    """Lines of a page that are not the report's body (captions, related links, bylines)."""

    lines: tuple[str, ...]
    head_meta: str
    comment: str | None = None

    @model_validator(mode="after")
    def _patterns_compile(self) -> "FurnitureWords":
        _compiles(self.lines, "furniture line")
        _compiles(self.head_meta, "head_meta")
        return self


class EventWords(_Strict):
    """How reports say where their information comes from and how a happening ended."""

    source_kinds: dict[Annotated[str, Field(pattern=r"^[a-z_]+$")], tuple[Term, ...]]
    new_source: tuple[Term, ...] = ()  # "another source": an outlet's later report with a new source
    hearsay: tuple[Term, ...] = ()  # "according to reports": the story credited to unnamed media
    number_words: dict[Term, Annotated[int, Field(ge=0)]] = {}
    outcomes: dict[Name, tuple[Term, ...]] = {}
    # How a page shows that its text is another outlet's own report ("SEOUL (Reuters) -", "Used with the
    # permission of Radio Free Asia"): regular expressions in which {outlet} stands for any outlet's name.
    byline: tuple[Term, ...] = ()

    @field_validator("byline")
    @classmethod
    def _byline_compiles(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in v:
            if "{outlet}" not in pattern:
                raise ValueError(f"byline pattern {pattern!r} has no {{outlet}}")
            try:
                re.compile(pattern.replace("{outlet}", "(?:x)"))
            except re.error as exc:
                raise ValueError(f"byline pattern {pattern!r} is not a valid regular expression: {exc}") from None
        return v


class LexiconFile(_Strict):
    """A language's words and patterns: what code must not hard-wire."""

    version: str
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
    irregular: dict[str, tuple[str, ...]]
    stopwords: tuple[str, ...]
    negation: tuple[Term, ...]
    hypothetical: tuple[Term, ...]
    guard_window_tokens: Annotated[int, Field(ge=1, le=20)] = 5
    communication_verbs: tuple[Term, ...]
    anaphoric: tuple[Term, ...] = ()
    # A date next to these words is another event's ("the 70th anniversary on October 10"), not the incident's.
    other_event_time_words: tuple[Term, ...] = ()
    abbreviations: tuple[Term, ...] = ()
    capitalized_exempt_guards: tuple[Term, ...] = ()
    anaphor_types: dict[str, tuple[str, ...]] = {}
    credit: CreditWords
    patterns: dict[str, str]
    place_suffix_types: dict[str, str] = {}
    place_prefix_types: dict[str, str] = {}
    happening: HappeningWords
    furniture: FurnitureWords
    events: EventWords | None = None
    comment: str | None = None

    @field_validator("patterns")
    @classmethod
    def _patterns_compile(cls, v: dict[str, str]) -> dict[str, str]:
        return _check_patterns(v)

    @field_validator("place_suffix_types", "place_prefix_types")
    @classmethod
    def _type_patterns_compile(cls, v: dict[str, str]) -> dict[str, str]:
        for name, pattern in v.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern for {name!r} is not a valid regular expression: {exc}") from None
        return v
