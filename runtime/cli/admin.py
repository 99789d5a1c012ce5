"""`controlroom db ...`, `user ...` and `audit verify`: administration from the shell."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from access.audit import service as audit
from access.roles import Role
from access.users import admin as accounts
from access.users import service as users
from core.actor import Actor
from core.clock import utcnow
from db.checkpoints import published_heads, site_public_key
from runtime import checkpoints
from runtime.cli.common import fail, load, open_database
from runtime.migrate import current_revisions, head_revisions, upgrade

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)

RolesOpt = Annotated[
    list[Role],
    typer.Option("--role", "-r", help="A role to give (repeat for several).", case_sensitive=False),
]


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest version."""
    settings = load()
    database = open_database(settings, require_schema=False)
    before = ", ".join(sorted(current_revisions(database.engine))) or "empty"
    upgrade(database.engine)
    typer.echo(f"database schema: {before} -> {', '.join(sorted(head_revisions(database.engine)))}")


def _read_password(password: str | None, min_length: int) -> str:
    if password:
        return password
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        fail("the two passwords differ")
    if len(first) < min_length:
        fail(f"password must be at least {min_length} characters")
    return first


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    roles: RolesOpt,
    display_name: Annotated[str, typer.Option("--name", help="Full name shown in the console.")] = "",
    password: Annotated[
        str | None, typer.Option(help="Password (asked for when omitted).", envvar="CONTROLROOM_NEW_PASSWORD")
    ] = None,
    language: Annotated[str, typer.Option(help="Console language: en or zh.")] = "en",
    one_time: Annotated[
        bool,
        typer.Option(
            "--one-time",
            help="Generate a one-time password, print it once; the user must change it at the first sign-in.",
        ),
    ] = False,
) -> None:
    """Create a user with one or more roles (with your password for them, or --one-time)."""
    if language not in ("en", "zh"):
        fail("--language must be en or zh")
    if one_time and password:
        fail("--one-time generates the password: give no --password")
    settings = load()
    database = open_database(settings)
    secret = (
        accounts.one_time_password()
        if one_time
        else _read_password(password, settings.auth.min_password_length)
    )
    now = utcnow()
    with database.session() as session:
        user = users.create(
            session,
            username=username,
            password=secret,
            roles=roles,
            display_name=display_name,
            language=language,
            min_password_length=settings.auth.min_password_length,
            must_change_password=one_time,
            now=now,
        )
        audit.record(
            session,
            actor=Actor.system("cli"),
            action="users.create",
            target=f"user:{user.id}",
            detail={"after": {**accounts.snapshot(user, now=now), "must_change_password": one_time}},
            now=now,
        )
        typer.echo(f"created user {user.username} (id {user.id}) with roles {', '.join(sorted(user.roles))}")
    if one_time:
        typer.echo(f"one-time password (shown once; to be changed at the first sign-in): {secret}")


@user_app.command("reset-password")
def user_reset_password(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Give a user a new one-time password (printed once, to be changed at the next sign-in); unlock them
    and end their sessions and tokens."""
    database = open_database(load())
    now = utcnow()
    with database.session() as session:
        user = users.require_by_username(session, username)
        before = {**accounts.snapshot(user, now=now), "must_change_password": user.must_change_password}
        secret = accounts.reset_password(session, user=user, now=now)
        audit.record(
            session,
            actor=Actor.system("cli"),
            action="users.password_reset",
            target=f"user:{user.id}",
            detail={
                "before": before,
                "after": {**accounts.snapshot(user, now=now), "must_change_password": True},
            },
            now=now,
        )
    typer.echo(f"{username}: sessions and tokens ended; one-time password (shown once): {secret}")


@user_app.command("list")
def user_list(
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Rows per page.")] = 100,
    offset: Annotated[int, typer.Option(min=0, help="Rows to skip.")] = 0,
) -> None:
    """List users with their roles and state."""
    database = open_database(load())
    with database.session() as session:
        rows, total = users.list_(session, limit=limit, offset=offset)
        typer.echo(f"{'ID':>4}  {'USER':<20} {'STATE':<9} ROLES")
        for user in rows:
            user_state = "disabled" if user.disabled else "active"
            typer.echo(f"{user.id:>4}  {user.username:<20} {user_state:<9} {', '.join(sorted(user.roles))}")
        typer.echo(f"({len(rows)} of {total})")


def _set_disabled(username: str, disabled: bool) -> None:
    database = open_database(load())
    with database.session() as session:
        user = users.require_by_username(session, username)
        now = utcnow()
        users.set_disabled(session, user=user, disabled=disabled, now=now)
        action = "users.disable" if disabled else "users.enable"
        audit.record(session, actor=Actor.system("cli"), action=action, target=f"user:{user.id}", now=now)
    typer.echo(f"{username}: {'disabled; all sessions ended' if disabled else 'enabled'}")


@user_app.command("disable")
def user_disable(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable a user and end all their sessions and tokens."""
    _set_disabled(username, True)


@user_app.command("enable")
def user_enable(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Re-enable a disabled user (and clear a lockout)."""
    _set_disabled(username, False)


@user_app.command("set-roles")
def user_set_roles(username: Annotated[str, typer.Argument(help="Login name.")], roles: RolesOpt) -> None:
    """Replace a user's roles."""
    database = open_database(load())
    with database.session() as session:
        user = users.require_by_username(session, username)
        before = sorted(user.roles)
        users.set_roles(session, user=user, roles=roles)
        audit.record(
            session,
            actor=Actor.system("cli"),
            action="users.set_roles",
            target=f"user:{user.id}",
            detail={"before": {"roles": before}, "after": {"roles": sorted(user.roles)}},
            now=utcnow(),
        )
        typer.echo(f"{username}: roles now {', '.join(sorted(user.roles))}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the audit chain and check its signed checkpoints (also those in the checkpoint file);
    exit 1 and name the first broken entry if it was tampered with."""
    settings = load()
    database = open_database(settings)
    key = site_public_key(settings)
    with database.session() as session:
        result = audit.verify(session, key=key, published=published_heads(settings))
    if result.broken is not None:
        typer.echo(f"audit log BROKEN at {result.broken} ({result.checked} entries read)", err=True)
        raise typer.Exit(1)
    signed = (
        f", {result.checkpoints} signed checkpoints valid" if key is not None else " (no signing key yet)"
    )
    typer.echo(f"audit log intact: {result.checked} entries verified{signed}")


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign the head of every audit and duty-log chain that grew since its last checkpoint, now."""
    settings = load()
    database = open_database(settings)
    made = checkpoints.checkpoint_chains(settings, database.factory, now=utcnow(), force=True)
    for head in made:
        typer.echo(f"signed {head.chain} at entry {head.seq}")
    typer.echo(f"{len(made)} checkpoints signed; appended to {settings.chains.file_path(settings.data_dir)}")


def register(app: typer.Typer) -> None:
    """Add the administration command groups."""
    app.add_typer(db_app, name="db")
    app.add_typer(user_app, name="user")
    app.add_typer(audit_app, name="audit")
