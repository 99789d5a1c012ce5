"""The disposal report of reports from the public (the "handling situation report"): received by channel,
type and category; handled directly, transferred, supervised; concluded with each finding and its share;
accepted and concluded within the limits; answers, return visits and satisfaction; false accusations
clarified; collective visits and joint letters. Counts the reports received in the period, as they stand
at its end. Never the reporter's identity.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, String, and_, case, func, literal, or_, select, type_coerce
from sqlalchemy.orm import Session

from reports.schemas import Series
from reports.scope import ScopeKind
from reports.sections.base import Raw, SectionSpec, Window, count_by
from reports.sql import ratio, when
from shift_logs.incident.models import Incident, IncidentSource, Transfer
from shift_logs.incident.workflow import Finding, ReportType, Stage

__all__ = ["SECTION"]


def _n(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _columns(window: Window) -> dict[str, ColumnElement[int]]:
    end = when(window.end)
    transferred = (
        select(Transfer.id).where(Transfer.incident_id == Incident.id, Transfer.sent_at < end).exists()
    )
    supervised = (
        select(Transfer.id)
        .where(
            Transfer.incident_id == Incident.id, Transfer.reminded_at.is_not(None), Transfer.reminded_at < end
        )
        .exists()
    )
    accepted = and_(Incident.acknowledged_at.is_not(None), Incident.acknowledged_at < end)
    concluded = and_(Incident.concluded_at.is_not(None), Incident.concluded_at < end)
    result_due = func.coalesce(Incident.promised_result_at, Incident.result_due_at)
    columns = {
        "received": func.count(),
        "anonymous": _n(Incident.anonymous.is_(True)),
        "related": _n(Incident.related_to_id.is_not(None)),
        "collective_visits": _n(Incident.collective == "visit"),
        "joint_letters": _n(Incident.collective == "letter"),
        "accepted_due": _n(or_(accepted, Incident.ack_due_at < end)),
        "accepted_in_time": _n(and_(accepted, Incident.acknowledged_at <= Incident.ack_due_at)),
        "refused": _n(Incident.stage == Stage.REFUSED),
        "handled_directly": _n(and_(accepted, Incident.stage != Stage.REFUSED, ~transferred)),
        "transferred": _n(transferred),
        "supervised": _n(supervised),
        "leader_owned": _n(Incident.owner_id.is_not(None)),
        "concluded": _n(concluded),
        "result_due": _n(or_(concluded, and_(accepted, result_due < end))),
        "concluded_in_time": _n(and_(concluded, Incident.concluded_at <= result_due)),
        "clarified": _n(
            and_(concluded, Incident.finding == Finding.FALSE_ACCUSATION, Incident.clarification != "")
        ),
        "answered": _n(and_(Incident.answered_at.is_not(None), Incident.answered_at < end)),
        "visited": _n(and_(Incident.visited_at.is_not(None), Incident.visited_at < end)),
        "satisfied": _n(and_(Incident.visited_at < end, Incident.satisfied.is_(True))),
        "reviewed": _n(and_(Incident.stage == Stage.CLOSED, Incident.review_result != "")),
    }
    for finding in Finding:
        columns[finding.value] = _n(and_(concluded, Incident.finding == finding))
    return columns


def _shares(f: dict[str, int | float | None]) -> None:
    def n(key: str) -> int:
        return int(f[key] or 0)

    f["accepted_in_time_share"] = ratio(n("accepted_in_time"), n("accepted_due"))
    f["concluded_in_time_share"] = ratio(n("concluded_in_time"), n("result_due"))
    f["satisfaction_share"] = ratio(n("satisfied"), n("visited"))
    for finding in Finding:
        f[f"{finding.value}_share"] = ratio(n(finding.value), n("concluded"))


def compute(session: Session, window: Window) -> Raw:
    """Every figure of the disposal report for the window."""
    where = [window.within(Incident.created_at), Incident.source == IncidentSource.REPORT]
    if window.scope.kind is ScopeKind.POST:
        where.append(Incident.post_id == window.post_id)
    columns = _columns(window)
    row = session.execute(select(*columns.values()).where(*where)).one()
    figures: dict[str, int | float | None] = {k: int(v) for k, v in zip(columns, row, strict=True)}
    _shares(figures)
    end = when(window.end)
    finding = case(
        (
            and_(Incident.concluded_at < end, Incident.finding.is_not(None)),
            type_coerce(Incident.finding, String),
        ),
        else_=literal("pending"),
    )
    kinds = func.coalesce(type_coerce(Incident.report_type, String), literal(ReportType.OTHER.value))
    by_type = count_by(session, kinds, *where)
    labels = [t.value for t in ReportType]
    return Raw(
        figures=figures,
        tables={
            "by_channel": count_by(session, type_coerce(Incident.channel, String), *where),
            "by_type": by_type,
            "by_category": count_by(session, Incident.category, *where),
            "by_finding": count_by(session, finding, *where),
        },
        series=[
            Series(key="by_type", labels=labels, values={"current": [by_type.get(t, 0) for t in labels]})
        ],
    )


_COUNTS = [
    "received",
    "anonymous",
    "related",
    "collective_visits",
    "joint_letters",
    "accepted_due",
    "accepted_in_time",
    "refused",
    "handled_directly",
    "transferred",
    "supervised",
    "leader_owned",
    "concluded",
    "result_due",
    "concluded_in_time",
    "clarified",
    "answered",
    "visited",
    "satisfied",
    "reviewed",
]
_FIGURE_ORDER = [*_COUNTS[:7], "accepted_in_time_share", *_COUNTS[7:15], "concluded_in_time_share"]
_FIGURE_ORDER += [f.value for f in Finding] + [f"{f.value}_share" for f in Finding]
_FIGURE_ORDER += [*_COUNTS[15:19], "satisfaction_share", _COUNTS[19]]

SECTION = SectionSpec(
    name="disposal",
    scopes=frozenset({ScopeKind.ALL, ScopeKind.POST}),
    units={key: ("share" if key.endswith("_share") else "count") for key in _FIGURE_ORDER}
    | {"by_channel": "count", "by_type": "count", "by_category": "count", "by_finding": "count"},
    compute=compute,
)
