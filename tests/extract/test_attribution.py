import pytest

from seethe.extract.attribution import find_credits
from seethe.text import normalize


@pytest.mark.parametrize("text, outlet", [
    ("Radio Free Asia reports that leaflets were found.", "RFA"),
    ("\"They came at night,\" a source told Daily NK.", "Daily NK"),
    ("Leaflets were found in Hyesan. [Daily NK]", "Daily NK"),
    ("\"It is bad,\" he told RFA's Korean Service.", "RFA"),
    ("According to Asia Press, the market was closed.", "Asia Press"),
    ("NK News reported that the border was sealed.", "NK News"),
    ("The Daily NK also publishes a similar report.", "Daily NK"),
])
def test_credits_are_found_and_normalized(extractor, make_report, text, outlet):
    doc = normalize(make_report(text), extractor.profile.lexicon.abbreviations)
    assert [c.outlet for c in find_credits(doc, extractor.outlets)] == [outlet]


def test_a_bare_mention_of_an_outlet_is_not_a_credit(extractor, make_report):
    doc = normalize(make_report("People who listen to Radio Free Asia broadcasts risk arrest."))
    assert find_credits(doc, extractor.outlets) == []
