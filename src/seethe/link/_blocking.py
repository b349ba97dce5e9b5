"""Blocking: which pairs of incidents are compared at all.

Comparing every pair of a million incidents is 5·10¹¹ comparisons; two
reports of one happening share a category (or compatible ones), a province,
and a time.  Each incident is put into blocks keyed by

* a category key — its own code, and one key per compatible pair of codes
  (``protest|violence``), so compatible tellings meet without mixing families;
* its province (or country abroad);
* each ``bucket_days`` bucket its time span touches once widened by its
  precision's tolerance — so spans in neighbouring buckets meet.

Incidents that name no province (a nationwide measure, "a North Korean
restaurant in China") are compared with every incident of their category key
and bucket, whatever the province.  A block larger than ``max_block``
(``vague_block`` for those without a province) is split: its members meet
only those sharing one of their rarest words, or their town or county
(``_split_large``); a sub-block still larger than ``max_block`` is compared by
time neighbours (each incident meets its ``neighbours`` nearest).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from seethe.link._params import LinkParams
from seethe.link._table import IncidentTable, sorted_unique


def candidate_pairs(t: IncidentTable, p: LinkParams, new: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Rows (i, j), i < j, of every pair to compare; with ``new`` (a boolean mask), only pairs touching a new row."""
    if t.n < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    rows, catkey, side, bucket = _emissions(t, p)
    region = t.admin1[rows].astype(np.int64)
    placed = region >= 0
    parts = []
    # Blocks by category key, province and bucket.
    key = _key(catkey[placed], region[placed], bucket[placed])
    key, in_rows, in_side = _split_large(key, rows[placed], side[placed], t, p, p.data.blocking.max_block, True)
    parts.append(_pairs_in_blocks(key, in_rows, in_side, t, p, new, vague_only=False))
    # Incidents without a province meet everything of their category key and bucket.
    vague_rows = np.flatnonzero(t.admin1 < 0)
    if len(vague_rows):
        key = _key(catkey, np.zeros_like(catkey), bucket)
        key, rows, side = _split_large(key, rows, side, t, p, p.data.blocking.vague_block, False)
        parts.append(_pairs_in_blocks(key, rows, side, t, p, new, vague_only=True))
    i = np.concatenate([x[0] for x in parts])
    j = np.concatenate([x[1] for x in parts])
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    code = sorted_unique(lo * t.n + hi)
    return code // t.n, code % t.n


def _key(catkey: np.ndarray, region: np.ndarray, bucket: np.ndarray) -> np.ndarray:
    return (catkey * 4096 + region) * 200_000 + bucket


def _emissions(t: IncidentTable, p: LinkParams):
    """One row per (incident, category key, bucket): the incident's row, the key, its side of a pair key, the bucket."""
    ncat = len(p.categories)
    comp = p.compatible
    cat_rows, cat_keys = [np.arange(t.n)], [t.category.astype(np.int64) * (ncat + 1)]
    cat_sides = [np.zeros(t.n, np.int8)]
    for c in range(ncat):
        members = np.flatnonzero(t.category == c)
        if not len(members):
            continue
        for d in np.flatnonzero(comp[c]):
            lo, hi = min(c, d), max(c, d)
            cat_rows.append(members)
            cat_keys.append(np.full(len(members), lo * (ncat + 1) + hi + 1, np.int64))
            cat_sides.append(np.full(len(members), 1 if c == lo else 2, np.int8))
    rows = np.concatenate(cat_rows)
    keys = np.concatenate(cat_keys)
    sides = np.concatenate(cat_sides)
    width = p.data.blocking.bucket_days
    tol = p.tolerance_days[t.time_precision[rows]]
    first = (t.start[rows] - tol) // width
    last = np.minimum((t.end[rows] + tol) // width, first + p.data.blocking.max_buckets - 1)
    count = (last - first + 1).astype(np.int64)
    rep = np.repeat(np.arange(len(rows)), count)
    offset = np.arange(len(rep)) - np.repeat(np.cumsum(count) - count, count)
    bucket = (first[rep] + offset).astype(np.int64) % 200_000
    return rows[rep], keys[rep], sides[rep], bucket


def _pairs_in_blocks(key, rows, side, t: IncidentTable, p: LinkParams, new, vague_only: bool):
    order = np.lexsort((t.start[rows], key))
    key, rows, side = key[order], rows[order], side[order]
    bounds = np.flatnonzero(np.diff(key)) + 1
    starts = np.concatenate([[0], bounds])
    sizes = np.diff(np.concatenate([starts, [len(key)]]))
    keep = sizes >= 2
    if new is not None:
        touched = np.maximum.reduceat(new[rows].astype(np.int8), starts) > 0 if len(starts) else np.zeros(0, bool)
        keep &= touched
    if vague_only:
        has_vague = np.maximum.reduceat((t.admin1[rows] < 0).astype(np.int8), starts) > 0 if len(starts) else keep
        keep &= has_vague
    starts, sizes = starts[keep], sizes[keep]
    a, b = _positions(starts, sizes, p.data.blocking.max_block, p.data.blocking.neighbours)
    # A pair key's block compares across the two codes only; a plain key's block compares all.
    ok = (side[a] == 0) | (side[a] != side[b])
    if vague_only:
        ok &= (t.admin1[rows[a]] < 0) | (t.admin1[rows[b]] < 0)
    if new is not None:
        ok &= new[rows[a]] | new[rows[b]]
    return rows[a[ok]], rows[b[ok]]


def _split_large(key, rows, side, t: IncidentTable, p: LinkParams, limit: int, places: bool):
    """Blocks larger than ``limit`` split by their members' rarest words (and, with ``places``, their places).

    In a dense corpus one province, month and category hold hundreds of
    incidents, and "no province" meets a whole month of a category.  Two
    tellings of one happening there still share a rare word (a name, a place,
    an unusual term) in their evidence or their reports' openings, or name one
    town or county.  Each member of a large block goes into one sub-block per
    one of its ``rare_words`` rarest words (and its town and county): the
    cost grows with the corpus, not with its square.
    """
    order = np.argsort(key, kind="stable")
    key, rows, side = key[order], rows[order], side[order]
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]])) if len(key) else np.zeros(0, np.int64)
    sizes = np.diff(np.concatenate([starts, [len(key)]]))
    large = np.repeat(sizes > limit, sizes)
    if not large.any():
        return key, rows, side
    words = _rare_words(t, p.data.blocking.rare_words)[rows[large]].astype(np.int64)  # (m, k), 0 where none
    if places:  # a town or county code, apart from the words' 32-bit hashes
        units = np.stack([t.unit[rows[large]], t.self_unit[rows[large]]], axis=1).astype(np.int64)
        words = np.concatenate([words, np.where(units >= 0, units + 2**33, 0)], axis=1)
    k = words.shape[1]
    flat = words.ravel()
    has = flat != 0
    sub_key = (np.repeat(key[large], k) * np.int64(1_000_003)) ^ (flat * np.int64(0x2545F4914F6CDD1D))
    sub_key = -1 - np.abs(sub_key[has])  # negative: never equal to a small block's key
    return (np.concatenate([key[~large], sub_key]), np.concatenate([rows[~large], np.repeat(rows[large], k)[has]]),
            np.concatenate([side[~large], np.repeat(side[large], k)[has]]))


def _rare_words(t: IncidentTable, k: int) -> np.ndarray:
    """Each row's ``k`` rarest words of its evidence and its report's opening (0 where it has fewer)."""
    cached = t.__dict__.get("_rare_words")
    if cached is not None and cached.shape[1] == k:
        return cached
    words = np.concatenate([t.words, t.story], axis=1)
    weights = np.concatenate([t.word_weights, t.story_weights], axis=1)
    top = np.argsort(-weights, axis=1, kind="stable")[:, :k]
    out = np.take_along_axis(words, top, axis=1)
    out[np.take_along_axis(weights, top, axis=1) <= 0] = 0
    t.__dict__["_rare_words"] = out
    return out


@lru_cache(maxsize=512)
def _triangle(size: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(size, 1)


def _positions(starts: np.ndarray, sizes: np.ndarray, max_block: int, neighbours: int):
    """Positions (a, b) of the pairs inside blocks: all pairs in small blocks, time neighbours in large ones."""
    out_a, out_b = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    small = sizes <= max_block
    for size in np.unique(sizes[small]):
        first = starts[small & (sizes == size)]
        ta, tb = _triangle(int(size))
        out_a.append((first[:, None] + ta[None, :]).ravel())
        out_b.append((first[:, None] + tb[None, :]).ravel())
    for first, size in zip(starts[~small], sizes[~small]):
        pos = np.arange(first, first + size)
        for d in range(1, neighbours + 1):
            out_a.append(pos[:-d])
            out_b.append(pos[d:])
    return np.concatenate(out_a), np.concatenate(out_b)
