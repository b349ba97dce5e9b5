"""Per-item isolation: a bad URL, feed entry, file or row costs itself only (issue 12, part 2).

Each run mixes good files with bad items; the good reports are stored, every
bad one is one line with a code, counted, and the summary says the run failed.
"""

from __future__ import annotations

import pytest

from seethe.errors import StoreError, UsageError
from seethe.services import IngestOptions, ingest
from seethe.services import corpus
from seethe.services.corpus import Failure, IngestSummary

GOOD = "Published: 2021-06-10\nPolice arrested four vendors at Hyesan market on Monday, a source told Daily NK.\n"


@pytest.fixture
def good_files(write_file):
    return [str(write_file(f"good/{n}.txt", GOOD + f"Report {n}.\n")) for n in range(3)]


def _run(store, specs, **opts):
    failures: list[Failure] = []
    summary = ingest(specs, store, opts=IngestOptions(**opts), on_error=failures.append)
    return summary, failures


BAD_URLS = [
    ("http://127.0.0.1:99999/x", "report.url"),
    ("http://[::1/x", "report.url"),
    ("http://" + "a" * 300 + ".com/x", "report.url"),
    ("http://news.example:0/x", "report.url"),
    ("http://10.0.0.1/x", "report.private_address"),
    ("http://[::ffff:127.0.0.1]/x", "report.private_address"),
]


def test_each_bad_url_costs_only_itself(store, good_files):
    # Each of these once ended the run with an internal error and none of the good files stored.
    summary, failures = _run(store, [good_files[0], *(url for url, _ in BAD_URLS), *good_files[1:]])
    assert (summary.new, summary.failed, summary.ok) == (3, len(BAD_URLS), False)
    assert [f.code for f in failures] == [code for _, code in BAD_URLS]
    assert all("\n" not in f.line() and len(f.line()) < 600 for f in failures)


def test_feed_entries_with_impossible_dates_get_no_date_and_the_rest_are_stored(store, write_file, good_files):
    entries = [("Fri, 31 Dec 9999 23:59:59 +9999", 1), ("Mon, 07 Jun 2021 10:00:00 +0000", 2),
               ("Sat, 1 Jan 2000 25:61:61 +0000", 3), ("0001-01-01T00:00:00-23:59", 4)]
    items = "".join(f"<item><title>R{n}</title><link>https://news.example/{n}</link><pubDate>{d}</pubDate>"
                    f"<description>Police arrested {n + 2} vendors in Hyesan.</description></item>" for d, n in entries)
    feed = write_file("odd.xml", f"<rss version='2.0'><channel><title>T</title>{items}</channel></rss>")
    summary, failures = _run(store, [str(feed), *good_files])
    assert (summary.new, summary.failed) == (4, 3)
    assert {f.code for f in failures} == {"report.no_date"}
    dated, _ = _run(store, [str(feed)], published=__import__("datetime").date(2021, 6, 1))
    assert (dated.new, dated.failed) == (3, 0)  # the undated entries take the option's date


def test_a_feed_file_over_the_limit_is_refused_without_reading_it(store, write_file, good_files, monkeypatch):
    feed = write_file("huge.xml", "<rss>" + " " * 2_000 + "</rss>")
    monkeypatch.setattr(corpus.web, "read_feed_file",
                        lambda path, _read=corpus.web.read_feed_file: _read(path, max_bytes=1_000))
    summary, failures = _run(store, [str(feed), *good_files])
    assert (summary.new, summary.failed) == (3, 1)
    assert failures[0].code == "report.too_large" and "too large" in failures[0].message


def test_an_unexpected_error_in_one_report_costs_only_that_report(store, good_files, monkeypatch):
    real = corpus.extract_one

    def flaky(report, profile):
        if report.source.endswith("1.txt"):
            raise RuntimeError("a bug that only this report finds")
        return real(report, profile)

    monkeypatch.setattr(corpus, "extract_one", flaky)
    summary, failures = _run(store, good_files)
    assert (summary.new, summary.failed) == (2, 1)
    assert failures[0].code == "internal" and "RuntimeError: a bug" in failures[0].message


@pytest.mark.parametrize("error", [StoreError("value too long for the column", code="store.write"),
                                   RuntimeError("driver bug")])
def test_a_batch_the_database_refuses_is_written_one_report_at_a_time(store, good_files, monkeypatch, error):
    real = store.add_reports

    def refuse_report_two(batch, run_id):
        if any(r.source.endswith("2.txt") for r, _, _ in batch):
            raise error
        return real(batch, run_id)

    monkeypatch.setattr(store, "add_reports", refuse_report_two)
    summary, failures = _run(store, good_files)
    assert (summary.new, summary.failed) == (2, 1)
    assert failures[0].source.endswith("2.txt") and failures[0].message.startswith("cannot be stored")
    assert store.counts()["reports"] == 2


def test_up_to_a_full_batch_of_pending_reports_survives_one_bad_write(store, write_file, monkeypatch):
    files = [str(write_file(f"many/{n:03d}.txt", GOOD + f"Report {n}.\n")) for n in range(52)]
    real = store.add_reports

    def refuse_one(batch, run_id):
        if any(r.source.endswith("049.txt") for r, _, _ in batch):
            raise RuntimeError("unexpected")
        return real(batch, run_id)

    monkeypatch.setattr(store, "add_reports", refuse_one)
    summary, _ = _run(store, files)
    assert (summary.new, summary.failed) == (51, 1)


def test_secrets_in_a_failing_url_are_not_in_the_failure(store, good_files):
    summary, failures = _run(store, ["http://analyst:hunter2@10.0.0.1/x?token=s3cret", *good_files])
    assert summary.failed == 1
    assert "hunter2" not in failures[0].line() and "s3cret" not in failures[0].line()


def test_unknown_encoding_in_the_options_is_a_usage_error():
    with pytest.raises(UsageError) as err:
        IngestOptions(encoding="punycode")
    assert err.value.code == "usage.encoding"


def test_summary_line_counts_failures():
    summary = IngestSummary(new=2, failed=1, incidents=3)
    assert summary.line() == "2 reports new, 0 skipped (already stored), 1 failed; 3 incidents found"
    assert not summary.ok


def test_reextract_sets_a_failing_stored_report_aside(store, good_files, monkeypatch):
    _run(store, good_files)
    extractor = corpus.extractor_for("kp")
    real = extractor.analyse

    def flaky(report):
        if report.source.endswith("0.txt"):
            raise RuntimeError("a rule that breaks on this report")
        return real(report)

    monkeypatch.setattr(extractor, "analyse", flaky)
    failures: list[Failure] = []
    result = corpus.reextract(store, on_error=failures.append)
    assert (result.reports, result.failed) == (2, 1)
    assert failures[0].code == "internal" and failures[0].source.endswith("0.txt")
