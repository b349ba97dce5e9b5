"""A workbench database for the API and browser tests: the bundled samples, a hostile report, a happening
told by three reports and another by two that disagree, one user of each role, all linked into events
(built once per test run)."""

from __future__ import annotations

from pathlib import Path

from seethe.services import IngestOptions, accounts, ingest
from seethe.services import events as event_service
from seethe.store import Store

from tests.conftest import SAMPLES

PASSWORDS = {"vic": "viewer-password", "ana": "analyst-password", "adam": "admin-password"}
ROLES = {"vic": "viewer", "ana": "analyst", "adam": "admin"}
# Markup and attribute-breaking text in a plain-text report: it must reach every page as text.
HOSTILE = """Published: 2020-03-10
Outlet: Daily NK
Leaflets found in Hyesan <script>window.__pwned = 1</script>
Anti-regime leaflets reading "<script>window.__pwned = 2</script>" were found near Hyesan station \
on March 3, 2020, a source in Ryanggang Province told Daily NK. Police arrested two students \
"><img src=x onerror="window.__pwned=3"> ' onmouseover='window.__pwned=4' after the leaflets appeared.
"""
SOURCE_DETAILS = ("a source in Ryanggang Province", "source in Ryanggang Province", "resident of Chongjin")
# One happening told three ways: RFA's informant (an origin), a blog crediting RFA (a relay of it) and Daily NK's
# own source (a second independent origin), at a market (a site: a viewer sees it at Hyesan city).  Dated before
# the newest incidents of its province, which other tests review.
LEAFLETS = {
    "rfa-hyesan-leaflets.txt": "Published: 2019-09-14\nOutlet: RFA\n\nAnti-regime leaflets were found at Hyesan "
                               "market on September 9, a resident of Hyesan told RFA.\n",
    "blog-hyesan-leaflets.txt": "Published: 2019-09-16\nOutlet: One Free Korea\n\nRFA reported that anti-regime "
                                "leaflets were found at Hyesan market on September 9.\n",
    "dailynk-hyesan-leaflets.txt": "Published: 2019-09-20\nOutlet: Daily NK\n\nLeaflets criticizing Kim Jong Un "
                                   "were discovered at Hyesan market on September 9, a source in Ryanggang Province "
                                   "told Daily NK.\n",
}
# Two independent origins that disagree on how many were detained: a contradicted event.
DETENTIONS = {
    "dailynk-hoeryong-market.txt": "Published: 2021-10-12\nOutlet: Daily NK\n\nSecurity agents detained 13 "
                                   "merchants at Hoeryong market last week, a source in North Hamgyong Province "
                                   "told Daily NK.\n",
    "rfa-hoeryong-market.txt": "Published: 2021-10-15\nOutlet: RFA\n\nSecurity agents detained 20 merchants at "
                               "Hoeryong market last week, a resident of Hoeryong told RFA.\n",
}
EVENT_SOURCE_DETAILS = ("resident of Hyesan", "source in Ryanggang Province", "resident of Hoeryong",
                        "source in North Hamgyong Province")


def write_event_reports(folder: Path) -> list[str]:
    """The reports of the two told-many-ways happenings, as files; their paths."""
    paths = []
    for name, text in {**LEAFLETS, **DETENTIONS}.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def event_of(store: Store, names: dict[str, str]) -> int:
    """The id of the event that holds the reports of these files."""
    reports = {r.id for r in store.stored_reports() if Path(r.report.source).name in names}
    return next(e.id for e in store.events() if set(e.report_ids) == reports)


def build_workbench(folder: Path, url: str | None = None) -> tuple[str, dict[str, int]]:
    """Fill a database; returns its URL and the hostile report's id with a few known incident ids."""
    url = url or f"sqlite:///{folder / 'workbench.db'}"
    hostile = folder / "hostile.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    with Store(url) as store:
        summary = ingest([str(SAMPLES), str(hostile), *write_event_reports(folder)], store,
                         opts=IngestOptions(profile="kp"))
        assert summary.failed == 0
        event_service.link(store)
        for name, role in ROLES.items():
            accounts.add_user(store, name, PASSWORDS[name], role, actor="test")
        ids = {"hostile_report": next(r.id for r in store.stored_reports() if r.report.source.endswith("hostile.txt")),
               "leaflet_event": event_of(store, LEAFLETS), "detention_event": event_of(store, DETENTIONS)}
    return url, ids


def build_event_bench(folder: Path) -> tuple[str, dict[str, int]]:
    """A small database for tests that change events (the shared workbench's stay as its tests expect): the two
    told-many-ways happenings linked into two events, and the users; its URL and the two events' ids."""
    url = f"sqlite:///{folder / 'events.db'}"
    with Store(url) as store:
        assert ingest(write_event_reports(folder), store, opts=IngestOptions(profile="kp")).failed == 0
        event_service.link(store)
        for name, role in ROLES.items():
            accounts.add_user(store, name, PASSWORDS[name], role, actor="test")
        return url, {"leaflets": event_of(store, LEAFLETS), "detentions": event_of(store, DETENTIONS)}
