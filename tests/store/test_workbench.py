"""The workbench's tables on every backend: users, sessions, tokens, reviews kept across
re-extraction, the audit log, timeline and place counts, and migrations with a gap in their numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, inspect, text

from seethe.errors import UsageError
from seethe.profile import load_profile
from seethe.services import IngestOptions, accounts, ingest, reextract
from seethe.services.review import review_incident
from seethe.store import IncidentFilter, Store, migrate
from seethe.store import _migrations

REPORT = ("Published: 2021-06-10\nOutlet: Daily NK\n"
          "Police arrested four vendors at Hyesan market on June 7, a source in Ryanggang Province told Daily NK.\n"
          "Graffiti criticizing Kim Jong Un was found on a wall in Chongjin on June 3, the source said.\n")


@pytest.fixture
def stored(store, write_file):
    ingest([str(write_file("r/a.txt", REPORT))], store, opts=IngestOptions(profile="kp"))
    return store


def _current(store):
    return {(i.category, i.location.place_id): i for i in store.incidents(IncidentFilter(review="any"))}


def test_reviews_survive_re_extraction(stored):
    profile = load_profile("kp")
    before = _current(stored)
    arrest = next(i for i in before.values() if i.category.startswith("control"))
    graffiti = next(i for i in before.values() if i.category.startswith("dissent"))
    review_incident(stored, profile, arrest.id, "correct", reason="it was a market inspection",
                    category="control.market", time_start=dt.date(2021, 6, 6), user="ana")
    review_incident(stored, profile, graffiti.id, "reject", reason="a rumour", user="ana")
    reextract(stored, profile="kp")
    now = list(stored.incidents(IncidentFilter(review="any")))
    assert {i.id for i in now}.isdisjoint({arrest.id, graffiti.id})  # new rows from the new run
    corrected = next(i for i in now if i.review_status == "corrected")
    assert corrected.category == "control.market" and corrected.time.start == dt.date(2021, 6, 6)
    assert corrected.location.place_id == arrest.location.place_id
    assert [i.review_status for i in now if i.category.startswith("dissent")] == ["rejected"]
    # Rejected incidents leave every listing unless asked for.
    assert all(not i.category.startswith("dissent") for i in stored.incidents())
    assert stored.count_incidents(IncidentFilter(review="rejected")) == 1
    assert [r.action for r in stored.reviews(corrected.id)] == ["correct"]


def test_a_review_is_one_transaction_with_its_audit_entry(stored):
    inc = next(iter(stored.incidents()))
    with pytest.raises(UsageError):
        stored.add_review(inc.id, "correct", {"summary": "rewritten"}, "no", "ana")
    with pytest.raises(UsageError):
        stored.add_review(10**9, "confirm", {}, "why", "ana")
    assert stored.audit_log() == []
    stored.add_review(inc.id, "confirm", {}, "seen twice", "ana")
    entry = stored.audit_log()[0]
    assert (entry.user_name, entry.action, entry.target, entry.reason) == ("ana", "review.confirm",
                                                                           f"incident {inc.id}", "seen twice")


def test_users_sessions_and_tokens(store):
    accounts.add_user(store, "ana", "a long password", "analyst", actor="cli")
    with pytest.raises(UsageError, match="exists"):
        accounts.add_user(store, "ana", "another password", "viewer", actor="cli")
    for bad in (("", "a long password", "viewer"), ("ana b", "a long password", "viewer"),
                ("bob", "short", "viewer"), ("bob", "a long password", "root")):
        with pytest.raises(UsageError):
            accounts.add_user(store, *bad, actor="cli")
    assert accounts.authenticate(store, "ana", "wrong password") is None
    assert accounts.authenticate(store, "nobody", "a long password") is None
    user = accounts.authenticate(store, "ana", "a long password")
    assert user.role == "analyst" and user.password_hash.startswith("$argon2")
    session = accounts.open_session(store, user)
    assert accounts.session_user(store, session.token)[0].name == "ana"
    assert accounts.session_user(store, session.token + "x") is None
    tid, token = accounts.new_api_token(store, user, "notebook", actor="ana")
    assert accounts.token_user(store, token).name == "ana"
    assert store.tokens(user.id)[0]["label"] == "notebook"
    assert store.remove_user("ana", actor="adam")
    assert accounts.session_user(store, session.token) is None and accounts.token_user(store, token) is None
    assert [e.action for e in store.audit_log()] == ["user.remove", "token.add", "user.add"]


def test_an_expired_session_opens_nothing(store):
    accounts.add_user(store, "vic", "a long password", "viewer", actor="cli")
    user = store.user("vic")
    store.add_session(accounts.digest("cookie"), user.id, "csrf", dt.timedelta(seconds=-1))
    assert accounts.session_user(store, "cookie") is None


def test_timeline_weeks_start_on_monday_and_coarse_dates_are_counted_apart(stored):
    rows, left_out = stored.count_timeline("week", IncidentFilter())
    assert rows and all(dt.date.fromisoformat(p).weekday() == 0 for p, _, _ in rows)
    assert sum(n for _, _, n in rows) + left_out == stored.count_incidents()
    months, _ = stored.count_timeline("month", IncidentFilter())
    assert {p for p, _, _ in months} == {"2021-06"}
    stored.analyze()  # statistics after a bulk load: same answers
    places = stored.count_places(IncidentFilter())
    assert sum(r["n"] for r in places) == stored.count_incidents()


def test_a_step_numbered_below_the_newest_still_runs_on_a_newer_database(db_url, monkeypatch):
    # Databases made while the workbench's step 5 existed and the events' step 4 did not.
    engine = create_engine(Store(db_url).url)
    migrate(engine, target=3)
    every_step = list(_migrations.STEPS)
    monkeypatch.setattr(_migrations, "STEPS", [s for s in every_step if s[0] != 4])
    assert migrate(engine) == (3, 5)
    with engine.connect() as conn:
        assert not inspect(conn).has_table("events")
    monkeypatch.setattr(_migrations, "STEPS", every_step)
    migrate(engine)
    with engine.connect() as conn:
        assert sorted(v for (v,) in conn.execute(text("SELECT version FROM seethe_schema"))) == [1, 2, 3, 4, 5]
        assert inspect(conn).has_table("events")
    migrate(engine)  # nothing left to run
    engine.dispose()


def test_a_time_span_longer_than_the_bound_is_refused_so_period_filters_stay_exact(stored):
    from seethe.errors import StoreError
    from seethe.store import MAX_SPAN

    inc = next(iter(stored.incidents()))
    with pytest.raises(UsageError, match="at most"):
        review_incident(stored, load_profile("kp"), inc.id, "correct", reason="r", user="ana",
                        time_start=dt.date(2010, 1, 1), time_end=dt.date(2013, 1, 1))
    wide = inc.__class__(**{**{f: getattr(inc, f) for f in inc.__slots__},
                            "time": inc.time.__class__(dt.date(2010, 1, 1), dt.date(2010, 1, 1) + MAX_SPAN
                                                       + dt.timedelta(days=1), "unknown")})
    with pytest.raises(StoreError, match="at most"):
        stored.replace_incidents(inc.report.id, [wide], inc.run_id)
    # An incident spanning the whole bound is found by a period that only touches its end.
    edge = inc.__class__(**{**{f: getattr(inc, f) for f in inc.__slots__},
                            "time": inc.time.__class__(dt.date(2010, 1, 1), dt.date(2010, 1, 1) + MAX_SPAN, "unknown")})
    stored.replace_incidents(inc.report.id, [edge], inc.run_id)
    found = stored.incidents(IncidentFilter(since=dt.date(2010, 1, 1) + MAX_SPAN, until=dt.date(2030, 1, 1)))
    assert [i.time.start for i in found] == [dt.date(2010, 1, 1)]


def test_paged_reading_gives_the_same_incidents_in_the_same_order(stored, write_file):
    ingest([str(write_file("r/b.txt", REPORT.replace("June 7", "June 8").replace("June 3", "May 30")))], stored,
           opts=IngestOptions(profile="kp"))
    everything = [i.id for i in stored.incidents()]
    assert len(everything) >= 3
    assert [i.id for i in stored.incidents_paged(page=1)] == everything
    assert [i.id for i in stored.incidents_paged(IncidentFilter(limit=2), page=1)] == everything[:2]
