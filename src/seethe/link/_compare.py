"""Pairwise comparison: for each candidate pair, one level per field, and the pair's match weight.

Every function works on whole arrays of pairs (numpy), so millions of pairs
cost seconds.  The level a pair gets on a field is decided here only; the
words a person reads about it (``reasons``) are written from the same levels.

Fields and their levels (best evidence for a link first):

* category — the same code, or codes the profile lists as compatible;
* place — the same gazetteer place; one lies within the other's unit (the
  coarser precision decides: a station in Samsu county and Samsu county);
  points within the radius the coarser precision allows; only the same
  province known; no place named below the country; far apart in one
  province; different provinces or countries;
* time — both spans to the day or week and overlapping; overlapping; one
  span vague (no time given); overlapping only once each span is widened by
  its precision's tolerance; apart even then;
* text — word overlap of the evidence sentences (Jaccard, each word weighted
  by its inverse document frequency among the incidents being linked);
* story — word overlap of the two reports' openings (headline and lead,
  weighted likewise): what each report is about, when its text is at hand;
* numbers — a count named in both (13 workers); different counts; none;
* actors — a shared actor label, different ones, or not known;
* source — the same report (a duplicate within one report), the same
  outlet, other outlets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np

from seethe.link._params import FIELDS, LEVELS, LOCATION_PRECISIONS, TIME_PRECISIONS, LinkParams
from seethe.link._table import IncidentTable
from seethe.models import Reason

_EARTH_KM = 6371.0
_DAY, _WEEK, _UNKNOWN_TIME = 0, 1, 5
_PROVINCE, _COUNTRY = 3, 4
_CHUNK = 20_000  # pairs per step: the word comparison holds chunk × words² booleans


def _lv(field: str, level: str) -> int:
    return LEVELS[field].index(level)


@dataclass
class Comparison:
    """Levels (one int8 array per field) and the measures behind them, for pairs (i[k], j[k])."""

    i: np.ndarray
    j: np.ndarray
    levels: dict[str, np.ndarray]
    distance_km: np.ndarray
    gap_days: np.ndarray
    jaccard: np.ndarray
    story: np.ndarray
    weight: np.ndarray  # total match weight (log2 odds), prior included

    def hard_conflict(self) -> np.ndarray:
        """Pairs that can never be one happening: places apart beyond what their precision allows (or in other
        provinces or countries), or times apart beyond their tolerance.  Two such incidents may still each be
        linked to a vaguer third; they are never put in one event together."""
        return ((self.levels["place"] == _lv("place", "conflict")) | (self.levels["place"] == _lv("place", "far"))
                | (self.levels["time"] == _lv("time", "apart")))


def compare(t: IncidentTable, i: np.ndarray, j: np.ndarray, p: LinkParams) -> Comparison:
    """Compare pairs of rows of ``t``; large inputs are compared in chunks to bound memory."""
    if len(i) > _CHUNK:
        parts = [compare(t, i[k:k + _CHUNK], j[k:k + _CHUNK], p) for k in range(0, len(i), _CHUNK)]
        return Comparison(
            i=np.concatenate([c.i for c in parts]), j=np.concatenate([c.j for c in parts]),
            levels={f: np.concatenate([c.levels[f] for c in parts]) for f in FIELDS},
            distance_km=np.concatenate([c.distance_km for c in parts]),
            gap_days=np.concatenate([c.gap_days for c in parts]),
            jaccard=np.concatenate([c.jaccard for c in parts]),
            story=np.concatenate([c.story for c in parts]),
            weight=np.concatenate([c.weight for c in parts]))
    levels: dict[str, np.ndarray] = {}
    levels["category"] = np.where(t.category[i] == t.category[j], 0, 1).astype(np.int8)
    levels["place"], distance = _place_levels(t, i, j, p)
    levels["time"], gap = _time_levels(t, i, j, p)
    levels["text"], jac = _text_levels(t, i, j, p)
    levels["story"], story = _story_levels(t, i, j, p)
    levels["numbers"] = _number_levels(t, i, j)
    levels["actors"] = _actor_levels(t, i, j)
    levels["source"] = _source_levels(t, i, j)
    return Comparison(i, j, levels, distance, gap, jac, story, _weigh(t, i, j, levels, p))


def _weigh(t: IncidentTable, i, j, levels: dict[str, np.ndarray], p: LinkParams) -> np.ndarray:
    busy = np.zeros(len(i)) if t.candidates is None else np.maximum(t.candidates[i], t.candidates[j])
    weight = p.prior_weight(busy)
    for f in FIELDS:
        weight = weight + p.weights[f][levels[f]]
    return weight


def rescore(t: IncidentTable, c: Comparison, p: LinkParams) -> Comparison:
    """The same pairs and levels weighed by other settings (a model fitted after the first comparison)."""
    return replace(c, weight=_weigh(t, c.i, c.j, c.levels, p))


def _haversine(lat1, lon1, lat2, lon2) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _place_levels(t: IncidentTable, i, j, p: LinkParams) -> tuple[np.ndarray, np.ndarray]:
    pa, pb = t.loc_precision[i], t.loc_precision[j]
    coarse = np.maximum(pa, pb)
    known = lambda x, y: (x >= 0) & (y >= 0)  # noqa: E731
    conflict = ((known(t.country[i], t.country[j]) & (t.country[i] != t.country[j]))
                | (known(t.admin1[i], t.admin1[j]) & (t.admin1[i] != t.admin1[j])))
    same_place = (t.place[i] >= 0) & (t.place[i] == t.place[j])
    # One lies in the unit the other is (a town in its county, a market in its city), or both in one unit.
    in_a = (t.self_unit[i] >= 0) & (t.unit[j] == t.self_unit[i])
    in_b = (t.self_unit[j] >= 0) & (t.unit[i] == t.self_unit[j])
    within = in_a | in_b | ((t.unit[i] >= 0) & (t.unit[i] == t.unit[j]))
    distance = _haversine(t.lat[i], t.lon[i], t.lat[j], t.lon[j])
    has_points = ~np.isnan(distance)
    near = has_points & (distance <= p.radius_km[coarse])
    same_province = known(t.admin1[i], t.admin1[j])
    level = np.select(
        [conflict, same_place, coarse >= _COUNTRY, coarse == _PROVINCE, within, near, has_points, same_province],
        [_lv("place", x) for x in ("conflict", "same_place", "not_named", "same_province", "within", "near", "far",
                                   "same_province")],
        default=_lv("place", "not_named"))
    return level.astype(np.int8), distance


def _time_levels(t: IncidentTable, i, j, p: LinkParams) -> tuple[np.ndarray, np.ndarray]:
    sa, ea, sb, eb = t.start[i], t.end[i], t.start[j], t.end[j]
    qa, qb = t.time_precision[i], t.time_precision[j]
    ta, tb = p.tolerance_days[qa], p.tolerance_days[qb]
    gap = np.maximum(sa, sb) - np.minimum(ea, eb)  # > 0: days between the spans
    widened = np.maximum(sa - ta, sb - tb) <= np.minimum(ea + ta, eb + tb)
    precise = (qa <= _WEEK) & (qb <= _WEEK)
    vague = (qa == _UNKNOWN_TIME) | (qb == _UNKNOWN_TIME)
    level = np.select(
        [~widened, precise & (gap <= 1), gap > 0, vague],
        [_lv("time", x) for x in ("apart", "same_days", "near", "vague")],
        default=_lv("time", "overlap"))
    return level.astype(np.int8), gap.astype(np.int32)


def _text_levels(t: IncidentTable, i, j, p: LinkParams) -> tuple[np.ndarray, np.ndarray]:
    jac = _weighted_jaccard(t.words, t.word_weights, i, j)
    return _similarity_level(jac, p), jac


def _story_levels(t: IncidentTable, i, j, p: LinkParams) -> tuple[np.ndarray, np.ndarray]:
    # A report's incidents share its opening: compare each pair of reports once, not each pair of incidents.
    first = t.report_first_row
    ri, rj = first[t.report_index[i]], first[t.report_index[j]]
    code = np.minimum(ri, rj) * t.n + np.maximum(ri, rj)
    order = np.argsort(code, kind="stable")
    sorted_code = code[order]
    distinct = np.concatenate([[True], sorted_code[1:] != sorted_code[:-1]]) if len(code) else np.zeros(0, bool)
    group = np.cumsum(distinct) - 1
    heads = order[distinct]
    jac_once = _weighted_jaccard(t.story, t.story_weights, ri[heads], rj[heads])
    jac = np.empty(len(i))
    jac[order] = jac_once[group]
    # Two incidents of one report share its opening: that says nothing about them.
    known = (t.story[i, 0] != 0) & (t.story[j, 0] != 0) & (t.report[i] != t.report[j])
    level = np.where(known, _similarity_level(jac, p), _lv("story", "unknown"))
    return level.astype(np.int8), jac


def _weighted_jaccard(words: np.ndarray, weights: np.ndarray, i, j) -> np.ndarray:
    """Shared words over all words of both sides, each word weighted by its rarity (names count most)."""
    wa, wb = words[i], words[j]
    ia, ib = weights[i], weights[j]
    shared_mask = ((wa[:, :, None] == wb[:, None, :]) & (wa[:, :, None] != 0)).any(axis=2)
    shared = (ia * shared_mask).sum(axis=1)
    union = ia.sum(axis=1) + ib.sum(axis=1) - shared
    return np.where(union > 0, shared / np.maximum(union, 1e-9), 0.0)


def _similarity_level(jac: np.ndarray, p: LinkParams) -> np.ndarray:
    s = p.data.text
    return np.select([jac >= s.very_similar, jac >= s.similar, jac >= s.some], [0, 1, 2], default=3).astype(np.int8)


def _number_levels(t: IncidentTable, i, j) -> np.ndarray:
    na, nb = t.numbers[i], t.numbers[j]
    same = ((na[:, :, None] == nb[:, None, :]) & (na[:, :, None] >= 0)).any(axis=(1, 2))
    both = (na[:, 0] >= 0) & (nb[:, 0] >= 0)
    return np.select([same, both], [0, 1], default=2).astype(np.int8)


def _actor_levels(t: IncidentTable, i, j) -> np.ndarray:
    a, b = t.actors[i], t.actors[j]
    return np.select([(a & b) != 0, (a != 0) & (b != 0)], [0, 1], default=2).astype(np.int8)


def _source_levels(t: IncidentTable, i, j) -> np.ndarray:
    same_outlet = (t.outlet[i] >= 0) & (t.outlet[i] == t.outlet[j])
    return np.select([t.report[i] == t.report[j], same_outlet], [0, 1], default=2).astype(np.int8)


def probability(weight: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp2(-np.asarray(weight, dtype=float)))


# -- reasons, for people -------------------------------------------------------

def reasons(t: IncidentTable, c: Comparison, k: int, p: LinkParams) -> tuple[Reason, ...]:
    """The reasons of pair ``k`` of a comparison: one per field, with its weight and words."""
    i, j = int(c.i[k]), int(c.j[k])
    out = []
    for f in FIELDS:
        level = int(c.levels[f][k])
        name = LEVELS[f][level]
        out.append(Reason(f, name, float(p.weights[f][level]), _WORDS[f](t, i, j, name, c, k, p)))
    return tuple(out)


def _category_words(t, i, j, level, c, k, p) -> str:
    a, b = p.categories[t.category[i]], p.categories[t.category[j]]
    if level == "same":
        return f"both {a}"
    return f"{a} and {b} can be one happening: {p.compatible_why.get(frozenset((a, b)), 'listed as compatible')}"


def _place_name(t, x) -> str:
    label = t.labels["place"][x] if t.labels.get("place") else None
    return label or "no place named"


def _place_words(t, i, j, level, c, k, p) -> str:
    a, b = _place_name(t, i), _place_name(t, j)
    if level == "same_place":
        return f"the same place: {a}"
    if level == "not_named":
        return f"{a} and {b}: one names no place below the country"
    if level == "conflict":
        return f"{a} and {b} are in different provinces or countries"
    rank = max(int(t.loc_precision[i]), int(t.loc_precision[j]))
    coarse = LOCATION_PRECISIONS[rank]
    if level == "within":
        return f"{a} and {b} lie in one {coarse if coarse in ('city', 'county') else 'unit'}"
    if level == "same_province":
        province = t.name("admin1", t.admin1[i] if t.admin1[i] >= 0 else t.admin1[j])
        return f"{a} and {b}: the same province ({province}), one names nothing finer"
    d = float(c.distance_km[k])
    if level == "near":
        return f"{a} and {b} are {d:.0f} km apart ({coarse} precision allows {p.radius_km[rank]:.0f} km)"
    return f"{a} and {b} are {d:.0f} km apart in one province"


def _span(t, x) -> str:
    cache = t.__dict__.setdefault("_span_words", {})
    text = cache.get(x)
    if text is None:
        s, e = dt.date.fromordinal(int(t.start[x])), dt.date.fromordinal(int(t.end[x]))
        text = s.isoformat() if s == e else f"{s.isoformat()}…{e.isoformat()}"
        text = cache[x] = f"{text} ({TIME_PRECISIONS[int(t.time_precision[x])]})"
    return text


def _time_words(t, i, j, level, c, k, p) -> str:
    a, b = _span(t, i), _span(t, j)
    if level in ("same_days", "overlap"):
        return f"{a} and {b} overlap"
    if level == "vague":
        return f"{a} and {b} overlap; one gives no time"
    gap = int(c.gap_days[k])
    if level == "near":
        return f"{a} and {b} are {gap} days apart, within their precisions' tolerance"
    return f"{a} and {b} are {gap} days apart, beyond their precisions' tolerance"


def _text_words(t, i, j, level, c, k, p) -> str:
    return f"evidence word overlap {float(c.jaccard[k]):.2f} ({level.replace('_', ' ')})"


def _story_words(t, i, j, level, c, k, p) -> str:
    if level == "unknown":
        return "one report" if t.report[i] == t.report[j] else "a report's text is not at hand"
    return f"report openings' word overlap {float(c.story[k]):.2f} ({level.replace('_', ' ')})"


def _number_words(t, i, j, level, c, k, p) -> str:
    a = sorted(int(x) for x in t.numbers[i] if x >= 0)
    b = sorted(int(x) for x in t.numbers[j] if x >= 0)
    if level == "same":
        return f"both name {', '.join(str(x) for x in sorted(set(a) & set(b)))}"
    if level == "different":
        return f"different numbers: {', '.join(map(str, a))} and {', '.join(map(str, b))}"
    return "no count named in both"


def _actor_words(t, i, j, level, c, k, p) -> str:
    labels = p.actor_labels

    def names(mask: int) -> str:
        return ", ".join(label for n, label in enumerate(labels[:63]) if mask >> n & 1) or "none"

    a, b = int(t.actors[i]), int(t.actors[j])
    if level == "shared":
        return f"both name {names(a & b)}"
    if level == "different":
        return f"different actors: {names(a)} and {names(b)}"
    return "actors not known on one side"


def _source_words(t, i, j, level, c, k, p) -> str:
    if level == "same_report":
        return "two incidents of one report"
    if level == "same_outlet":
        return f"two reports of {t.name('outlet', t.outlet[i])}"
    return "reports of different outlets"


_WORDS = {"category": _category_words, "place": _place_words, "time": _time_words, "text": _text_words,
          "story": _story_words,
          "numbers": _number_words, "actors": _actor_words, "source": _source_words}
