"""A handover lists the open items of its own post and those of the whole room, not another post's alerts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from alerts import service as alerts
from alerts.models import Priority
from config.alerting import AlertSettings
from core.clock import utcnow
from shift_logs.handover import open_items
from tests.factories.alerts import make_alert, make_camera
from tests.factories.shift_logs import make_post


def test_alerts_belong_to_the_post_watching_their_camera(session: Session) -> None:
    cams = {name: make_camera(session, name=name) for name in ("gate", "lobby", "roof")}
    desk1 = make_post(session, name="desk-1", cameras=("gate",))
    desk2 = make_post(session, name="desk-2", cameras=("lobby",))
    gate = make_alert(session, cams["gate"])
    lobby = make_alert(session, cams["lobby"])
    roof = make_alert(session, cams["roof"])  # no post watches it: the whole room
    unstaffed = alerts.raise_alert(
        session,
        kind="presence.unstaffed",
        camera_id=None,
        camera_name="",
        zone=f"post:{desk1.id}",
        priority=Priority.HIGH,
        score=1.0,
        title="desk 1 unstaffed",
        settings=AlertSettings(),
        now=utcnow(),
    ).alert
    refs = {
        item.ref: item.post_id
        for item in open_items.gather(session, post_id=desk2.id)
        if item.kind == "alert"
    }
    assert refs == {f"alert:{lobby.id}": desk2.id, f"alert:{roof.id}": None}
    refs1 = {item.ref for item in open_items.gather(session, post_id=desk1.id) if item.kind == "alert"}
    assert refs1 == {f"alert:{gate.id}", f"alert:{unstaffed.id}", f"alert:{roof.id}"}
