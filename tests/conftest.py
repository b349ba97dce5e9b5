"""Shared fixtures: factories for reports and files, one compiled extractor, and databases.

Every test that takes ``store`` or ``db_url`` runs on SQLite, and on
PostgreSQL whenever a server answers (SEETHE_TEST_POSTGRES names it; without
it, the local server at 127.0.0.1:5432 is tried), each in a fresh database.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
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


# -- databases ------------------------------------------------------------------
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def _postgres() -> str | None:
    """The PostgreSQL server to test against, or None when none answers."""
    url = os.environ.get("SEETHE_TEST_POSTGRES")
    if url == "":
        return None  # set empty to skip PostgreSQL on purpose
    try:
        import psycopg

        with psycopg.connect(url or LOCAL_POSTGRES, connect_timeout=2):
            return url or LOCAL_POSTGRES
    except Exception:  # noqa: BLE001 - no server, no PostgreSQL tests
        if url:
            raise  # asked for by name: a failure to connect is a failure, not a skip
        return None


POSTGRES = _postgres()


def _fresh_postgres_url() -> tuple[str, str]:
    import psycopg

    name = f"seethe_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES.rsplit("/", 1)[0]
    return f"{base}/{name}", name


def _drop_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES else [])


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A URL to an empty database of each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'seethe.db'}"
    else:
        url, name = _fresh_postgres_url()
        yield url
        _drop_postgres(name)


@pytest.fixture
def store(db_url):
    from seethe.store import Store

    s = Store(db_url).open()
    yield s
    s.close()
