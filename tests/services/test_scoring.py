"""Scoring a dataset: totals, errors by kind, calibration, and the happening stage on sentences."""

import json

import pytest

from seethe.services.scoring import score_dataset, score_happenings

TEXT = ("Published: 2021-06-10\nOutlet: Daily NK\n"
        "Police arrested four vendors at Hyesan market on Monday, a source told Daily NK.\n"
        "Arrests of vendors are common in border towns, analysts say.\n")


@pytest.fixture
def dataset(tmp_path):
    (tmp_path / "r.txt").write_text(TEXT, encoding="utf-8")
    start = TEXT.index("Police")
    gold = {"report": {"file": "r.txt", "published": "2021-06-10", "outlet": "Daily NK"},
            "incidents": [{"category": "control.investigation", "place": "Hyesan market",
                           "location": {"admin1_iso": "KP-10", "country": "KP", "lat": 41.398, "lon": 128.178,
                                        "precision": "site"},
                           "time": {"start": "2021-06-07", "end": "2021-06-07", "precision": "day"},
                           "evidence_at": [start, start + 40]}]}
    (tmp_path / "r.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    return tmp_path


def test_a_dataset_is_scored_with_errors_and_calibration(dataset, candidates_extractor):
    result = score_dataset(dataset, candidates_extractor)
    summary = result.summary()
    assert summary["strict"]["tp"] == 1
    errors = result.errors_by_kind()
    assert sum(errors.values()) == summary["strict"]["fp"] + summary["strict"]["fn"]
    bins = result.calibration()
    assert sum(b.predictions for b in bins) == len(result.reports[0].predictions)


def test_the_happening_stage_is_scored_on_sentences(dataset, candidates_extractor):
    h = score_happenings(dataset, candidates_extractor)
    assert h.tp == 1  # the arrest sentence holds the gold evidence and is said to report a happening
    assert h.uncued == 0
