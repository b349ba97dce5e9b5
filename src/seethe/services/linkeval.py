"""Linking measured on a linked evaluation set: gold happenings across real reports.

A linked set is a folder of gold files (``<id>.gold.json``; incidents carry
``"happening": "hNN"`` when they belong to a happening told by several
reports), ``happenings.jsonl`` (each happening's member reports with their
role, origin or relay) and ``sources.jsonl`` (URLs and the SHA-256 of each
text).  The texts live outside the repository; ``texts`` names their folder.

Two measurements:

* ``gold`` — the gold incidents are the input (their evidence sentence found
  in the text): linking alone is measured;
* ``extracted`` — the reports are extracted, each extracted incident takes
  the happening of the gold incident it matches (strict rule), and linking
  is measured end to end.

Scores: B-cubed and pairwise precision/recall/F1 over incidents (all, and
those of happenings only), and relay-vs-origin accuracy over the happenings'
member reports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from seethe.errors import UsageError
from seethe.evaluate import match_incidents
from seethe.link import PRF, ReportInfo, bcubed, link_incidents, pairwise, params_for, report_info, story_words
from seethe.models import Event, Incident, Location, Report, ReportRef, TimeSpan
from seethe.profile import Profile, load_profile

_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+|\n")


@dataclass
class LinkedReport:
    key: str
    number: int
    published: dt.date
    outlet: str | None
    url: str | None
    gold: list[dict]
    text: str | None


@dataclass
class LinkedSet:
    reports: list[LinkedReport]
    happenings: list[dict]
    problems: list[str] = field(default_factory=list)

    def by_key(self) -> dict[str, LinkedReport]:
        return {r.key: r for r in self.reports}


def load_linked_set(folder: Path, texts: Path | None = None) -> LinkedSet:
    """Read a linked set; texts (checked against ``sources.jsonl``) from ``texts`` or the set's own folder."""
    folder = Path(folder)
    if not (folder / "happenings.jsonl").is_file():
        raise UsageError("not a linked set (no happenings.jsonl)", source=str(folder), code="usage.dataset")
    sha = {}
    if (folder / "sources.jsonl").is_file():
        for line in (folder / "sources.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                sha[rec["id"]] = rec.get("sha256")
    problems = []
    reports = []
    for n, path in enumerate(sorted(folder.glob("*.gold.json")), start=1):
        doc = json.loads(path.read_text(encoding="utf-8"))
        key = path.name.removesuffix(".gold.json")
        meta = doc["report"]
        text = _text(key, meta.get("file", key + ".txt"), texts or folder, sha.get(key), problems)
        reports.append(LinkedReport(key, n, dt.date.fromisoformat(meta["published"]), meta.get("outlet"),
                                    meta.get("url"), doc.get("incidents", []), text))
    happenings = [json.loads(x) for x in (folder / "happenings.jsonl").read_text(encoding="utf-8").splitlines()
                  if x.strip()]
    return LinkedSet(reports, happenings, problems)


def _text(key: str, name: str, folder: Path, digest: str | None, problems: list[str]) -> str | None:
    path = folder / name
    if not path.is_file():
        problems.append(f"{key}: no text at {path}")
        return None
    data = path.read_bytes()
    if digest and hashlib.sha256(data).hexdigest() != digest:
        problems.append(f"{key}: the text's SHA-256 differs from sources.jsonl (not used)")
        return None
    return data.decode("utf-8")


@dataclass
class LinkScore:
    mode: str
    level: str
    incidents: int
    in_happenings: int
    bcubed: PRF
    pairwise: PRF
    bcubed_happenings: PRF
    pairwise_happenings: PRF
    members: int
    members_found: int
    roles_right: int
    confusion: Counter
    events: int
    multi_report_events: int
    mistakes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def relay_accuracy(self) -> float:
        return self.roles_right / self.members if self.members else 1.0

    def to_dict(self) -> dict:
        def prf(x: PRF) -> dict:
            return {"precision": round(x.precision, 4), "recall": round(x.recall, 4), "f1": round(x.f1, 4)}

        return {"mode": self.mode, "level": self.level, "incidents": self.incidents,
                "incidents_in_happenings": self.in_happenings,
                "bcubed": prf(self.bcubed), "pairwise": prf(self.pairwise),
                "bcubed_happenings": prf(self.bcubed_happenings), "pairwise_happenings": prf(self.pairwise_happenings),
                "members": self.members, "members_found": self.members_found,
                "relay_accuracy": round(self.relay_accuracy, 4),
                "confusion": {f"{a}->{b}": n for (a, b), n in sorted(self.confusion.items())},
                "events": self.events, "multi_report_events": self.multi_report_events, "notes": self.notes}


def evaluate_linking(linked: LinkedSet, profile: str | Profile = "kp", mode: str = "gold",
                     level: str = "act") -> LinkScore:
    """Link the set's incidents (gold or extracted) and score events and roles against the gold happenings.

    ``level="act"`` scores against the gold's acts: the incidents of one
    happening whose codes (category and ``alt_categories``) share one, joined
    transitively.  A gold happening may hold several acts (an execution and
    the investigation before it); an event, as Seethe links it, is one kind of
    act.  ``level="happening"`` scores against the happenings as annotated.
    """
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    p = params_for(prof)
    incidents: list[Incident] = []
    labels: list[str | None] = []
    happening_of: dict[int, str | None] = {}
    infos: dict[int, ReportInfo] = {}
    stories: dict[int, tuple[int, ...]] = {}
    acts = act_labels(linked)
    gold_of: dict[int, tuple[str, int] | None] = {}
    for rep in linked.reports:
        report = _report(rep)
        if rep.text is not None:
            infos[rep.number] = report_info(rep.number, report, rep.text, p)
            stories[rep.number] = story_words(rep.text, p)
        found = _gold_incidents(rep) if mode == "gold" else _extracted(rep, report, prof)
        for inc, ref in found:
            incidents.append(inc)
            gold_of[inc.id] = ref
    keys = linked.by_key()
    for inc in incidents:
        ref = gold_of[inc.id]
        gold = keys[ref[0]].gold[ref[1]] if ref else {}
        happening_of[inc.id] = gold.get("happening")
        label = (acts.get(ref) if level == "act" else gold.get("happening")) if ref else None
        labels.append(label or (f"single:{ref[0]}:{ref[1]}" if ref else None))
    events = link_incidents(incidents, prof, reports=infos, stories=stories)
    event_of = {i: k for k, e in enumerate(events) for i in e.incident_ids}
    # Extracted incidents that answer no gold incident (extraction's false positives) are linked but not scored.
    scored = [k for k, lab in enumerate(labels) if lab is not None]
    predicted = [event_of[incidents[k].id] for k in scored]
    gold_labels = [labels[k] for k in scored]
    in_h = [n for n, k in enumerate(scored) if happening_of[incidents[k].id]]
    score = LinkScore(
        mode, level, len(scored), len(in_h), bcubed(predicted, gold_labels), pairwise(predicted, gold_labels),
        bcubed([predicted[k] for k in in_h], [gold_labels[k] for k in in_h]),
        pairwise([predicted[k] for k in in_h], [gold_labels[k] for k in in_h]),
        0, 0, 0, Counter(), len(events), sum(1 for e in events if len(e.report_ids) > 1))
    if len(scored) < len(incidents):
        score.notes.append(f"{len(incidents) - len(scored)} extracted incidents answer no gold incident: "
                           "linked, not scored")
    _score_roles(score, linked, incidents, happening_of, events, event_of)
    score.notes.extend(linked.problems)
    return score


def _report(rep: LinkedReport) -> Report:
    return Report(text=rep.text or "", source=rep.key, published=rep.published, outlet=rep.outlet, url=rep.url)


def _ref(rep: LinkedReport) -> ReportRef:
    return ReportRef(source=rep.key, id=rep.number, url=rep.url, outlet=rep.outlet, published=rep.published)


def act_labels(linked: LinkedSet) -> dict[tuple[str, int], str]:
    """(report key, gold incident index) → act label: a happening's incidents that share a code, transitively."""
    members: dict[str, list[tuple[tuple[str, int], set[str]]]] = defaultdict(list)
    for rep in linked.reports:
        for k, g in enumerate(rep.gold):
            if g.get("happening"):
                codes = {g["category"], *(g.get("alt_categories") or ())}
                members[g["happening"]].append(((rep.key, k), codes))
    out = {}
    for happening, items in members.items():
        parent = list(range(len(items)))

        def root(x: int) -> int:
            while parent[x] != x:
                x = parent[x]
            return x

        for a in range(len(items)):
            for b in range(a + 1, len(items)):
                if items[a][1] & items[b][1]:
                    parent[root(b)] = root(a)
        for n, (key, _) in enumerate(items):
            out[key] = f"{happening}/{root(n)}"
    return out


def _gold_incidents(rep: LinkedReport) -> list[tuple[Incident, tuple[str, int]]]:
    out = []
    for k, g in enumerate(rep.gold):
        loc, t = g.get("location") or {}, g.get("time") or {}
        evidence, at = _sentence(rep.text, g.get("evidence") or "") if rep.text else (g.get("evidence") or "", 0)
        start = dt.date.fromisoformat(t["start"]) if t.get("start") else rep.published - dt.timedelta(days=60)
        end = dt.date.fromisoformat(t["end"]) if t.get("end") else rep.published
        inc = Incident(
            category=g["category"], summary=g.get("note") or g.get("evidence") or g["category"],
            location=Location(name=g.get("place"), admin1_iso=loc.get("admin1_iso"), country=loc.get("country"),
                              lat=loc.get("lat"), lon=loc.get("lon"), precision=loc.get("precision") or "unknown"),
            time=TimeSpan(start, max(start, end), t.get("precision") or "unknown"),
            evidence_text=evidence, evidence_start=at, evidence_end=at + len(evidence), confidence=1.0,
            reported_by=tuple(g.get("reported_by") or ()), actors=(g["actor"],) if g.get("actor") else (),
            report=_ref(rep), id=rep.number * 1000 + k)
        out.append((inc, (rep.key, k)))
    return out


def _sentence(text: str, quote: str) -> tuple[str, int]:
    """The sentence of ``text`` that holds ``quote`` (the gold file quotes a few words of it), and where it starts."""
    at = text.find(quote) if quote else -1
    if at < 0:
        return quote, 0
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, at)]
    begin = starts[-1] if starts else 0
    end_match = _SENTENCE_END.search(text, at + len(quote))
    sentence = text[begin:end_match.start() + 1 if end_match else len(text)]
    return sentence.strip(), begin + len(sentence) - len(sentence.lstrip())


def _extracted(rep: LinkedReport, report: Report, prof: Profile) -> list[tuple[Incident, tuple[str, int] | None]]:
    """The report's extracted incidents, each with the gold incident it answers (or None).

    Matching is one-to-one under the strict rule; an extracted incident left
    over that was read from the sentence a gold incident quotes, with a code of
    that gold incident, answers it too (extraction told it twice).
    """
    from seethe.services.corpus import extractor_for

    if rep.text is None:
        return []
    found = [_with_ref(inc, rep, k) for k, inc in enumerate(extractor_for(str(prof.folder)).analyse(report).incidents)]
    matched = {pred: g for g, pred in match_incidents(rep.gold, [i.to_dict() for i in found], rep.published).items()}
    out = []
    for k, inc in enumerate(found):
        g = matched.get(k)
        if g is None:
            g = next((n for n, gold in enumerate(rep.gold) if gold.get("evidence") and gold["evidence"] in
                      inc.evidence_text and inc.category in {gold["category"], *(gold.get("alt_categories") or ())}),
                     None)
        out.append((inc, (rep.key, g) if g is not None else None))
    return out


def _with_ref(inc: Incident, rep: LinkedReport, k: int) -> Incident:
    from dataclasses import replace

    return replace(inc, report=_ref(rep), id=rep.number * 1000 + k)


def _score_roles(score: LinkScore, linked: LinkedSet, incidents: list[Incident], happening_of: dict[int, str | None],
                 events: list[Event], event_of: dict[int, int]) -> None:
    """Relay-vs-origin accuracy: each happening member's role in the event that holds its incidents of it."""
    keys = linked.by_key()
    rows: dict[tuple[str | None, int], list[int]] = defaultdict(list)
    for inc in incidents:
        if happening_of[inc.id]:
            rows[(happening_of[inc.id], inc.report.id)].append(inc.id)
    for h in linked.happenings:
        for m in h["members"]:
            rep = keys.get(m["report"])
            if rep is None:
                continue
            score.members += 1
            ids = rows.get((h["id"], rep.number), [])
            if not ids:
                score.confusion[(m["role"], "missing")] += 1
                score.mistakes.append(f"{h['id']} {m['report']}: no incident of it found")
                continue
            score.members_found += 1
            event = events[Counter(event_of[i] for i in ids).most_common(1)[0][0]]
            role = next((r for r in event.roles if r.report_id == rep.number), None)
            got = role.role if role else "missing"
            score.confusion[(m["role"], got)] += 1
            if got == m["role"]:
                score.roles_right += 1
            else:
                score.mistakes.append(f"{h['id']} {m['report']}: gold {m['role']}, got {got} "
                                      f"[{role.rule if role else '-'}] {role.why if role else ''} "
                                      f"(event of {len(event.report_ids)} reports)")
