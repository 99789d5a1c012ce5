"""`controlroom report`: the periodic report from the shell, as CSV, print-styled HTML or PDF."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from pathlib import Path
from typing import Annotated

import typer

from runtime.cli.common import fail, load, open_database
from runtime.cli.progress import progress

__all__ = ["register"]

CHROMIUM = "/usr/bin/chromium"


def _pdf(html: str, out: Path) -> None:
    """Print the HTML to PDF with headless Chromium (Playwright); exit 2 when neither is available."""
    executable = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        fail(
            "--format pdf needs Playwright (pip install playwright) and Chromium; use --format html and print it"
        )
    if executable is None:
        fail("--format pdf needs Chromium (apt-get install chromium); use --format html and print it")
    errors: list[str] = []

    def print_pdf() -> None:
        # a thread of its own: Playwright's sync API refuses a thread that runs an asyncio loop
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
                try:
                    page = browser.new_page()
                    page.set_content(html, wait_until="load")
                    page.pdf(path=str(out), format="A4", print_background=True)
                finally:
                    browser.close()
        except Error as exc:
            errors.append(exc.message.splitlines()[0])

    worker = threading.Thread(target=print_pdf, name="pdf")
    worker.start()
    worker.join()
    if errors:
        fail(f"Chromium could not print the PDF: {errors[0]}")


def report(
    period: Annotated[str, typer.Option(help="shift, day, week, month or custom.")] = "month",
    at: Annotated[
        str | None, typer.Option(help="2026-11, 2026-11-25, 2026-W48, FROM..TO, a shift id or time.")
    ] = None,
    scope: Annotated[str, typer.Option(help="all, post:NAME or group:NAME.")] = "all",
    fmt: Annotated[str, typer.Option("--format", help="csv, html or pdf.")] = "html",
    out: Annotated[Path | None, typer.Option(help="Write here (csv and html: stdout when omitted).")] = None,
    lang: Annotated[str, typer.Option(help="en or zh.")] = "en",
) -> None:
    """Compute the report for a period (beside the previous one) and write it as CSV, HTML or PDF."""
    if fmt not in ("csv", "html", "pdf"):
        fail(f"--format must be csv, html or pdf, not {fmt!r}")
    if lang not in ("en", "zh"):
        fail("--lang must be en or zh")
    if fmt == "pdf" and out is None:
        fail("--format pdf needs --out FILE")
    from api.console.report_view import print_html
    from reports.export import to_csv
    from reports.service import build_report

    settings = load()
    database = open_database(settings)
    with progress(f"report {period} {at or ''}".strip(), 3) as advance:
        with database.session() as session:
            data = build_report(
                session, period=period, at=at, scope=scope, settings=settings, now=dt.datetime.now(dt.UTC)
            )
        advance(1)
        text = to_csv(data) if fmt == "csv" else print_html(data, lang, site_name=settings.site.name)
        advance(2)
        if fmt == "pdf":
            assert out is not None
            _pdf(text, out)
        advance(3)
    if fmt != "pdf" and out is None:
        typer.echo(text, nl=False)
    elif fmt != "pdf" and out is not None:
        out.write_text(text, encoding="utf-8")
    if out is not None:
        typer.echo(f"report {data.period_label} ({data.scope}) written to {out}", err=True)


def register(app: typer.Typer) -> None:
    """Add `report` to the CLI."""
    app.command("report")(report)
