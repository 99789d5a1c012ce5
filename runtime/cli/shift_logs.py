"""`controlroom log verify` and `log scan`: the duty log's integrity and the presence and deadline rules."""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer

from core.clock import utcnow
from db.checkpoints import published_heads, site_public_key
from runtime.cli.common import load, open_database
from runtime.cli.progress import progress
from shift_logs.duty_log import service as duty_log
from shift_logs.incident import service as incidents
from shift_logs.rules.live import evaluate_live

log_app = typer.Typer(help="The duty log and the shift rules.", no_args_is_help=True)


@log_app.command("verify")
def log_verify(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout; no progress.")] = False,
) -> None:
    """Recompute every post's duty log and check its signed checkpoints; exit 1 naming the first broken
    entry if one was tampered with. Shows progress on a terminal."""
    settings = load()
    database = open_database(settings)
    key = site_public_key(settings)
    with progress("verify duty logs", None, quiet=as_json) as advance, database.session() as session:
        reports = duty_log.verify_all(
            session,
            key=key,
            published=published_heads(settings),
            progress=lambda done, total: advance(done, total),
        )
    broken = [r for r in reports if not r.ok]
    if as_json:
        logs = [
            {
                "chain": r.chain,
                "ok": r.ok,
                "checked": r.checked,
                "checkpoints": r.checkpoints,
                "broken_at": r.broken.seq if r.broken else None,
                "reason": r.broken.reason if r.broken else None,
            }
            for r in reports
        ]
        typer.echo(json.dumps({"ok": not broken, "logs": logs}))
        if broken:
            raise typer.Exit(1)
        return
    for report in broken:
        typer.echo(
            f"duty log {report.chain} BROKEN at {report.broken} ({report.checked} entries read)", err=True
        )
    if broken:
        raise typer.Exit(1)
    total = sum(r.checked for r in reports)
    signed = sum(r.checkpoints for r in reports)
    typer.echo(
        f"duty logs intact: {len(reports)} logs, {total} entries verified, {signed} signed checkpoints valid"
    )


@log_app.command("scan")
def log_scan(
    every: Annotated[int, typer.Option(min=0, help="Repeat every N seconds (0: once and exit).")] = 0,
) -> None:
    """Evaluate the duty rules live (unstaffed posts, inactivity, late handovers... each new one an alert to
    the leader) and flag overdue incidents."""
    settings = load()
    database = open_database(settings)
    while True:
        now = utcnow()
        with database.session() as session:
            found = evaluate_live(session, now, settings)
            overdue = incidents.flag_overdue(session, now=now, alert_settings=settings.alerts)
            for v in found:
                typer.echo(f"{now:%Y-%m-%d %H:%M:%S} {v.rule_id} ({v.clause}, {v.severity}): {v.message}")
            for incident in overdue:
                typer.echo(f"{now:%Y-%m-%d %H:%M:%S} incident {incident.id} overdue ({incident.state})")
        if every <= 0:
            return
        time.sleep(every)


def register(app: typer.Typer) -> None:
    """Add the `log` command group."""
    app.add_typer(log_app, name="log")
