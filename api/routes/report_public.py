"""What needs no account: a report's status by its code (stage and unit only), and a unit's reply link."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from api.deps import PUBLIC, NowDep, SessionDep, SettingsDep, audit_as
from api.errors import PROBLEM_RESPONSES
from shift_logs.incident import supervise, transfer
from shift_logs.incident.schemas import PublicStatusRead, ReportReply

__all__ = ["router"]

router = APIRouter(
    prefix="/api/v1/public", tags=["public"], dependencies=[Depends(PUBLIC)], responses=PROBLEM_RESPONSES
)


@router.get("/reports/{code}", response_model=PublicStatusRead)
def report_status(code: str, session: SessionDep) -> PublicStatusRead:
    """The stage and handling unit of the report with that code; nothing else."""
    return PublicStatusRead.model_validate(supervise.public_status(session, code))


@router.get("/reply/{token}")
def reply_matter(token: str, session: SessionDep, settings: SettingsDep, now: NowDep) -> dict[str, str]:
    """The matter behind a reply link (never the reporter); 404 for a forged, expired or used link."""
    matter = transfer.open_link(
        session, token=token, secret=settings.auth.secret_key.get_secret_value().encode(), now=now
    )
    return {
        "ref_code": matter.ref_code,
        "unit": matter.unit_name,
        "category": matter.category,
        "content": matter.content,
        "place": matter.place,
        "due_at": matter.due_at.isoformat(),
    }


@router.post("/reply/{token}", status_code=204)
def reply_by_link(
    token: str, body: ReportReply, request: Request, session: SessionDep, settings: SettingsDep, now: NowDep
) -> None:
    """The unit's reply through its link (good once)."""
    audit_as(request, "report.unit_reply_link", "reply-link")
    secret = settings.auth.secret_key.get_secret_value().encode()
    transfer.reply_by_link(session, token=token, secret=secret, now=now, text=body.reply)
