"""Console pages of the periodic report (supervisors and shift leaders): the report with its charts, a print
view of the whole report, CSV downloads of every table, and the reports the worker stored."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from api.console.report_view import print_html, view_values
from api.console.routes import render
from api.deps import CurrentToken, SessionDep, get_context
from api.policies import REPORT_READERS
from api.routes.reports import ReportQuery, TableName, csv_response
from reports import stored
from reports.errors import BadPeriod, BadScope
from reports.schemas import ReportData

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Query = Annotated[ReportQuery, Depends()]


def _lang(request: Request, token: CurrentToken) -> str:
    wanted = request.query_params.get("lang") or request.cookies.get("cr_lang")
    if wanted in ("en", "zh"):
        return wanted
    return token.user.language if token.user.language in ("en", "zh") else "en"


def _page(
    request: Request,
    token: CurrentToken,
    session: SessionDep,
    report: ReportData | None,
    base: str,
    **values: Any,
) -> HTMLResponse:
    extra: dict[str, Any] = {"report": None}
    if report is not None:
        params = {k: v for k, v in request.query_params.items() if k in ("period", "at", "scope")}
        extra = view_values(report, _lang(request, token))
        extra["csv_href"] = lambda table: f"{base}/csv?" + urlencode({**params, "table": table})
        extra["print_href"] = f"{base}/print?" + urlencode(params)
        extra["csv_all_href"] = f"{base}/csv?" + urlencode(params)
    rows, _ = stored.list_(session, limit=36, offset=0)
    values.setdefault("error", None)
    return render(request, "reports.html", token=token, stored=rows, **extra, **values)


@router.get("/reports", dependencies=[Depends(REPORT_READERS)])
def reports_page(request: Request, token: CurrentToken, session: SessionDep, query: Query) -> HTMLResponse:
    """The report for the chosen period and scope (this month by default); a bad period is explained."""
    try:
        report = query.build(request, session)
    except (BadPeriod, BadScope) as exc:
        response = _page(
            request, token, session, None, "/reports", query=query, form_action="/reports", error=str(exc)
        )
        response.status_code = 422
        return response
    return _page(request, token, session, report, "/reports", query=query, form_action="/reports")


@router.get("/reports/print", dependencies=[Depends(REPORT_READERS)])
def report_print(request: Request, token: CurrentToken, session: SessionDep, query: Query) -> HTMLResponse:
    """The whole report as a print-styled page (charts embedded)."""
    report = query.build(request, session)
    site = get_context(request).settings.site.name
    return HTMLResponse(print_html(report, _lang(request, token), site_name=site))


@router.get("/reports/csv", dependencies=[Depends(REPORT_READERS)])
def report_csv(
    request: Request, session: SessionDep, query: Query, table: TableName = None
) -> PlainTextResponse:
    """Every figure and table as CSV, or one table (`table=section.key`)."""
    return csv_response(query.build(request, session), table)


@router.get("/reports/stored/{report_id}", dependencies=[Depends(REPORT_READERS)])
def stored_page(request: Request, token: CurrentToken, session: SessionDep, report_id: int) -> HTMLResponse:
    """A stored report, as it was computed."""
    report = stored.get_data(session, report_id)
    query = ReportQuery(period=report.period_kind, at=report.period_label, scope=report.scope)
    base = f"/reports/stored/{report_id}"
    return _page(request, token, session, report, base, query=query, form_action="/reports")


@router.get("/reports/stored/{report_id}/print", dependencies=[Depends(REPORT_READERS)])
def stored_print(request: Request, token: CurrentToken, session: SessionDep, report_id: int) -> Response:
    """A stored report's print view."""
    site = get_context(request).settings.site.name
    return HTMLResponse(
        print_html(stored.get_data(session, report_id), _lang(request, token), site_name=site)
    )


@router.get("/reports/stored/{report_id}/csv", dependencies=[Depends(REPORT_READERS)])
def stored_csv(session: SessionDep, report_id: int, table: TableName = None) -> PlainTextResponse:
    """A stored report as CSV."""
    return csv_response(stored.get_data(session, report_id), table)
