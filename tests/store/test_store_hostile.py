"""One storage contract on SQLite and PostgreSQL, for whatever a report holds (issue 12, parts 3-5 and 7)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time

import pytest

from seethe.errors import StoreError
from seethe.models import Report
from seethe.services import IngestOptions, ingest
from seethe.store import IncidentFilter, Store, display_url

TEXT = "Police arrested four vendors at Hyesan market on Monday, a source told Daily NK.\n"


def _report(text: str = TEXT, **fields) -> Report:
    return Report(text=text, source=fields.pop("source", "r.txt"), published=dt.date(2021, 6, 10), **fields)


def _add(store, report: Report):
    from seethe.services.corpus import extractor_for

    analysis = extractor_for("kp").analyse(report)
    run = store.start_run({"profile": "kp@test"})
    return store.add_reports([(report, analysis.doc.text, analysis.incidents)], run)


def test_a_nul_character_after_8_kib_is_stored_on_both_databases(store):
    report = _report("Background. " * 700 + "\x00" + TEXT, raw=("Background. " * 700 + "\x00" + TEXT).encode())
    written = _add(store, report)
    assert written.status == ["new"]
    stored = store.report(written.ids[0])
    assert "\x00" not in stored.report.text and "\ufffd" in stored.report.text
    assert len(stored.report.text) == len(report.text)  # replaced one for one: offsets hold
    assert {i.location.name for i in store.incidents()} == {"Hyesan Market"}


def test_long_outlet_encoding_and_media_type_names_are_stored(store):
    report = _report(outlet="O" * 300, encoding="e" * 300, media_type="text/" + "x" * 300, url="https://x.example/" +
                     "p" * 3000)
    assert _add(store, report).status == ["new"]
    stored = store.report(_add(store, _report(TEXT + "More.", outlet="O" * 300)).ids[0])
    assert stored.report.outlet == "O" * 300


def test_nul_in_every_text_field(store):
    report = _report(TEXT, outlet="Daily\x00NK", title="T\x00", url="https://x.example/\x00", source="a\x00.txt")
    assert _add(store, report).status == ["new"]


def test_files_sharing_a_url_with_different_texts_are_versions_not_duplicates(store, write_file):
    for n in range(5):
        write_file(f"v/{n}.txt", f"Published: 2021-06-1{n}\n{TEXT}Update number {n}.\n")
    summary = ingest([str(write_file("v/0.txt", f"Published: 2021-06-10\n{TEXT}Update number 0.\n").parent)], store,
                     opts=IngestOptions(url="https://news.example/story"))
    assert (summary.new, summary.new_versions, summary.skipped, summary.failed) == (5, 4, 0, 0)
    assert "4 new versions" in summary.line()
    again = ingest([str(write_file("v/0.txt", f"Published: 2021-06-10\n{TEXT}Update number 0.\n").parent)], store,
                   opts=IngestOptions(url="https://news.example/story"))
    assert (again.new, again.skipped) == (0, 5)  # the same texts are the same reports


def test_a_feed_whose_entries_share_one_link_stores_every_entry(store, write_file):
    items = "".join(f"<item><title>Report {n}</title><link>https://news.example/</link>"
                    f"<pubDate>Mon, 07 Jun 2021 10:00:00 +0000</pubDate>"
                    f"<description>Police arrested {n + 2} vendors in Hyesan.</description></item>"
                    for n in range(100))
    feed = write_file("f.xml", f"<rss version='2.0'><channel><title>T</title>{items}</channel></rss>")
    summary = ingest([str(feed)], store)
    assert (summary.new, summary.failed) == (100, 0)
    assert store.counts()["reports"] == 100


WILDCARDS_AND_OPERATORS = ["%", "_", "%%", "\\", "'", '"', "*", ":*", "NEAR(", "-", "(", "x" * 500, "!!!", "& | !",
                           "^", "{", "AND", "NOT"]


def test_search_words_are_words_never_operators_and_place_text_is_literal(store):
    _add(store, _report())
    for words in WILDCARDS_AND_OPERATORS:
        assert list(store.incidents(IncidentFilter(text=words))) == [], words  # nothing matches all, nothing breaks
    for words in WILDCARDS_AND_OPERATORS + ["Hye_an", "H%", "%yesan", "Hyesa_"]:
        assert list(store.incidents(IncidentFilter(place=words))) == [], words


def test_search_finds_word_beginnings(store):
    _add(store, _report())
    found = list(store.incidents(IncidentFilter(text="vend hyes")))
    assert found and len(found) == len(list(store.incidents()))
    assert list(store.incidents(IncidentFilter(text="vend hyes zzz"))) == []  # every word must match
    assert len(list(store.incidents(IncidentFilter(place="Hyes")))) == len(found)


@pytest.mark.parametrize("url", ["mysql://analyst:secret@db.example/x", "oracle://:secret@h/x", "ftp://h/x",
                                 "http://h/x"])
def test_unknown_database_schemes_are_refused_without_showing_a_password(url):
    with pytest.raises(StoreError) as err:
        Store(url).open()
    assert err.value.code == "store.url"
    assert "secret" not in err.value.one_line()


@pytest.mark.parametrize("url, shown", [
    ("postgresql://analyst:secret@h/x", "postgresql://analyst:***@h/x"),
    ("postgresql://:secret@h/x", "postgresql://:***@h/x"),
    ("postgresql+psycopg://u:p@h:5432/db", "postgresql://u:***@h:5432/db"),
    ("sqlite:///tmp/x.db", "sqlite:///tmp/x.db"),
])
def test_database_urls_are_shown_without_passwords(url, shown):
    assert display_url(url) == shown


# Each process imports first, then all open the database at the same moment.
OPEN_AT = ("import sys, time; from seethe.store import Store; start = float(sys.argv[2]); "
           "time.sleep(max(0.0, start - time.time())); s = Store(sys.argv[1]).open(); print(s.schema_version())")


@pytest.mark.slow
def test_eight_processes_opening_one_fresh_postgresql_database_at_once(db_url):
    # Before: 18 of 80 failed (duplicate type, column already exists) and versions were recorded twice.
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite serializes schema changes with its file lock; the race was PostgreSQL's")
    start = f"{time.time() + 4:.3f}"
    procs = [subprocess.Popen([sys.executable, "-c", OPEN_AT, db_url, start], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(8)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [err for _, err in results]
    with Store(db_url) as store:
        assert {out.strip() for out, _ in results} == {str(store.schema_version())}
        with store.engine.connect() as conn:
            from sqlalchemy import text

            rows = conn.execute(text("SELECT version, COUNT(*) FROM seethe_schema GROUP BY version")).all()
    assert sorted(rows) == [(v, 1) for v in range(1, store.schema_version() + 1)]
