#!/usr/bin/env python3
"""Rebuild a real-report dataset folder from pulled texts and the committed annotations.

The texts of real reports never enter the repository; the annotations,
addresses, queries and SHA-256 digests do (``datasets/<set>/sources.jsonl``
and ``datasets/<set>/gold/``).  Pull the texts first (see
``datasets/README.md``), then::

    python scripts/build_real_dataset.py --texts ~/pulled --split study      # → datasets/real/build/study/
    python scripts/build_real_dataset.py --texts ~/pulled --split heldout    # round 1: scored once, then studied
    python scripts/build_real_dataset.py --texts ~/pulled --split heldout2   # round 2: scored once, then studied
    python scripts/build_real_dataset.py --texts ~/pulled --split heldout3   # round 3: scored once, then studied
    python scripts/build_real_dataset.py --texts ~/pulled --split heldout4   # round 4: scored once
    python scripts/build_real_dataset.py --texts ~/pulled --split heldout5   # round 5: scored once, same extraction
    python scripts/build_real_dataset.py --texts ~/pulled --split heldout6   # round 6: scored once
    python scripts/build_real_dataset.py --set linked --texts ~/pulled-linked

Every text is checked against its digest (a page that changed since it was
annotated is reported and left out) and, when ``../shared/tools`` is beside
the checkout, against the list of reports reserved for independent
evaluation.  The result is a folder ``seethe eval`` and
``shared/tools/score_incidents.py`` read: ``ID.txt`` beside ``ID.gold.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECK_RESERVED = ROOT.parent / "shared" / "tools" / "check_reserved.py"


def find_texts(folders: list[Path]) -> dict[str, Path]:
    """Pulled texts by id (file stem), searched recursively."""
    out: dict[str, Path] = {}
    for folder in folders:
        for path in folder.rglob("*.txt"):
            out.setdefault(path.stem, path)
    return out


def reserved(path: Path, url: str) -> bool:
    if not CHECK_RESERVED.exists():
        return False
    run = subprocess.run([sys.executable, str(CHECK_RESERVED), str(path), "--url", url], capture_output=True, text=True)
    return run.returncode != 0


def build(dataset: Path, texts: dict[str, Path], out: Path, split: str) -> tuple[int, list[str]]:
    problems: list[str] = []
    written = 0
    for line in (dataset / "sources.jsonl").read_text(encoding="utf-8").splitlines():
        src = json.loads(line)
        if split != "all" and src.get("split", "study") != split:
            continue
        rid = src["id"]
        path = texts.get(rid)
        if path is None:
            problems.append(f"{rid}: no pulled text")
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != src["sha256"]:
            problems.append(f"{rid}: text differs from the annotated one (SHA-256 mismatch)")
            continue
        if reserved(path, src["url"]):
            problems.append(f"{rid}: reserved for independent evaluation; left out")
            continue
        target = out / (src.get("split", "study") if split == "all" else "")
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{rid}.txt").write_bytes(data)
        gold = json.loads((dataset / "gold" / f"{rid}.gold.json").read_text(encoding="utf-8"))
        (target / f"{rid}.gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written += 1
    return written, problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", default="real", help="dataset under datasets/ (real, linked)")
    ap.add_argument("--texts", type=Path, nargs="+", required=True, help="folders holding the pulled ID.txt files")
    ap.add_argument("--split", default="study", help="a split named in sources.jsonl (study, heldout, heldout2 … heldout6) or all")
    ap.add_argument("--out", type=Path, help="default: datasets/<set>/build/<split>")
    args = ap.parse_args(argv)
    dataset = ROOT / "datasets" / args.set
    out = args.out or dataset / "build" / args.split
    written, problems = build(dataset, find_texts(args.texts), out, args.split)
    for p in problems:
        print(f"build_real_dataset: {p}", file=sys.stderr)
    print(f"{written} reports written to {out}" + (f"; {len(problems)} left out" if problems else ""))
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
