"""`db.paging.page`: the total rides on the rows (one query) and stays right on every page, past the end too."""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from alerts.models import Alert
from db.paging import page
from tests.factories.alerts import make_alert, make_camera


def test_the_total_is_right_on_every_page_and_costs_no_second_query_while_rows_come_back(
    session: Session,
) -> None:
    cam = make_camera(session, name="paging-cam")
    made = [make_alert(session, cam, zone=f"z{i}").id for i in range(7)]
    session.flush()
    stmt = select(Alert).where(Alert.camera_name == "paging-cam")
    order = (Alert.id.desc(),)
    statements: list[str] = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(session.connection(), "before_cursor_execute", listen)
    try:
        first, total = page(session, stmt, order=order, limit=3, offset=0)
        assert [a.id for a in first] == sorted(made, reverse=True)[:3] and total == 7
        assert len(statements) == 1
        last, total = page(session, stmt, order=order, limit=3, offset=6)
        assert [a.id for a in last] == [min(made)] and total == 7
        past, total = page(session, stmt, order=order, limit=3, offset=50)
        assert past == [] and total == 7
        none, total = page(
            session, select(Alert).where(Alert.camera_name == "nowhere"), order=order, limit=3, offset=0
        )
        assert none == [] and total == 0
    finally:
        event.remove(session.connection(), "before_cursor_execute", listen)
