import datetime as dt

import pytest

from seethe.extract.when import find_times, resolve_mention
from seethe.text import fold

PUBLISHED = dt.date(2016, 5, 2)  # a Monday


@pytest.fixture
def times(extractor):
    def run(text: str, ref: dt.date = PUBLISHED):
        found = find_times(fold(text), text, extractor.holidays, extractor.communication_verbs)
        return [(t, resolve_mention(t, ref)) for t in found]

    return run


@pytest.mark.parametrize("text, start, end, precision", [
    ("It happened on March 6, 2016.", "2016-03-06", "2016-03-06", "day"),
    ("It happened on 6 March 2016.", "2016-03-06", "2016-03-06", "day"),
    ("It happened on 2015-11-30.", "2015-11-30", "2015-11-30", "day"),
    ("It happened on the 26th.", "2016-04-26", "2016-04-26", "day"),
    ("It happened on the 1st.", "2016-05-01", "2016-05-01", "day"),
    ("It happened last Tuesday.", "2016-04-26", "2016-04-26", "day"),
    ("It happened last October.", "2015-10-01", "2015-10-31", "month"),
    ("It happened in late March.", "2016-03-21", "2016-03-31", "month"),
    ("It happened in early April.", "2016-04-01", "2016-04-10", "month"),
    ("It happened in mid-April.", "2016-04-11", "2016-04-20", "month"),
    ("It happened early this year.", "2016-01-01", "2016-04-30", "year"),
    ("It happened last year.", "2015-01-01", "2015-12-31", "year"),
    ("It happened last week.", "2016-04-25", "2016-05-01", "week"),
    ("It happened two weeks ago.", "2016-04-15", "2016-04-21", "week"),
    ("It happened last month.", "2016-04-01", "2016-04-30", "month"),
    ("It happened yesterday.", "2016-05-01", "2016-05-01", "day"),
    ("It happened last winter.", "2015-12-01", "2016-02-29", "season"),
    ("It happened in 2014.", "2014-01-01", "2014-12-31", "year"),
    ("It happened last New Year's Day.", "2016-01-01", "2016-01-01", "day"),
    ("It happened on Kim Jong Il's birthday.", "2016-02-16", "2016-02-16", "day"),
    ("It happened on the night of Kim Il-sung's birthday.", "2016-04-15", "2016-04-16", "day"),
    ("It happened on Party Foundation Day.", "2015-10-10", "2015-10-10", "day"),
    ("It happened on Foundation Day.", "2015-09-09", "2015-09-09", "day"),
    # A month placed by the year named after it: one mention, not a month and a separate "last year".
    ("It last happened in March last year.", "2015-03-01", "2015-03-31", "month"),
    ("It happened on March 5 last year.", "2015-03-05", "2015-03-05", "day"),
    ("It happened in early April last year.", "2015-04-01", "2015-04-10", "month"),
    ("It happened on 2 April of last year.", "2015-04-02", "2015-04-02", "day"),
    # A day and month without a year: the latest up to publication, unless it is a few days ahead (announced).
    ("The inspection is expected to end on May 15.", "2016-05-15", "2016-05-15", "day"),
    ("It happened on June 30.", "2015-06-30", "2015-06-30", "day"),
])
def test_time_expressions_resolve_against_publication(times, text, start, end, precision):
    found = [span for _, span in times(text) if span is not None]
    assert found, f"no time found in {text!r}"
    span = found[0]
    assert (span.start.isoformat(), span.end.isoformat(), span.precision) == (start, end, precision)


def test_a_month_and_the_year_after_it_are_one_mention(times):
    # Else the nearer of two mentions ("last year") would date the incident to a whole year.
    assert [t.text for t, _ in times("It last happened in December last year.")] == ["in December last year"]


def test_the_last_year_of_something_is_no_time(times):
    assert [span for _, span in times("Pupils in the last year of high school were caught.") if span] == []


def test_month_name_that_is_a_verb_is_not_a_date(times):
    found = times("The leaflets that were posted in may have been removed.")
    assert [t.text for t, _ in found] == ["in may"]  # the pattern sees it ...
    assert [span for _, span in found] == [None]  # ... and the lower-case verb resolves to no date
    month = [span for _, span in times("The leaflets were posted in May.") if span is not None]
    assert month and month[0].precision == "month"


def test_when_a_source_spoke_is_kept_apart_from_when_it_happened(times):
    found = times("A source told Daily NK on March 6 that vendors were chased away.")
    kinds = {t.text: t.kind for t, _ in found}
    assert kinds == {"March 6": "speech"}


def test_an_event_date_after_a_verb_of_speech_is_still_an_event(times):
    found = times("The source said the arrests happened in March.")
    assert [t.kind for t, _ in found] == ["event"]


def test_a_dateline_date_is_when_the_report_was_filed(extractor):
    text = ("SEOUL, Jan. 26 (Yonhap) -- All relatives of the executed official have been put to death, "
            "sources said.\nThe executions began on Dec. 12.")
    found = find_times(fold(text), text, extractor.holidays, extractor.communication_verbs,
                       dateline=extractor.dateline_date)
    assert [(t.text, t.kind) for t in found] == [("Jan. 26", "speech"), ("Dec. 12", "event")]


def test_a_page_stamp_is_when_the_page_was_dated(extractor):
    text = "date 2020-09-04 Economic hardship drives smuggling. Posted: March 3, 2021\nThe arrests began on Aug. 20."
    found = find_times(fold(text), text, extractor.holidays, extractor.communication_verbs,
                       page_stamp=extractor.page_stamp)
    assert [(t.text, t.kind) for t in found] == [("2020-09-04", "speech"), ("March 3, 2021", "speech"),
                                                 ("Aug. 20", "event")]
