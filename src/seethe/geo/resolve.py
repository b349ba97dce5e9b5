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
from dataclasses import dataclass

from seethe.extract.normalize import Document
from seethe.geo.gazetteer import TYPE_RANK, Gazetteer, cached_key
from seethe.models import Place, PlaceMention

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_BREAK = re.compile(r"[.,;:!?\"()\[\]\n]")
_CONNECTOR = re.compile(
    r"^\s*(?:,|, in|in|of|,? ?near|,? ?outside|'s|s'|, part of|, which is in|"
    r",\s+(?:the|a)\s+(?:\w+\s+){0,2}(?:capital|city|town|county|district|port|seat|village)\s+(?:of|in|on)|"
    r"\s*\(|\s*,\s*in)?\s*(?:the\s+)?$",
    re.I,
)
_METONYMY_NEXT = re.compile(
    r"^\s*(?:has|have|had|is|was|will|would|wants|want|said|says|say|announced|claims|claimed|denied|"
    r"insists|appears|seems|continues|keeps|must|may|might|officials|regime|leadership|authorities|"
    r"government|launched|fired|tested|'s (?:regime|leadership|government|nuclear|missile|diplomat))\b",
    re.I,
)
# "a source from Ryanggang Province": where the source lives is where the news is from.
_SOURCE_FROM = re.compile(r"\b(?:sources?|residents?|informants?|natives?|defectors?|contacts?|reporters?|correspondents?|woman|man|family|couple|mother|father|teenager|boy|girl|farmer|soldier)\s+(?:\w+\s+)?from\s+(?:the\s+)?$", re.I)
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|at|near|from|to|into|outside|inside|around|of)\s+(?:the\s+)?$", re.I)
_DESTINATION = re.compile(r"\b(?:to|into|towards?|for)\s+(?:the\s+)?$", re.I)
_DETENTION = re.compile(r"(?i)camp|kyohwaso|kwanliso|prison|detention|holding cent|jipkyulso|jongori|kyohwa")
_CAPITALS = {"pyongyang", "seoul", "beijing", "washington", "moscow", "tokyo"}
_NOT_LOCATIVE = re.compile(r"\b(?:from|to|into|with|via|towards?|against|than)\s+(?:the\s+)?$", re.I)
_HANGUL_PARTICLES = ("에서는", "에서", "으로", "에는", "에도", "의", "에", "은", "는", "이", "가", "을", "를", "로", "과", "와")


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


def _scan(doc: Document, gaz: Gazetteer) -> list[_Candidate]:
    """Longest gazetteer names in the text, left to right.

    Only positions where a name can begin are tried; from each, up to
    words following (as many as the longest name starting so) within one stretch of text (no sentence
    break, comma or bracket between them) are looked up by key.
    """
    text = doc.text
    out: list[_Candidate] = []
    pos = 0
    for start_match in gaz.start_pattern.finditer(text):
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
        most = gaz.first_keys.get(cached_key(text[s:fe]))
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
            if phrase_text.casefold() in gaz.not_places:
                continue
            key = cached_key(phrase_text)
            found = gaz.index.get(key) if upper else None
            phrase = gaz.phrase_index.get(key)
            if found or phrase:
                out.append(_Candidate(s, end, tuple((found or []) + (phrase or [])), phrase_text))
                pos = end
                break
    return out


def _contains(outer: Place, inner: Place) -> bool:
    if outer.id == inner.id:
        return False
    if outer.type in ("country", "region") and outer.admin1_iso is None:
        return inner.country == outer.country and inner.type not in ("country", "region")
    if outer.type == "province":
        return inner.admin1_iso == outer.admin1_iso and inner.type != "province"
    if outer.type in ("county", "city", "district"):
        return inner.admin1_iso == outer.admin1_iso and inner.admin2 is not None and (
            cached_key(inner.admin2) in (cached_key(outer.name), cached_key(outer.admin2 or ""))
        ) and TYPE_RANK.get(inner.type, 9) >= TYPE_RANK.get(outer.type, 9) or (
            inner.type in ("site", "town") and inner.admin1_iso == outer.admin1_iso and inner.admin2 is not None
            and cached_key(outer.name) in cached_key(inner.admin2)
        )
    return False


_SUFFIX_TYPES = (
    (re.compile(r"(?:province|-do|\bdo)$|도$"), "province"),
    (re.compile(r"(?:county|-gun|-kun)$|군$"), "county"),
    (re.compile(r"(?:city|-si|-shi)$|시$"), "city"),
    (re.compile(r"(?:district|-guyok|-kuyok)$"), "district"),
)
_PREFIX_TYPES = (
    (re.compile(r"\b(?:city|town) of\s+$"), "city"),
    (re.compile(r"\bcounty of\s+$"), "county"),
    (re.compile(r"\bprovince of\s+$"), "province"),
)


def _suffix_type(mention: str) -> str | None:
    low = mention.lower()
    for pattern, kind in _SUFFIX_TYPES:
        if pattern.search(low):
            return kind
    return None


def _prefix_type(text: str, start: int) -> str | None:
    before = text[max(0, start - 24):start].lower()
    if " of" not in before:
        return None
    for pattern, kind in _PREFIX_TYPES:
        if pattern.search(before):
            return kind
    return None


def _choose(c: _Candidate, text: str, provinces: list[str], outer: Place | None, gaz: Gazetteer) -> Place:
    wanted = _suffix_type(c.text) or _prefix_type(text, c.start)

    def score(p: Place) -> tuple:
        return (
            0 if outer is not None and _contains(outer, p) else 1,
            0 if wanted and (p.type == wanted or (wanted == "city" and p.type == "province" and p.admin1_iso in ("KP-01", "KP-13", "KP-14"))) else 1,
            0 if wanted is None and p.type != "province" else 1,
            provinces.index(p.admin1_iso) if p.admin1_iso in provinces else len(provinces) + 1,
            0 if p.country == "KP" else 1,
            TYPE_RANK.get(p.type, 9),
            -gaz.population.get(p.id, 0),
            p.id,
        )

    return min(c.places, key=score)


def find_places(doc: Document, gaz: Gazetteer) -> list[PlaceMention]:
    """Every place the report names, resolved in context, in text order."""
    text = doc.text
    cands = _scan(doc, gaz)
    # Provinces named in each paragraph, nearest first, to break ties between same-named places.
    para_of = {}
    for c in cands:
        para_of[id(c)] = _paragraph_index(doc, c.start)
    para_provinces: dict[int, list[str]] = {}
    for c in cands:
        provs = {p.admin1_iso for p in c.places if p.type == "province" and p.admin1_iso}
        if len(provs) == 1:
            para_provinces.setdefault(para_of[id(c)], []).append(provs.pop())
    seen_provinces: list[str] = []
    mentions: list[PlaceMention] = []
    i = 0
    while i < len(cands):
        c = cands[i]
        # Gather a chain "A in B, C": later names are containers of earlier ones.
        chain = [c]
        j = i + 1
        while j < len(cands) and cands[j].start - chain[-1].end <= 40 and _CONNECTOR.match(text[chain[-1].end:cands[j].start]):
            chain.append(cands[j])
            j += 1
        # Resolve from the outside in.
        provinces = para_provinces.get(para_of[id(c)], []) + seen_provinces
        resolved: list[Place] = []
        outer: Place | None = None
        for link in reversed(chain):
            place = _choose(link, text, provinces, outer, gaz)
            resolved.append(place)
            outer = place
        resolved.reverse()
        # Containers can also come first ("South Korea's Gangwon Province",
        # "회령시 남문동"): a link with a candidate inside a neighbour takes it.
        for k, link in enumerate(chain):
            for nb in (k - 1, k + 1):
                if 0 <= nb < len(chain) and not _contains(resolved[nb], resolved[k]) \
                        and not _contains(resolved[k], resolved[nb]):
                    inside = [p for p in link.places if _contains(resolved[nb], p)]
                    if inside:
                        resolved[k] = _choose(_Candidate(link.start, link.end, tuple(inside), link.text), text,
                                              provinces, resolved[nb], gaz)
        # Split the chain where a link does not sit inside the next one.
        groups: list[tuple[int, int]] = []
        g_start = 0
        for k in range(1, len(chain)):
            if not _contains(resolved[k], resolved[k - 1]) and not _contains(resolved[k - 1], resolved[k]):
                groups.append((g_start, k))
                g_start = k
        groups.append((g_start, len(chain)))
        for a, b in groups:
            links = chain[a:b]
            places = resolved[a:b]
            best = min(range(len(places)), key=lambda k: (_specificity(places[k]), k))
            place = places[best]
            start, end = links[0].start, links[-1].end
            score = 1.0
            before = text[max(0, start - 16):start]
            after = text[end:end + 40]
            if text[max(0, start - 5):start].lower().endswith(("anti-", "pro-")):
                score = 0.0  # "anti-Pyongyang leaflets" name no place
            elif text[links[best].start:links[best].end].lower() in _CAPITALS and len(links) == 1 \
                    and _METONYMY_NEXT.match(after) and not _PREPOSITION_BEFORE.search(before):
                score = 0.2  # "Pyongyang has ..." is the regime
            elif place.country != "KP" and _NOT_LOCATIVE.search(before) and not _SOURCE_FROM.search(text[max(0, start - 40):start]):
                score = 0.3  # an origin or destination abroad ("smuggled from China", "fled to Russia")
            elif place.type in ("country", "region") and re.search(r"\bfrom\s+$", before, re.I):
                score = 0.45  # "mobilized from all over the country": where people came from
            elif place.country == "KP" and _DESTINATION.search(before) and not _DETENTION.search(place.name):
                # A destination at home ("trains to Pyongyang") is not where something
                # happened; a camp one is sent to is where the sentence is served.
                score = 0.45
            mentions.append(PlaceMention(start, end, text[start:end], place, score))
            if place.admin1_iso and place.country == "KP" and score >= 0.5:
                if place.admin1_iso in seen_provinces:
                    seen_provinces.remove(place.admin1_iso)
                seen_provinces.insert(0, place.admin1_iso)
        i = j
    return mentions


def _specificity(p: Place) -> int:
    return {"site": 0, "town": 1, "district": 2, "city": 3, "county": 4, "feature": 5,
            "province": 6, "region": 7, "country": 8}.get(p.type, 9)


def _paragraph_index(doc: Document, offset: int) -> int:
    lo, hi = 0, len(doc.paragraphs) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if doc.paragraphs[mid].start <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo
