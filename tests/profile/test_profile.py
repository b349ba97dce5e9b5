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
