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
from seethe.evaluate import ERROR_KINDS, RULES, Counts, classify_false, gold_files, label_predictions, load_gold, score_report
from seethe.extract import Extractor
from seethe.ingest import parse_date, read_report


@dataclass
class ReportScore:
    """One report's counts under each rule, and what went wrong under the strict one."""

    name: str
    counts: dict[str, Counts]
    predictions: list[dict[str, Any]]
    labels: list[str]  # per prediction: tp, optional, false
    kinds: list[str | None]  # per prediction: why it is false (None when it is not)
    missed: list[dict[str, Any]]
    error: str | None = None  # the report could not be read

    @property
    def false(self) -> list[dict[str, Any]]:
        return [p for p, label in zip(self.predictions, self.labels) if label == "false"]


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    predictions: int
    right: int  # matched a gold incident (required, or optional: not wrong)

    @property
    def share(self) -> float | None:
        return self.right / self.predictions if self.predictions else None


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

    def errors_by_kind(self) -> dict[str, int]:
        """Counts of false predictions by why they are false, and of missed gold incidents."""
        out = dict.fromkeys(ERROR_KINDS, 0)
        for rep in self.reports:
            for kind in rep.kinds:
                if kind:
                    out[kind] += 1
            out["missed"] += len(rep.missed)
        return out

    def calibration(self, edges: tuple[float, ...] = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)
                    ) -> list[CalibrationBin]:
        """How often predictions in each band of confidence are right."""
        pairs = [(p["confidence"], label != "false") for rep in self.reports
                 for p, label in zip(rep.predictions, rep.labels)]
        return [CalibrationBin(lo, min(hi, 1.0), sum(1 for c, _ in pairs if lo <= c < hi),
                               sum(1 for c, ok in pairs if lo <= c < hi and ok))
                for lo, hi in zip(edges, edges[1:])]

    def share_right_at(self, threshold: float) -> tuple[int, float | None]:
        """(predictions with confidence ≥ threshold, share of them right)."""
        oks = [label != "false" for rep in self.reports for p, label in zip(rep.predictions, rep.labels)
               if p["confidence"] >= threshold]
        return len(oks), (sum(oks) / len(oks) if oks else None)

    def detail(self) -> str:
        """One line per report (strict counts), for a test failure message or a log."""
        return "\n".join(f"{r.name}: tp={r.counts['strict'].tp} fp={r.counts['strict'].fp} fn={r.counts['strict'].fn}"
                         for r in self.reports)


@dataclass
class HappeningScore:
    """The reported-happening stage judged on sentences: gold happening sentences are those holding a
    gold incident's evidence (``evidence_at`` offsets); the stage calls a cue-bearing body sentence a
    happening when one of its candidates reaches the minimum confidence."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    uncued: int = 0  # gold happening sentences with no cue at all (the cue stage's miss, not this one's)

    def prf(self) -> tuple[float, float, float]:
        return Counts(self.tp, self.fp, self.fn).prf()


def score_happenings(folder: str | Path, extractor: Extractor) -> HappeningScore:
    """Precision and recall of the reported-happening judgement on the sentences of a dataset."""
    out = HappeningScore()
    for gold_path in gold_files(Path(folder)):
        gold = load_gold(gold_path)
        spans = [g["evidence_at"] for g in gold["incidents"] if g.get("evidence_at")]
        if not spans and gold["incidents"]:
            continue  # a report annotated without evidence offsets cannot be judged by sentence
        info = gold["report"]
        try:
            report = read_report(gold_path.parent / info["file"], published=parse_date(info["published"]),
                                 outlet=info.get("outlet"))
            a = extractor.analyse(report)
        except SeetheError:
            continue
        # Gold offsets point into the file's text; map them onto the plain text sentences are cut from.
        to_plain = a.doc.offsets.plain_offset
        plain_spans = [(to_plain(lo), to_plain(hi)) for lo, hi in spans]
        gold_k = {k for k, s in enumerate(a.doc.sentences) for lo, hi in plain_spans if lo < s.end and s.start < hi}
        cued = {d.k for d in a.drafts}
        said = {d.k for d in a.drafts if d.dropped is None and d.confidence >= extractor.min_confidence}
        out.tp += len(said & gold_k)
        out.fp += len(said - gold_k)
        out.fn += len((gold_k & cued) - said)
        out.uncued += len(gold_k - cued)
    return out


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
        labels, missed = label_predictions(gold, preds)
        true_preds = [p for p, label in zip(preds, labels) if label != "false"]
        kinds = [classify_false(gold, p, true_preds) if label == "false" else None for p, label in zip(preds, labels)]
        result.reports.append(ReportScore(gold_path.name, score_report(gold, preds), preds, labels, kinds, missed,
                                          error))
    return result
