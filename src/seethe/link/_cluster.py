"""Clustering linked pairs into events, and replaying analysts' decisions.

Pairs are taken strongest first.  Two single incidents join when their pair
is linked.  Two groups join only when no pair across them is a hard conflict
(different provinces or countries, times apart beyond tolerance) and the
pairs across them are linked on average (average linkage): a chain A–B–C
where A and C cannot be one happening stays two events.  The cross pairs of
large groups are checked on a sample of each side, so a big event costs no
more than a small one.

Analysts' decisions are replayed after clustering, in the order they were
made.  A decision names events by their reports and category (what survives
re-extraction), never by incident ids.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from seethe.link._compare import compare
from seethe.link._params import LinkParams
from seethe.link._table import IncidentTable
from seethe.models import Decision, EventAnchor

_SAMPLE = 12  # members of each side checked when two groups would join


class _Groups:
    """Union-find over rows that keeps each group's members."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def group(self, root: int) -> list[int]:
        return self.members.get(root, [root])

    def union(self, ra: int, rb: int) -> None:
        a, b = self.group(ra), self.group(rb)
        if len(a) < len(b):
            ra, rb, a, b = rb, ra, b, a
        self.parent[rb] = ra
        if ra in self.members:
            self.members[ra].extend(b)
        else:
            self.members[ra] = a + b
        self.members.pop(rb, None)


def cluster(t: IncidentTable, i: np.ndarray, j: np.ndarray, weight: np.ndarray, p: LinkParams,
            conflict: np.ndarray | None = None) -> np.ndarray:
    """A group label (a row number) for every row of ``t``, from the scored pairs (i[k], j[k], weight[k]).

    ``conflict`` marks the pairs that are hard conflicts (default: none of them); a pair across two groups
    that is not among the given ones is compared when the groups would join.
    """
    groups = _Groups(t.n)
    known = _Known(t.n, i, j, weight, np.zeros(len(i), bool) if conflict is None else conflict)
    linked = np.flatnonzero(weight >= p.link_weight)
    order = linked[np.argsort(-weight[linked], kind="stable")]
    limit = p.data.max_event_incidents
    ii, jj = i.tolist(), j.tolist()
    for k in order.tolist():
        ra, rb = groups.find(ii[k]), groups.find(jj[k])
        if ra == rb:
            continue
        a, b = groups.group(ra), groups.group(rb)
        if len(a) + len(b) > limit:
            continue
        if (len(a) > 1 or len(b) > 1) and not _may_join(t, a, b, p, known):
            continue
        groups.union(ra, rb)
    return np.array([groups.find(x) for x in range(t.n)])


class _Known:
    """The pairs already scored, looked up by (row, row) in sorted codes."""

    def __init__(self, n: int, i: np.ndarray, j: np.ndarray, weight: np.ndarray, conflict: np.ndarray) -> None:
        self.n = n
        code = np.minimum(i, j) * n + np.maximum(i, j)
        order = np.argsort(code, kind="stable")
        self.code, self.weight, self.conflict = code[order], weight[order], conflict[order]

    def find(self, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Which pairs are known, and their weights and conflicts (where known)."""
        code = np.minimum(i, j) * self.n + np.maximum(i, j)
        pos = np.minimum(np.searchsorted(self.code, code), max(len(self.code) - 1, 0))
        if not len(self.code):
            return np.zeros(len(i), bool), np.zeros(len(i)), np.zeros(len(i), bool)
        hit = self.code[pos] == code
        return hit, self.weight[pos], self.conflict[pos]


def _may_join(t: IncidentTable, a: list[int], b: list[int], p: LinkParams, known: _Known) -> bool:
    """No hard conflict across the groups and their cross pairs linked on average."""
    sa, sb = _sample(a), _sample(b)
    i = np.repeat(sa, len(sb))
    j = np.tile(sb, len(sa))
    hit, weight, conflict = known.find(i, j)
    if conflict[hit].any():
        return False
    if not hit.all():
        cross = compare(t, i[~hit], j[~hit], p)
        if cross.hard_conflict().any():
            return False
        weight = weight.copy()
        weight[~hit] = cross.weight
    return float(weight.mean()) >= p.link_weight


def _sample(group: list[int]) -> np.ndarray:
    arr = np.asarray(group, dtype=np.int64)
    if len(arr) <= _SAMPLE:
        return arr
    return arr[np.linspace(0, len(arr) - 1, _SAMPLE).astype(np.int64)]


def components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The connected component (its smallest row) of each of n rows joined by the pairs (i, j)."""
    label = np.arange(n)
    if not len(i):
        return label
    while True:
        low = np.minimum(label[i], label[j])
        nxt = label.copy()
        np.minimum.at(nxt, i, low)
        np.minimum.at(nxt, j, low)
        while True:  # pointer jumping: every row straight to its smallest known row
            jumped = nxt[nxt]
            if np.array_equal(jumped, nxt):
                break
            nxt = jumped
        if np.array_equal(nxt, label):
            return label
        label = nxt


# -- analysts' decisions ------------------------------------------------------

def replay(t: IncidentTable, labels: np.ndarray, decisions: list[Decision],
           p: LinkParams) -> tuple[np.ndarray, list[str]]:
    """Labels after applying decisions in order; and one line per decision that found nothing to act on."""
    labels = labels.copy()
    by_report: dict[int, list[int]] = defaultdict(list)
    for row, rep in enumerate(t.report.tolist()):
        by_report[rep].append(row)
    unmatched = []
    fresh = int(labels.max()) + 1 if len(labels) else 0
    for d in decisions:
        if d.kind == "merge":
            groups = [find_event(t, labels, by_report, a, p) for a in d.targets]
            if any(g is None for g in groups):
                unmatched.append(f"decision {d.id} (merge by {d.by}): an event it names is no longer found")
                continue
            for other in groups[1:]:
                labels[labels == other] = groups[0]
            continue
        # split or detach: the event is found by the reports that stay, so a decision already applied is a no-op.
        anchor = d.targets[0]
        staying = tuple(r for r in anchor.report_ids if r not in set(d.reports)) or anchor.report_ids
        group = find_event(t, labels, by_report, EventAnchor(anchor.category, staying), p)
        if group is None:
            unmatched.append(f"decision {d.id} ({d.kind} by {d.by}): the event it names is no longer found")
            continue
        rows = [r for rep in d.reports for r in by_report.get(rep, []) if labels[r] == group]
        if rows:
            labels[rows] = fresh
            fresh += 1
    return labels, unmatched


def find_event(t: IncidentTable, labels: np.ndarray, by_report: dict[int, list[int]], anchor: EventAnchor,
               p: LinkParams) -> int | None:
    """The group that best answers an anchor: most of its reports, then its category, then its size."""
    votes: dict[int, list[float]] = {}
    wanted = p.category_index.get(anchor.category, -2)
    for rep in set(anchor.report_ids):
        seen = set()
        for r in by_report.get(rep, []):
            g = int(labels[r])
            if g in seen:
                continue
            seen.add(g)
            v = votes.setdefault(g, [0.0, 0.0])
            v[0] += 1
        for r in by_report.get(rep, []):
            cat = int(t.category[r])
            if cat == wanted or (wanted >= 0 and cat >= 0 and p.compatible[cat, wanted]):
                votes[int(labels[r])][1] = max(votes[int(labels[r])][1], 1.0 if cat == wanted else 0.5)
    candidates = [(v[1] > 0, v[0], v[1], -g) for g, v in votes.items()]
    if not candidates:
        return None
    best = max(candidates)
    if not best[0]:
        return None  # the reports are there, but no longer in an event of that kind
    return -best[3]
