"""Find the places a report names and resolve each to one gazetteer entry.

Resolution uses the context a reader uses:

* a chain such as "the town of Posong in Samsu county, Yanggang province"
  becomes one mention of its most specific place, and the outer names pick
  among same-named candidates;
* a province named in the same paragraph decides between places that share a
  name, then the provinces the report named so far;
* "X county", "the city of X" and "X Province" choose between a county, city
  and province of the same name;
* "Pyongyang said", "Pyongyang has ..." is the regime, not the city;
* a foreign country after "from", "to" or "into" is an origin or destination,
  not where something happened (``PlaceMention.score`` below 0.5 marks it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from seethe.geo._hierarchy import bare_name_preference, contains, specificity
from seethe.geo.gazetteer import Gazetteer, cached_key, gazetteer_for, plain_name
from seethe.models import Place, PlaceMention
from seethe.profile import Lexicon, Profile
from seethe.text import Document, WorkBudget

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_HANGUL_PARTICLES = ("에서는", "에서", "으로", "에는", "에도", "의", "에", "은", "는", "이", "가", "을", "를", "로", "과", "와")


@dataclass(frozen=True, slots=True)
class PlaceGrammar:
    """How a language writes place names in context, compiled from its lexicon."""

    connector: re.Pattern[str]  # between the links of a chain: "A in B", "A, B province"
    metonymy_next: re.Pattern[str]  # after a capital standing for its government: "Pyongyang has"
    metonymy_before: re.Pattern[str]  # before it: "a revaluation by Pyongyang", "sanctions on Pyongyang"
    source_from: re.Pattern[str]  # "a source from X": where the news is from
    preposition_before: re.Pattern[str]
    destination_before: re.Pattern[str]  # "to X": a destination, not a scene
    not_locative_before: re.Pattern[str]  # "from X", "with X": origin, partner, comparison
    origin_before: re.Pattern[str]  # "mobilized from ...": where people came from
    detention: re.Pattern[str]  # names of camps and prisons: where a sentence is served
    negating_prefix: re.Pattern[str]  # "anti-Pyongyang": no place
    sent_from: re.Pattern[str]  # "investigators sent from X": an origin
    owner_after: re.Pattern[str]  # "Japan's Sankei Shimbun", "China's foreign ministry": whose outlet or agency
    posted_to: re.Pattern[str]  # "the ambassador to Rome": where a diplomat serves is where he acts
    capital_owns: re.Pattern[str]  # "Pyongyang's measures" (the regime's), but not "Pyongyang's markets"
    dateline_after: re.Pattern[str]  # "Yanji, China - A source said": where the report was filed
    list_gap: re.Pattern[str]  # between the places of a list: ", ", " and "
    comparison_before: re.Pattern[str]  # "(equivalent to Grade 3 in South Korea)": a yardstick, not a scene
    suffix_types: tuple[tuple[re.Pattern[str], str], ...]  # "Samsu county" is a county
    prefix_types: tuple[tuple[re.Pattern[str], str], ...]  # "the city of X" is a city

    @classmethod
    def from_lexicon(cls, lex: Lexicon) -> "PlaceGrammar":
        p = {name: re.compile(pattern) for name, pattern in lex.patterns.items()}
        return cls(
            connector=p["place_connector"], metonymy_next=p["metonymy_next"],
            metonymy_before=p["metonymy_before"], source_from=p["source_from"],
            preposition_before=p["preposition_before"], destination_before=p["destination_before"],
            not_locative_before=p["not_locative_before"], origin_before=p["origin_before"],
            detention=p["detention_name"], negating_prefix=p["negating_prefix"], sent_from=p["sent_from"],
            owner_after=p["owner_after"], posted_to=p["posted_to"], capital_owns=p["capital_owns"],
            dateline_after=p["dateline_after"], list_gap=p["list_gap"],
            comparison_before=p["comparison_before"],
            suffix_types=tuple((re.compile(v), k) for k, v in lex.place_suffix_types.items()),
            prefix_types=tuple((re.compile(v), k) for k, v in lex.place_prefix_types.items()),
        )


@dataclass(frozen=True, slots=True)
class Resolver:
    """A gazetteer and the language's place grammar: everything ``find_places`` needs."""

    gazetteer: Gazetteer
    grammar: PlaceGrammar


_RESOLVERS: dict[tuple[str, str], Resolver] = {}


def resolver_for(profile: Profile) -> Resolver:
    """The profile's resolver, built once per process."""
    key = (str(profile.folder), profile.version)
    res = _RESOLVERS.get(key)
    if res is None:
        res = _RESOLVERS[key] = Resolver(gazetteer_for(profile), PlaceGrammar.from_lexicon(profile.lexicon))
    return res


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    places: tuple[Place, ...]
    text: str


def _hangul_candidate(gaz: Gazetteer, text: str, s: int, e: int) -> _Candidate | None:
    token = text[s:e]
    for particle in ("",) + _HANGUL_PARTICLES:
        if particle and not token.endswith(particle):
            continue
        stem = token[: len(token) - len(particle)] if particle else token
        if len(stem) < 2:
            continue
        found = gaz.index.get(stem)
        if found:
            return _Candidate(s, s + len(stem), tuple(found), stem)
    return None


_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+")
_WORD_AT = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff][A-Za-z\u00c0-\u024f\u1e00-\u1eff']*|[0-9]+")


def _ends(words: list[tuple[int, int]], text: str):
    """Where an n-word name could end, longest first; a possessive "'s" is tried
    with and without ("Hyesan's market" is a name, "Hyesan's" names Hyesan)."""
    for n in range(len(words), 0, -1):
        end = words[n - 1][1]
        yield n, end
        if text[end - 2:end] in ("'s", "s'") and end - words[n - 1][0] > 3:
            yield n, end - (2 if text[end - 2:end] == "'s" else 1)


def _scan(doc: Document, gaz: Gazetteer, budget: WorkBudget) -> list[_Candidate]:
    """Longest gazetteer names in the text, left to right.

    Only positions where a name can begin are tried; from each, up to
    words following (as many as the longest name starting so) within one stretch of text (no sentence
    break, comma or bracket between them) are looked up by key.
    """
    text = doc.text
    out: list[_Candidate] = []
    pos = 0
    for start_match in gaz.start_pattern.finditer(text):
        budget.tick()
        s = start_match.start()
        if s < pos:
            continue
        if _HANGUL.match(text[s]):
            m = _HANGUL_RUN.match(text, s)
            c = _hangul_candidate(gaz, text, s, m.end())
            if c:
                out.append(c)
                pos = c.end
            continue
        first = _WORD_AT.match(text, s)
        if first is None:
            continue
        fe = first.end()
        first_key = cached_key(text[s:fe])
        most = gaz.first_keys.get(first_key) or gaz.first_keys.get(first_key.replace("u", "o"))
        if most is None and text[fe - 2:fe] in ("'s", "s'") and fe - s > 3:
            most = gaz.first_keys.get(cached_key(text[s:fe - (2 if text[fe - 2:fe] == "'s" else 1)]))
        if most is None:
            continue
        # The words that follow, up to the next break.
        words: list[tuple[int, int]] = []
        at = s
        while len(words) < most:
            m = _WORD_AT.match(text, at)
            if m is None:
                break
            words.append((m.start(), m.end()))
            gap_end = m.end()
            if text[gap_end:gap_end + 1] == "." and m.end() - m.start() <= 3 and text[m.start()].isupper():
                gap_end += 1  # an abbreviated word of a name: "St. Petersburg", "Mt. Paektu"
            while gap_end < len(text) and text[gap_end] in " -":
                gap_end += 1
            if gap_end == m.end() or gap_end - m.end() > 3:
                break
            at = gap_end
        if not words:
            continue
        upper = text[s].isupper()
        for n, end in _ends(words, text):
            phrase_text = text[s:end]
            if plain_name(phrase_text) in gaz.not_places:
                continue
            key = cached_key(phrase_text)
            found = gaz.index.get(key) if upper else None
            if upper and not found and "u" in key:
                # Older romanizations write "u" where others write ŏ/o ("Danchun", "Chungjin"):
                # tried only when the spelling as written names nothing.
                found = gaz.index.get(key.replace("u", "o"))
            phrase = gaz.phrase_index.get(key)
            if found or phrase:
                out.append(_Candidate(s, end, tuple((found or []) + (phrase or [])), phrase_text))
                pos = end
                break
    return out


def _suffix_type(mention: str, grammar: PlaceGrammar) -> str | None:
    low = mention.lower()
    for pattern, kind in grammar.suffix_types:
        if pattern.search(low):
            return kind
    return None


def _prefix_type(text: str, start: int, grammar: PlaceGrammar) -> str | None:
    before = text[max(0, start - 24):start].lower()
    for pattern, kind in grammar.prefix_types:
        if pattern.search(before):
            return kind
    return None


def _choose(c: _Candidate, text: str, provinces: list[str], outer: Place | None, resolver: Resolver) -> Place:
    gaz = resolver.gazetteer
    wanted = _suffix_type(c.text, resolver.grammar) or _prefix_type(text, c.start, resolver.grammar)

    def score(p: Place) -> tuple:
        return (
            0 if outer is not None and contains(outer, p) else 1,
            0 if wanted and (p.type == wanted or (wanted == "city" and p.type == "province" and p.admin1_iso in gaz.city_provinces)) else 1,
            0 if wanted is None and p.type != "province" else 1,
            provinces.index(p.admin1_iso) if p.admin1_iso in provinces else len(provinces) + 1,
            0 if p.country == gaz.home else 1,
            bare_name_preference(p),
            -gaz.population.get(p.id, 0),
            p.id,
        )

    return min(c.places, key=score)


def find_places(doc: Document, resolver: Resolver, budget: WorkBudget | None = None) -> list[PlaceMention]:
    """Every place the report names, resolved in context, in text order."""
    gaz, grammar = resolver.gazetteer, resolver.grammar
    text = doc.text
    budget = budget or WorkBudget.unlimited()
    cands = _scan(doc, gaz, budget)
    # Provinces named in each paragraph, nearest first, to break ties between same-named places.
    para_of = {}
    for c in cands:
        para_of[id(c)] = _paragraph_index(doc, c.start)
    # (Each province once, in the order first named: a paragraph naming provinces
    # thousands of times must not make every look-up copy thousands.)
    para_provinces: dict[int, dict[str, None]] = {}
    for c in cands:
        provs = {p.admin1_iso for p in c.places if p.type == "province" and p.admin1_iso}
        if len(provs) == 1:
            para_provinces.setdefault(para_of[id(c)], {})[provs.pop()] = None
    seen_provinces: list[str] = []
    mentions: list[PlaceMention] = []
    i = 0
    while i < len(cands):
        budget.tick()
        c = cands[i]
        # Gather a chain "A in B, C": later names are containers of earlier ones.
        chain = [c]
        j = i + 1
        while j < len(cands) and cands[j].start - chain[-1].end <= 40 and grammar.connector.match(text[chain[-1].end:cands[j].start]):
            chain.append(cands[j])
            j += 1
        # Resolve from the outside in.
        provinces = list(para_provinces.get(para_of[id(c)], ())) + seen_provinces
        resolved: list[Place] = []
        outer: Place | None = None
        for link in reversed(chain):
            place = _choose(link, text, provinces, outer, resolver)
            resolved.append(place)
            outer = place
        resolved.reverse()
        # Containers can also come first ("South Korea's Gangwon Province",
        # "회령시 남문동"): a link with a candidate inside a neighbour takes it.
        for k, link in enumerate(chain):
            for nb in (k - 1, k + 1):
                if 0 <= nb < len(chain) and not contains(resolved[nb], resolved[k]) \
                        and not contains(resolved[k], resolved[nb]):
                    inside = [p for p in link.places if contains(resolved[nb], p)]
                    if inside:
                        resolved[k] = _choose(_Candidate(link.start, link.end, tuple(inside), link.text), text,
                                              provinces, resolved[nb], resolver)
        # Split the chain where a link does not sit inside the next one.
        groups: list[tuple[int, int]] = []
        g_start = 0
        for k in range(1, len(chain)):
            if not contains(resolved[k], resolved[k - 1]) and not contains(resolved[k - 1], resolved[k]):
                groups.append((g_start, k))
                g_start = k
        groups.append((g_start, len(chain)))
        for a, b in groups:
            links = chain[a:b]
            places = resolved[a:b]
            best = min(range(len(places)), key=lambda k: (specificity(places[k]), k))
            place = places[best]
            start, end = links[0].start, links[-1].end
            score, role = _scene_score(text, start, end, links[best], place, len(links), resolver)
            mentions.append(PlaceMention(start, end, text[start:end], place, score, role))
            if place.admin1_iso and place.country == gaz.home and score >= 0.5:
                if place.admin1_iso in seen_provinces:
                    seen_provinces.remove(place.admin1_iso)
                seen_provinces.insert(0, place.admin1_iso)
        i = j
    return _share_list_roles(mentions, text, grammar.list_gap)


# Roles a word before a place gives it ("ambassadors to", "fled to", "from"), which the rest of its list shares.
_LISTED_ROLES = ("post", "destination", "origin")


def _share_list_roles(mentions: list[PlaceMention], text: str, gap: re.Pattern[str]) -> list[PlaceMention]:
    """"The ambassadors to Cuba and Malaysia": the word before a list places every item, not only the first."""
    out: list[PlaceMention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev is not None and prev.role in _LISTED_ROLES and m.role == "scene" \
                and gap.match(text[prev.end:m.start]):
            m = replace(m, score=prev.score, role=prev.role)
        out.append(m)
    return out


_POSSESSIVE = re.compile(r"\s*['’]s\b")


def _scene_score(text: str, start: int, end: int, head: _Candidate, place: Place, links: int,
                 resolver: Resolver) -> tuple[float, str]:
    """How surely a mention is the scene of what its sentence tells (below 0.5: not a scene), and its role."""
    gaz, g = resolver.gazetteer, resolver.grammar
    before = text[max(0, start - 16):start]
    after = text[end:end + 40]
    if (start == 0 or text[start - 1] == "\n") and (g.dateline_after.match(text[end:end + 60])
                                                 or g.dateline_after.match(text[head.end:head.end + 60])):
        return 0.3, "dateline"  # "Yanji, China - A source relayed ...": where the report was filed
    if g.negating_prefix.search(text[max(0, start - 5):start]):
        return 0.0, "not_a_place"  # "anti-Pyongyang leaflets" name no place
    if g.comparison_before.search(text[max(0, start - 70):start]):
        return 0.2, "comparison"  # "(equivalent to high school seniors in South Korea)": a yardstick
    governs = g.metonymy_next.match(after)
    # "outside Pyongyang's embassy": the preposition governs the embassy, the capital is its owner.
    possessive = governs is not None and _POSSESSIVE.match(governs.group(0)) is not None
    if governs is None and (owned := g.capital_owns.match(after)) is not None:
        governs, possessive = owned, True  # "Pyongyang's draconian measures": the regime's
    if cached_key(text[head.start:head.end]) in gaz.capitals and links <= 2 and (
            (governs and (possessive or not g.preposition_before.search(before)))
            or g.metonymy_before.search(text[max(0, start - 40):start])):
        return 0.2, "government"  # "Pyongyang has ...", "a revaluation by Pyongyang": the regime
    if place.country != gaz.home and g.owner_after.match(after):
        return 0.2, "owner"  # "Japan's Sankei Shimbun reported": the outlet's country tells who speaks, not where
    if place.country != gaz.home and g.posted_to.search(text[max(0, start - 40):start]):
        return 0.45, "post"  # "the acting ambassador to Rome": where he serves (the scene of his own defection)
    if place.country != gaz.home and g.not_locative_before.search(before) \
            and not g.source_from.search(text[max(0, start - 40):start]):
        # An origin or destination abroad ("smuggled from China", "fled to Russia").
        return 0.3, "destination" if g.destination_before.search(before) else "origin"
    if place.type in ("country", "region") and g.origin_before.search(before):
        return 0.45, "origin"  # "mobilized from all over the country": where people came from
    if g.sent_from.search(text[max(0, start - 50):start]):
        return 0.45, "origin"  # "investigators sent from Pyongyang": where they came from, not where they acted
    if place.country == gaz.home and g.destination_before.search(before) and not g.detention.search(place.name):
        # A destination at home ("trains to Pyongyang") is not where something
        # happened; a camp one is sent to is where the sentence is served.
        return 0.45, "destination"
    return 1.0, "scene"


def _paragraph_index(doc: Document, offset: int) -> int:
    lo, hi = 0, len(doc.paragraphs) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if doc.paragraphs[mid].start <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo
