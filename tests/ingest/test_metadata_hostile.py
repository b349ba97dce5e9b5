"""What a file says about itself is read in linear time, however the file is built (issue 12, part 1).

Each case once took seconds to forever in the metadata patterns; each is
checked for the right answer under a hang guard.
"""

import datetime as dt

import pytest

from seethe.ingest import parse_date, read_metadata, read_report


@pytest.mark.parametrize("text, media_type", [
    ("\n" * 300 + "x", "text/plain"),  # 150 blank lines took 8 s, 300 never finished
    ("\n" * 300 + "x", "text/markdown"),
    ("\n" * 3000 + "x", "text/html"),
    (" \n" * 20_000 + "x", "text/plain"),
    ("published" + " " * 20_000, "text/plain"),
    ("\n published : " * 2_000, "text/plain"),
    ("outlet:" + " " * 20_000 + "\n", "text/plain"),
    ("---\n" + "a: b\n" * 20_000, "text/markdown"),  # front matter never closed
    ("---\na:" + " " * 20_000 + "b\n---\n", "text/markdown"),
    ("<meta " * 20_000, "text/html"),  # 10 s
    ("<meta content='x' " * 5_000, "text/html"),
    ('<meta name="date" ' * 5_000, "text/html"),
    ("<time " * 20_000, "text/html"),
    ("<title>" * 20_000, "text/html"),
    ("<" * 50_000, "text/html"),
    ("<meta a" + "a" * 50_000, "text/html"),
])
def test_pathological_heads_are_read_quickly_and_yield_nothing(text, media_type, finishes_within):
    with finishes_within(10):
        meta = read_metadata(text, media_type)
    assert meta.published is None


def test_a_dateline_after_blank_lines_is_still_found(finishes_within):
    with finishes_within(10):
        meta = read_metadata("\n" * 300 + "Published: 2021-06-10\nPolice came.\n", "text/plain")
    assert meta.published == dt.date(2021, 6, 10)


@pytest.mark.parametrize("line", ["Published: June 10, 2021", "posted  :  10 June 2021", "June 10, 2021",
                                  ": 2021-06-10", "Date:\t2021-06-10"])
def test_dateline_forms(line):
    assert read_metadata(f"Headline\n{line}\nBody.\n", "text/plain").published == dt.date(2021, 6, 10)


def test_meta_attributes_in_either_order_and_quoting():
    html = ("<html><head><meta content='2019-04-02T10:00:00Z' property=\"article:published_time\">"
            '<meta property=og:site_name content="Daily NK"><title>A <b>T</b>  title</title></head></html>')
    meta = read_metadata(html, "text/html")
    assert meta.published == dt.date(2019, 4, 2)
    assert meta.outlet == "Daily NK"
    assert meta.title == "A T title"


def test_time_tag_gives_the_date_when_no_meta_does():
    assert read_metadata('<p>On <time class="x" datetime="2020-02-03">3 Feb</time></p>', "text/html").published \
        == dt.date(2020, 2, 3)


def test_outlet_line_only_in_plain_text_and_only_whole_lines():
    assert read_metadata("Outlet: Daily NK\nBody.\n", "text/plain").outlet == "Daily NK"
    assert read_metadata("Outlet: Daily NK", "text/plain").outlet is None  # cut off: not read


@pytest.mark.parametrize("value", ["2020-13-45", "9999-99-99", "x" * 10_000, "", "   ", "99999999999999999999"])
def test_impossible_or_huge_dates_are_no_date(value):
    assert parse_date(value) is None


def test_a_file_of_300_blank_lines_reads_as_a_report(write_file, finishes_within):
    path = write_file("blank.txt", "\n" * 300 + "Police arrested two vendors in Hyesan.\n")
    with finishes_within(10):
        report = read_report(path)
    assert report.published is None and "Hyesan" in report.text
