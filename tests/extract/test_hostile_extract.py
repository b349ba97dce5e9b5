"""Extraction stays linear on dense and strange reports, and a work budget stops what does not (issue 12)."""

import calendar
import itertools
import time

import pytest

from seethe.errors import ReportError
from seethe.extract import Extractor
from seethe.extract.pipeline import DEFAULT_PIPELINE, STAGES
from seethe.text import WorkLimits


def test_a_chronology_of_thousands_of_dated_incidents_keeps_them_apart(extract_all, finishes_within):
    # Every incident compared with every earlier one took 16 s here; each is compared with a bounded few now.
    lines = [f"Police arrested vendors in Hyesan on {calendar.month_name[m]} {d}, {y}."
             for y, m, d in itertools.product(range(1960, 2020), range(1, 13), (3, 17))]
    with finishes_within(20):
        incidents = extract_all("I heard this.\n" + "\n".join(lines), published="2020-06-01")
    days = {(i.category, i.time.start) for i in incidents}
    assert len(days) == len(incidents) == 2 * len(lines)


def test_a_paragraph_of_placeless_cues_takes_the_place_named_later(extract_all, finishes_within):
    # Each cue looked through every later sentence of its paragraph for a place: quadratic.
    text = "Police arrested vendors at the market. " * 1500 + "It was in Hyesan."
    with finishes_within(20):
        incidents = extract_all(text)
    assert incidents and {i.location.name for i in incidents} == {"Hyesan"}


def test_a_sentence_packed_with_cue_words_is_read_in_bounded_time(extract, finishes_within):
    # Partner search once paired every hit with every other hit of the sentence.
    with finishes_within(20):
        extract("arrested smuggling crackdown leaflets executed " * 4000)


@pytest.mark.parametrize("text", ["." * 40_000, "[" * 40_000, "\n" * 40_000 + "x", "Mr. " * 20_000,
                                  "Hyesan " * 5_000, "a" * 200_000])
def test_degenerate_texts(extract, text, finishes_within):
    with finishes_within(20):
        extract(text)


def test_work_budget_turns_a_runaway_stage_into_a_one_line_error(monkeypatch):
    def runaway(analysis, extractor):
        while True:  # a stage that would never finish
            analysis.budget.tick()

    monkeypatch.setitem(STAGES, "test.runaway.v1", runaway)
    ex = Extractor("kp", pipeline=DEFAULT_PIPELINE + ("test.runaway.v1",),
                   limits=WorkLimits(floor_seconds=0.3, seconds_per_mb=0))
    from seethe.models import Report
    import datetime as dt

    report = Report(text="Police arrested vendors in Hyesan.", source="stuck.txt", published=dt.date(2020, 1, 1))
    started = time.monotonic()
    with pytest.raises(ReportError) as err:
        ex.analyse(report)
    assert time.monotonic() - started < 30
    assert err.value.code == "report.too_complex"
    assert err.value.one_line() == ("stuck.txt: too complex to read: stopped in test.runaway.v1 after the 0.3 s "
                                    "allowed for its size")


def test_the_budget_grows_with_the_report():
    limits = WorkLimits(floor_seconds=10, seconds_per_mb=10)
    assert limits.seconds_for(0) == 10 and limits.seconds_for(20_000_000) == 210


def test_partner_search_is_bounded_in_one_enormous_sentence(extractor, finishes_within):
    # Segmentation caps sentences; this drives the cue stage with one 141 KB sentence regardless, so that
    # the bound of the partner search itself (a few neighbours per hit, not every pair) is what is tested.
    from seethe.extract.cues import find_cues
    from seethe.text import Document, normalize
    from seethe.text._segment import Sentence
    from seethe.models import Report
    import datetime as dt

    text = "police crack down on vendors who were arrested " * 3000
    doc = normalize(Report(text=text, source="x", published=dt.date(2020, 1, 1)))
    whole = Document(report=doc.report, text=doc.text, folded=doc.folded, offsets=doc.offsets,
                     paragraphs=doc.paragraphs, sentences=(Sentence(0, len(doc.text), 0, 0),))
    with finishes_within(20):
        found = find_cues(whole, extractor.cues)
    assert "market.crackdown" in {c.rule_id for c in found[0]}  # the two-part rule still pairs its parts
