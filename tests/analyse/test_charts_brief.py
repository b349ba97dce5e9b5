"""Charts are written as PNG and SVG; the brief escapes every text and writes HTML and PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from seethe.analyse import brief, charts, delay, index, reach, simulate_stream
from seethe.errors import AnalysisError


@pytest.fixture(scope="module")
def stream(towns):
    return simulate_stream(towns, start=dt.date(2019, 1, 1), months=14, per_month=20, seed=9)


def _is_png(path) -> bool:
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_chart_writes_png_and_svg(tmp_path, stream, occ):
    written = []
    written += charts.timeline_chart(stream, tmp_path / "timeline")
    written += charts.province_map(index(stream, boot=49), tmp_path / "map")
    written += charts.delay_chart(delay(stream, breakdowns=False), tmp_path / "delay")
    route = reach([occ("Sinuiju", "2016-03-01"), occ("Hyesan", "2016-03-04", precision="county"),
                   occ("Rason", "2016-03-09")], mode="foot")
    written += charts.route_chart(route, tmp_path / "route")
    for path in written:
        assert path.stat().st_size > 1000
    assert all(_is_png(p) for p in written if p.suffix == ".png")
    assert all(p.read_text(encoding="utf-8").lstrip().startswith("<?xml") for p in written if p.suffix == ".svg")


def test_brief_escapes_text_and_writes_pdf(tmp_path, stream):
    hostile = replace(stream[0], id="<script>alert(1)</script>", outlet="Daily NK & <b>friends</b>")
    out = brief([hostile] + stream[1:], tmp_path / "brief.html", title="March <brief>",
                start=dt.date(2019, 10, 1), end=dt.date(2019, 12, 31), permutations=49)
    text = out["html"].read_text(encoding="utf-8")
    assert "<script>" not in text and "<b>friends</b>" not in text
    assert "March &lt;brief&gt;" in text
    for section in ("Reach", "Clustering", "Reporting delay", "Index", "Methods", "Caveats", "Assumptions"):
        assert section in text
    assert out["pdf"].read_bytes()[:5] == b"%PDF-"


def test_brief_says_when_an_analysis_cannot_run(tmp_path, occ):
    few = [occ("Hyesan", "2020-01-01", published="2020-01-03"), occ("Sinuiju", "2020-01-02", published="2020-01-05")]
    out = brief(few, tmp_path / "small.html", permutations=19)
    text = out["html"].read_text(encoding="utf-8")
    assert "Not run:" in text and "too few" in text
    with pytest.raises(AnalysisError):
        brief([], tmp_path / "none.html")
