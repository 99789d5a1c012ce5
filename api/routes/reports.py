"""Periodic reports over HTTP: compute one for a period and scope, list and read stored ones."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse

from api.deps import SessionDep, get_context
from api.errors import PROBLEM_RESPONSES
from api.policies import REPORT_READERS
from api.schemas import Page, PageQuery
from core.types import RowId
from reports import stored
from reports.export import to_csv
from reports.schemas import ReportData, StoredReportRead
from reports.service import build_report

__all__ = ["ReportQuery", "csv_response", "router"]

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], responses=PROBLEM_RESPONSES)

Period = Annotated[str, Query(max_length=16, description="shift, day, week, month or custom.")]
At = Annotated[
    str | None,
    Query(max_length=80, description="2026-11-25, 2026-W48, 2026-11, FROM..TO, a shift id or a time."),
]
Scope = Annotated[str, Query(max_length=120, description="all, post:NAME or group:NAME.")]
TableName = Annotated[str | None, Query(max_length=80, description="One table: section.key.")]


class ReportQuery:
    """The query parameters every report view shares."""

    def __init__(self, period: Period = "month", at: At = None, scope: Scope = "all") -> None:
        self.period, self.at, self.scope = period, at, scope

    def build(self, request: Request, session: SessionDep) -> ReportData:
        """Compute the report now."""
        ctx = get_context(request)
        return build_report(
            session,
            period=self.period,
            at=self.at,
            scope=self.scope,
            settings=ctx.settings,
            now=ctx.clock.now(),
        )


@router.get("", dependencies=[Depends(REPORT_READERS)], response_model=ReportData)
def get_report(request: Request, session: SessionDep, query: Annotated[ReportQuery, Depends()]) -> ReportData:
    """Every figure of the period beside the previous period's, with the change (422 for a bad period)."""
    return query.build(request, session)


@router.get("/csv", dependencies=[Depends(REPORT_READERS)], response_class=PlainTextResponse)
def get_report_csv(
    request: Request, session: SessionDep, query: Annotated[ReportQuery, Depends()], table: TableName = None
) -> PlainTextResponse:
    """The report's figures and tables as CSV (one table with `table=section.key`)."""
    report = query.build(request, session)
    return csv_response(report, table)


def csv_response(report: ReportData, table: str | None) -> PlainTextResponse:
    """The CSV as a download named after the period and scope."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", f"report-{report.period_label}-{report.scope}")
    return PlainTextResponse(
        to_csv(report, table=table),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get("/stored", dependencies=[Depends(REPORT_READERS)], response_model=Page[StoredReportRead])
def list_stored_reports(session: SessionDep, page: PageQuery) -> Page[StoredReportRead]:
    """Reports the worker generated and stored (monthly and daily), newest first."""
    rows, total = stored.list_(session, limit=page.limit, offset=page.offset)
    return Page[StoredReportRead](
        items=[StoredReportRead.model_validate(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/stored/{report_id}", dependencies=[Depends(REPORT_READERS)], response_model=ReportData)
def get_stored_report(session: SessionDep, report_id: RowId) -> ReportData:
    """One stored report with its figures."""
    return stored.get_data(session, report_id)
