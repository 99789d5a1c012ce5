"""A worker's live pictures for the API processes (never for browsers): JPEG, MJPEG and fMP4 passthrough of
the cameras this process reads, for callers that send the shared secret (`worker.internal_secret`)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import StreamingResponse

from api.deps import Public, get_context
from api.errors import PROBLEM_RESPONSES
from api.stream import MJPEG_BOUNDARY, mjpeg_frames
from core.errors import Forbidden, NotFound

__all__ = ["router"]


class InternalCaller(Public):
    """Route marker: no user session; the caller must be an API process of this site (shared secret)."""

    def __call__(  # type: ignore[override]
        self,
        request: Request,
        x_controlroom_internal: Annotated[str, Header(max_length=500)] = "",
    ) -> None:
        """Refuse callers without the site's internal secret (and everyone when none is configured)."""
        secret = get_context(request).settings.worker.internal_secret.get_secret_value()
        if not secret or not hmac.compare_digest(secret.encode(), x_controlroom_internal.encode()):
            raise Forbidden("internal route: API processes only")


INTERNAL = InternalCaller()
router = APIRouter(
    prefix="/internal/v1/live",
    tags=["internal"],
    responses=PROBLEM_RESPONSES,
    dependencies=[Depends(INTERNAL)],
    include_in_schema=False,
)


def _live_here(request: Request, camera_name: str) -> None:
    live = get_context(request).live
    if live is None or not live.reads(camera_name):
        raise NotFound(f"camera {camera_name!r} is not read by this worker")


@router.get("/{camera_name}/snapshot")
def internal_snapshot(
    camera_name: str,
    request: Request,
    width: Annotated[int | None, Query(ge=160, le=3840)] = None,
) -> Response:
    """The latest picture of a camera read here (masks blanked)."""
    _live_here(request, camera_name)
    live = get_context(request).live
    jpeg = live.snapshot_jpeg(camera_name, width) if live else None
    if jpeg is None:
        raise NotFound(f"no picture from camera {camera_name!r} yet")
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.get("/{camera_name}/mjpeg")
def internal_mjpeg(
    camera_name: str, request: Request, fps: Annotated[float, Query(gt=0, le=30)] = 5
) -> StreamingResponse:
    """A camera read here as MJPEG; ends when this worker stops reading it."""
    _live_here(request, camera_name)
    live = get_context(request).live
    assert live is not None
    return StreamingResponse(
        mjpeg_frames(live, camera_name, fps),
        media_type=f"multipart/x-mixed-replace; boundary={MJPEG_BOUNDARY}",
        headers={"Cache-Control": "no-store"},
    )


@router.get("/{camera_name}/live.mp4")
def internal_live_mp4(camera_name: str, request: Request) -> StreamingResponse:
    """A camera read here as fragmented MP4 passthrough; ends when this worker stops reading it."""
    _live_here(request, camera_name)
    live = get_context(request).live
    chunks = live.live_fmp4(camera_name) if live else None
    if chunks is None:
        raise NotFound(f"no compressed video from camera {camera_name!r} yet")
    return StreamingResponse(chunks, media_type="video/mp4", headers={"Cache-Control": "no-store"})
