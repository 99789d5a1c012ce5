"""`controlroom faults list` and `controlroom maintenance run`: equipment faults from the shell."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from runtime.cli.common import load, open_database

faults_app = typer.Typer(help="Equipment faults (R9).", no_args_is_help=True)
maintenance_app = typer.Typer(help="Equipment maintenance jobs.", no_args_is_help=True)


@faults_app.command("list")
def faults_list(
    all_: Annotated[
        bool, typer.Option("--all", help="Also verified, rejected and duplicate faults.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=500, help="At most this many.")] = 100,
) -> None:
    """Open faults (or all with --all): open first, most severe first."""
    from maintenance import faults

    database = open_database(load())
    with database.session() as session:
        rows, total = faults.list_(session, limit=limit, offset=0, open_only=not all_)
        lines = [
            {
                "id": f.id,
                "severity": f.severity.value,
                "state": f.state.value,
                "equipment": f.equipment.name,
                "title": f.title,
                "reported_at": f.reported_at.isoformat(),
                "assignee": f.assignee.username if f.assignee else None,
                "repair_seconds": f.repair_seconds,
            }
            for f in rows
        ]
    for line in lines:
        if as_json:
            typer.echo(json.dumps(line, ensure_ascii=False))
        else:
            who = line["assignee"] or "-"
            typer.echo(
                f"{line['id']:>5}  {line['severity']:<8} {line['state']:<11} {line['equipment']}: "
                f"{line['title']}  [{who}] {line['reported_at']}"
            )
    if not as_json:
        typer.echo(f"{len(lines)} of {total} fault(s)")


@maintenance_app.command("run")
def maintenance_run() -> None:
    """Run the maintenance job once: close cleared faults, storage, overdue flags, due checks."""
    from core.clock import utcnow
    from maintenance.jobs import tick

    settings = load()
    database = open_database(settings)
    with database.session() as session:
        result = tick(session, now=utcnow(), settings=settings.maintenance, alert_settings=settings.alerts)
    typer.echo(
        f"closed {result.closed}, storage faults {result.storage_faults}, flagged faults "
        f"{result.flagged_faults}, new checks {result.new_checks}, overdue checks {result.flagged_checks}"
    )


def register(app: typer.Typer) -> None:
    """Add the maintenance command groups."""
    app.add_typer(faults_app, name="faults")
    app.add_typer(maintenance_app, name="maintenance")
