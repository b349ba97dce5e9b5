#!/usr/bin/env python3
"""Rebuild the linked evaluation folder: the committed annotations beside the report texts, each text checked.

The texts of the linked set are public pages' excerpts kept outside the
repository (they are never committed).  This copies ``datasets/linked``'s
annotations (gold files, ``happenings.jsonl``, ``near_misses.jsonl``,
``sources.jsonl``) into ``--out`` and each report's text from ``--texts``,
after checking its SHA-256 against ``sources.jsonl``.  A missing or changed
text is named and left out; the exit status says whether any was.

    python scripts/build_linked_set.py --texts /path/to/pulled/texts --out /tmp/linked-eval
    seethe link-eval /tmp/linked-eval
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

DATASET = Path(__file__).resolve().parents[1] / "datasets" / "linked"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--texts", type=Path, required=True, help="Folder of the pulled texts (<id>.txt).")
    ap.add_argument("--out", type=Path, required=True, help="Folder to build (created; must not be in the repository).")
    args = ap.parse_args()
    out = args.out.resolve()
    if DATASET.parent.parent in out.parents or out == DATASET.parent.parent:
        print("build_linked_set: --out must be outside the repository (texts are never committed)", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    for path in DATASET.iterdir():
        if path.suffix in (".json", ".jsonl"):
            shutil.copy2(path, out / path.name)
    missing, changed, ok = [], [], 0
    for line in (DATASET / "sources.jsonl").read_text(encoding="utf-8").splitlines():
        source = json.loads(line)
        text = args.texts / f"{source['id']}.txt"
        if not text.is_file():
            missing.append(source["id"])
            continue
        data = text.read_bytes()
        if hashlib.sha256(data).hexdigest() != source["sha256"]:
            changed.append(source["id"])
            continue
        (out / text.name).write_bytes(data)
        ok += 1
    print(f"{ok} texts checked and copied to {out}; {len(missing)} missing, {len(changed)} with another SHA-256")
    for name in missing:
        print(f"  missing: {name}.txt", file=sys.stderr)
    for name in changed:
        print(f"  changed: {name}.txt (its SHA-256 is not the one in sources.jsonl)", file=sys.stderr)
    return 1 if missing or changed else 0


if __name__ == "__main__":
    sys.exit(main())
