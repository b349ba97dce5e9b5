"""The pipeline registry: stages by versioned name, checked when an Extractor is built."""

import dataclasses

import pytest

from seethe.errors import UsageError
from seethe.extract import DEFAULT_PIPELINE, STAGES, Extractor, stage


def test_unknown_stage_names_are_refused_when_the_extractor_is_built():
    with pytest.raises(UsageError, match="unknown pipeline stage 'seethe.cues.v9'") as err:
        Extractor("kp", pipeline=("seethe.normalize.v1", "seethe.cues.v9"))
    assert err.value.code == "usage.stage"


def test_every_default_stage_is_registered():
    assert set(DEFAULT_PIPELINE) <= set(STAGES)


def test_a_registered_stage_runs_in_the_pipeline(make_report):
    @stage("test.keep_dissent.v1")
    def keep_dissent(a, ex):
        return dataclasses.replace(a, incidents=[i for i in a.incidents if i.family == "dissent"])

    try:
        ex = Extractor("kp", pipeline=DEFAULT_PIPELINE + ("test.keep_dissent.v1",))
        report = make_report("Police arrested three vendors in Hyesan on Monday. Leaflets were found in Hyesan.")
        assert {i.family for i in ex.extract(report)} == {"dissent"}
        assert ex.versions()["pipeline"].endswith("test.keep_dissent.v1")
    finally:
        del STAGES["test.keep_dissent.v1"]


@pytest.mark.parametrize("value", [float("nan"), -0.1, 1.5])
def test_min_confidence_must_be_a_number_from_0_to_1(value):
    with pytest.raises(UsageError):
        Extractor("kp", min_confidence=value)


@pytest.mark.parametrize("caption", [
    "china-border.jpg A soldier stands next to a watchtower near Sinuiju, April 14, 2017.",
    "Trucks at the station in Hyesan in this file photo. Reuters",
    "North Korean workers. (Pyongyang Rodong Sinmun = News 1)",
])
def test_a_photo_caption_lends_no_place_to_the_story(caption):
    from seethe.extract.pipeline import extract_report
    from seethe.models import Report
    import datetime as dt
    text = ("Families flee across the border\n\n" + caption + "\n\n"
            "Seven residents defected across the river to China on April 15, sources told RFA.\n")
    incidents = extract_report(Report(text=text, source="t.txt", published=dt.date(2017, 4, 21)))
    assert incidents, "the defection is still read"
    assert all(i.location.name not in ("Sinuiju", "Hyesan", "Pyongyang") for i in incidents)
