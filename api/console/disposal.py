"""The printable disposal report (handling situation report) of reports from the public, in Chinese or
English: received, by channel and type, handling, outcomes, and the leader's own problems found and next
steps (written on the reports page right before printing; not stored)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.console.i18n import translate
from api.console.report_view import view_values
from api.deps import CurrentToken, SessionDep, get_context
from api.policies import REPORT_READERS
from api.routes.reports import ReportQuery
from reports.schemas import ReportData

__all__ = ["GROUPS", "disposal_html", "router"]

router = APIRouter(include_in_schema=False)
_TEMPLATES = Path(__file__).resolve().parent / "templates"
LeaderText = Annotated[str, Query(max_length=8000)]

# the figures under each heading of the document, in order
GROUPS: dict[str, tuple[str, ...]] = {
    "received": (
        "received", "anonymous", "related", "collective_visits", "joint_letters",
        "accepted_in_time", "accepted_in_time_share", "refused",
    ),
    "handling": (
        "handled_directly", "transferred", "supervised", "leader_owned", "concluded",
        "concluded_in_time", "concluded_in_time_share", "answered", "visited", "satisfied",
        "satisfaction_share", "reviewed",
    ),
    "outcomes": (
        "substantiated", "substantiated_share", "partly", "partly_share", "unsubstantiated",
        "unsubstantiated_share", "false_accusation", "false_accusation_share", "clarified",
    ),
}  # fmt: skip


def disposal_html(report: ReportData, lang: str, *, site_name: str, problems: str, next_steps: str) -> str:
    """The disposal report as one print-styled HTML document."""
    env = Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=select_autoescape(["html"]))
    section = report.section("disposal")
    figures = {f.key: f for f in section.figures}
    tables = {t.key: t for t in section.tables}
    return env.get_template("disposal_print.html").render(
        lang=lang,
        t=lambda key, **p: translate(lang, key, **p),
        site_name=site_name,
        groups={name: [figures[k] for k in keys if k in figures] for name, keys in GROUPS.items()},
        tables=tables,
        received=figures["received"].current,
        problems=problems.strip(),
        next_steps=next_steps.strip(),
        **view_values(report, lang, with_charts=False),
    )


def _lang(request: Request, token: CurrentToken) -> str:
    wanted = request.query_params.get("lang")
    if wanted in ("en", "zh"):
        return wanted
    return token.user.language if token.user.language in ("en", "zh") else "en"


@router.get("/reports/disposal/print", dependencies=[Depends(REPORT_READERS)])
def disposal_print(
    request: Request,
    token: CurrentToken,
    session: SessionDep,
    query: Annotated[ReportQuery, Depends()],
    problems: LeaderText = "",
    next_steps: LeaderText = "",
) -> HTMLResponse:
    """The printable disposal report for the period, with the leader's two free-text parts."""
    report = query.build(request, session)
    site = get_context(request).settings.site.name
    html = disposal_html(
        report, _lang(request, token), site_name=site, problems=problems, next_steps=next_steps
    )
    return HTMLResponse(html)
