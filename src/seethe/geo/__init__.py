"""Places: the gazetteer, the one place hierarchy, and resolution of place names in context."""

from seethe.geo._hierarchy import bare_name_preference, contains, specificity
from seethe.geo.gazetteer import Gazetteer, gazetteer_for, load_gazetteer
from seethe.geo.resolve import PlaceGrammar, Resolver, find_places, resolver_for
from seethe.geo.variants import expand_names, name_key

__all__ = ["Gazetteer", "PlaceGrammar", "Resolver", "bare_name_preference", "contains", "expand_names",
           "find_places", "gazetteer_for", "load_gazetteer", "name_key", "resolver_for", "specificity"]
