"""The store, on every backend: reports and incidents in, queries and exports out."""

import datetime as dt
import json

import pytest

from seethe.errors import StoreError
from seethe.services import IngestOptions as Options, ingest, reextract
from seethe.store import SCHEMA_VERSION, IncidentFilter, Store, migrate
from tests.conftest import SAMPLES

def records(store, *args, **kwargs):
    """Stored incidents in the interchange format."""
    return [i.to_dict() for i in store.incidents(*args, **kwargs)]


REPORT_A = ("Police arrested four vendors at Hyesan market on Monday, a source in Ryanggang Province told Daily NK.\n"
            "The vendors had been selling Chinese phones.\n")
REPORT_B = ("Graffiti criticizing Kim Jong Un was found on a wall in Chongjin on May 3, RFA reported.\n")


@pytest.fixture
def corpus(write_file):
    write_file("c/a.txt", "Published: 2021-06-10\nOutlet: Daily NK\n" + REPORT_A)
    write_file("c/b.txt", "Published: 2021-05-20\nOutlet: RFA\n" + REPORT_B)
    return str(write_file("c/a.txt", "Published: 2021-06-10\nOutlet: Daily NK\n" + REPORT_A).parent)


def test_ingest_stores_reports_and_incidents_once(store, corpus):
    first = ingest([corpus], store)
    assert (first.new, first.skipped, first.failed) == (2, 0, 0)
    second = ingest([corpus], store)
    assert (second.new, second.skipped) == (0, 2)
    counts = store.counts()
    assert counts["reports"] == 2 and counts["incidents"] == first.incidents and counts["runs"] == 2


def test_the_same_text_in_another_file_is_the_same_report(store, write_file, corpus):
    ingest([corpus], store)
    write_file("copy/a.html", "<html><body><p>Published: 2021-06-10</p><p>Outlet: Daily NK</p><p>"
               + REPORT_A.replace("\n", "</p><p>") + "</p></body></html>")
    again = ingest([str(write_file("copy/x.txt", "").parent / "a.html")], store)
    assert again.skipped == 1 and again.new == 0


def test_the_original_and_its_plain_text_are_kept(store, corpus):
    ingest([corpus], store)
    rows = records(store, IncidentFilter(province="KP-10"))
    assert rows and rows[0]["report_outlet"] == "Daily NK"
    report = next(iter(store.stored_reports())).report
    assert report.raw.startswith(b"Published: 2021-06-10")


def test_queries_filter_by_category_family_province_place_dates_outlet_and_text(store, corpus):
    ingest([corpus], store)
    assert {r["category"] for r in records(store, IncidentFilter(category="control"))} >= {"control.investigation"}
    assert all(r["location"]["admin1_iso"] == "KP-09" for r in records(store, IncidentFilter(province="KP-09")))
    assert records(store, IncidentFilter(place="chongjin"))
    assert not records(store, IncidentFilter(since=dt.date(2030, 1, 1)))
    assert all("RFA" in r["reported_by"] or r["report_outlet"] == "RFA" for r in records(store, IncidentFilter(outlets=("RFA",))))
    assert records(store, IncidentFilter(text="graffiti"))
    assert len(records(store, IncidentFilter(limit=1))) == 1


def test_stats_count_by_family_province_and_month(store, corpus):
    ingest([corpus], store)
    stats = store.stats()
    assert stats["reports"] == 2
    assert stats["by_family"]["dissent"] >= 1 and "KP-09" in stats["by_province"]
    assert "2021-05" in stats["by_month"]


def test_reextract_makes_a_new_run_and_keeps_the_old_results(store, corpus):
    ingest([corpus], store)
    before = store.counts()
    result = reextract(store)
    run_id, n, found = result.run_id, result.reports, result.incidents
    assert n == 2 and found == before["incidents"]
    assert store.counts()["incidents"] == before["incidents"]  # current incidents only
    all_rows = records(store, current_only=False)
    assert len(all_rows) == 2 * before["incidents"]
    assert {r["run_id"] for r in records(store)} == {run_id}


def test_an_older_database_upgrades_in_place(db_url, corpus):
    from sqlalchemy import create_engine, inspect

    from seethe.store._store import database_url

    engine = create_engine(database_url(db_url))
    migrate(engine, target=1)
    assert "subdivision" not in {c["name"] for c in inspect(engine).get_columns("incidents")}
    engine.dispose()
    with Store(db_url) as store:
        assert store.schema_version() == SCHEMA_VERSION
        ingest([corpus], store)
        assert store.counts()["reports"] == 2


def test_a_bad_file_among_good_ones_is_set_aside(store, corpus, write_file):
    write_file("c/empty.txt", b"")
    errors = []
    summary = ingest([corpus], store, on_error=errors.append)
    assert summary.new == 2 and summary.failed == 1
    assert "empty.txt: empty file" in errors[0].line()


def test_reports_without_a_date_take_the_option(store, write_file):
    path = write_file("undated.txt", REPORT_B)
    assert ingest([str(path)], store).failed == 1
    assert ingest([str(path)], store, opts=Options(published=dt.date(2021, 5, 20))).new == 1


def test_feeds_give_one_report_per_entry(store, write_file):
    feed = write_file("feed.rss", """<?xml version="1.0"?><rss version="2.0"><channel><title>Test outlet</title>
<item><title>Leaflets in Hyesan</title><link>https://example.org/a</link><pubDate>Mon, 07 Jun 2021 09:00:00 GMT</pubDate>
<description>&lt;p&gt;Leaflets criticizing Kim Jong Un were found in Hyesan last week, a source told Daily NK.&lt;/p&gt;</description></item>
<item><title>Arrests in Musan</title><link>https://example.org/b</link><pubDate>Tue, 08 Jun 2021 09:00:00 GMT</pubDate>
<description>&lt;p&gt;Police arrested three smugglers in Musan on Sunday.&lt;/p&gt;</description></item>
</channel></rss>""")
    summary = ingest([str(feed)], store)
    assert summary.new == 2
    urls = {r["report_url"] for r in records(store)}
    assert urls == {"https://example.org/a", "https://example.org/b"}
    assert ingest([str(feed)], store).skipped == 2


def test_bundled_samples_ingest_without_failures(store):
    summary = ingest([str(SAMPLES)], store)
    assert summary.failed == 0 and summary.new >= 50


def test_exports(store, corpus):
    import csv
    import io

    from seethe.services import CSV_COLUMNS, write_export

    ingest([corpus], store)
    rows = records(store)
    buf = io.StringIO()
    write_export(store.incidents(), "csv", buf)
    table = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert list(table[0]) == CSV_COLUMNS and len(table) == len(rows)
    buf = io.StringIO()
    write_export(store.incidents(), "geojson", buf)
    geo = json.loads(buf.getvalue())
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == len(rows)
    point = next(f for f in geo["features"] if f["geometry"])
    lon, lat = point["geometry"]["coordinates"]
    assert 124 < lon < 131 and 37 < lat < 43


def test_an_unreachable_database_is_a_clear_error():
    with pytest.raises(StoreError) as err:
        Store("postgresql://nobody@127.0.0.1:1/nothing").open()
    assert "cannot open the database" in err.value.message


def test_a_missing_folder_or_read_only_database_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="folder"):
        Store(tmp_path / "no" / "such" / "x.db").open()
    db = tmp_path / "x.db"
    Store(db).open().close()
    with pytest.raises(StoreError) as err:
        with Store(f"sqlite:///file:{db}?mode=ro&uri=true") as s:
            s.start_run({"profile": "kp@1"})
    assert "readonly" in err.value.message or "read-only" in err.value.message
