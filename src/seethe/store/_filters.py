"""What the store's listings select: the filter records the events' and the incidents' code both read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Iterator, TypeVar

_Filter = TypeVar("_Filter")
_Row = TypeVar("_Row")


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    """What ``Store.incidents`` selects; every field optional.

    The service layer turns what a person types into these values (a province
    name into its ISO code, an outlet alias into its canonical name, a place
    name into gazetteer ids); the store compares them exactly.
    """

    category: str | None = None  # a code (control.market) or a family (control)
    province: str | None = None  # ISO 3166-2 code, or a country code for incidents abroad
    place_ids: tuple[str, ...] = ()  # gazetteer ids (a place and the places inside it)
    place: str | None = None  # words of a place name or mention, when no gazetteer id is known
    since: dt.date | None = None
    until: dt.date | None = None
    outlets: tuple[str, ...] = ()  # canonical outlet names: credited, or the report's own
    text: str | None = None  # words in the evidence or summary (word prefixes, all of them)
    min_confidence: float = 0.0
    report_id: int | None = None
    ids: tuple[int, ...] = ()
    after: tuple[dt.date, int] | None = None  # keyset cursor: rows after (time_start, id) in list order
    limit: int | None = None
    precisions: tuple[str, ...] = ()  # location precisions (site, city, county, province, country, unknown)
    review: str | None = None  # None: all but rejected; "any"; or one status: confirmed, corrected, rejected, unreviewed


def keyset_pages(read: Callable[[_Filter], Iterable[_Row]], filt: _Filter, page: int) -> Iterator[_Row]:
    """Every row ``read`` lists for ``filt`` (newest first), read in keyset pages of ``page`` rows.

    Each page is one short query after the last row's (start date, id), so no
    connection is held while the caller works: a server streaming a long export
    to a slow client does not hold a connection per download.  ``filt`` carries
    ``limit`` and ``after``; rows carry ``time.start`` and ``id``.
    """
    left, after = filt.limit, filt.after
    while left is None or left > 0:
        size = page if left is None else min(page, left)
        rows = list(read(replace(filt, after=after, limit=size)))
        yield from rows
        if len(rows) < size:
            return
        after = (rows[-1].time.start, rows[-1].id)
        left = None if left is None else left - len(rows)
