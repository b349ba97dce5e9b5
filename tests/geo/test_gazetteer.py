import pytest

from seethe.geo import gazetteer_for
from seethe.errors import GazetteerError
from seethe.geo import load_gazetteer


def test_bundled_gazetteer_counts(profile):
    gaz = gazetteer_for(profile)
    assert len(gaz) >= 300
    assert sum(len(p.names) for p in gaz.places.values()) >= 4000
    provinces = {p.admin1_iso for p in gaz.places.values() if p.type == "province" and p.country == "KP"}
    assert {"KP-01", "KP-02", "KP-03", "KP-04", "KP-05", "KP-06", "KP-07", "KP-08", "KP-09", "KP-10"} <= provinces


@pytest.mark.parametrize("line, problem", [
    ('{"id": "x", "name": "X", "type": "planet", "country": "KP", "names": []}', "unknown place type"),
    ('{"id": "x", "name": "X", "type": "city", "country": "Korea", "names": []}', "ISO 3166-1"),
    ('{"id": "x", "name": "X", "type": "city", "country": "KP", "admin1": "Ryanggang", "names": []}', "ISO 3166-2"),
    ('{"id": "x", "type": "city", "country": "KP", "names": []}', "lacks 'name'"),
    ("not json", "not JSON"),
])
def test_a_bad_entry_is_an_error_naming_file_and_line(tmp_path, line, problem):
    path = tmp_path / "gaz.jsonl"
    path.write_text('{"id": "a", "name": "A", "type": "city", "country": "KP", "names": ["A"]}\n' + line + "\n")
    with pytest.raises(GazetteerError) as err:
        load_gazetteer(path)
    assert problem in err.value.message
    assert err.value.source == f"{path}:2"
