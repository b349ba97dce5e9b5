"""What every analysis returns: a frozen result that carries its assumptions.

Each result class is a frozen dataclass with ``assumptions``, ``used`` and
``left_out`` (reason -> count) and mixes in ``ResultMixin`` for ``to_dict``
(plain JSON types) and the shared parts of ``describe``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

import numpy as np


def jsonable(value: Any) -> Any:
    """Plain JSON types from dataclasses, dates, tuples, numpy scalars and arrays."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return None if math.isnan(f) else (f if math.isfinite(f) else ("inf" if f > 0 else "-inf"))
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


class ResultMixin:
    """``to_dict`` and the common lines of ``describe`` for result dataclasses."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        return jsonable(self)

    def _footer(self) -> list[str]:
        lines = [f"Used {self.used} occurrence(s)."]  # type: ignore[attr-defined]
        for reason, n in sorted(self.left_out.items()):  # type: ignore[attr-defined]
            lines.append(f"Left out {n}: {reason}.")
        lines.append("Assumptions:")
        lines.extend(f"  - {a}" for a in self.assumptions)  # type: ignore[attr-defined]
        return lines


def stating_first(result: Any, assumption: str) -> Any:
    """The result with one more assumption, stated before the analysis's own (what was counted, and why)."""
    return dataclasses.replace(result, assumptions=(assumption, *result.assumptions))


def add_counts(*counts: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in counts:
        for k, v in c.items():
            out[k] = out.get(k, 0) + v
    return out


def fmt_p(p: float) -> str:
    return f"{p:.3f}" if p >= 0.001 else "<0.001"
