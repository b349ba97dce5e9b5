"""Analyses over incidents and events: reach, clustering, delays and nowcasts, indices, charts, briefs.

A pure library: every function takes ``Occurrence`` records (built by the store
adapter, or by ``occurrence_from_incident`` from the interchange format) and
returns a frozen result that carries its assumptions, how many records it
used, how many it left out and why, ``to_dict()`` for JSON and ``describe()``
for people::

    from seethe.analyse import reach, cluster, delay, index, brief
    result = reach(occurrences, mode="foot")
    print("\\n".join(result.describe()))
    brief(occurrences, "out/brief.html", start=date(2016, 3, 1), end=date(2016, 5, 2))

| function | question | method |
|---|---|---|
| ``reach`` | could one person have done them all? | Held-Karp with time windows, bisection on speed |
| ``cluster`` | coordinated or spontaneous? | Knox, Mantel, space-time permutation scan |
| ``delay`` | how late are reports; what will the last months look like? | interval-censored, truncated ML; Poisson-gamma nowcast |
| ``index`` | where is the squeeze hardest, and does dissent follow? | beta-binomial rates, PELT, lagged correlation |

``charts`` draws them (PNG and SVG); ``simulate`` makes data with a known truth.
"""

from seethe.analyse import charts, simulate
from seethe.analyse._records import Occurrence, occurrence_from_incident
from seethe.analyse._results import stating_first
from seethe.analyse.brief import brief
from seethe.analyse.delays import DelayFit, DelayResult, NowcastMonth, delay
from seethe.analyse.indices import IndexResult, index
from seethe.analyse.routes import ReachResult, Speed, reach
from seethe.analyse.simulate import (Town, simulate_background, simulate_roundup, simulate_stream, simulate_wave,
                                     towns_from_places)
from seethe.analyse.spacetime import ClusterResult, cluster

__all__ = [
    "ClusterResult", "DelayFit", "DelayResult", "IndexResult", "NowcastMonth", "Occurrence", "ReachResult", "Speed",
    "Town", "brief", "charts", "cluster", "delay", "index", "occurrence_from_incident", "reach", "simulate",
    "simulate_background", "simulate_roundup", "simulate_stream", "simulate_wave", "stating_first",
    "towns_from_places",
]
