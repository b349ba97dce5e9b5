"""A work budget per report: a pathological report becomes a one-line error, not a stuck process.

Every step that reads a whole report is linear in its length, so the time a
report may take is bounded by its size: ``WorkLimits`` says how much
(a floor plus seconds per megabyte, many times what linear reading needs).
The loops that can run long (HTML tokens, paragraphs, sentences with cues,
place candidates, incidents) call ``WorkBudget.tick``; past the deadline it
raises a ``ReportError`` (code ``report.too_complex``) naming the report and
the stage.  Checking is cooperative, so it works in threads and Dask workers
alike; the clock is read once every ``CHECK_EVERY`` ticks, so a tick costs
an addition.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from seethe.errors import ReportError

CHECK_EVERY = 256


@dataclass(frozen=True, slots=True)
class WorkLimits:
    """How long one report may take: ``floor_seconds`` plus ``seconds_per_mb`` of its text."""

    floor_seconds: float = 10.0
    seconds_per_mb: float = 10.0

    def seconds_for(self, chars: int) -> float:
        return self.floor_seconds + self.seconds_per_mb * chars / 1_000_000


class WorkBudget:
    """The time one report has left; ``tick`` in long loops, ``check`` between stages."""

    __slots__ = ("source", "allowed", "deadline", "ticks", "stage", "_clock")

    def __init__(self, source: str, allowed: float, clock=time.monotonic) -> None:
        self.source = source
        self.allowed = allowed
        self._clock = clock
        self.deadline = clock() + allowed
        self.ticks = 0
        self.stage = "reading"

    @classmethod
    def for_text(cls, source: str, chars: int, limits: WorkLimits | None = None) -> "WorkBudget":
        return cls(source, (limits or WorkLimits()).seconds_for(chars))

    @classmethod
    def unlimited(cls, source: str = "") -> "WorkBudget":
        return cls(source, float("inf"))

    def enter(self, stage: str) -> None:
        """Start a stage (named in the error if the budget runs out in it)."""
        self.stage = stage
        self.check()

    def tick(self, n: int = 1) -> None:
        self.ticks += n
        if self.ticks >= CHECK_EVERY:
            self.ticks = 0
            self.check()

    def check(self) -> None:
        if self._clock() > self.deadline:
            raise ReportError(
                f"too complex to read: stopped in {self.stage} after the {self.allowed:g} s allowed for its size",
                source=self.source, code="report.too_complex")
