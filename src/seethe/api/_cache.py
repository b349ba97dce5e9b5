"""Recent answers of the aggregate endpoints (counts, timeline, map), kept for a few seconds.

Counting a million incidents takes the database a few hundred milliseconds;
a team looking at the same view asks the same question many times a minute.
An answer is kept ``ttl`` seconds per (endpoint, query, what the role may see);
one request computes it while the others asking the same wait for it; a
review made through this process clears everything at once.  Another server
process may show an aggregate up to ``ttl`` seconds old.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any, Callable, Hashable


class RecentAnswers:
    def __init__(self, ttl: float = 15.0, size: int = 512) -> None:
        self.ttl, self.size = ttl, size
        self._answers: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        found = self._fresh(key)
        if found is not None:
            return found[1]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            found = self._fresh(key)
            if found is not None:
                return found[1]
            value = compute()
            with self._guard:
                self._answers[key] = (time.monotonic() + self.ttl, value)
                self._answers.move_to_end(key)
                while len(self._answers) > self.size:
                    old, _ = self._answers.popitem(last=False)
                    self._locks.pop(old, None)
            return value

    def _fresh(self, key: Hashable) -> tuple[float, Any] | None:
        found = self._answers.get(key)
        return found if found is not None and found[0] > time.monotonic() else None

    def clear(self) -> None:
        with self._guard:
            self._answers.clear()
