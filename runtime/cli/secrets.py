"""`controlroom secrets rotate`: re-seal the stored camera and ONVIF credentials with a new server secret."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from access.audit import service as audit
from config.settings import secret_key_problem
from core.actor import Actor
from core.clock import utcnow
from devices.camera import service as cameras
from devices.credentials import CredentialBox
from runtime.cli.common import fail, load, open_database

secrets_app = typer.Typer(help="The server secret (auth.secret_key).", no_args_is_help=True)


def _read_new_key(new_key: str | None) -> str:
    if new_key:
        return new_key
    first = getpass.getpass("new secret key: ")
    if first != getpass.getpass("again: "):
        fail("the two keys differ")
    return first


@secrets_app.command("rotate")
def rotate(
    new_key: Annotated[
        str | None,
        typer.Option(
            help="The new secret (asked for when omitted; prefer the environment variable).",
            envvar="CONTROLROOM_NEW_SECRET_KEY",
        ),
    ] = None,
) -> None:
    """Re-encrypt every stored camera URL and ONVIF password with a new key, in one transaction.

    Run it with the current key configured; then set the new key as auth.secret_key and restart."""
    settings = load()
    new = _read_new_key(new_key)
    problem = secret_key_problem(new)
    if problem is not None:
        fail(f"the new key is not fit: {problem.replace('auth.secret_key', 'it')}")
    old = settings.auth.secret_key.get_secret_value()
    if new == old:
        fail("the new key is the current one")
    database = open_database(settings)
    with database.session() as session:
        count = cameras.reseal(session, old=CredentialBox(old), new=CredentialBox(new))
        audit.record(
            session,
            actor=Actor.system("cli"),
            action="secrets.rotate",
            detail={"cameras_resealed": count},
            now=utcnow(),
        )
    typer.echo(f"re-sealed the credentials of {count} cameras; now set the new auth.secret_key and restart")


def register(app: typer.Typer) -> None:
    """Add the secrets group."""
    app.add_typer(secrets_app, name="secrets")
