"""Scoring extraction on a dataset: a folder of reports with ``NAME.gold.json`` files.

One function serves the command line (``seethe eval``), the tests that hold
the development set to its target, and the benchmarks.  Matching follows
``seethe.evaluate`` (the rules of the shared incident format spec).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seethe.errors import SeetheError
from seethe.evaluate import RULES, Counts, gold_files, load_gold, missed_and_false, score_report
from seethe.extract import Extractor
from seethe.ingest import parse_date, read_report


@dataclass
class ReportScore:
    """One report's counts under each rule, and what went wrong under the strict one."""

    name: str
    counts: dict[str, Counts]
    predictions: list[dict[str, Any]]
    missed: list[dict[str, Any]]
    false: list[dict[str, Any]]
    error: str | None = None  # the report could not be read


@dataclass
class DatasetScore:
    reports: list[ReportScore] = field(default_factory=list)

    def totals(self) -> dict[str, Counts]:
        out = {r: Counts() for r in RULES}
        for rep in self.reports:
            for r in RULES:
                out[r].add(rep.counts[r])
        return out

    def summary(self) -> dict[str, Any]:
        """Totals as plain numbers: tp, fp, fn, precision, recall and F1 per rule."""
        totals = self.totals()
        out: dict[str, Any] = {"reports": len(self.reports)}
        for r in RULES:
            p, rec, f = totals[r].prf()
            out[r] = {"tp": totals[r].tp, "fp": totals[r].fp, "fn": totals[r].fn,
                      "precision": round(p, 3), "recall": round(rec, 3), "f1": round(f, 3)}
        return out

    def detail(self) -> str:
        """One line per report (strict counts), for a test failure message or a log."""
        return "\n".join(f"{r.name}: tp={r.counts['strict'].tp} fp={r.counts['strict'].fp} fn={r.counts['strict'].fn}"
                         for r in self.reports)


def score_dataset(folder: str | Path, extractor: Extractor) -> DatasetScore:
    """Extract every report of a dataset and score it against its gold file.

    A report that cannot be read scores as if nothing was predicted, and says why.
    """
    result = DatasetScore()
    for gold_path in gold_files(Path(folder)):
        gold = load_gold(gold_path)
        info = gold["report"]
        error = None
        try:
            report = read_report(gold_path.parent / info["file"], published=parse_date(info["published"]),
                                 outlet=info.get("outlet"), url=info.get("url") or None)
            preds = [i.to_dict() for i in extractor.extract(report)]
        except SeetheError as exc:
            error, preds = exc.one_line(), []
        missed, false = missed_and_false(gold, preds)
        result.reports.append(ReportScore(gold_path.name, score_report(gold, preds), preds, missed, false, error))
    return result
