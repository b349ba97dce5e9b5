"""Analyses over incidents and events: reach, clustering, delays and nowcasts, indices, charts.

A pure library: every function takes ``Occurrence`` records (built by the store
adapter or by ``occurrence_from_incident`` from the interchange format) and
returns a frozen result that carries its assumptions, how many records it
used and how many it left out and why, ``to_dict()`` for JSON and
``describe()`` for people::

    from seethe.analyse import reach, occurrence_from_incident
    result = reach(occurrences, mode="foot")
    print("\\n".join(result.describe()))
"""

from seethe.analyse._records import Occurrence, occurrence_from_incident
from seethe.analyse.routes import ReachResult, Speed, reach

__all__ = ["Occurrence", "ReachResult", "Speed", "occurrence_from_incident", "reach"]
