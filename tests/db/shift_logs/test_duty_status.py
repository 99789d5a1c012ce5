"""The console's duty bar: who is on duty where, my check-in, open counts, time to my handover."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from core.clock import utcnow
from shift_logs.roster.presence import check_in
from shift_logs.status import duty_status
from tests.factories.alerts import make_alert, make_camera
from tests.factories.shift_logs import make_crew


def test_status_names_who_is_on_duty_and_when_my_shift_ends(session: Session) -> None:
    now = utcnow()
    crew = make_crew(session, start=now - dt.timedelta(hours=1))
    check_in(session, user=crew.outgoing, post_id=crew.post.id, now=now)
    make_alert(session, make_camera(session), now=now)
    mine = duty_status(session, user=crew.outgoing, now=now)
    assert mine.checked_in and mine.my_post
    assert any(p.user in (crew.outgoing.display_name, crew.outgoing.username) for p in mine.on_duty)
    assert mine.handover_at == crew.out_entry.ends_at
    assert mine.open_alerts >= 1
    theirs = duty_status(session, user=crew.incoming, now=now)
    assert not theirs.checked_in and theirs.handover_at is None
