"""Fuzzing ingest (bounded): any bytes, head, feed or URL is a report or one ``ReportError``."""

from hypothesis import HealthCheck, given, settings, strategies as st

from seethe.errors import ReportError
from seethe.ingest import read_metadata, read_report
from seethe.ingest.metadata import PUBLICATION_YEARS
from seethe.ingest.web import feed_reports, parse_target
from tests.hostile_text import MEDIA_TYPES, SUFFIXES, strategy

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])
ENCODINGS = ["utf-8", "utf-16", "cp1252", "euc-kr", "latin-1", "utf-8-sig"]


@FUZZ
@given(text=strategy(), media_type=st.sampled_from(MEDIA_TYPES), encoding=st.sampled_from(ENCODINGS),
       junk=st.binary(max_size=64))
def test_any_file_is_a_report_or_one_report_error(tmp_path_factory, finishes_within, text, media_type, encoding,
                                                    junk):
    path = tmp_path_factory.mktemp("f") / f"r{SUFFIXES[media_type]}"
    path.write_bytes(text.encode(encoding, "replace") + junk)
    try:
        with finishes_within(20):
            report = read_report(path)
    except ReportError as exc:
        assert "\n" not in exc.one_line()
        return
    assert report.published is None or report.published.year in PUBLICATION_YEARS


@FUZZ
@given(text=strategy(), media_type=st.sampled_from(MEDIA_TYPES))
def test_metadata_of_any_text(finishes_within, text, media_type):
    with finishes_within(20):
        meta = read_metadata(text, media_type)
    assert meta.published is None or meta.published.year in PUBLICATION_YEARS


@settings(FUZZ, max_examples=25)
@given(items=st.lists(st.tuples(strategy(), st.text(max_size=40), st.text(max_size=40)), max_size=5))
def test_any_feed_is_entries_or_one_report_error(finishes_within, items):
    body = "<rss version='2.0'><channel><title>T</title>" + "".join(
        f"<item><title>{link[:10]}</title><link>{link}</link><pubDate>{d}</pubDate><description><![CDATA[{text}]]>"
        f"</description></item>" for text, link, d in items) + "</channel></rss>"
    errors: list[str] = []
    try:
        with finishes_within(20):
            reports = list(feed_reports(body.encode("utf-8", "replace"), "fuzz.xml", on_error=errors.append))
    except ReportError:
        return
    assert all(r.published is None or r.published.year in PUBLICATION_YEARS for r in reports)


@FUZZ
@given(url=st.one_of(st.text(max_size=300), st.builds(lambda h, p, rest: f"http://{h}:{p}/{rest}",
                                                      st.text(max_size=80), st.text(max_size=8),
                                                      st.text(max_size=20))))
def test_any_url_parses_or_is_one_report_error(url):
    try:
        target = parse_target(url)
    except ReportError as exc:
        assert exc.code == "report.url" and "\n" not in exc.one_line()
        return
    assert target.scheme in ("http", "https") and 0 < target.port < 65536 and target.host
