"""The camera registry over HTTP. Credentials are write-only; changes need a reason and are audited."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from access.users.models import AuthToken
from api import live_proxy
from api.camera_feed import CameraStates, camera_events
from api.context import AppContext
from api.deps import ANY_USER, IN_ROOM, CurrentToken, SessionDep, SettingsDep, audit_as, get_context, now_of
from api.errors import PROBLEM_RESPONSES
from api.notify import Notifier
from api.policies import ADMINS
from api.schemas import Page, PageQuery
from api.session_watch import until_ended, watch_token
from api.stream import MJPEG_BOUNDARY, WALL_MAX_CAMERAS, mjpeg_frames, mux_live
from core.errors import Conflict, NotFound, Unavailable
from core.types import RowId
from devices.camera import service as cameras
from devices.camera.models import Camera
from devices.camera.schemas import CameraCreate, CameraHealthRead, CameraRead, CameraUpdate
from devices.credentials import CredentialBox

router = APIRouter(prefix="/api/v1/cameras", tags=["cameras"], responses=PROBLEM_RESPONSES)
WATCHERS = IN_ROOM


@router.get("", dependencies=[Depends(ANY_USER)], response_model=Page[CameraRead])
def list_cameras(
    session: SessionDep,
    page: PageQuery,
    group: Annotated[str | None, Query(max_length=100)] = None,
    enabled: bool | None = None,
) -> Page[CameraRead]:
    """Cameras, key cameras first."""
    rows, total = cameras.list_(session, limit=page.limit, offset=page.offset, group=group, enabled=enabled)
    items = [CameraRead.model_validate(c) for c in rows]
    return Page[CameraRead](items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/health", dependencies=[Depends(ANY_USER)], response_model=list[CameraHealthRead])
def list_camera_health(session: SessionDep) -> list[CameraHealthRead]:
    """The health of every enabled camera."""
    rows, _ = cameras.list_(session, limit=10_000, offset=0, enabled=True)
    return [CameraHealthRead.model_validate(c) for c in rows]


@router.get("/live.mux", dependencies=[Depends(WATCHERS)])
def stream_wall_live(
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    camera: Annotated[
        list[RowId],
        Query(min_length=1, max_length=WALL_MAX_CAMERAS, description="Camera ids, in the wall's tile order."),
    ],
) -> StreamingResponse:
    """The wall's tiles live in one response: each camera's own H.264 as fragmented MP4 (as `live.mp4`),
    framed by tile index (1 byte) and length (4 bytes, big-endian); a zero length ends a tile (cameras with
    privacy masks, without H.264, or not read by any worker: the tile shows stills)."""
    ctx = get_context(request)
    rows = [cameras.require(session, camera_id) for camera_id in camera]
    opens = [_live_opener(ctx, session, row) for row in rows]
    response = StreamingResponse(
        mux_live(opens),
        media_type="application/octet-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
    return _with_session(response, ctx, token)


def _with_session(response: StreamingResponse, ctx: AppContext, token: AuthToken) -> StreamingResponse:
    """Live video ends with the viewer's session (logout, revocation, expiry, a disabled user), as SSE does."""
    watch = watch_token(ctx.session_factory, lambda: ctx.clock.now(), token, ctx.notifier)
    response.body_iterator = until_ended(response.body_iterator, watch)
    return response


def _live_opener(ctx: AppContext, session: Session, row: Camera) -> Callable[[], Iterator[bytes] | None]:
    """How to open one tile's stream (in its own thread): here, relayed, or not at all."""
    if (row.detect or {}).get("privacy_masks"):
        return lambda: None
    name, live = row.name, ctx.live
    if live is not None and live.reads(name):
        return lambda: live.live_fmp4(name)
    address = live_proxy.worker_address(ctx, session, name)
    if address is None:
        return lambda: None

    def relayed() -> Iterator[bytes] | None:
        opened = live_proxy.open_stream(ctx, address, name, "live.mp4")
        return opened.chunks() if opened is not None else None

    return relayed


@router.get("/stream", dependencies=[Depends(ANY_USER)])
def stream_camera_states(request: Request, token: CurrentToken) -> StreamingResponse:
    """Server-Sent Events: the health, owning worker and decode mode of every enabled camera, sent again
    whenever one of them changes; ends (`event: ended`) when the caller's session or token does."""
    ctx = get_context(request)
    if ctx.camera_states is None:
        notifier = ctx.notifier or Notifier(ctx.settings.database.url.get_secret_value())
        ctx.camera_states = CameraStates(ctx.session_factory, notifier)
    watch = watch_token(ctx.session_factory, lambda: ctx.clock.now(), token, ctx.camera_states.notifier)
    return StreamingResponse(
        camera_events(ctx.camera_states, watch=watch),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.post("", dependencies=[Depends(ADMINS)], response_model=CameraRead, status_code=201)
def create_camera(
    body: CameraCreate, request: Request, session: SessionDep, settings: SettingsDep
) -> CameraRead:
    """Register a camera (admin; with a reason)."""
    box = CredentialBox(settings.auth.secret_key.get_secret_value())
    camera = cameras.create(session, data=body, box=box)
    audit_as(request, "camera.create", f"camera:{camera.name}", detail={"reason": body.reason})
    return CameraRead.model_validate(camera)


@router.get("/{camera_id}", dependencies=[Depends(ANY_USER)], response_model=CameraRead)
def read_camera(camera_id: RowId, session: SessionDep) -> CameraRead:
    """One camera (its URL with the password masked)."""
    return CameraRead.model_validate(cameras.require(session, camera_id))


@router.patch("/{camera_id}", dependencies=[Depends(ADMINS)], response_model=CameraRead)
def update_camera(
    camera_id: RowId, body: CameraUpdate, request: Request, session: SessionDep, settings: SettingsDep
) -> CameraRead:
    """Change a camera's configuration (admin; with a reason; the changed fields are audited)."""
    box = CredentialBox(settings.auth.secret_key.get_secret_value())
    camera = cameras.require(session, camera_id)
    before = cameras.audit_view(camera)
    changed = cameras.update(session, camera=camera, data=body, box=box, now=now_of(request))
    after = cameras.audit_view(camera)
    audit_as(
        request,
        "camera.update",
        f"camera:{camera.name}",
        detail={
            "reason": body.reason,
            "changed": changed,
            "before": {k: before[k] for k in changed},
            "after": {k: after[k] for k in changed},
        },
    )
    return CameraRead.model_validate(camera)


def _reader(ctx: AppContext, session: Session, camera_name: str) -> str:
    """The internal address of the worker reading the camera elsewhere, or Unavailable (503)."""
    address = live_proxy.worker_address(ctx, session, camera_name)
    if address is None:
        raise Unavailable(f"camera {camera_name!r} is not read by any worker right now")
    return address


@router.get("/{camera_id}/snapshot", dependencies=[Depends(WATCHERS)])
def read_camera_snapshot(
    camera_id: RowId,
    request: Request,
    session: SessionDep,
    width: Annotated[
        int | None, Query(ge=160, le=3840, description="Scale down to this many pixels wide (tiles).")
    ] = None,
) -> Response:
    """The camera's latest live picture as JPEG, in colour where the camera sends it (privacy masks blanked);
    from the worker that reads the camera when that is another process."""
    camera = cameras.require(session, camera_id)
    ctx = get_context(request)
    if ctx.live is not None and ctx.live.reads(camera.name):
        jpeg = ctx.live.snapshot_jpeg(camera.name, width)
    else:
        jpeg = live_proxy.snapshot(ctx, _reader(ctx, session, camera.name), camera.name, width)
    if jpeg is None:
        raise NotFound(f"no picture from camera {camera.name!r} yet")
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.get("/{camera_id}/mjpeg", dependencies=[Depends(WATCHERS)])
def stream_camera_mjpeg(
    camera_id: RowId,
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    fps: Annotated[float, Query(gt=0, le=30, description="Frames per second sent.")] = 5,
) -> StreamingResponse:
    """The camera live as MJPEG (multipart JPEG; privacy masks blanked), at up to `fps`; relayed from the
    worker that reads the camera when that is another process. Ends when the camera moves (reconnect)."""
    camera = cameras.require(session, camera_id)
    ctx = get_context(request)
    if ctx.live is not None and ctx.live.reads(camera.name):
        local = StreamingResponse(
            mjpeg_frames(ctx.live, camera.name, fps),
            media_type=f"multipart/x-mixed-replace; boundary={MJPEG_BOUNDARY}",
            headers={"Cache-Control": "no-store"},
        )
        return _with_session(local, ctx, token)
    address = _reader(ctx, session, camera.name)
    relayed = live_proxy.open_stream(ctx, address, camera.name, "mjpeg", {"fps": str(fps)})
    if relayed is None:
        raise Unavailable(f"camera {camera.name!r} is not read by any worker right now")
    return _with_session(live_proxy.RelayedStream(relayed), ctx, token)


@router.get("/{camera_id}/live.mp4", dependencies=[Depends(WATCHERS)])
def stream_camera_live_mp4(
    camera_id: RowId, request: Request, session: SessionDep, token: CurrentToken
) -> StreamingResponse:
    """The camera live as its own H.264 in fragmented MP4, without re-encoding (for `<video>`); starts at
    the latest keyframe; relayed from the worker that reads the camera when that is another process. Cameras
    with privacy masks are shown only blanked, through the MJPEG view."""
    camera = cameras.require(session, camera_id)
    if (camera.detect or {}).get("privacy_masks"):
        raise Conflict(f"camera {camera.name!r} has privacy masks: its live view is the blanked MJPEG stream")
    ctx = get_context(request)
    no_video = NotFound(f"no compressed video from camera {camera.name!r} yet: use the MJPEG stream")
    if ctx.live is None or not ctx.live.reads(camera.name):
        relayed = live_proxy.open_stream(ctx, _reader(ctx, session, camera.name), camera.name, "live.mp4")
        if relayed is None:
            raise no_video
        return _with_session(live_proxy.RelayedStream(relayed), ctx, token)
    chunks = ctx.live.live_fmp4(camera.name)
    if chunks is None:
        raise no_video
    local = StreamingResponse(chunks, media_type="video/mp4", headers={"Cache-Control": "no-store"})
    return _with_session(local, ctx, token)
