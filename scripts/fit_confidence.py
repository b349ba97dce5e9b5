#!/usr/bin/env python3
"""Fit the confidence model (``profiles/<id>/confidence.json``) on annotated reports.

Every candidate incident the extractor drafts in the given datasets (folders
of reports with ``NAME.gold.json``) is labelled under the strict rule of the
incident format: right (it matches a required gold incident) or wrong (it
matches nothing); candidates that match only an optional gold incident are
left out of the fit.  An L2-regularized logistic regression over the drafts'
named features gives the weights.  Before writing, the script reports
leave-one-dataset-out and 5-fold (by report) held-out log loss and
calibration, so that a model that only memorized its training reports shows.

    python scripts/fit_confidence.py src/seethe/samples datasets/real/build/study [more folders] --write

Needs numpy (``pip install numpy``).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from seethe.evaluate import gold_files, label_predictions, load_gold
from seethe.extract import Extractor
from seethe.extract.assemble import _incidents_of
from seethe.extract.scene import build_scene
from seethe.ingest import parse_date, read_report

ROOT = Path(__file__).resolve().parents[1]


def examples(folders: list[Path], ex: Extractor) -> list[tuple[str, str, dict[str, float], int]]:
    """(dataset, report, features, label) for every draft's incident that is right (1) or wrong (0)."""
    out = []
    for folder in folders:
        for gold_path in gold_files(folder):
            gold = load_gold(gold_path)
            info = gold["report"]
            report = read_report(gold_path.parent / info["file"], published=parse_date(info["published"]),
                                 outlet=info.get("outlet"))
            a = ex.analyse(report)
            scene = build_scene(a.doc, a.cues, a.places, a.times, a.credits, a.published, ex.resources)
            kept = [d for d in a.drafts if d.dropped is None]
            incidents = [(d, inc) for d in kept for inc in _incidents_of(d, scene, ex.resources)]
            labels, _ = label_predictions(gold, [inc.to_dict() for _, inc in incidents])
            for (d, _), label in zip(incidents, labels):
                if label != "optional":
                    out.append((folder.name, gold_path.name, d.features, int(label == "tp")))
    return out


def fit(X: np.ndarray, y: np.ndarray, l2: float, iters: int = 50) -> np.ndarray:
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


def matrix(rows, names):
    X = np.array([[1.0] + [f.get(n, 0.0) for n in names] for _, _, f, _ in rows])
    y = np.array([label for *_, label in rows], dtype=float)
    return X, y


def held_out(rows, names, l2, groups) -> tuple[float, list[tuple[float, int]]]:
    """Log loss and (probability, label) pairs when each group is predicted by a model fitted without it."""
    pairs = []
    for g in sorted(set(groups)):
        train = [r for r, gg in zip(rows, groups) if gg != g]
        test = [r for r, gg in zip(rows, groups) if gg == g]
        if not test or len({r[3] for r in train}) < 2:
            continue
        w = fit(*matrix(train, names), l2)
        Xt, yt = matrix(test, names)
        p = 1 / (1 + np.exp(-np.clip(Xt @ w, -40, 40)))
        pairs += list(zip(p.tolist(), yt.astype(int).tolist()))
    loss = -sum(math.log(max(1e-9, p if y else 1 - p)) for p, y in pairs) / max(1, len(pairs))
    return loss, pairs


def calibration_lines(pairs) -> list[str]:
    lines = []
    for lo, hi in ((0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)):
        band = [y for p, y in pairs if lo <= p < hi]
        share = f"{sum(band) / len(band):.2f}" if band else "-"
        lines.append(f"    {lo:.1f}–{min(hi, 1.0):.1f}: {len(band):4d} candidates, {share} right")
    top = [y for p, y in pairs if p >= 0.8]
    lines.append(f"    ≥ 0.8: {len(top)} candidates, {sum(top) / len(top):.2f} right" if top else "    ≥ 0.8: none")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("datasets", nargs="+", type=Path)
    ap.add_argument("--profile", default="kp")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--min-count", type=int, default=5, help="features seen fewer times are left out")
    ap.add_argument("--write", action="store_true", help="write the profile's confidence.json")
    args = ap.parse_args(argv)
    ex = Extractor(args.profile, min_confidence=0.0)
    rows = examples(args.datasets, ex)
    counts: dict[str, int] = defaultdict(int)
    for _, _, f, _ in rows:
        for n, v in f.items():
            counts[n] += bool(v)
    names = sorted(n for n, c in counts.items() if c >= args.min_count)
    y = [r[3] for r in rows]
    print(f"{len(rows)} candidates ({sum(y)} right, {len(y) - sum(y)} wrong) from {len(args.datasets)} datasets; "
          f"{len(names)} features")
    rng = random.Random(7)
    reports = sorted({r[1] for r in rows})
    fold_of = {name: rng.randrange(5) for name in reports}
    for label, groups in (("5-fold by report", [fold_of[r[1]] for r in rows]),
                          ("leave one dataset out", [r[0] for r in rows])):
        loss, pairs = held_out(rows, names, args.l2, groups)
        print(f"  {label}: held-out log loss {loss:.3f}")
        print("\n".join(calibration_lines(pairs)))
    w = fit(*matrix(rows, names), args.l2)
    weights = {n: round(float(v), 3) for n, v in zip(names, w[1:]) if abs(v) >= 0.001}
    for n, v in sorted(weights.items(), key=lambda kv: -abs(kv[1])):
        print(f"  {v:+.3f}  {n}")
    if args.write:
        path = ex.profile.path("confidence")
        data = json.loads(path.read_text(encoding="utf-8"))
        data.update({
            "version": str(int(data.get("version", "0")) + 1), "bias": round(float(w[0]), 3), "weights": weights,
            "trained_on": f"{len(rows)} candidates from " + ", ".join(p.name for p in args.datasets)
                          + f" (L2 {args.l2}; features seen at least {args.min_count} times)",
        })
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
