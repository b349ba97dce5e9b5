"""Gold-file regression: extraction quality on the seed report and the development set.

The thresholds are the issue's targets; a change to the rules that drops a
score below them fails here, with the per-report counts in the message.
"""

import pytest

from seethe.evaluate import RULES, Counts, gold_files, load_gold, score_report
from seethe.ingest import parse_date, read_report

from tests.conftest import SAMPLES, SHARED


def score_folder(folder, extractor):
    totals = {r: Counts() for r in RULES}
    lines = []
    for gold_path in gold_files(folder):
        gold = load_gold(gold_path)
        info = gold["report"]
        report = read_report(gold_path.parent / info["file"], published=parse_date(info["published"]),
                             outlet=info.get("outlet"))
        preds = [i.to_dict() for i in extractor.extract(report)]
        res = score_report(gold, preds)
        for r in RULES:
            totals[r].add(res[r])
        s = res["strict"]
        lines.append(f"{gold_path.name}: tp={s.tp} fp={s.fp} fn={s.fn}")
    return totals, "\n".join(lines)


def test_development_set_meets_target(extractor):
    totals, detail = score_folder(SAMPLES, extractor)
    assert len(gold_files(SAMPLES)) >= 30
    assert totals["strict"].prf()[2] >= 0.85, detail


@pytest.mark.skipif(not (SHARED / "seed").is_dir(), reason="shared/seed is not beside the checkout")
def test_seed_report_meets_target(extractor):
    totals, detail = score_folder(SHARED / "seed", extractor)
    assert totals["strict"].prf()[2] >= 0.85, detail


def test_development_set_has_reports_that_should_yield_nothing():
    empty = [p for p in gold_files(SAMPLES) if not load_gold(p)["incidents"]]
    assert len(empty) >= 6


def test_development_set_covers_every_category_and_province(profile):
    cats, provinces = set(), set()
    for p in gold_files(SAMPLES):
        for inc in load_gold(p)["incidents"]:
            cats.add(inc["category"])
            provinces.add(inc["location"].get("admin1_iso"))
    assert set(profile.codebook.categories) <= cats
    assert {"KP-01", "KP-02", "KP-03", "KP-04", "KP-05", "KP-06", "KP-07", "KP-08", "KP-09", "KP-10", "KP-13", "KP-14"} <= provinces
    assert provinces & {"KW", "CN", "RU"}
