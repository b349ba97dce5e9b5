"""Linking scored on a linked set built in the test: two reports of one happening, a relay, a near-miss."""

from __future__ import annotations

import hashlib
import json

import pytest

from seethe.errors import UsageError
from seethe.services.linkeval import act_labels, evaluate_linking, load_linked_set

TEXTS = {
    "origin": "Leaflets criticizing Kim Jong Un were found near Hyesan station on New Year's Day, a source in "
              "Ryanggang Province told Daily NK.",
    "relay": "Daily NK reports that leaflets criticizing Kim Jong Un were found near Hyesan station on New Year's Day.",
    "later": "Leaflets criticizing Kim Jong Un were found near Hyesan station on March 1, a source told Daily NK.",
}
HYESAN = {"admin1_iso": "KP-10", "country": "KP", "lat": 41.4017, "lon": 128.1778, "precision": "city"}


def gold(day: str, outlet: str, happening: str | None, evidence: str, credits: list[str]):
    incident = {"category": "dissent.leaflet_graffiti", "place": "Hyesan", "location": HYESAN,
                "time": {"start": day, "end": day, "precision": "day"}, "reported_by": credits,
                "evidence": evidence, "actor": "unknown individual"}
    if happening:
        incident["happening"] = happening
    return incident


@pytest.fixture
def linked_set(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    docs = {
        "origin": ("2016-01-05", "Daily NK", gold("2016-01-01", "Daily NK", "h01", "were found near Hyesan station",
                                                   ["Daily NK"])),
        "relay": ("2016-01-07", "One Free Korea", gold("2016-01-01", "One Free Korea", "h01",
                                                        "Daily NK reports that leaflets", ["Daily NK"])),
        "later": ("2016-03-03", "Daily NK", gold("2016-03-01", "Daily NK", None, "on March 1", ["Daily NK"])),
    }
    sources = []
    for key, (published, outlet, incident) in docs.items():
        (folder / f"{key}.txt").write_text(TEXTS[key], encoding="utf-8")
        (folder / f"{key}.gold.json").write_text(json.dumps({
            "report": {"file": f"{key}.txt", "published": published, "outlet": outlet, "url": f"https://x/{key}"},
            "incidents": [incident]}))
        sources.append({"id": key, "sha256": hashlib.sha256(TEXTS[key].encode()).hexdigest()})
    (folder / "sources.jsonl").write_text("\n".join(json.dumps(s) for s in sources))
    (folder / "happenings.jsonl").write_text(json.dumps({"id": "h01", "members": [
        {"report": "origin", "role": "origin"}, {"report": "relay", "role": "relay", "relay_of": "origin"}]}))
    return folder


def test_gold_incidents_linked_and_roles_judged(linked_set, profile):
    score = evaluate_linking(load_linked_set(linked_set), profile, "gold")
    assert score.bcubed.f1 == 1.0 and score.pairwise.f1 == 1.0
    assert (score.roles_right, score.members) == (2, 2) and score.relay_accuracy == 1.0


def test_extracted_incidents_linked_end_to_end(linked_set, profile):
    score = evaluate_linking(load_linked_set(linked_set), profile, "extracted")
    assert score.incidents >= 3 and score.bcubed.precision == 1.0
    assert score.members_found == 2


def test_a_text_that_changed_is_not_used(linked_set, profile):
    (linked_set / "later.txt").write_text("something else", encoding="utf-8")
    loaded = load_linked_set(linked_set)
    assert any("SHA-256 differs" in p for p in loaded.problems)
    assert next(r for r in loaded.reports if r.key == "later").text is None


def test_acts_join_a_happenings_incidents_that_share_a_code(linked_set):
    labels = act_labels(load_linked_set(linked_set))
    assert labels[("origin", 0)] == labels[("relay", 0)]


def test_a_folder_without_happenings_is_refused(tmp_path):
    with pytest.raises(UsageError):
        load_linked_set(tmp_path)
