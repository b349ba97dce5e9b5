"""Shared fixtures: factories for reports and files, one compiled extractor."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from seethe.extract import Extractor
from seethe.models import Report

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "src" / "seethe" / "samples"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """The North Korea profile's extractor, compiled once for the whole run."""
    return Extractor("kp")


@pytest.fixture(scope="session")
def profile(extractor):
    return extractor.profile


@pytest.fixture
def make_report():
    """Build a ``Report`` from text written in the test."""

    def make(text: str, published: str | dt.date = "2020-06-15", media_type: str = "text/plain",
             source: str = "test-report") -> Report:
        if isinstance(published, str):
            published = dt.date.fromisoformat(published)
        return Report(text=text, source=source, published=published, media_type=media_type)

    return make


@pytest.fixture
def extract(extractor, make_report):
    """Extract incidents from text: ``extract("...", published="2020-01-01")``."""

    def run(text: str, **kwargs):
        return extractor.extract(make_report(text, **kwargs))

    return run


@pytest.fixture(scope="session")
def candidates_extractor() -> Extractor:
    """An extractor that keeps every candidate, whatever its confidence: for tests of the assembly steps."""
    return Extractor("kp", min_confidence=0.0)


@pytest.fixture
def extract_all(candidates_extractor, make_report):
    """Every candidate incident of a text, however unsure (the steps, not the confidence model)."""

    def run(text: str, **kwargs):
        return candidates_extractor.extract(make_report(text, **kwargs))

    return run


@pytest.fixture
def write_file(tmp_path):
    """Write bytes or text to a file in a temporary folder and return its path."""

    def write(name: str, content: bytes | str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return write
