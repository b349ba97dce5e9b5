"""The review key: what makes a re-extracted incident "the same" incident for its reviews."""

from __future__ import annotations

import hashlib


def review_key(report_id: int, category: str, place_id: str | None, place_name: str | None, evidence_start: int,
               evidence_end: int) -> str:
    """The same report, category, place and evidence span give the same key, whatever run found them.

    Keyed on what extraction found, never on corrected values: a corrected
    incident found again by a later run is matched by its original reading.
    """
    place = place_id or (place_name or "").strip().lower()
    raw = f"{report_id}\x1f{category}\x1f{place}\x1f{evidence_start}\x1f{evidence_end}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()
