"""Run the ``seethe`` command in this process, as a user would (see ``tests.conftest.run_seethe``).

Only tests whose point is a process boundary start a subprocess.
"""

from __future__ import annotations

import pytest

from tests.conftest import run_seethe


@pytest.fixture
def seethe():
    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None):
        return run_seethe(*args, input=stdin, env=env)

    return run
