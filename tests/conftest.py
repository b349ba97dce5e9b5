"""Shared fixtures: factories for reports and files, one compiled extractor, databases of both kinds
(every store test runs on SQLite, and on PostgreSQL whenever a server answers: SEETHE_TEST_POSTGRES
names it; without it, the local server at 127.0.0.1:5432 is tried), the command line in-process, and a
hang guard."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import uuid
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


def _empty_postgres(url: str) -> None:
    """Make a test database empty again: end its other sessions, drop and recreate its schema.

    Much quicker than a new database per test (which costs a second of file copying and syncing).
    """
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture(scope="session")
def _postgres_database():
    url, name = _fresh_postgres_url()
    yield url
    _drop_postgres(name)


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A URL to an empty database of each backend (PostgreSQL: one test database, emptied for each test)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'seethe.db'}"
    else:
        url = request.getfixturevalue("_postgres_database")
        _empty_postgres(url)
        yield url


def _truncated_postgres(url: str) -> None:
    """Empty every table of a migrated test database (its schema stays: no DDL, so it is quick)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                             "AND tablename <> 'seethe_schema'")]
        if tables:
            conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")


@pytest.fixture(scope="session")
def _postgres_store_database():
    url, name = _fresh_postgres_url()
    yield url
    _drop_postgres(name)


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    """An open, empty ``Store`` of each backend (PostgreSQL: one migrated database, its tables emptied
    for each test; tests of migrations and of fresh databases take ``db_url``)."""
    from seethe.store import Store

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'seethe.db'}"
    else:
        url = request.getfixturevalue("_postgres_store_database")
        _truncated_postgres(url)
    s = Store(url).open()
    yield s
    s.close()


class CliRun:
    """What one in-process run of ``seethe`` gave: exit code, standard output and standard error."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = code, stdout, stderr


def run_seethe(*args, input: str | None = None, env: dict[str, str] | None = None) -> CliRun:
    """Run ``seethe ARGS...`` in this process, through ``main`` as the console script does,
    inside click's CliRunner isolation (its own stdin, stdout, stderr and environment)."""
    from click.testing import CliRunner

    from seethe.cli import main

    with CliRunner().isolation(input=input, env=env) as (out, err, _):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # commands end with sys.exit(1) when something failed, as a process would
            code = exc.code if isinstance(exc.code, int) else 1
        return CliRun(code, out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace"))


@pytest.fixture
def cli():
    """``cli("extract", path, ...)``: the command line in-process (see ``run_seethe``)."""
    return run_seethe


@pytest.fixture(scope="session")
def workbench(tmp_path_factory):
    """(database URL, known ids) of a database with the samples, a hostile report and three users."""
    from tests.workbench import build_workbench

    return build_workbench(tmp_path_factory.mktemp("workbench"))
