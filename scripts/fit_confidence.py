#!/usr/bin/env python3
"""Fit the confidence model (``profiles/<id>/confidence.json``) on annotated reports.

Two logistic models, fitted in turn (stacking):

1. the *telling* model, over the named features of every candidate incident
   the extractor drafts (its sentence's happening marks, its act, where its
   place and time came from, its credit);
2. the *happening* model, over the features of a happening as the report tells
   it (its strongest telling under model 1, how often it is told, whether the
   lead tells it, how it ranks among the report's happenings).

Labels follow the strict rule of the incident format: right (a required gold
incident) or wrong (no gold incident); candidates matching only an optional
gold incident are left out.  Model 2 is fitted on the predictions model 1
makes for reports it was not fitted on (5 folds by report), so that its
inputs look like those of unseen reports.  Held-out log loss and calibration
of both are printed before anything is written.

    python scripts/fit_confidence.py src/seethe/samples datasets/real/build/study --write

Needs numpy (``pip install numpy``).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from seethe.evaluate import gold_files, label_predictions, load_gold
from seethe.extract import Extractor
from seethe.extract.assemble import Draft, _incidents_of, confident, happening_features, judge_happenings, merge_duplicates
from seethe.extract.confidence import ConfidenceModel, HappeningModel
from seethe.extract.scene import Scene, build_scene
from seethe.ingest import parse_date, read_report


@dataclass
class ReportCase:
    dataset: str
    name: str
    gold: dict
    scene: Scene
    drafts: list[Draft]
    mentions: list  # (draft, incident)
    labels: list[int | None]  # per mention: 1 right, 0 wrong, None optional


def read_cases(folders: list[Path], ex: Extractor) -> list[ReportCase]:
    out = []
    for folder in folders:
        for gold_path in gold_files(folder):
            gold = load_gold(gold_path)
            info = gold["report"]
            report = read_report(gold_path.parent / info["file"], published=parse_date(info["published"]),
                                 outlet=info.get("outlet"))
            a = ex.analyse(report)
            scene = build_scene(a.doc, a.cues, a.places, a.times, a.credits, a.published, ex.resources)
            mentions = [(d, inc) for d in a.drafts if d.dropped is None
                        for inc in _incidents_of(d, scene, ex.resources)]
            verdicts, _ = label_predictions(gold, [inc.to_dict() for _, inc in mentions])
            labels = [None if v == "optional" else int(v == "tp") for v in verdicts]
            out.append(ReportCase(folder.name, gold_path.name, gold, scene, a.drafts, mentions, labels))
    return out


def fit(X: np.ndarray, y: np.ndarray, l2: float, iters: int = 60) -> np.ndarray:
    """Newton's method for L2-regularized logistic regression (the bias, column 0, unpenalized)."""
    w = np.zeros(X.shape[1])
    penalty = np.full(X.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(X @ w, -40, 40)))
        grad = X.T @ (p - y) + penalty * w
        hess = (X * (p * (1 - p))[:, None]).T @ X + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    return w


def matrix(rows: list[tuple[dict[str, float], int]], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    X = np.array([[1.0] + [f.get(n, 0.0) for n in names] for f, _ in rows]).reshape(len(rows), len(names) + 1)
    return X, np.array([y for _, y in rows], dtype=float)


def telling_rows(cases: list[ReportCase]) -> list[tuple[dict[str, float], int]]:
    return [(d.features, y) for c in cases for (d, _), y in zip(c.mentions, c.labels) if y is not None]


def happening_rows(cases: list[ReportCase], model: ConfidenceModel, res) -> list[tuple[dict[str, float], int]]:
    """Each merged happening's features (under ``model``) and whether it is right."""
    rows = []
    for c in cases:
        if not c.mentions:
            continue
        for d, _ in c.mentions:
            d.logit = model.logit(d.features)  # as this fold's telling model sees it
        members: list[list[int]] = []
        paragraph_of = {s.start: s.paragraph for s in c.scene.doc.sentences}
        merged = merge_duplicates([inc for _, inc in c.mentions], paragraph_of, model.repeat_bonus,
                                  res.telling_of, members=members)
        verdicts, _ = label_predictions(c.gold, [inc.to_dict() for inc in merged])
        features = happening_features([[c.mentions[i][0] for i in g] for g in members], c.scene)
        rows += [(f, int(v == "tp")) for f, v in zip(features, verdicts) if v != "optional"]
    return rows


def features_used(rows, min_count: int) -> list[str]:
    counts: dict[str, int] = defaultdict(int)
    for f, _ in rows:
        for n, v in f.items():
            counts[n] += bool(v)
    return sorted(n for n, c in counts.items() if c >= min_count)


def as_model(names, w, repeat_bonus=0.03) -> ConfidenceModel:
    return ConfidenceModel(float(w[0]), dict(zip(names, map(float, w[1:]))), repeat_bonus)


def calibration_lines(pairs) -> list[str]:
    lines = []
    for lo, hi in ((0.0, 0.3), (0.3, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)):
        band = [y for p, y in pairs if lo <= p < hi]
        share = f"{sum(band) / len(band):.2f}" if band else "-"
        lines.append(f"    {lo:.1f}–{min(hi, 1.0):.1f}: {len(band):4d}, {share} right")
    top = [y for p, y in pairs if p >= 0.8]
    lines.append(f"    ≥ 0.8: {len(top)}, {sum(top) / len(top):.2f} right" if top else "    ≥ 0.8: none")
    return lines


def log_loss(pairs) -> float:
    return -sum(math.log(max(1e-9, p if y else 1 - p)) for p, y in pairs) / max(1, len(pairs))


THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def fold_model(train: list[ReportCase], names1: list[str], res, l2: float, lone_floor: float) -> ConfidenceModel:
    """Both models fitted on ``train`` only (the happening model on the telling model's view of ``train``)."""
    m1 = as_model(names1, fit(*matrix(telling_rows(train), names1), l2))
    rows2 = happening_rows(train, m1, res)
    names2 = features_used(rows2, 2)
    w2 = fit(*matrix(rows2, names2), l2)
    return ConfidenceModel(m1.bias, m1.weights, m1.repeat_bonus,
                           HappeningModel(float(w2[0]), dict(zip(names2, map(float, w2[1:])))), lone_floor)


def strict_counts(case: ReportCase, model: ConfidenceModel, res) -> list[tuple[int, int, int]]:
    """(tp, fp, fn) of one report at each of THRESHOLDS, its incidents scored by ``model``."""
    for d, _ in case.mentions:
        d.logit = model.logit(d.features)
    members: list[list[int]] = []
    paragraph_of = {s.start: s.paragraph for s in case.scene.doc.sentences}
    merged = merge_duplicates([inc for _, inc in case.mentions], paragraph_of, model.repeat_bonus,
                              res.telling_of, members=members)
    merged = judge_happenings(merged, [[case.mentions[i][0] for i in g] for g in members], case.scene, model)
    out = []
    for t in THRESHOLDS:
        kept = [inc.to_dict() for inc in confident(merged, t, model.lone_floor)]
        verdicts, missed = label_predictions(case.gold, kept)
        out.append((verdicts.count("tp"), verdicts.count("false"), len(missed)))
    return out


def cross_validate(cases: list[ReportCase], names1: list[str], res, l2: float, folds: int, judged: set[str]) -> None:
    """Strict P/R/F1 at each threshold on reports the models were not fitted on (``judged`` datasets only)."""
    rng = random.Random(11)
    fold = {c.name: rng.randrange(folds) for c in cases}
    totals = [[0, 0, 0] for _ in THRESHOLDS]
    for k in range(folds):
        model = fold_model([c for c in cases if fold[c.name] != k], names1, res, l2, res.model.lone_floor)
        for c in cases:
            if fold[c.name] == k and c.dataset in judged:
                for tot, counts in zip(totals, strict_counts(c, model, res)):
                    for i in range(3):
                        tot[i] += counts[i]
    print(f"  strict, each report scored by models fitted without it ({', '.join(sorted(judged))}):")
    for t, (tp, fp, fn) in zip(THRESHOLDS, totals):
        p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
        print(f"    ≥ {t:.2f}: P {p:.3f} R {r:.3f} F1 {2 * p * r / max(1e-9, p + r):.3f}  (tp {tp}, fp {fp}, fn {fn})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("datasets", nargs="+", type=Path)
    ap.add_argument("--profile", default="kp")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--min-count", type=int, default=5, help="features seen fewer times are left out")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="write the profile's confidence.json")
    ap.add_argument("--cv", nargs="*", metavar="DATASET",
                    help="cross-validate strict P/R/F1 by threshold on these datasets' reports (folder names)")
    args = ap.parse_args(argv)
    ex = Extractor(args.profile, min_confidence=0.0)
    res = ex.resources
    cases = read_cases(args.datasets, ex)
    rng = random.Random(7)
    fold = {c.name: rng.randrange(args.folds) for c in cases}
    rows1 = telling_rows(cases)
    names1 = features_used(rows1, args.min_count)
    print(f"{len(cases)} reports; {len(rows1)} tellings ({sum(y for _, y in rows1)} right); {len(names1)} features")

    # Out-of-fold: model 1 for each fold, its predictions on the held-out reports feed model 2.
    oof1, rows2 = [], []
    for k in range(args.folds):
        train = [c for c in cases if fold[c.name] != k]
        test = [c for c in cases if fold[c.name] == k]
        w1 = fit(*matrix(telling_rows(train), names1), args.l2)
        m1 = as_model(names1, w1)
        oof1 += [(m1.probability(f), y) for f, y in telling_rows(test)]
        rows2 += [(f, y) for f, y in happening_rows(test, m1, res)]
    print(f"  tellings, held out: log loss {log_loss(oof1):.3f}")
    print("\n".join(calibration_lines(oof1)))
    names2 = features_used(rows2, 2)
    # Model 2's own held-out check: folds over its rows.
    idx = list(range(len(rows2)))
    rng.shuffle(idx)
    oof2 = []
    for k in range(args.folds):
        test = [rows2[i] for i in idx[k::args.folds]]
        train = [rows2[i] for j, i in enumerate(idx) if j % args.folds != k]
        w2 = fit(*matrix(train, names2), args.l2)
        X, y = matrix(test, names2)
        oof2 += list(zip((1 / (1 + np.exp(-np.clip(X @ w2, -40, 40)))).tolist(), y.astype(int).tolist()))
    print(f"  happenings ({len(rows2)}, {sum(y for _, y in rows2)} right), held out: log loss {log_loss(oof2):.3f}")
    print("\n".join(calibration_lines(oof2)))

    if args.cv is not None:
        cross_validate(cases, names1, res, args.l2, args.folds, set(args.cv) or {c.dataset for c in cases})
    w1 = fit(*matrix(rows1, names1), args.l2)
    w2 = fit(*matrix(rows2, names2), args.l2)
    weights1 = {n: round(float(v), 3) for n, v in zip(names1, w1[1:]) if abs(v) >= 0.001}
    weights2 = {n: round(float(v), 3) for n, v in zip(names2, w2[1:]) if abs(v) >= 0.001}
    for title, weights in (("tellings", weights1), ("happenings", weights2)):
        print(f"  {title}:")
        for n, v in sorted(weights.items(), key=lambda kv: -abs(kv[1])):
            print(f"    {v:+.3f}  {n}")
    if args.write:
        path = ex.profile.path("confidence")
        data = json.loads(path.read_text(encoding="utf-8"))
        data.update({
            "version": str(int(data.get("version", "0")) + 1), "bias": round(float(w1[0]), 3), "weights": weights1,
            "happening": {"bias": round(float(w2[0]), 3), "weights": weights2},
            "trained_on": f"{len(rows1)} tellings and {len(rows2)} happenings of {len(cases)} reports in "
                          + ", ".join(p.name for p in args.datasets)
                          + f" (L2 {args.l2}; telling features seen at least {args.min_count} times)",
        })
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
