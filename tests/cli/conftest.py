"""Run the ``seethe`` command in this process, as a user would, through click's CliRunner.

``seethe(...)`` calls the real entry point (``seethe.cli.main``, which catches
errors at the edge) inside the runner's isolation: its own stdin, stdout,
stderr and environment.  Only tests whose point is a process boundary start a
subprocess.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from click.testing import CliRunner

from seethe.cli import main


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def seethe():
    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Run:
        runner = CliRunner()
        with runner.isolation(input=stdin, env=env) as (out, err, _):
            code = main(list(args))
        return Run(code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))

    return run
