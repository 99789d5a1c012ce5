"""Console pages of the live path: the camera wall, the alert queue, one camera in focus."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from alerts import service as alerts
from alerts.models import AlertState
from alerts.schemas import AlertRead
from api.console.i18n import translate
from api.console.routes import language_of, render
from api.deps import IN_ROOM, CurrentToken, SessionDep, SettingsDep, audit_as, now_of
from core.schemas import WriteSchema
from devices.camera import ptz
from devices.camera import service as cameras
from devices.camera.schemas import CameraRead
from footage.models import HoldCategory
from shift_logs.roster import service as roster
from shift_logs.rules.live import ALERT_KIND as DUTY_RULE_KIND

router = APIRouter(include_in_schema=False)
WATCHERS = IN_ROOM
# kinds offered in the queue's filter even before one of them is open
KNOWN_KINDS = (
    "motion",
    "covered",
    "defocused",
    "moved",
    "frozen",
    "offline",
    "duty_rule",
    "presence.unstaffed",
)


@router.get("/wall", dependencies=[Depends(WATCHERS)])
def wall_page(
    request: Request,
    token: CurrentToken,
    session: SessionDep,
    tiles: Annotated[Literal["video", "stills"], Query(description="stills: JPEG tiles only")] = "video",
) -> HTMLResponse:
    """The camera wall: key cameras pinned first; tiles of H.264 cameras play their own stream (one
    multiplexed response for the whole wall), masked and other cameras show refreshing stills."""
    rows, _ = cameras.list_(session, limit=64, offset=0, enabled=True)
    shown = [CameraRead.model_validate(c).model_dump(mode="json") for c in rows]
    return render(request, "wall.html", token=token, tiles=shown, stills=tiles == "stills")


PAGE_SIZE = 25
_PRIORITY_RANK = {"high": 0, "normal": 1}
_STATE_RANK = {"new": 0, "acknowledged": 1}


def queue_order(item: dict[str, Any]) -> tuple[int, int, float, int]:
    """The queue's one order (the script keeps the same): priority, then state, then newest last seen."""
    last_seen = dt.datetime.fromisoformat(str(item["last_seen"])).timestamp()
    return (
        _PRIORITY_RANK.get(str(item["priority"]), 9),
        _STATE_RANK.get(str(item["state"]), 9),
        -last_seen,
        -int(item["id"]),
    )


def alert_what(lang: str, kind: str, zone: str | None, post_titles: dict[str, str]) -> str:
    """What an alert is about, in the reader's language: its kind, then its zone, post or rule."""
    what = translate(lang, f"kind.{kind}")
    if not zone:
        return what
    if zone.startswith("post:"):
        return f"{what} · {post_titles.get(zone.removeprefix('post:'), zone)}"
    if kind == DUTY_RULE_KIND:
        return f"{what} · {translate(lang, f'rule.{zone}')}"
    return f"{what} · {zone}"


@router.get("/alerts", dependencies=[Depends(WATCHERS)])
def alerts_page(
    request: Request, token: CurrentToken, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """The alert queue, kept live over SSE: filters, pages, groups of repeats and selections run in the page."""
    rows, _ = alerts.list_(session, limit=500, offset=0, states=[AlertState.NEW, AlertState.ACKNOWLEDGED])
    posts = roster.list_posts(session)
    post_titles = {str(p.id): p.title or p.name for p in posts}
    lang = language_of(request, token.user)
    items = []
    for row in rows:
        item = AlertRead.model_validate(row).model_dump(mode="json")
        zone = item["zone"] or ""
        item["post_id"] = zone.removeprefix("post:") if zone.startswith("post:") else ""
        item["what"] = alert_what(lang, row.kind, row.zone, post_titles)
        item["first_seen_at"] = row.first_seen
        items.append(item)
    items.sort(key=queue_order)
    responders = [r.model_dump() for r in settings.alerts.responders]
    last_change_id = alerts.last_change_id(session)
    camera_rows, _ = cameras.list_(session, limit=500, offset=0)
    kinds = sorted({*KNOWN_KINDS, *(row.kind for row in rows)})
    return render(
        request,
        "alerts.html",
        token=token,
        alerts=items,
        responders=responders,
        last_change_id=last_change_id,
        hold_categories=[c.value for c in HoldCategory],
        page_size=PAGE_SIZE,
        post_titles=post_titles,
        filter_cameras=sorted({c.name for c in camera_rows}),
        filter_posts=posts,
        filter_kinds=kinds,
    )


class SoundChange(WriteSchema):
    """The queue's sound switched off or on."""

    muted: bool


@router.post("/alerts/sound", dependencies=[Depends(WATCHERS)], status_code=204)
def set_alert_sound(request: Request, session: SessionDep, change: SoundChange) -> Response:
    """Muting the queue's sound (and turning it back on) is written to the audit log."""
    audit_as(
        request,
        "alerts.sound_muted" if change.muted else "alerts.sound_unmuted",
        detail={"muted": change.muted},
    )
    return Response(status_code=204)


FOOTAGE_AROUND = dt.timedelta(minutes=15)


@router.get("/cameras/{camera_id}", dependencies=[Depends(WATCHERS)])
def camera_page(
    camera_id: int,
    request: Request,
    token: CurrentToken,
    session: SessionDep,
    settings: SettingsDep,
    fullscreen: Annotated[
        bool, Query(description="Fill the screen (the wall's double-click or Enter)")
    ] = False,
) -> HTMLResponse:
    """One camera in focus, live and as large as the screen allows (a full-screen button; `fullscreen=1`
    fills the window), with a link to its footage around now and PTZ controls for the roles configured."""
    row = cameras.require(session, camera_id)
    camera = CameraRead.model_validate(row).model_dump(mode="json")
    controls = ptz.console_controls(row, token.user.roles, settings.camera_control)
    now = now_of(request).replace(microsecond=0)
    return render(
        request,
        "camera.html",
        token=token,
        camera=camera,
        ptz=controls,
        fill=fullscreen,
        footage_start=(now - FOOTAGE_AROUND).isoformat(),
        footage_end=now.isoformat(),
    )
