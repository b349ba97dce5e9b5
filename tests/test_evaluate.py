from seethe.evaluate import score_report

GOLD = {
    "report": {"published": "2016-05-02"},
    "incidents": [
        {"category": "dissent.leaflet_graffiti", "location": {"admin1_iso": "KP-09", "country": "KP", "lat": 41.79, "lon": 129.78, "precision": "city"},
         "time": {"start": "2016-03-21", "end": "2016-03-31", "precision": "month"}},
        {"optional": True, "category": "burden.mobilization", "location": {"admin1_iso": None, "country": "KP", "precision": "country"},
         "time": {"start": "2016-03-01", "end": "2016-05-02", "precision": "unknown"}},
    ],
}


def pred(category="dissent.leaflet_graffiti", admin1="KP-09", lat=41.8, lon=129.7, start="2016-03-25"):
    return {"category": category, "location": {"admin1_iso": admin1, "country": "KP", "lat": lat, "lon": lon},
            "time": {"start": start, "end": start}}


def test_match_needs_category_province_point_and_time():
    assert score_report(GOLD, [pred()])["strict"].tp == 1
    assert score_report(GOLD, [pred(lat=39.0, lon=125.7)])["strict"].tp == 0  # 300 km away
    assert score_report(GOLD, [pred(lat=39.0, lon=125.7)])["place"].tp == 1
    assert score_report(GOLD, [pred(start="2015-01-01")])["strict"].tp == 0
    assert score_report(GOLD, [pred(admin1="KP-10")])["family"].tp == 0


def test_optional_incidents_are_neither_missed_nor_false():
    res = score_report(GOLD, [pred(), pred(category="burden.mobilization", admin1="KP-02")])
    assert (res["strict"].tp, res["strict"].fp, res["strict"].fn) == (1, 0, 0)
    res = score_report(GOLD, [pred(), pred(category="control.market")])
    assert res["strict"].fp == 1
