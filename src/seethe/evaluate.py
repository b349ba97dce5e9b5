"""Scoring extraction against gold annotations (the rules of shared/spec/incident-format.md).

A predicted incident matches a gold one when the categories agree (or gold
lists the predicted one in ``alt_categories``), the places agree (province or
country; within 30 km for gold points at site/city/county precision) and the
times agree (gold's span widened by a tolerance growing with its precision).
Matching is one-to-one; gold incidents marked optional are neither missed nor
false.  Three rules are scored: strict, place (category and province) and
family (category family and province).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

TOLERANCE_DAYS = {"day": 3, "week": 7, "month": 15, "season": 30, "year": 90}
POINT_PRECISIONS = {"site", "city", "county"}
MAX_KM = 30.0
RULES = ("strict", "place", "family")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _code(value: Any) -> str | None:
    return str(value).strip().upper() if value not in (None, "") else None


def places_agree(gold: dict, pred: dict, points: bool) -> bool:
    g1, gc = _code(gold.get("admin1_iso")), _code(gold.get("country"))
    p1 = _code(pred.get("admin1_iso"))
    pc = _code(pred.get("country")) or (p1.split("-")[0] if p1 else None)
    if g1 and p1 != g1:
        return False
    if gc and pc != gc:
        return False
    if points and gold.get("precision") in POINT_PRECISIONS and gold.get("lat") is not None:
        if pred.get("lat") is None or pred.get("lon") is None:
            return False
        return haversine_km(gold["lat"], gold["lon"], float(pred["lat"]), float(pred["lon"])) <= MAX_KM
    return True


def _span(t: dict | None, published: dt.date) -> tuple[dt.date, dt.date]:
    start = _date((t or {}).get("start"))
    end = _date((t or {}).get("end")) or start
    if start is None:
        return published - dt.timedelta(days=365), published
    return start, max(start, end)


def times_agree(gold: dict | None, pred: dict | None, published: dt.date) -> bool:
    precision = (gold or {}).get("precision", "unknown")
    if precision in TOLERANCE_DAYS:
        gs, ge = _span(gold, published)
        tol = dt.timedelta(days=TOLERANCE_DAYS[precision])
        gs, ge = gs - tol, ge + tol
    else:
        gs, ge = published - dt.timedelta(days=365), published
    ps, pe = _span(pred, published)
    return ps <= ge and gs <= pe


def compatible(rule: str, gold: dict, pred: dict, published: dt.date) -> bool:
    cats = [gold.get("category", "")] + list(gold.get("alt_categories") or [])
    pcat = str(pred.get("category", ""))
    gl, pl = gold.get("location") or {}, pred.get("location") or {}
    if rule == "family":
        return pcat.split(".")[0] in {c.split(".")[0] for c in cats} and places_agree(gl, pl, False)
    if pcat not in cats:
        return False
    if rule == "place":
        return places_agree(gl, pl, False)
    return places_agree(gl, pl, True) and times_agree(gold.get("time"), pred.get("time"), published)


def _matching(golds: list[dict], preds: list[dict], ok: Callable[[dict, dict], bool]) -> dict[int, int]:
    owner: dict[int, int] = {}

    def augment(g: int, seen: set[int]) -> bool:
        for p in range(len(preds)):
            if p in seen or not ok(golds[g], preds[p]):
                continue
            seen.add(p)
            if p not in owner or augment(owner[p], seen):
                owner[p] = g
                return True
        return False

    for g in range(len(golds)):
        augment(g, set())
    return {g: p for p, g in owner.items()}


def match_incidents(golds: list[dict], preds: list[dict], published: dt.date, rule: str = "strict") -> dict[int, int]:
    """A one-to-one matching of gold to predicted incidents (interchange records) under a rule; gold → pred index."""
    return _matching(golds, preds, lambda g, p: compatible(rule, g, p, published))


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if self.fn == 0 else 0.0)
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def score_report(gold_doc: dict, preds: list[dict]) -> dict[str, Counts]:
    """Counts under each rule for one report's predictions."""
    published = _date(gold_doc["report"]["published"])
    required = [g for g in gold_doc["incidents"] if not g.get("optional")]
    optional = [g for g in gold_doc["incidents"] if g.get("optional")]
    out = {}
    for rule in RULES:
        ok = lambda g, p, rule=rule: compatible(rule, g, p, published)  # noqa: E731
        matched = _matching(required, preds, ok)
        used = set(matched.values())
        rest = [p for j, p in enumerate(preds) if j not in used]
        absorbed = _matching(optional, rest, ok)
        out[rule] = Counts(len(matched), len(rest) - len(absorbed), len(required) - len(matched))
    return out


def label_predictions(gold_doc: dict, preds: list[dict]) -> tuple[list[str], list[dict]]:
    """Each prediction's verdict under the strict rule — ``tp`` (a required gold
    incident), ``optional`` (an optional one: neither right nor wrong) or
    ``false`` — and the required gold incidents no prediction matched."""
    published = _date(gold_doc["report"]["published"])
    required = [g for g in gold_doc["incidents"] if not g.get("optional")]
    optional = [g for g in gold_doc["incidents"] if g.get("optional")]
    ok = lambda g, p: compatible("strict", g, p, published)  # noqa: E731
    matched = _matching(required, preds, ok)
    used = set(matched.values())
    rest_idx = [j for j in range(len(preds)) if j not in used]
    absorbed = {rest_idx[p] for p in _matching(optional, [preds[j] for j in rest_idx], ok).values()}
    labels = ["tp" if j in used else "optional" if j in absorbed else "false" for j in range(len(preds))]
    return labels, [g for i, g in enumerate(required) if i not in matched]


def missed_and_false(gold_doc: dict, preds: list[dict]) -> tuple[list[dict], list[dict]]:
    """Required gold incidents not matched and predictions matching nothing (strict rule)."""
    labels, missed = label_predictions(gold_doc, preds)
    return missed, [p for p, label in zip(preds, labels) if label == "false"]


ERROR_KINDS = ("spurious: not a happening", "spurious: same happening told again", "spurious: wrong act or actor",
               "wrong place", "wrong time", "missed")


def _overlaps(span: list[int] | None, start: int, end: int) -> bool:
    return bool(span) and span[0] < end and start < span[1]


def classify_false(gold_doc: dict, pred: dict, true_preds: list[dict]) -> str:
    """Why a prediction matched no gold incident: the kinds of ``ERROR_KINDS``.

    Right category but a place or time that disagrees is a place or time error;
    a sentence gold reads a different act from (or a gold incident at the same
    place and time in another category) is the wrong act; the category of a
    correct prediction of the report again is the same happening told again;
    anything else was not a happening at all.
    """
    published = _date(gold_doc["report"]["published"])
    golds = gold_doc["incidents"]
    cat = pred["category"]
    same_cat = [g for g in golds if cat in [g.get("category")] + list(g.get("alt_categories") or [])]
    ploc = pred.get("location") or {}
    for g in same_cat:
        if places_agree(g.get("location") or {}, ploc, True) and not times_agree(g.get("time"), pred.get("time"), published):
            return "wrong time"
    if same_cat:
        if any(p["category"] == cat for p in true_preds):
            return "spurious: same happening told again"
        return "wrong place"
    ev = pred.get("evidence") or {}
    if any(_overlaps(g.get("evidence_at"), ev.get("start", 0), ev.get("end", 0)) for g in golds) or any(
            places_agree(g.get("location") or {}, ploc, True) and times_agree(g.get("time"), pred.get("time"), published)
            and (g.get("location") or {}).get("precision") in POINT_PRECISIONS for g in golds):
        return "spurious: wrong act or actor"
    return "spurious: not a happening"


def load_gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def gold_files(dataset: Path) -> list[Path]:
    return sorted(dataset.glob("*.gold.json"))
