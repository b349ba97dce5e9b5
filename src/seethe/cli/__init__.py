"""The ``seethe`` command: a thin face over the Python API.

Every ``SeetheError`` is caught here, once, and printed as one line
(``seethe: <file>: <problem>``), with a hint naming the flag that helps when
there is one; no traceback reaches a user.
"""

from __future__ import annotations

import os
import sys

import click

from seethe.cli._app import cli
from seethe.cli._errors import error_line
from seethe.errors import SeetheError, redact


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``seethe`` console script."""
    try:
        cli.main(args=argv, prog_name="seethe", standalone_mode=False)
    except SeetheError as exc:
        click.echo(f"seethe: {error_line(exc.code, exc.one_line())}", err=True)
        return 2
    except click.exceptions.Abort:
        click.echo("seethe: interrupted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:  # a command's own exit status (sys.exit(1): something failed)
        return exc.code if isinstance(exc.code, int) else 1
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        click.echo("seethe: interrupted", err=True)
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place a bug meets a user
        if os.environ.get("SEETHE_DEBUG"):
            raise
        click.echo(f"seethe: internal error: {type(exc).__name__}: {redact(str(exc))} "
                   "(set SEETHE_DEBUG=1 for the traceback)", err=True)
        return 70
    return 0


__all__ = ["cli", "main"]
