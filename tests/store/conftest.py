"""Store fixtures: every store test runs on SQLite, and on PostgreSQL whenever a
server answers (SEETHE_TEST_POSTGRES names it; without it, the local server at
127.0.0.1:5432 is tried), each in a fresh database."""

from __future__ import annotations

import os
import uuid

import pytest

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
