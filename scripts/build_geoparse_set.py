#!/usr/bin/env python3
"""Build datasets/geoparse/generated.jsonl: place mentions in reporting sentences.

Sentences are written from templates in the styles reports use ("a source in X
told Daily NK", "X County, Y Province", "North Korean workers in X"), filled
with gazetteer places in the spellings the gazetteer lists for them (McCune-
Reischauer with breves, Revised Romanization, suffixed forms, Hangul).  A
bare name goes only where it is unambiguous; a name that several places share
always comes with its province, as careful reports write it.  The expected
entry of each mention is known by construction.  Fixed seed: rerunning gives
the same file.

    python scripts/build_geoparse_set.py
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from seethe.geo.gazetteer import cached_key  # noqa: E402
from seethe.profile import load_profile  # noqa: E402

BARE = [
    "A source in {p} told Daily NK that police searched several homes last week.",
    "Residents of {p} said the market was closed for three days.",
    "According to a reporting partner in {p}, rice prices doubled in a month.",
    "Authorities in {p} have banned the private sale of grain.",
    "{p} has seen a wave of arrests since the new year, sources said.",
    "Soldiers stationed near {p} were caught stealing corn from a farm.",
    "A woman from {p} was sent to a labor camp after calling her sister in Seoul.",
    "Graffiti criticizing the leader appeared on a wall in {p} on Tuesday.",
    "\"Everyone in {p} is talking about it,\" the source said.",
    "Workers in {p} were ordered to collect scrap iron for the campaign.",
]
WITH_PROVINCE = [
    "Police in {p}, {v} Province, detained three smugglers on Friday.",
    "The security department in {p} in {v} province has set up checkpoints.",
    "A source in {p}, {v}, told RFA that lectures are held every night.",
    "In {p} of {v} Province, students were mobilized for rice planting.",
]
ABROAD = [
    "North Korean workers in {p} refused to work after their wages were cut.",
    "A North Korean restaurant in {p} closed after three waitresses went missing.",
    "North Korean laborers were seen at a construction site in {p} last month.",
]
HANGUL = [
    "{p}에서 밀수 단속이 강화됐다고 소식통이 전했다.",
    "{p} 주민들이 시장 통제에 불만을 나타냈다.",
]
SITE = [
    "Vendors were chased away from {p} on Monday, a source said.",
    "Leaflets were found near {p} early in the morning.",
]
PROVINCE_NAMES = {
    "KP-01": ["Pyongyang"], "KP-02": ["South Pyongan", "Pyongan-namdo"], "KP-03": ["North Pyongan", "Pyongan-bukto"],
    "KP-04": ["Chagang", "Jagang"], "KP-05": ["South Hwanghae"], "KP-06": ["North Hwanghae"], "KP-07": ["Kangwon"],
    "KP-08": ["South Hamgyong", "South Hamkyung"], "KP-09": ["North Hamgyong", "North Hamkyung"],
    "KP-10": ["Ryanggang", "Yanggang"], "KP-13": ["Rason"], "KP-14": ["Nampo"],
}
LATIN = re.compile(r"^[A-Za-z\u00c0-\u024f\u1e00-\u1eff'’ʼ\- ]+$")


def main() -> int:
    rng = random.Random(11)
    prof = load_profile("kp")
    gaz = prof.gazetteer
    owners: dict[str, set[str]] = {}
    for p in gaz.places.values():
        for n in p.names:
            owners.setdefault(cached_key(n), set()).add(p.id)
    cases = []

    def spelling(p, suffix_ok=True):
        names = [n for n in p.names if LATIN.match(n) and n[0].isupper() and len(n) > 3]
        if not suffix_ok:
            names = [n for n in names if not re.search(r"(?i)[ -](si|shi|gun|kun|county|city|do|province|district|guyok)$", n)]
        return rng.choice(names) if names else None

    kp = [p for p in gaz.places.values() if p.country == "KP" and p.lat is not None
          and p.type in ("city", "county", "town", "district") and p.admin1_iso in PROVINCE_NAMES]
    rng.shuffle(kp)
    for p in kp[:230]:
        name = spelling(p)
        if not name:
            continue
        unique = owners.get(cached_key(name), set()) == {p.id}
        if unique and rng.random() < 0.6:
            text = rng.choice(BARE).format(p=name)
        else:
            text = rng.choice(WITH_PROVINCE).format(p=name, v=rng.choice(PROVINCE_NAMES[p.admin1_iso]))
        cases.append({"text": text, "mention": name, "expected": p.id})
    for p in [p for p in gaz.places.values() if p.country == "KP" and p.hangul and p.type in ("city", "county")][:40]:
        if owners.get(p.hangul, set()) == {p.id} or len(owners.get(cached_key(p.hangul), set())) == 1:
            cases.append({"text": rng.choice(HANGUL).format(p=p.hangul), "mention": p.hangul, "expected": p.id})
    abroad = [p for p in gaz.places.values() if p.country not in ("KP", "KR") and p.type in ("city", "country")]
    for p in abroad:
        name = spelling(p, suffix_ok=False)
        if name and owners.get(cached_key(name), set()) == {p.id}:
            cases.append({"text": rng.choice(ABROAD).format(p=name), "mention": name, "expected": p.id})
    sites = [p for p in gaz.places.values() if p.type == "site" and p.country == "KP" and not p.id.endswith("-market")
             and "Provincial" not in p.name]
    rng.shuffle(sites)
    for p in sites[:40]:
        name = spelling(p, suffix_ok=False)
        if name and owners.get(cached_key(name), set()) == {p.id}:
            cases.append({"text": rng.choice(SITE).format(p=name), "mention": name, "expected": p.id})
    out = ROOT / "datasets" / "geoparse" / "generated.jsonl"
    out.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}: {len(cases)} mentions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
