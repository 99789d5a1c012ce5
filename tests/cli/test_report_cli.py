"""`controlroom report` (run in-process through its Typer app): CSV, HTML and PDF files of a known month; bad input exits 2."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from db.session import make_engine
from runtime.cli import app
from tests.conftest import make_settings
from tests.factories.reports import TZ, seed
from tests.support.terminal import on_a_terminal


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run(url: str, *args: str) -> Ran:
    """Run `controlroom report ...` in this process (as the console script would)."""
    environ = {
        "CONTROLROOM_LOGGING__JSON": "false",
        "CONTROLROOM_DATABASE__URL": url,
        "CONTROLROOM_SITE__TIMEZONE": TZ,
    }
    result = CliRunner().invoke(app, ["report", *args], env=environ)
    return Ran(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def url(sqlite_url: str) -> str:
    engine = make_engine(make_settings(sqlite_url).database)
    with Session(engine) as session, session.begin():
        seed(session)
    engine.dispose()
    return sqlite_url


def test_csv_to_stdout_has_the_months_figures(url):
    result = run(url, "--period", "month", "--at", "2026-11", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = {(r["section"], r["item"]): r for r in csv.DictReader(io.StringIO(result.stdout))}
    alerts = rows[("alerts", "alerts")]
    assert (alerts["current"], alerts["previous"], alerts["change_percent"]) == ("6", "2", "200.0")


def test_html_and_pdf_files_of_the_whole_report(url, tmp_path: Path):
    html = tmp_path / "r.html"
    result = run(url, "--at", "2026-11", "--format", "html", "--lang", "zh", "--out", str(html))
    assert result.returncode == 0, result.stderr
    text = html.read_text(encoding="utf-8")
    assert "周期报表" in text and text.count("data:image/svg+xml") == 5
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no Chromium to print with")
    pdf = tmp_path / "r.pdf"
    result = run(url, "--at", "2026-11", "--format", "pdf", "--out", str(pdf))
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--period", "custom", "--at", "2026-11-20..2026-11-01"], "ends before it starts"),
        (["--period", "month", "--at", "Nov"], "is not a month"),
        (["--period", "fortnight"], "unknown period"),
        (["--scope", "post:nowhere"], "no post called"),
        (["--format", "docx"], "--format must be csv, html or pdf"),
        (["--format", "pdf"], "--format pdf needs --out FILE"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(url, args, words):
    result = run(url, *args)
    assert result.returncode == 2
    assert words in result.stderr and result.stderr.startswith("error: ")


def test_a_report_on_a_terminal_shows_progress_and_piped_prints_only_the_report(url, tmp_path: Path):
    variables = {"CONTROLROOM_DATABASE__URL": url, "CONTROLROOM_SITE__TIMEZONE": TZ}
    args = ["report", "--period", "month", "--at", "2026-11", "--format", "csv"]
    code, out, drawn = on_a_terminal(args, tmp_path, variables)
    assert code == 0, drawn
    assert "report month 2026-11" in drawn, drawn  # the bar on stderr while it works
    assert f"database: {url} (" in drawn and "CONTROLROOM_DATA_DIR" in drawn, (
        drawn
    )  # which one, and how to change
    assert out.startswith("section,") and "report month" not in out, out[:200]
    piped = run(url, "--period", "month", "--at", "2026-11", "--format", "csv")
    assert piped.returncode == 0 and "report month" not in piped.stderr, piped.stderr
