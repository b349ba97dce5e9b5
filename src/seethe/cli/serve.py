"""``seethe serve`` (the workbench) and ``seethe users`` (who may use it)."""

from __future__ import annotations

import os
import secrets

import click

from seethe.cli._options import DB_HELP, db_option, profile_option
from seethe.errors import UsageError
from seethe.profile import load_profile
from seethe.services import accounts
from seethe.store import Store, database_url, display_url

# The app is named, not imported: the web face sits above the command line, and uvicorn's
# workers each build their own app from it (settings travel in the environment).
APP = "seethe.web:create_app"


def run_server(db: str | None, host: str, port: int, public: bool, profile: str, workers: int = 1) -> None:
    """Serve the workbench until interrupted (blocks)."""
    import uvicorn

    url = database_url(db)
    with Store(url):
        pass  # open and migrate once, before workers start, so a bad --db is one clear error
    load_profile(profile)
    os.environ.update(SEETHE_DB=url, SEETHE_PROFILE=profile, SEETHE_PUBLIC="1" if public else "0")
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Seethe workbench on {display_url(url)}{' (public, read-only)' if public else ''}: "
               f"open http://{shown}:{port}/  (Ctrl+C stops it)", err=False)
    uvicorn.run(APP, factory=True, host=host, port=port, workers=workers, log_level="warning",
                proxy_headers=False, server_header=False)


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--public", is_flag=True, help="Read-only, for anyone: shows only what a viewer sees, no sign-in.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Server processes.")
@profile_option
def serve_command(db, host, port, public, workers, profile):
    """Serve the analysts' workbench (map, timeline, reports, review) and the REST API."""
    run_server(db, host, port, public, profile, workers)


@click.group("users")
def users_group():
    """Who may use the workbench: viewer, analyst or admin."""


def _password(given: str | None) -> str:
    if given is not None:
        return given
    if os.environ.get("SEETHE_PASSWORD"):
        return os.environ["SEETHE_PASSWORD"]
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True, help="What the user may do.")
@click.option("--password", help="The password (default: SEETHE_PASSWORD, or asked for).")
@click.option("--db", envvar="SEETHE_DB", show_envvar=True, default=None, help=DB_HELP)
def users_add(name, role, password, db):
    """Add a user (the password is stored as an argon2 hash)."""
    with Store(db) as store:
        accounts.add_user(store, name, _password(password), role, actor="cli")
    click.echo(f"added {name} ({role})")


@users_group.command("list")
@db_option
def users_list(db):
    """The users and their roles."""
    with Store(db) as store:
        for user in store.users():
            click.echo(f"{user.name}\t{user.role}\t{user.created_at:%Y-%m-%d}")


@users_group.command("remove")
@click.argument("name")
@db_option
def users_remove(name, db):
    """Remove a user; their sessions and API tokens end, their reviews stay."""
    with Store(db) as store:
        if not store.remove_user(name, actor="cli"):
            raise UsageError(f"no user called {name!r}", source="name", code="usage.user")
    click.echo(f"removed {name}")


@users_group.command("token")
@click.argument("name")
@click.option("--label", default="script", show_default=True, help="What the token is for.")
@db_option
def users_token(name, label, db):
    """Make an API token for a user's scripts (printed once: ``Authorization: Bearer <token>``)."""
    with Store(db) as store:
        user = store.user(name)
        if user is None:
            raise UsageError(f"no user called {name!r}", source="name", code="usage.user")
        _, token = accounts.new_api_token(store, user, label, actor="cli")
    click.echo(token)


def demo_account(store: Store, name: str = "demo") -> str:
    """An admin for the demo with a fresh random password (returned, to print)."""
    password = secrets.token_urlsafe(12)
    if store.user(name) is None:
        accounts.add_user(store, name, password, "admin", actor="demo")
    else:
        accounts.set_password(store, name, password, actor="demo")
    return password


__all__ = ["demo_account", "run_server", "serve_command", "users_group"]
