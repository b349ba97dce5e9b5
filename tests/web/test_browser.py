"""The workbench in a real browser, as analysts and viewers use it."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlparse

from tests.workbench import HOSTILE, SOURCE_DETAILS


def _ready(page):
    page.wait_for_selector("body[data-ready='1']", timeout=15000)


def _query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def _brush(page, start: float, end: float) -> None:
    """Drag across the timeline from one fraction of its width to another."""
    box = page.locator("#timeline svg").bounding_box()
    y = box["y"] + box["height"] * 0.4
    page.mouse.move(box["x"] + box["width"] * start, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * end, y, steps=5)
    page.mouse.up()


def test_an_analyst_filters_reads_reviews_and_downloads(signed_in, live_server, screenshots):
    page = signed_in("ana")
    page.goto(f"{live_server}/")
    _ready(page)
    page.screenshot(path=str(screenshots / "map.png"))

    # Filter by province through the form; the filter lives in the URL.
    page.select_option("#f-province", "KP-09")
    page.click("#f-apply")
    page.wait_for_url(re.compile(r"province=KP-09"))
    _ready(page)
    in_province = page.locator("#incidents li").count()
    assert in_province > 1

    # Brush a period on the timeline: the URL, the date fields and the list follow.
    page.evaluate("document.body.removeAttribute('data-ready')")
    _brush(page, 0.55, 0.98)
    _ready(page)
    query = _query(page)
    assert query["province"] == "KP-09" and query["since"] < query["until"]
    assert page.input_value("#f-since") == query["since"]
    days = page.locator("#incidents li .meta").all_text_contents()
    assert days and len(days) <= in_province
    assert all(re.search(r"\d{4}-\d{2}-\d{2}", d).group(0) <= query["until"] for d in days)

    # The view downloads as it stands.
    with page.expect_download() as download:
        page.click("#dl-csv")
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert len(rows) == len(days) and {r["admin1_iso"] for r in rows} == {"KP-09"}

    # Click a place on the map: its incidents' evidence shows; open one.
    page.goto(f"{live_server}/?province=KP-09")
    _ready(page)
    page.locator("path.incident-point").first.click(force=True)
    popup = page.locator("[data-testid=popup]")
    popup.locator("blockquote.evidence").first.wait_for()
    assert popup.locator("blockquote.evidence").first.inner_text().strip()
    popup.locator("a").first.click()
    page.wait_for_url(re.compile(r"/incidents/\d+$"))
    incident_id = page.url.rsplit("/", 1)[1]
    evidence = page.locator("[data-testid=evidence-text]").inner_text()
    marked = page.locator("[data-testid=excerpt] mark.evidence-mark").inner_text()
    assert marked.strip() and marked.strip() in " ".join(evidence.split()) or evidence.strip() in marked

    # Review it: correct the category, say why; the page, the history and the audit log show it.
    page.check("input[name=action][value=correct]")
    page.select_option("select[name=category]", "control.surveillance")
    page.fill("textarea[name=reason]", "the report describes watching, not an arrest")
    page.click("form.review button[type=submit]")
    page.wait_for_url(f"{live_server}/incidents/{incident_id}")
    assert page.locator("[data-testid=review-status]").inner_text() == "corrected"
    assert page.locator("[data-testid=category]").inner_text() == "control.surveillance"
    assert "ana" in page.locator("[data-testid=review-history]").inner_text()
    page.click("text=Audit log")
    first_row = page.locator("[data-testid=audit-table] tbody tr").first.inner_text()
    assert "review.correct" in first_row and f"incident {incident_id}" in first_row and "ana" in first_row

    # The report page: every incident's evidence marked in the text.
    page.goto(f"{live_server}/incidents/{incident_id}")
    page.click("[data-testid=report-link]")
    page.wait_for_url(re.compile(r"/reports/\d+$"))
    assert page.locator("[data-testid=report-text] mark.evidence-mark").count() >= 1
    page.screenshot(path=str(screenshots / "report.png"))
    assert page.errors == []


def test_a_viewer_sees_no_source_details(signed_in, live_server, workbench, screenshots):
    _, known = workbench
    page = signed_in("vic")
    page.goto(f"{live_server}/reports/{known['hostile_report']}")
    text = page.locator("[data-testid=report-text]").inner_text()
    assert not any(d in text for d in SOURCE_DETAILS)
    assert page.locator("[data-testid=report-text] .withheld").count() >= 1
    assert page.locator("[data-testid=report-text] mark.evidence-mark").count() >= 2
    page.screenshot(path=str(screenshots / "report-viewer.png"))
    page.click("text=Map")
    _ready(page)
    assert page.locator("[data-testid=protected-notice]").is_visible()
    assert page.locator("text=Audit log").count() == 0
    page.goto(f"{live_server}/audit")
    assert "403" in page.locator("h1").inner_text()
    page.goto(f"{live_server}/?search=Hyesan")
    _ready(page)
    items = page.locator("#incidents li a").all()
    assert items
    items[0].click()
    assert not any(d in page.content() for d in SOURCE_DETAILS)
    assert page.locator("[data-testid=review-form]").count() == 0


def test_report_text_with_markup_renders_as_text(signed_in, live_server, workbench):
    _, known = workbench
    page = signed_in("ana")
    for path in (f"/reports/{known['hostile_report']}", "/?search=regime+leaflets+reading"):
        page.goto(live_server + path)
        if path.startswith("/?"):
            _ready(page)
            item = page.locator("#incidents li", has_text="<script>window.__pwned = 2</script>")
            assert item.count() == 1  # the list shows the summary as text too
            item.locator("a").first.click()
            page.wait_for_url(re.compile(r"/incidents/\d+$"))
        body = page.locator("main").inner_text()
        assert "<script>window.__pwned = 2</script>" in body
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("main img, main script").count() == 0
    page.goto(f"{live_server}/reports/{known['hostile_report']}")
    text = page.locator("[data-testid=report-text]").inner_text()
    assert '"><img src=x onerror="window.__pwned=3">' in text and "onmouseover='window.__pwned=4'" in text
    assert HOSTILE.splitlines()[-1].split(" after")[0][-20:] in text
    assert page.errors == []


def test_events_on_the_map_open_an_event_with_its_reports_side_by_side(signed_in, live_server, workbench,
                                                                        screenshots):
    _, known = workbench
    page = signed_in("ana")
    page.goto(f"{live_server}/?province=KP-10&since=2018-01-01")  # the samples' 2017 graffiti is corroborated too
    _ready(page)
    assert page.locator("path.event-point").count() == 0  # the events layer is a toggle, off at first

    # Turn the events layer on: it lives in the URL; the corroborated event's marker is drawn larger.
    page.evaluate("document.body.removeAttribute('data-ready')")
    page.check("#f-events")
    page.wait_for_url(re.compile(r"events=1"))
    _ready(page)
    corroborated = page.locator("path.event-point.corroborated")
    assert corroborated.count() == 1
    big = corroborated.bounding_box()
    small = page.locator("path.event-point:not(.corroborated)").first.bounding_box()
    assert big["width"] > small["width"]
    page.screenshot(path=str(screenshots / "map-events.png"))

    # Its summary opens on a click (on its ring: the smaller markers at Hyesan nest inside), with a link to its page.
    corroborated.click(position={"x": 3, "y": big["height"] / 2})
    popup = page.locator("[data-testid=event-popup]")
    assert "2 independent origins" in popup.locator("[data-testid=event-facts]").inner_text()
    popup.locator("[data-testid=event-open]").click()
    page.wait_for_url(f"{live_server}/events/{known['leaflet_event']}")

    # The reports side by side, each with its role and its evidence marked.
    tellings = page.locator("[data-testid=telling]")
    assert tellings.count() == 3
    boxes = [tellings.nth(k).bounding_box() for k in range(3)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]  # beside, not below, each other
    roles = [tellings.nth(k).locator("[data-testid=role]").inner_text() for k in range(3)]
    assert roles[0].startswith("origin") and roles[2].startswith("origin")
    assert roles[1].startswith("relay of report") and "(RFA, 2019-09-14)" in roles[1]
    for k in range(3):
        assert "Hyesan market" in tellings.nth(k).locator("mark.evidence-mark").inner_text()
    assert page.locator("[data-testid=grade]").inner_text().startswith("B1")
    assert "RFA" in page.locator("[data-testid=provenance] li").first.inner_text()
    page.screenshot(path=str(screenshots / "event.png"), full_page=True)

    # From one of its incidents back to the event.
    tellings.nth(1).locator("[data-testid=incident-link]").click()
    page.wait_for_url(re.compile(r"/incidents/\d+$"))
    page.click("[data-testid=event-link]")
    page.wait_for_url(f"{live_server}/events/{known['leaflet_event']}")
    assert page.errors == []


def test_an_analyst_merges_two_events_on_the_event_page_and_the_audit_log_lists_it(signed_in, events_server,
                                                                                    screenshots):
    server, known = events_server
    page = signed_in("ana", server)
    page.goto(f"{server}/events/{known['leaflets']}")
    assert page.locator("[data-testid=telling]").count() == 3

    merge = page.locator("[data-testid=merge-form]")
    merge.locator("input[name=with]").fill(str(known["detentions"]))
    merge.locator("textarea[name=why]").fill("one crackdown after the leaflets")
    merge.locator("button[type=submit]").click()
    page.wait_for_url(f"{server}/events/{known['leaflets']}")
    assert page.locator("[data-testid=telling]").count() == 5  # both events' reports, in one event
    assert page.locator("[data-testid=counts]").inner_text().startswith("5 reports")
    history = page.locator("[data-testid=decision-history]").inner_text()
    assert "merge by ana" in history and "one crackdown after the leaflets" in history
    page.screenshot(path=str(screenshots / "event-merged.png"), full_page=True)
    page.goto(f"{server}/events/{known['detentions']}")
    assert page.locator("[data-testid=event-title]").count() == 0  # merged away

    page.goto(f"{server}/audit")
    row = page.locator("[data-testid=audit-table] tbody tr").first.inner_text()
    assert "decision.merge" in row and "ana" in row and "one crackdown after the leaflets" in row
    assert page.errors == []
