"""Shared fixtures: factories for reports and files, one compiled extractor."""

from __future__ import annotations

import datetime as dt
import signal
import threading
from contextlib import contextmanager
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


class StillRunning(AssertionError):
    """A hostile input that should take milliseconds was still being read after the guard's seconds."""


@pytest.fixture
def finishes_within():
    """``with finishes_within(10): ...`` fails the test (instead of hanging the suite) if the block is still
    running after that many seconds.  The inputs it guards took minutes or never finished before their
    fix and take milliseconds after it, so the bound is a hang guard, not a speed claim (speed is measured
    in bench/).  The alarm interrupts Python's regular-expression engine too."""

    @contextmanager
    def guard(seconds: float):
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def alarm(signum, frame):
            raise StillRunning(f"still running after {seconds} s")

        previous = signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    return guard
