"""Search, playback and export of recorded footage under a grant (R7); every one is audited (R10),
refusals too (403 with the reason)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from access.audit import service as audit
from api.deps import ANY_USER, CurrentUser, SessionDep, SettingsDep, actor_of, audit_as, get_context, now_of
from api.errors import PROBLEM_RESPONSES, problem_response, status_for
from core.errors import ControlroomError, Forbidden, NotFound
from core.types import RowId, UtcDateTime
from devices.camera import service as cameras
from footage import export as exports
from footage import playback
from footage.schemas import ExportCreate, ExportRead, PlaybackCreate, PlaybackRead, SpanRead, SpansRead

router = APIRouter(prefix="/api/v1/footage", tags=["footage"], responses=PROBLEM_RESPONSES)


def refused(
    request: Request,
    session: Session,
    exc: ControlroomError,
    *,
    action: str,
    target: str,
    detail: dict[str, Any],
) -> Response:
    """Audit a refused read in the request's own transaction (which then commits) and answer with the problem."""
    audit.record(
        session,
        actor=actor_of(request),
        action=action,
        target=target,
        outcome="refused",
        detail={**detail, "reason": exc.message, "code": exc.code},
        now=now_of(request),
    )
    return problem_response(status_for(exc), exc.code, exc.message)


@contextmanager
def reasoned(request: Request, detail: dict[str, Any]) -> Iterator[None]:
    """Name what was asked in the audit row; a refusal (written by the middleware) also gets its reason."""
    audit_as(request, detail=detail)
    try:
        yield
    except ControlroomError as exc:
        audit_as(request, detail={**detail, "reason": exc.message, "code": exc.code})
        raise


@router.get("/cameras/{camera}/spans", dependencies=[Depends(ANY_USER)], response_model=SpansRead)
def search_spans(
    camera: str,
    start: UtcDateTime,
    end: UtcDateTime,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    grant: Annotated[int | None, Query(description="The approved request to use.")] = None,
) -> SpansRead | Response:
    """What was recorded of a camera in a range (a search: needs a grant or standing role; audited)."""
    detail = {"camera": camera, "start": start.isoformat(), "end": end.isoformat(), "grant": grant}
    try:
        found = playback.search(
            session,
            actor=actor_of(request),
            user=user,
            camera_id=cameras.require_by_name(session, camera).id,
            start=start,
            end=end,
            grant_id=grant,
            settings=settings,
            now=now_of(request),
        )
    except (Forbidden, NotFound) as exc:
        return refused(
            request, session, exc, action="footage.search", target=f"camera:{camera}", detail=detail
        )
    return SpansRead(
        camera=camera,
        start=start,
        end=end,
        basis=found.basis.describe(),
        spans=[SpanRead.model_validate(s) for s in found.spans],
    )


@router.post("/playbacks", dependencies=[Depends(ANY_USER)], response_model=PlaybackRead, status_code=201)
def open_playback(
    body: PlaybackCreate, request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> PlaybackRead:
    """Prepare a playback of exactly the range (privacy masks blanked); stream it from `url`."""
    audit_as(request, "footage.playback", f"camera:{body.camera}")
    detail = {"start": body.start.isoformat(), "end": body.end.isoformat(), "grant": body.grant}
    with reasoned(request, detail):
        opened = playback.open_playback(
            session,
            user=user,
            camera_id=cameras.require_by_name(session, body.camera).id,
            start=body.start,
            end=body.end,
            grant_id=body.grant,
            settings=settings,
            now=now_of(request),
        )
    audit_as(
        request,
        more={
            "playback": opened.id,
            "masked": opened.masked,
            "basis": "standing access" if opened.grant_id is None else f"grant {opened.grant_id}",
        },
    )
    read = PlaybackRead.model_validate(opened)
    read.url = f"/api/v1/footage/playbacks/{opened.id}/media"
    return read


@router.get("/playbacks/{ticket}/media", dependencies=[Depends(ANY_USER)])
def stream_playback(
    ticket: Annotated[str, Path(max_length=64)],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> Response:
    """The prepared MP4 (fragmented; HTTP range requests) of the caller's own, unexpired playback."""
    path = playback.require_playback(
        session, ticket=ticket, user=user, settings=settings, now=now_of(request)
    )
    return FileResponse(path, media_type="video/mp4", headers={"Cache-Control": "private, no-store"})


@router.post("/exports", dependencies=[Depends(ANY_USER)], response_model=ExportRead, status_code=202)
def create_export(
    body: ExportCreate,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> ExportRead:
    """Start a sealed export (ZIP + signed manifest); poll it for progress, then download it."""
    audit_as(request, "footage.export", f"cameras:{','.join(body.cameras)}")
    detail = {"start": body.start.isoformat(), "end": body.end.isoformat(), "grant": body.grant}
    with reasoned(request, {**detail, "format": body.format}):
        created = exports.create_export(
            session,
            user=user,
            camera_ids=[cameras.require_by_name(session, name).id for name in body.cameras],
            start=body.start,
            end=body.end,
            grant_id=body.grant,
            fmt=body.format,
            settings=settings,
            now=now_of(request),
        )
    audit_as(
        request,
        more={
            "export": created.id,
            "basis": "standing access" if created.grant_id is None else f"grant {created.grant_id}",
        },
    )
    ctx = get_context(request)  # written after the response (the row is committed by then)
    background.add_task(exports.run_export, ctx.session_factory, created.id, ctx.settings)
    return ExportRead.model_validate(created)


@router.get("/exports/{export_id}", dependencies=[Depends(ANY_USER)], response_model=ExportRead)
def read_export(export_id: RowId, session: SessionDep, user: CurrentUser) -> ExportRead:
    """An export's state and progress (and its manifest when done)."""
    return ExportRead.model_validate(exports.require_export(session, export_id=export_id, user=user))


@router.get("/exports/{export_id}/download", dependencies=[Depends(ANY_USER)])
def download_export(
    export_id: RowId, request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> Response:
    """The finished export file (audited)."""
    try:
        export, path = exports.finished_file(session, export_id=export_id, user=user, settings=settings)
    except (Forbidden, NotFound) as exc:
        target = f"export:{export_id}"
        return refused(request, session, exc, action="footage.export.download", target=target, detail={})
    audit.record(
        session,
        actor=actor_of(request),
        action="footage.export.download",
        target=f"export:{export_id}",
        detail={"sha256": export.sha256, "size": export.size},
        now=now_of(request),
    )
    return FileResponse(path, media_type="application/zip", filename=f"controlroom-export-{export_id}.zip")


@router.get("/signing-key", dependencies=[Depends(ANY_USER)])
def signing_key(settings: SettingsDep) -> Response:
    """The site's public key (PEM) that verifies exports off-site."""
    return Response(exports.public_key_pem(settings), media_type="application/x-pem-file")
