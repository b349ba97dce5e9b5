"""Store fixtures: every store test runs on SQLite, and on PostgreSQL when
SEETHE_TEST_POSTGRES names a server (CI sets it), each in a fresh database."""

from __future__ import annotations

import os
import uuid

import pytest

POSTGRES = os.environ.get("SEETHE_TEST_POSTGRES")  # e.g. postgresql://postgres@127.0.0.1:5432/test


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
