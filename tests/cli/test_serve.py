"""``seethe users`` and ``seethe serve`` as people run them (and ``seethe demo --serve``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
from click.testing import CliRunner

from seethe.cli import cli, main
from seethe.cli import extract as demo_module


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_users_add_list_token_remove(tmp_path):
    db = str(tmp_path / "w.db")
    assert run("users", "add", "ana", "--role", "analyst", "--password", "a long password", "--db", db).exit_code == 0
    added = run("users", "add", "vic", "--role", "viewer", "--db", db, env={"SEETHE_PASSWORD": "viewer password"})
    assert added.exit_code == 0
    listing = run("users", "list", "--db", db).output.splitlines()
    assert [line.split("\t")[:2] for line in listing] == [["ana", "analyst"], ["vic", "viewer"]]
    token = run("users", "token", "ana", "--db", db).output.strip()
    assert token.startswith("seethe_") and len(token) > 40
    assert run("users", "remove", "vic", "--db", db).exit_code == 0
    assert main(["users", "remove", "vic", "--db", db]) == 2
    assert main(["users", "add", "x", "--role", "viewer", "--password", "short", "--db", db]) == 2


def test_demo_serve_prints_a_password_then_serves_the_demo_database(tmp_path, monkeypatch):
    served = []
    monkeypatch.setattr(demo_module, "run_server", lambda *args: served.append(args))
    db = str(tmp_path / "demo.db")
    out = run("demo", "--db", db, "--serve", "--port", "8123").output
    password = out.split("Sign in as demo (admin) with password ", 1)[1].split()[0]
    assert served == [(db, "127.0.0.1", 8123, False, "kp")]
    from seethe.services import accounts
    from seethe.store import Store

    with Store(db) as store:
        assert accounts.authenticate(store, "demo", password).role == "admin"
    served.clear()
    assert "Sign in" not in run("demo", "--db", db).output and served == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_on_the_address_it_prints(tmp_path):
    """A real process: the command line names the app, uvicorn builds it from the environment."""
    port, db = _free_port(), str(tmp_path / "s.db")
    proc = subprocess.Popen([sys.executable, "-m", "seethe", "serve", "--db", db, "--port", str(port), "--public"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "SEETHE_DB": ""})
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line and "public" in line
        for _ in range(100):
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/me", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert answer.json()["role"] == "viewer" and answer.json()["public"] is True
        assert httpx.get(f"http://127.0.0.1:{port}/").status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_refuses_a_bad_database_in_one_line(capsys):
    assert main(["serve", "--db", "mysql://x/y"]) == 2
    assert "unsupported database" in capsys.readouterr().err
