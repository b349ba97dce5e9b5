"""Provenance: which reports of an event are independent origins and which relay another.

A blog quoting RFA is not a second source.  The reports of an event are read
in order of publication, and each is a relay when the first of these rules
holds (the rule is kept with the role, and printed):

1. ``credit`` — it credits an outlet other than its own ("RFA reported",
   "told Daily NK", "[Yonhap]"): a relay of that outlet's report in the event,
   or of the outlet itself when its report was not collected.  A government's
   or court's statement is a source, not a publication: crediting it makes an
   origin whose kind of source is that statement.
2. ``repost`` — its outlet is known to republish an outlet (profile data)
   whose report is earlier in the event;
3. ``link`` — it links to an earlier report of the event, or to the web site
   of an outlet (profile ``domains``);
4. ``shared_passage`` — it shares passages (runs of ``shingle_words`` words,
   at least ``min_shared_shingles`` of them) with an earlier report, around
   this event's evidence: a copy or a long quotation, even from one outlet;
5. ``hearsay`` — it credits unnamed media ("according to reports") and
   names no source of its own;
6. ``relay_outlet`` — its outlet is one that mostly repeats others (blogs,
   aggregators) and it names no source of its own;
7. ``background`` — it appeared more than ``background_days`` after the
   event's first report, it also tells a later happening, and it names no
   source of its own for this one: the happening retold as background;
8. ``retelling`` — its outlet is one the profile does not know, it came after
   the first report, and it names no source of its own.

Otherwise it is an origin (``own_telling``); an outlet's later report with a
new source ("another source in the province said") is a new origin
(``new_source``) even when the same outlet told the happening before.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from seethe.link._params import LETTERS, LinkParams
from seethe.models import Report, ReportRole
from seethe.text import links_in

_WORDS = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class ReportInfo:
    """What provenance needs to know about one report beyond its incidents."""

    id: int
    outlet: str | None
    published: dt.date | None
    url: str | None = None
    links: frozenset[str] = frozenset()  # addresses it links to, as host/path
    linked_outlets: frozenset[str] = frozenset()  # outlets whose sites it links to
    paragraphs: tuple[tuple[int, int, frozenset[int]], ...] = ()  # (start, end, shingles) of each paragraph
    source_kind: str | None = None  # the first kind of source the whole text names
    new_source: bool = False
    byline: str | None = None  # another outlet whose own report this page carries ("SEOUL (Reuters) -")


def report_info(report_id: int, report: Report, plain_text: str, p: LinkParams, passages: bool = True) -> ReportInfo:
    """Read a report for provenance: its outlet, links, passages and the kind of source it names.

    ``passages=False`` skips the shingles (a report alone in its event shares passages with nothing).
    """
    links = set()
    outlets = set()
    for href in links_in(report.text, report.media_type):
        address = _address(href)
        if address is None:
            continue
        links.add(address)
        outlet = _outlet_of_host(address.split("/", 1)[0], p)
        if outlet is not None:
            outlets.add(outlet)
    own = p.canonical_outlet(report.outlet)
    outlets.discard(own)
    found = p.terms.find(plain_text)
    kinds = {v for name, v in found if name == "kind"}
    kind = next((k for k in p.source_kinds if k in kinds), None)
    fresh = any(name == "new_source" for name, _ in found)
    return ReportInfo(report_id, own, report.published, report.url, frozenset(links), frozenset(outlets),
                      paragraph_shingles(plain_text, p.data.provenance.shingle_words) if passages else (), kind, fresh,
                      byline_outlet(plain_text, own, p))


def byline_outlet(plain_text: str, own: str | None, p: LinkParams) -> str | None:
    """The outlet whose own report the page carries under its byline, when that is not the page's outlet."""
    for pattern in p.byline_patterns:
        for m in pattern.finditer(plain_text):
            outlet = p.canonical_outlet(m.group("outlet"))
            if outlet != own:
                return outlet
    return None


_PARAGRAPH = re.compile(r"\n\s*\n|\n")


def paragraph_shingles(text: str, size: int) -> tuple[tuple[int, int, frozenset[int]], ...]:
    """Each paragraph's span in the text and its shingles."""
    out, at = [], 0
    for m in [*_PARAGRAPH.finditer(text), None]:
        end = m.start() if m else len(text)
        if end > at:
            out.append((at, end, shingles(text[at:end], size)))
        at = m.end() if m else len(text)
    return tuple(out)


def shingles(text: str, size: int) -> frozenset[int]:
    """Hashes of every run of ``size`` consecutive words (folded): shared runs are shared passages.

    The hashes are Python's own (salted per process): shingles are compared within one run, never stored.
    """
    words = _WORDS.findall(text.casefold())
    return frozenset(map(hash, zip(*(words[k:] for k in range(size)))))


def _address(href: str) -> str | None:
    """``host/path`` of an absolute link (``www.`` and the scheme dropped), or None."""
    try:
        parts = urlsplit(href.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host or parts.scheme not in ("http", "https", ""):
        return None
    return host + (parts.path.rstrip("/") or "")


def _outlet_of_host(host: str, p: LinkParams) -> str | None:
    domains = p.outlet_domains
    parts = host.split(".")
    for k in range(len(parts) - 1):
        outlet = domains.get(".".join(parts[k:]))
        if outlet is not None:
            return outlet
    return None


@dataclass(frozen=True, slots=True)
class Telling:
    """One report's telling of an event: its facts and the evidence of where they come from."""

    info: ReportInfo
    credits: tuple[str, ...]  # outlets its incidents in the event credit
    source_kind: str | None  # named in the evidence of its incidents in the event
    new_source: bool
    hearsay: bool = False  # its evidence credits unnamed media ("according to reports")
    newer_story: bool = False  # the report also tells a later happening (this one is background to it)
    spans: tuple[tuple[int, int], ...] = ()  # where its incidents' evidence is in the report's text
    window: int = 2  # paragraphs either side of the evidence that still tell it

    @property
    def shingles(self) -> frozenset[int]:
        """The passages of the paragraphs that tell this event (the whole report when that is not known).

        A digest tells several happenings: what it shares with another report about one of them says
        nothing about the others.
        """
        paragraphs = self.info.paragraphs
        if not paragraphs:
            return frozenset()
        hit = [k for k, (start, end, _) in enumerate(paragraphs) if any(s < end and start < e for s, e in self.spans)]
        if not hit:
            return frozenset().union(*(sh for _, _, sh in paragraphs))
        w = self.window
        near = {k + d for k in hit for d in range(-w, w + 1)} & set(range(len(paragraphs)))  # and the neighbours
        return frozenset().union(*(paragraphs[k][2] for k in sorted(near)))


def assign_roles(tellings: list[Telling], p: LinkParams) -> list[ReportRole]:
    """Origin or relay for each report of one event, with the rule and why; in order of publication."""
    copied = _copied_share(tellings)
    ordered = sorted(tellings, key=lambda x: _order(x, copied[x.info.id], p))
    first_day = next((x.info.published for x in ordered if x.info.published), None)
    roles: list[ReportRole] = []
    for k, tell in enumerate(ordered):
        earlier = ordered[:k]
        role = (_by_byline(tell, earlier) or _by_credit(tell, earlier, p) or _by_repost(tell, earlier, p) or _by_link(tell, earlier)
                or _by_passage(tell, earlier, p) or _by_hearsay(tell, roles) or _by_relay_outlet(tell, roles, p)
                or _by_background(tell, roles, first_day, p) or _by_retelling(tell, roles, p)
                or _origin(tell, earlier))
        roles.append(_with_source(role, tell, roles, p))
    return roles


def _order(tell: Telling, copied: float, p: LinkParams) -> tuple:
    """Publication order; on one day, the report least made of the others' passages first.

    Dates are days: two reports of one day sharing passages cannot be ordered
    by time.  The copy is the one whose text is mostly found in the others (a
    compilation of wire copy), then the one that names no source.
    """
    own = p.outlet(tell.info.outlet)
    says = bool(tell.credits or tell.source_kind or tell.info.source_kind)
    return (tell.info.published or dt.date.max, round(copied, 1), not says, bool(own and own.relay), own is None,
            tell.info.id)


def _copied_share(tellings: list[Telling]) -> dict[int, float]:
    """For each report, the share of its passages found in the other reports of the event."""
    out = {tell.info.id: 0.0 for tell in tellings}
    days = Counter(tell.info.published for tell in tellings)
    tied = [tell for tell in tellings if days[tell.info.published] > 1 and tell.info.paragraphs]
    if len(tied) < 2:  # the share only orders reports of one day
        return out
    passages = {tell.info.id: tell.shingles for tell in tellings}
    seen = Counter(s for sh in passages.values() for s in sh)
    for tell in tied:
        mine = passages[tell.info.id]
        if mine:
            out[tell.info.id] = sum(1 for s in mine if seen[s] > 1) / len(mine)
    return out


def _role(tell: Telling, role: str, rule: str, why: str, report: int | None = None,
          outlet: str | None = None) -> ReportRole:
    return ReportRole(tell.info.id, tell.info.outlet, tell.info.published, role, rule, why, report, outlet)


def _earliest_by(outlet: str, earlier: list[Telling]) -> Telling | None:
    return next((e for e in earlier if e.info.outlet == outlet), None)


def _by_byline(tell: Telling, earlier: list[Telling]) -> ReportRole | None:
    """A page that carries another outlet's own report under that outlet's byline is that report here.

    The first page to carry it stands for it (an origin, graded as that outlet); later pages carrying the same
    byline, and the outlet's own page when collected later, relay it.  Counting it once either way, the number of
    independent origins is what it would be with the outlet's page in the corpus.
    """
    wire = tell.info.byline
    if wire is None or tell.newer_story:  # the byline is the newer story's; this happening is its background
        return None
    own = _earliest_by(wire, earlier)
    if own is not None:
        return _role(tell, "relay", "byline", f"carries {wire}'s report, whose own page of {_day(own)} is in the event",
                     report=own.info.id)
    carrier = next((e for e in earlier if e.info.byline == wire), None)
    if carrier is not None:
        return _role(tell, "relay", "byline", f"carries the same {wire} report as the {carrier.info.outlet or 'other'} "
                     f"page of {_day(carrier)}", report=carrier.info.id)
    return _role(tell, "origin", "byline", f"carries {wire}'s own report under its byline ({wire}'s page is not in "
                 "the corpus)", outlet=wire)


def _by_credit(tell: Telling, earlier: list[Telling], p: LinkParams) -> ReportRole | None:
    credited = [c for c in tell.credits if c != tell.info.outlet and not _is_statement(c, p)]
    if not credited:
        return None
    for outlet in credited:
        report = _earliest_by(outlet, earlier)
        if report is not None:
            return _role(tell, "relay", "credit", f"credits {outlet}, whose report of {_day(report)} is in the event",
                         report=report.info.id)
    return _role(tell, "relay", "credit", f"credits {credited[0]} (its report is not in the corpus)",
                 outlet=credited[0])


def _is_statement(outlet: str, p: LinkParams) -> bool:
    """A government's or court's statement is a source, not a publication another outlet relays."""
    o = p.outlet(outlet)
    return o is not None and o.kind == "government"


def _by_repost(tell: Telling, earlier: list[Telling], p: LinkParams) -> ReportRole | None:
    own = p.outlet(tell.info.outlet)
    if own is None:
        return None
    for name in own.reposts:
        report = _earliest_by(name, earlier)
        if report is not None:
            return _role(tell, "relay", "repost", f"{own.name} is known to republish {name}", report=report.info.id)
    return None


def _by_link(tell: Telling, earlier: list[Telling]) -> ReportRole | None:
    for e in earlier:
        target = _address(e.info.url) if e.info.url else None
        if target and target in tell.info.links:
            return _role(tell, "relay", "link", f"links to the report of {e.info.outlet or 'an outlet'}",
                         report=e.info.id)
    for e in earlier:
        if e.info.outlet and e.info.outlet in tell.info.linked_outlets:
            return _role(tell, "relay", "link", f"links to the web site of {e.info.outlet}", report=e.info.id)
    if tell.info.linked_outlets and not tell.source_kind:
        outlet = sorted(tell.info.linked_outlets)[0]
        return _role(tell, "relay", "link", f"links to the web site of {outlet} and names no source of its own",
                     outlet=outlet)
    return None


def _by_passage(tell: Telling, earlier: list[Telling], p: LinkParams) -> ReportRole | None:
    best, shared = None, 0
    mine = tell.shingles
    if not mine:
        return None
    for e in earlier:
        n = len(mine & e.shingles)
        if n > shared:
            best, shared = e, n
    if best is None or shared < p.data.provenance.min_shared_shingles:
        return None
    return _role(tell, "relay", "shared_passage",
                 f"shares {shared} passages of {p.data.provenance.shingle_words} words with the report of "
                 f"{best.info.outlet or 'an outlet'} of {_day(best)}", report=best.info.id)


def _by_hearsay(tell: Telling, roles: list[ReportRole]) -> ReportRole | None:
    """It attributes the story to unnamed media ("according to reports") and names no source of its own."""
    if not tell.hearsay or tell.source_kind:
        return None
    return _relay_of_first(tell, roles, "hearsay", "attributes the story to unnamed reports")


def _first_origin(roles: list[ReportRole]) -> ReportRole | None:
    return next((r for r in roles if r.role == "origin"), None)


def _relay_of_first(tell: Telling, roles: list[ReportRole], rule: str, why: str) -> ReportRole:
    origin = _first_origin(roles)
    if origin is not None:
        return _role(tell, "relay", rule, why, report=origin.report_id)
    first = roles[0] if roles else None
    if first is not None:
        return _role(tell, "relay", rule, why, report=first.relay_of_report,
                     outlet=first.relay_of_outlet if first.relay_of_report is None else None)
    return _role(tell, "relay", rule, why, outlet="unknown")


def _by_relay_outlet(tell: Telling, roles: list[ReportRole], p: LinkParams) -> ReportRole | None:
    own = p.outlet(tell.info.outlet)
    if own is None or not own.relay or tell.source_kind:
        return None
    return _relay_of_first(tell, roles, "relay_outlet", f"{own.name} mostly repeats others and names no source")


def _by_background(tell: Telling, roles: list[ReportRole], first_day: dt.date | None,
                   p: LinkParams) -> ReportRole | None:
    days = p.data.provenance.background_days
    if (not roles or first_day is None or tell.info.published is None or tell.source_kind or tell.new_source
            or not tell.newer_story):
        return None
    late = (tell.info.published - first_day).days
    if late <= days:
        return None
    return _relay_of_first(tell, roles, "background",
                           f"published {late} days after the first report, about a newer happening, and names no "
                           "source of its own for this one")


def _by_retelling(tell: Telling, roles: list[ReportRole], p: LinkParams) -> ReportRole | None:
    """An outlet the profile does not know, after an origin, naming no source of its own anywhere: a retelling."""
    if not roles or p.outlet(tell.info.outlet) is not None or tell.source_kind \
            or tell.new_source:
        return None
    return _relay_of_first(tell, roles, "retelling", "an outlet not in the profile, after the first report, naming "
                           "no source of its own")


def _origin(tell: Telling, earlier: list[Telling]) -> ReportRole:
    same = _earliest_by(tell.info.outlet, earlier) if tell.info.outlet else None
    if same is not None:
        cue = "names a new source" if tell.new_source else "shares no passage with it"
        return _role(tell, "origin", "new_source", f"a later report of {tell.info.outlet} ({_day(same)} before); {cue}")
    return _role(tell, "origin", "own_telling", "credits no other outlet, links to none, shares no passage")


def _day(tell: Telling) -> str:
    return tell.info.published.isoformat() if tell.info.published else "unknown date"


# -- reliability --------------------------------------------------------------

def _with_source(role: ReportRole, tell: Telling, before: list[ReportRole], p: LinkParams) -> ReportRole:
    """The role with its kind of source and its reliability (a relay carries what it relays)."""
    kind = tell.source_kind or tell.info.source_kind or _kind_of_credits(tell, p) or "unstated"
    if role.role == "origin" and role.relay_of_outlet is not None:  # another outlet's report under its byline
        letter = origin_reliability(role.relay_of_outlet, kind, p)
    elif role.role == "origin":
        letter = origin_reliability(tell.info.outlet, kind, p)
    elif role.relay_of_report is not None:
        letter = next((r.reliability for r in before if r.report_id == role.relay_of_report),
                      p.profile.corroboration.default_reliability)
    else:
        letter = origin_reliability(role.relay_of_outlet, "unstated", p, shift=False)
    root = next((r.origin_key for r in before if r.report_id == role.relay_of_report), None) \
        if role.relay_of_report is not None else None
    return ReportRole(role.report_id, role.outlet, role.published, role.role, role.rule, role.why,
                      role.relay_of_report, role.relay_of_outlet, kind, letter, root)


def _kind_of_credits(tell: Telling, p: LinkParams) -> str | None:
    for name in (*tell.credits, tell.info.outlet):
        o = p.outlet(name)
        if o is not None and o.kind == "official":
            return "official_media"
        if o is not None and o.kind == "government":
            return "government"
    return None


def origin_reliability(outlet: str | None, kind: str, p: LinkParams, shift: bool = True) -> str:
    """An origin's reliability letter: the outlet's prior (or the kind's own), moved by the kind of source."""
    corr = p.profile.corroboration
    spec = corr.source_kinds.get(kind)
    o = p.outlet(outlet)
    base = o.reliability if o is not None and o.reliability else None
    if base is None:
        return (spec.reliability if spec and spec.reliability else None) or corr.default_reliability
    if not shift or spec is None or base == "F":
        return base
    return LETTERS[min(max(LETTERS.index(base) + spec.shift, 0), 4)]
