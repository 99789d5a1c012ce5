"""Builders for posts, shifts, roster entries, check-ins, tasks, incidents and handovers."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from sqlalchemy.orm import Session

from access.roles import Role
from access.users.models import User
from core.clock import utcnow
from shift_logs.handover import service as handovers
from shift_logs.handover.models import Handover
from shift_logs.incident import service as incidents
from shift_logs.incident.models import Channel, Incident
from shift_logs.roster import presence
from shift_logs.roster import service as roster
from shift_logs.roster.models import Post, RosterEntry, Shift
from tests.factories.access import make_user

T0 = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
_counter = itertools.count(1)


def make_post(
    session: Session,
    *,
    name: str | None = None,
    checklist: tuple[str, ...] = ("keys", "radios"),
    cameras: tuple[str, ...] = (),
) -> Post:
    """A post with a checklist, watching `cameras` (none: every camera no other post names)."""
    return roster.create_post(
        session, name=name or f"post-{next(_counter)}", checklist=checklist, cameras=cameras
    )


def make_shift(
    session: Session, *, starts_at: dt.datetime = T0, hours: int = 12, leader: User | None = None
) -> Shift:
    """A shift of `hours` from `starts_at`."""
    return roster.create_shift(
        session,
        name=f"shift {next(_counter)}",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        leader=leader,
    )


@dataclass
class Crew:
    """A post with two consecutive shifts: `outgoing` on the first, `incoming` on the second; a leader."""

    post: Post
    first: Shift
    second: Shift
    outgoing: User
    incoming: User
    leader: User
    out_entry: RosterEntry
    in_entry: RosterEntry


def make_crew(
    session: Session, *, start: dt.datetime = T0, checklist: tuple[str, ...] = ("keys", "radios")
) -> Crew:
    """A rostered post with an outgoing and an incoming operator and a shift leader."""
    n = next(_counter)
    post = make_post(session, checklist=checklist)
    leader = make_user(session, username=f"leader{n}", roles=(Role.SHIFT_LEADER,))
    outgoing = make_user(session, username=f"out{n}")
    incoming = make_user(session, username=f"in{n}")
    first = make_shift(session, starts_at=start, leader=leader)
    second = make_shift(session, starts_at=first.ends_at, leader=leader)
    out_entry = roster.roster(session, shift_id=first.id, post_id=post.id, user=outgoing, now=utcnow())
    in_entry = roster.roster(session, shift_id=second.id, post_id=post.id, user=incoming, now=utcnow())
    return Crew(post, first, second, outgoing, incoming, leader, out_entry, in_entry)


def make_report(
    session: Session, *, opened_by: User, now: dt.datetime = T0, post_id: int | None = None
) -> Incident:
    """A phone report with a named reporter."""
    return incidents.open_from_report(
        session,
        channel=Channel.PHONE,
        reporter_name="Wang Fang",
        reporter_contact="138 0000 0000",
        category="theft",
        content="bicycle taken at the north gate",
        place="north gate",
        opened_by=opened_by,
        now=now,
        post_id=post_id,
    )


def make_handover(
    session: Session, crew: Crew, *, now: dt.datetime | None = None, answered: bool = True
) -> Handover:
    """A draft by the crew's outgoing operator (checklist answered by default)."""
    now = now or crew.first.ends_at - dt.timedelta(minutes=10)
    answers = {item: {"ok": True} for item in crew.post.checklist} if answered else {}
    return handovers.draft(session, post_id=crew.post.id, outgoing=crew.outgoing, now=now, checklist=answers)


def check_in(session: Session, user: User, post: Post, now: dt.datetime) -> None:
    """Check `user` in at `post`."""
    presence.check_in(session, user=user, post_id=post.id, now=now)
