"""A live server on the workbench database and one headless Chromium (Debian's) for every browser test."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS: list[Path] = []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serving(url: str):
    """The workbench on a database, served by uvicorn in a thread; its address."""
    import uvicorn

    from seethe.api import Settings
    from seethe.web import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(db=url)), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(workbench):
    url, _ = workbench
    with _serving(url) as address:
        yield address


@pytest.fixture
def events_server(tmp_path):
    """A server of its own for a test that changes events: (address, the two events' ids)."""
    from tests.workbench import build_event_bench

    url, known = build_event_bench(tmp_path)
    with _serving(url) as address:
        yield address, known


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    SCREENSHOTS.append(folder)
    return folder


@pytest.fixture
def signed_in(browser, live_server):
    """``signed_in("ana")``: a page in a fresh browser context, signed in through the form (on the workbench,
    or on ``server``)."""
    from tests.workbench import PASSWORDS

    contexts = []

    def open_as(name: str, server: str = live_server):
        context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10000)
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.goto(f"{server}/login")
        page.fill("input[name=name]", name)
        page.fill("input[name=password]", PASSWORDS[name])
        page.click("form.stack button[type=submit]")
        page.wait_for_url(f"{server}/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def pytest_terminal_summary(terminalreporter):
    for folder in SCREENSHOTS:
        terminalreporter.write_line(f"browser screenshots: {folder}")
