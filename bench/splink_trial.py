#!/usr/bin/env python3
"""Splink (Fellegi–Sunter on DuckDB) tried on the same incidents as Seethe's own linker, for the record.

Not a dependency: ``pip install splink`` first.  The incidents get the same
features Seethe compares (category keys, province, coordinates, day numbers
and precisions, hashed evidence and report-opening words, numbers, actors);
Splink's comparisons are written to mirror Seethe's levels as closely as its
SQL allows; u is estimated by random sampling and m by EM as Splink
recommends; pairs at probability 0.5 are clustered.  Prints B-cubed on the
real linked set (acts, gold incidents) and the time to link a synthetic
corpus of N reports.

    python bench/splink_trial.py --linked /tmp/linked-eval --reports 10000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from seethe.link import bcubed, incident_table, params_for, story_words  # noqa: E402
from seethe.profile import load_profile  # noqa: E402


def records(incidents, stories, p):
    """One dict per incident with the features both linkers use."""
    t = incident_table(incidents, p, stories)
    ncat = len(p.categories)
    out = []
    for r in range(t.n):
        c = int(t.category[r])
        keys = [c * (ncat + 1)] + [min(c, d) * (ncat + 1) + max(c, d) + 1 for d in np.flatnonzero(p.compatible[c])]
        lat = float(t.lat[r])
        out.append({
            "unique_id": int(r), "category": c, "cat_keys": [int(k) for k in keys],
            "admin1": t.name("admin1", t.admin1[r]), "place": t.name("place", t.place[r]),
            "lat": None if np.isnan(lat) else lat, "lon": None if np.isnan(lat) else float(t.lon[r]),
            "start": int(t.start[r]), "end": int(t.end[r]), "tol": int(p.tolerance_days[t.time_precision[r]]),
            "precise": int(t.time_precision[r]) <= 1, "bucket": int(t.start[r]) // 60,
            "words": [int(w) for w in t.words[r] if w], "story": [int(w) for w in t.story[r] if w],
            "numbers": [int(x) for x in t.numbers[r] if x >= 0],
            "actors": [k for k in range(63) if int(t.actors[r]) >> k & 1],
            "report": int(t.report[r]),
        })
    return out


def settings():
    import splink.comparison_level_library as cll
    from splink import SettingsCreator, block_on
    import splink.comparison_library as cl

    def custom(name, levels):
        return cl.CustomComparison(comparison_levels=levels, output_column_name=name)

    overlap = "greatest(start_l - tol_l, start_r - tol_r) <= least(end_l + tol_l, end_r + tol_r)"
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            custom("category", [cll.NullLevel("category"), cll.ExactMatchLevel("category"),
                                cll.ArrayIntersectLevel("cat_keys", 1), cll.ElseLevel()]),
            custom("place", [
                cll.CustomLevel("admin1_l is not null and admin1_r is not null and admin1_l <> admin1_r"),
                cll.CustomLevel("place_l is not null and place_l = place_r"),
                cll.DistanceInKMLevel("lat", "lon", 15),
                cll.CustomLevel("admin1_l = admin1_r"),
                cll.ElseLevel()]),
            custom("time", [
                cll.CustomLevel(f"not ({overlap})"),
                cll.CustomLevel("precise_l and precise_r and abs(start_l - start_r) <= 1"),
                cll.CustomLevel("greatest(start_l, start_r) <= least(end_l, end_r)"),
                cll.ElseLevel()]),
            custom("words", [cll.ArrayIntersectLevel("words", 4), cll.ArrayIntersectLevel("words", 2),
                             cll.ElseLevel()]),
            custom("story", [cll.ArrayIntersectLevel("story", 8), cll.ArrayIntersectLevel("story", 4),
                             cll.ElseLevel()]),
            custom("numbers", [cll.ArrayIntersectLevel("numbers", 1), cll.ElseLevel()]),
            custom("actors", [cll.ArrayIntersectLevel("actors", 1), cll.ElseLevel()]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("category", "admin1", "bucket"),
            "l.category = r.category and l.bucket = r.bucket and (l.admin1 is null or r.admin1 is null)",
        ],
        retain_intermediate_calculation_columns=False,
    )


def splink_link(rows, threshold=0.5):
    import logging

    from splink import DuckDBAPI, Linker, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    db = DuckDBAPI()
    df = db.register(rows)
    linker = Linker(df, settings())
    linker.training.estimate_probability_two_random_records_match(
        [block_on("category", "admin1", "bucket")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("category", "bucket"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("admin1", "bucket"))
    pairs = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, threshold)
    table = clusters.as_duckdbpyrelation().fetchall()
    cols = [c.lower() for c in clusters.as_duckdbpyrelation().columns]
    cid, uid = cols.index("cluster_id"), cols.index("unique_id")
    label = {int(row[uid]): row[cid] for row in table}
    return [label[r["unique_id"]] for r in rows]


def real_set(folder: Path, p):
    from seethe.services.linkeval import _gold_incidents, act_labels, load_linked_set

    linked = load_linked_set(folder)
    acts = act_labels(linked)
    incidents, gold, stories = [], [], {}
    for rep in linked.reports:
        if rep.text:
            stories[rep.number] = story_words(rep.text, p)
        for inc, ref in _gold_incidents(rep):
            incidents.append(inc)
            gold.append(acts.get(ref) or f"single:{ref}")
    return incidents, gold, stories


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--linked", type=Path, required=True, help="A built linked set (scripts/build_linked_set.py).")
    ap.add_argument("--reports", type=int, default=10000)
    args = ap.parse_args()
    p = params_for(load_profile("kp"))
    incidents, gold, stories = real_set(args.linked, p)
    rows = records(incidents, stories, p)
    start = time.perf_counter()
    predicted = splink_link(rows)
    print(f"real linked set, gold incidents ({len(rows)}): Splink B-cubed {bcubed(predicted, gold).line()} "
          f"in {time.perf_counter() - start:.1f} s")
    print(f"real linked set, gold incidents ({len(rows)}): Seethe B-cubed "
          f"{bcubed(*seethe_link(incidents, stories, gold)).line()}")
    from linkgen import generate

    corpus = generate(args.reports, seed=1)
    incidents = [inc for _, _, found in corpus.reports for inc in found]
    from dataclasses import replace

    from seethe.models import ReportRef

    numbered = []
    for k, (report, text, found) in enumerate(corpus.reports):
        for inc in found:
            numbered.append(replace(inc, id=len(numbered) + 1, report=ReportRef(report.source, k + 1, None,
                                                                                report.outlet, report.published)))
    stories = {k + 1: story_words(text, p) for k, (_, text, _) in enumerate(corpus.reports)}
    gold = [inc.summary.split("]", 1)[0] for inc in numbered]
    start = time.perf_counter()
    rows = records(numbered, stories, p)
    prepared = time.perf_counter() - start
    start = time.perf_counter()
    predicted = splink_link(rows)
    print(f"synthetic corpus, {args.reports} reports ({len(rows)} incidents): "
          f"Splink {time.perf_counter() - start:.1f} s "
          f"(+{prepared:.1f} s preparing features); B-cubed {bcubed(predicted, gold).line()}")
    start = time.perf_counter()
    result = seethe_link(numbered, stories, gold)
    print(f"synthetic corpus, {args.reports} reports ({len(rows)} incidents): "
          f"Seethe {time.perf_counter() - start:.1f} s (features, events and grades included); "
          f"B-cubed {bcubed(*result).line()}")
    del incidents


def seethe_link(incidents, stories, gold):
    """Seethe's own linker on the same incidents, in memory: (predicted, gold) labels."""
    from seethe.link import link_incidents

    events = link_incidents(incidents, load_profile("kp"), stories=stories)
    event_of = {i: k for k, e in enumerate(events) for i in e.incident_ids}
    return [event_of[inc.id] for inc in incidents], gold


if __name__ == "__main__":
    main()
