"""Places: the gazetteer and resolution of place names in context."""

from seethe.geo.gazetteer import Gazetteer, load_gazetteer
from seethe.geo.resolve import find_places
from seethe.geo.variants import expand_names, name_key

__all__ = ["Gazetteer", "expand_names", "find_places", "load_gazetteer", "name_key"]
