"""A synthetic corpus of linked reports: happenings told by several reports, origins and relays, near-misses.

The shape follows the real linked set (``datasets/linked``): how many
reports tell a happening, how many of them relay another, how often a
telling names a coarser place, a vaguer time or a neighbouring code, and how
often two happenings are near-misses (the same act a month apart, or in a
neighbouring town).  Words come from the profile (codebook cues, actors,
gazetteer, outlets), so nothing is copied from a report.  Every incident
carries its happening (``Incident.summary`` starts ``[hNNN]``) and every
report its roles, so linking can be scored at any size.

    from linkgen import generate
    corpus = generate(reports=10_000, seed=1)   # corpus.reports: (Report, plain text, incidents)
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from seethe.geo import gazetteer_for
from seethe.models import Incident, Location, Report, TimeSpan
from seethe.profile import load_profile

LINKED = Path(__file__).resolve().parents[1] / "datasets" / "linked"
START = dt.date(2008, 1, 1)
DAYS = 17 * 365
SYLLABLES = ("kim", "pak", "ri", "choe", "jang", "han", "song", "chol", "nam", "yong", "hyok", "sun", "gil", "ho",
             "min", "jin", "su", "hui", "dok", "gwang")


@dataclass
class Telling:
    happening: int
    outlet: str
    published: dt.date
    role: str  # origin or relay
    relay_of: int | None  # the telling it relays
    incident: Incident
    sentence: str


@dataclass
class Corpus:
    reports: list[tuple[Report, str, list[Incident]]] = field(default_factory=list)
    roles: dict[tuple[int, str], str] = field(default_factory=dict)  # (happening, report source) → role
    happenings: int = 0


def shape(folder: Path = LINKED) -> dict:
    """Counts of the real linked set that the generator follows (reports per happening, relay share)."""
    sizes, relays, members = Counter(), 0, 0
    path = folder / "happenings.jsonl"
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            h = json.loads(line)
            sizes[min(len(h["members"]), 6)] += 1
            relays += sum(m["role"] == "relay" for m in h["members"])
            members += len(h["members"])
    if not members:  # the set is not at hand: its published figures
        sizes, relays, members = Counter({2: 10, 3: 2, 4: 10, 5: 10, 6: 1}), 89, 128
    return {"sizes": sizes, "relay_share": relays / members}


class Generator:
    def __init__(self, seed: int, multi_share: float = 0.35, near_miss_share: float = 0.1) -> None:
        self.rng = random.Random(seed)
        self.profile = load_profile("kp")
        self.shape = shape()
        self.multi_share = multi_share
        self.near_miss_share = near_miss_share
        self.categories = list(self.profile.codebook.categories)
        self.compatible: dict[str, list[str]] = {c: [] for c in self.categories}
        for pair in self.profile.linking.compatible:
            a, b = pair.categories
            self.compatible[a].append(b)
            self.compatible[b].append(a)
        self.terms = {c: [] for c in self.categories}
        for rule in self.profile.cue_rules:
            self.terms[rule.category].extend(t for slot in rule.slots for t in slot if not t.startswith("re:"))
        self.actors = [(a.label, a.terms[0]) for a in self.profile.actors]
        gaz = gazetteer_for(self.profile)
        self.places = [p for p in gaz.places.values() if p.country == "KP" and p.admin1_iso and p.lat is not None
                       and p.type in ("city", "county", "town", "site", "district")]
        self.by_province: dict[str, list] = {}
        for p in self.places:
            self.by_province.setdefault(p.admin1_iso, []).append(p)
        self.provinces = {p.admin1_iso: p for p in gaz.places.values() if p.type == "province" and p.country == "KP"}
        self.outlets = [o.name for o in self.profile.outlets if not o.relay and o.kind in ("news", "wire")]
        self.blogs = [o.name for o in self.profile.outlets if o.relay] + [f"Blog {k}" for k in range(40)]
        self.next_id = 1

    def sizes(self) -> int:
        """Reports telling one happening: one, or the real set's distribution of several."""
        if self.rng.random() > self.multi_share:
            return 1
        sizes = self.shape["sizes"]
        return self.rng.choices(list(sizes), weights=list(sizes.values()))[0]

    def happening(self, h: int) -> list[Telling]:
        rng = self.rng
        category = rng.choice(self.categories)
        place = rng.choice(self.places)
        day = START + dt.timedelta(days=rng.randrange(DAYS))
        tellings = self._tellings(h, category, place, day, self.sizes())
        if rng.random() < self.near_miss_share:  # the same act a month later, or in a neighbouring town
            if rng.random() < 0.5:
                other_day, other_place = day + dt.timedelta(days=rng.randint(30, 60)), place
            else:
                other_day, other_place = day, rng.choice(self.by_province[place.admin1_iso])
            tellings += self._tellings(-h, category, other_place, other_day, 1)
        return tellings

    def _tellings(self, h: int, category: str, place, day: dt.date, n: int) -> list[Telling]:
        rng = self.rng
        name = " ".join(rng.choice(SYLLABLES).capitalize() for _ in range(2))
        count = rng.choice([0, 0, rng.randint(2, 300)])
        label, actor_words = rng.choice(self.actors)
        verb = rng.choice(self.terms[category] or [category.split(".")[1]])
        out: list[Telling] = []
        for k in range(n):
            relay = k > 0 and rng.random() < self.shape["relay_share"]
            of = rng.randrange(len(out)) if relay and out else None
            source = out[of] if of is not None else None
            outlet = rng.choice(self.blogs if relay and rng.random() < 0.5 else self.outlets)
            if source is not None and outlet == source.outlet:
                outlet = rng.choice(self.blogs)
            lag = rng.randint(0, 12) if source is None else rng.randint(0, 6)
            published = (source.published if source else day) + dt.timedelta(days=lag + 1)
            cat = category if rng.random() > 0.1 or not self.compatible[category] else \
                rng.choice(self.compatible[category])
            loc = self._location(place)
            span = self._span(day, published)
            if source is not None:
                sentence = f"According to {source.outlet}, {source.sentence[0].lower()}{source.sentence[1:]}"
                credits = (source.outlet,)
            else:
                sentence = self._sentence(actor_words, verb, name, count, loc, span, outlet)
                credits = (outlet,)
            inc = Incident(category=cat, summary=f"[h{h}] {verb}", location=loc, time=span, evidence_text=sentence,
                           evidence_start=0, evidence_end=len(sentence), confidence=0.8, reported_by=credits,
                           actors=(label,))
            out.append(Telling(h, outlet, published, "relay" if source else "origin", of, inc, sentence))
        return out

    def _location(self, place) -> Location:
        r = self.rng.random()
        if r < 0.15:
            prov = self.provinces.get(place.admin1_iso)
            return Location.of(prov, prov.name if prov else None, "KP") if prov else Location.of(None, None, "KP")
        if r < 0.2:
            return Location.of(None, None, "KP")
        return Location.of(place, place.name, "KP")

    def _span(self, day: dt.date, published: dt.date) -> TimeSpan:
        r = self.rng.random()
        if r < 0.4:
            return TimeSpan(day, day, "day")
        if r < 0.55:
            start = day - dt.timedelta(days=day.weekday())
            return TimeSpan(start, start + dt.timedelta(days=6), "week")
        if r < 0.8:
            start = day.replace(day=1)
            end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            return TimeSpan(start, end, "month")
        return TimeSpan(published - dt.timedelta(days=60), published, "unknown")

    def _sentence(self, actor: str, verb: str, name: str, count: int, loc: Location, span: TimeSpan,
                  outlet: str) -> str:
        """One independent telling: its own wording, so two origins share facts but not passages."""
        rng = self.rng
        where = f" in {loc.name}" if loc.name else ""
        many = f"{count} " if count else ""
        who = rng.choice(["a source said", f"a source told {outlet}", "residents said", "an official said",
                          f"a resident told {outlet}", "according to an informant"])
        when = rng.choice([f"around {span.start:%B %d}", f"on {span.start:%d %B}", "recently", "last week",
                           f"in {span.start:%B}"])
        forms = [
            f"{many}{actor} were involved when {verb} happened{where} {when}, near the house of {name}, {who}.",
            f"{who.capitalize()} that {verb} took place{where} {when}; {many}{actor} and one {name} were named.",
            f"{when.capitalize()},{where} {many}{actor} saw {verb}. The case of {name} was raised, {who}.",
            f"Word of {verb}{where} reached us: {name} and {many}{actor} were at the centre of it {when}, {who}.",
        ]
        return rng.choice(forms).replace("  ", " ")


def generate(reports: int, seed: int = 1, per_report: int = 10) -> Corpus:
    """About ``reports`` reports of about ``per_report`` incidents each (tellings of different happenings)."""
    g = Generator(seed)
    tellings: list[Telling] = []
    h = 0
    target = reports * per_report
    while len(tellings) < target:
        h += 1
        tellings.extend(g.happening(h))
    # A report is an outlet's next ``per_report`` tellings in time (a digest): its incidents are of different
    # happenings.  Reports come out in order of publication, as a corpus grows.
    tellings.sort(key=lambda t: (t.outlet, t.published, g.rng.random()))
    batches: list[list[Telling]] = []
    for t in tellings:
        if not batches or t.outlet != batches[-1][0].outlet or len(batches[-1]) >= per_report:
            batches.append([])
        batches[-1].append(t)
    batches.sort(key=lambda b: max(t.published for t in b))
    corpus = Corpus(happenings=h)
    for batch in batches:
        _report(corpus, batch)
    return corpus


def _report(corpus: Corpus, batch: list[Telling]) -> None:
    from dataclasses import replace

    from seethe.models import ReportRef

    n = len(corpus.reports)
    source = f"synthetic-{n:07d}"
    published = max(t.published for t in batch)
    text = "\n\n".join(t.sentence for t in batch) + f"\n\n[{source}]"
    report = Report(text=text, source=source, published=published, outlet=batch[0].outlet)
    incidents, at = [], 0
    for t in batch:
        start = text.index(t.sentence, at)
        incidents.append(replace(t.incident, evidence_start=start, evidence_end=start + len(t.sentence),
                                 report=ReportRef(source=source, outlet=batch[0].outlet, published=published)))
        at = start + len(t.sentence)
        corpus.roles[(t.happening, source)] = t.role
    corpus.reports.append((report, text, incidents))
