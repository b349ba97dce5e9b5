import json
import shutil

import pytest

from seethe.errors import ProfileError
from seethe.profile import Profile, load_profile, profile_dir


def test_bundled_profile_loads_lazily():
    prof = Profile(profile_dir("kp"))
    assert prof.country == "KP"
    assert "gazetteer" not in prof.__dict__  # nothing heavy until used
    assert len(prof.codebook.categories) == 20
    assert len(prof.holidays) >= 10


def test_unknown_profile_is_a_clear_error():
    with pytest.raises(ProfileError, match="no such profile"):
        load_profile("atlantis")


@pytest.fixture
def profile_copy(tmp_path):
    dest = tmp_path / "kp"
    shutil.copytree(profile_dir("kp"), dest)
    return dest


def test_a_rule_with_an_unknown_category_is_refused(profile_copy):
    with open(profile_copy / "cues.jsonl", "a") as f:
        f.write(json.dumps({"id": "bad.rule", "category": "dissent.telepathy", "any": ["x"]}) + "\n")
    with pytest.raises(ProfileError) as err:
        Profile(profile_copy).cue_rules
    assert "unknown category" in err.value.message
    assert err.value.source.endswith(".jsonl:" + str(sum(1 for _ in open(profile_copy / "cues.jsonl"))))


def test_a_rule_needs_any_or_all(profile_copy):
    with open(profile_copy / "cues.jsonl", "a") as f:
        f.write(json.dumps({"id": "bad.rule", "category": "dissent.protest"}) + "\n")
    with pytest.raises(ProfileError, match="exactly one of"):
        Profile(profile_copy).cue_rules


def test_a_new_country_profile_is_a_data_folder(profile_copy, make_report):
    """A profile elsewhere on disk is used by path, with its own data."""
    from seethe.extract import Extractor

    rules = [json.loads(line) for line in open(profile_copy / "cues.jsonl")]
    rules.append({"id": "test.kimchi", "category": "disorder.crime", "any": ["kimchi heist"]})
    (profile_copy / "cues.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rules))
    incidents = Extractor(str(profile_copy)).extract(make_report("A kimchi heist shook Hyesan last week."))
    assert [i.category for i in incidents] == ["disorder.crime"]


def _edit_json(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def test_an_unknown_key_in_a_data_file_is_refused_with_file_and_line(profile_copy):
    _edit_json(profile_copy / "codebook.json",
               lambda d: d["categories"]["dissent.protest"].update({"labell": "typo"}))
    with pytest.raises(ProfileError) as err:
        Profile(profile_copy).codebook
    text = (profile_copy / "codebook.json").read_text().splitlines()
    path, line = err.value.source.rsplit(":", 1)
    assert path.endswith("codebook.json") and '"labell"' in text[int(line) - 1]
    assert "labell" in err.value.message and err.value.code == "profile.schema"


def test_a_bad_value_names_the_line_it_is_on(profile_copy):
    _edit_json(profile_copy / "holidays.json", lambda d: d["holidays"][3].update({"month": 13}))
    with pytest.raises(ProfileError) as err:
        Profile(profile_copy).holidays
    line = int(err.value.source.rsplit(":", 1)[1])
    assert '"month": 13' in (profile_copy / "holidays.json").read_text().splitlines()[line - 1]
    assert "holidays.3.month" in err.value.message


def test_a_cue_rule_with_an_unknown_key_is_refused(profile_copy):
    with open(profile_copy / "cues.jsonl", "a") as f:
        f.write(json.dumps({"id": "bad.rule", "category": "dissent.protest", "any": ["x"], "unles": ["y"]}) + "\n")
    with pytest.raises(ProfileError, match="unles"):
        Profile(profile_copy).cue_rules


def test_a_manifest_file_name_cannot_leave_the_profile_folder(profile_copy):
    _edit_json(profile_copy / "profile.json", lambda d: d["files"].update({"cues": "/etc/passwd"}))
    with pytest.raises(ProfileError, match="files.cues"):
        Profile(profile_copy)


def test_a_missing_data_file_is_a_clear_error(profile_copy):
    (profile_copy / "cues.jsonl").unlink()
    with pytest.raises(ProfileError, match="missing") as err:
        Profile(profile_copy).cue_rules
    assert err.value.source.endswith("cues.jsonl")


@pytest.mark.parametrize("name", ["../..", "kp/../../..", "x" * 5000])
def test_profile_names_that_are_not_profiles_are_refused(name):
    with pytest.raises(ProfileError):
        load_profile(name)


def test_actors_load_through_the_manifest(profile_copy):
    _edit_json(profile_copy / "profile.json", lambda d: d["files"].update({"actors": "people.json"}))
    (profile_copy / "actors.json").rename(profile_copy / "people.json")
    assert Profile(profile_copy).actors[0].label
