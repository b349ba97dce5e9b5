"""The model fitted by EM on candidate pairs, without labels."""

from __future__ import annotations

import numpy as np

from seethe.link import estimate, incident_table, params_for, profile_model, score_pairs


def test_too_few_pairs_leave_the_profiles_model(profile, incident):
    p = params_for(profile)
    t = incident_table([incident(1, 10), incident(2, 11, outlet="RFA")], p)
    e = estimate(t, score_pairs(t, p), p)
    assert e.expected_matches == profile_model(p).expected_matches
    assert all(np.allclose(e.m[f], profile_model(p).m[f]) for f in e.m)


def test_em_learns_from_the_pairs_which_levels_mark_one_happening(profile, incident):
    # 30 happenings ten days apart, each told the same day by two outlets, and a decoy five days later.
    import datetime as dt

    p = params_for(profile)
    incidents, n = [], 0
    for h in range(30):
        day = dt.date(2016, 1, 1) + dt.timedelta(days=10 * h)
        for k, (shift, outlet) in enumerate([(0, "Daily NK"), (0, "RFA"), (5, "Asia Press")]):
            n += 1
            words = f"leaflets case{h}" if shift == 0 else f"market inspection decoy{h}"
            incidents.append(incident(n, 100 * h + k, outlet=outlet, start=str(day + dt.timedelta(days=shift)),
                                      published="2016-12-31", evidence=f"Residents reported {words} today."))
    t = incident_table(incidents, p)
    c = score_pairs(t, p)
    e = estimate(t, c, p)
    time, text = e.weights()["time"], e.weights()["text"]
    assert time[0] > 0 > time[3]  # same_days for a link, near against
    assert text[0] > text[3]  # very similar evidence for a link, dissimilar against
    assert e.iterations > 1 and e.pairs == int((t.report[c.i] != t.report[c.j]).sum())
    assert not np.allclose(e.m["time"], profile_model(p).m["time"])
