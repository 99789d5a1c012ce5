"""The built-in demo site: synthetic cameras (people walking now and then, a light switching), two posts
and a shift running now."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from access.users import service as users
from config.cameras import CameraConfig
from core.errors import ControlroomError
from shift_logs.roster import service as roster

__all__ = ["demo_cameras", "ensure_demo_shift"]

_DEMO = (
    ("gate", "Main gate", "North entrance", "perimeter", True, 1),
    ("lobby", "Lobby", "Building A, ground floor", "indoor", False, 2),
    ("parking", "Car park", "East car park", "perimeter", False, 3),
    ("corridor", "Corridor B2", "Building B, 2nd floor", "indoor", False, 4),
)


def demo_cameras() -> list[CameraConfig]:
    """Four synthetic cameras; the gate is a key camera with a privacy mask over a neighbour's window."""
    out = []
    for name, title, location, group, key, seed in _DEMO:
        detect: dict[str, object] = {"fps": 5}
        if name == "gate":
            detect["privacy_masks"] = [
                {"name": "neighbour", "polygon": [[540, 0], [640, 0], [640, 70], [540, 70]]}
            ]
        out.append(
            CameraConfig.model_validate(
                {
                    "name": name,
                    "title": title,
                    "location": location,
                    "group": group,
                    "key": key,
                    "url": f"demo://{name}?seed={seed}&fps=10&people=25&light=90",
                    "detect": detect,
                    # demo cameras encode H.264 (devices.demo_encoder), recorded like any camera's stream
                    "recording": {"mode": "continuous", "retain_days": 7},
                }
            )
        )
    return out


_POSTS = (
    ("desk-1", "Desk 1 · perimeter", ("gate", "parking"), "operator"),
    ("desk-2", "Desk 2 · buildings", ("lobby", "corridor"), "operator2"),
)
_CHECKLIST = ("keys", "radios", "room clean, no personal items")
# operator posts: a leader cannot roster maintenance, an administrator or a supervisor onto them
_POST_ROLES = ("operator",)
SHIFT_HOURS = 12


def ensure_demo_shift(session: Session, *, now: dt.datetime) -> str:
    """Two posts watching two demo cameras each, and a shift running now with both operators rostered.

    Returns what was done, for the demo's start-up message. A duty rule that refuses the roster (for
    example too little rest after the previous demo shift) is reported, not raised."""
    posts = {p.name: p for p in roster.list_posts(session)}
    for name, title, cams, _who in _POSTS:
        if name not in posts:
            posts[name] = roster.create_post(
                session, name=name, title=title, checklist=_CHECKLIST, cameras=cams, roles=_POST_ROLES
            )
    # any shift running now (a later one a leader added does not count): a second start adds none
    upcoming = roster.list_shifts(session, limit=100, offset=0, since=now)[0]
    running = [s for s in upcoming if s.starts_at <= now]
    if running:
        return f"shift {running[0].name!r} is running until {running[0].ends_at:%H:%M} UTC"
    # starting now (to the minute), so that the operators' first check-in is on time
    start = now.replace(second=0, microsecond=0)
    leader = users.get_by_username(session, "leader")
    shift = roster.create_shift(
        session, name="demo", starts_at=start, ends_at=start + dt.timedelta(hours=SHIFT_HOURS), leader=leader
    )
    try:
        for name, _title, _cams, who in _POSTS:
            person = users.get_by_username(session, who)
            if person is not None:
                roster.roster(session, shift_id=shift.id, post_id=posts[name].id, user=person, now=now)
    except ControlroomError as exc:
        return f"shift created, roster left to the leader: {exc.message}"
    return f"shift 'demo' until {shift.ends_at:%H:%M} UTC: operator on desk-1, operator2 on desk-2"
