"""Shapes of incidents. The reporter's identity is `null` with `reporter_withheld` for other roles."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Self

from pydantic import Field, model_validator

from core.schemas import ReadSchema, WriteSchema
from shift_logs.incident.models import Channel, IncidentSource, IncidentState
from shift_logs.incident.workflow import DueKind, Finding, ReportType, Stage
from shift_logs.schemas import UserRef

__all__ = [
    "IncidentClose",
    "IncidentFromAlert",
    "IncidentFromReport",
    "IncidentRead",
    "PublicStatusRead",
    "ReplyLinkRead",
    "ReportAccept",
    "ReportAnswer",
    "ReportCheck",
    "ReportConclude",
    "ReportDecision",
    "ReportNote",
    "ReportReply",
    "ReportReview",
    "ReportTransfer",
    "ReportVisit",
    "StepRead",
    "TransferRead",
]


class IncidentFromReport(WriteSchema):
    """A report received by phone, in person, by letter or online."""

    channel: Channel
    reporter_name: str = Field(default="", max_length=200)
    reporter_contact: str = Field(default="", max_length=200)
    category: str = Field(min_length=1, max_length=64)
    content: str = Field(min_length=1, max_length=8000)
    place: str = Field(default="", max_length=200)
    post_id: int | None = Field(default=None, ge=1)
    report_type: ReportType = ReportType.OTHER
    anonymous: bool = False
    collective: Literal["", "visit", "letter"] = Field(
        default="", description="A collective visit or a real-name joint letter."
    )
    headcount: int = Field(default=1, ge=1, le=10000, description="People in the visit or signatories.")
    related_to_id: int | None = Field(default=None, ge=1, description="Another report about the same matter.")

    @model_validator(mode="after")
    def _named_unless_anonymous(self) -> Self:
        if not self.anonymous and not self.reporter_name:
            raise ValueError("reporter_name is required unless the report is anonymous")
        return self


class IncidentFromAlert(WriteSchema):
    """An incident opened from a detected alert."""

    alert_id: int = Field(ge=1)
    category: str = Field(min_length=1, max_length=64)
    content: str = Field(min_length=1, max_length=8000)
    place: str = Field(default="", max_length=200)
    post_id: int | None = Field(default=None, ge=1)


class IncidentClose(WriteSchema):
    """Closing with a written outcome."""

    outcome: str = Field(min_length=1, max_length=8000)


class IncidentRead(ReadSchema):
    """An incident as the caller may see it."""

    id: int
    source: IncidentSource
    alert_id: int | None
    channel: Channel | None
    reporter_name: str | None
    reporter_contact: str | None
    reporter_withheld: bool = False
    category: str
    content: str
    place: str
    post_id: int | None
    opened_by: UserRef
    state: IncidentState
    ack_due_at: dt.datetime | None
    result_due_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    closed_at: dt.datetime | None
    outcome: str
    overdue: bool = False
    created_at: dt.datetime
    stage: Stage | None = None
    ref_code: str | None = None
    report_type: ReportType | None = None
    anonymous: bool = False
    collective: str = ""
    headcount: int = 1
    related_to_id: int | None = None
    unit_id: int | None = None
    owner_id: int | None = None
    due_kind: DueKind | None = None
    due_at: dt.datetime | None = None
    promised_result_at: dt.datetime | None = None
    decision_text: str = ""
    finding: Finding | None = None
    concluded_at: dt.datetime | None = None
    clarification: str = ""
    answered_at: dt.datetime | None = None
    answered_via: str = ""
    visited_at: dt.datetime | None = None
    satisfied: bool | None = None
    review_result: str = ""
    repeat_false_source: bool = False

    @classmethod
    def build(
        cls, incident: object, *, reporter_visible: bool, overdue: bool, repeat_false_source: bool = False
    ) -> IncidentRead:
        """The incident with the reporter shown, or withheld (for report-born incidents)."""
        read = cls.model_validate(incident)
        update: dict[str, object] = {"overdue": overdue, "repeat_false_source": repeat_false_source}
        if not reporter_visible:
            update |= {"reporter_name": None, "reporter_contact": None}
            update["reporter_withheld"] = read.source is IncidentSource.REPORT
        return read.model_copy(update=update)


class ReportAccept(WriteSchema):
    """Accept in writing, with the promised time for a result (default: the duty rules' limit)."""

    decision: str = Field(min_length=1, max_length=4000)
    promised_result_at: dt.datetime | None = None


class ReportDecision(WriteSchema):
    """A written decision (refusal with its reason)."""

    decision: str = Field(min_length=1, max_length=4000)


class ReportNote(WriteSchema):
    """A note for a step (open a case, a reminder)."""

    note: str = Field(default="", max_length=4000)


class ReportCheck(WriteSchema):
    """Start the initial check; an important matter can be owned by a named leader."""

    note: str = Field(min_length=1, max_length=4000)
    owner_id: int | None = Field(default=None, ge=1)


class ReportTransfer(WriteSchema):
    """Transfer to a unit; `link_days` also makes a single-use reply link for an outside unit."""

    unit_id: int = Field(ge=1)
    note: str = Field(default="", max_length=4000)
    link_days: int | None = Field(default=None, ge=1, le=30)


class ReportReply(WriteSchema):
    """The unit's report back."""

    reply: str = Field(min_length=1, max_length=8000)


class ReportConclude(WriteSchema):
    """The conclusion: finding, summary, and for a false accusation the clarification record."""

    finding: Finding
    summary: str = Field(min_length=1, max_length=8000)
    clarification: str = Field(default="", max_length=8000)


class ReportAnswer(WriteSchema):
    """How the result was given to the reporter."""

    via: Literal["letter", "phone", "in_person", "online"]
    note: str = Field(default="", max_length=4000)


class ReportVisit(WriteSchema):
    """The return visit: is the reporter satisfied?"""

    satisfied: bool
    note: str = Field(default="", max_length=4000)


class ReportReview(WriteSchema):
    """The result of the review of a dissatisfied reporter's matter."""

    result: str = Field(min_length=1, max_length=8000)


class StepRead(ReadSchema):
    """One step of the timeline: who, when, what."""

    seq: int
    action: str
    from_stage: str
    to_stage: str
    actor_label: str
    at: dt.datetime
    note: str
    due_kind: DueKind | None = None
    due_at: dt.datetime | None = None
    late: bool | None = None


class TransferRead(ReadSchema):
    """A transfer to a unit (never the reporter)."""

    id: int
    unit_id: int
    sent_at: dt.datetime
    due_at: dt.datetime
    note: str
    reminders: int
    replied_at: dt.datetime | None
    reply_text: str
    reply_via: str
    link_expires_at: dt.datetime | None
    link_used_at: dt.datetime | None


class ReplyLinkRead(ReadSchema):
    """A transfer with its reply link (shown once, when made)."""

    transfer: TransferRead
    reply_token: str | None


class PublicStatusRead(ReadSchema):
    """What quoting a reference code tells: the stage and the handling unit."""

    ref_code: str
    stage: str
    unit: str
