"""The database side of `bench.api_load`: seed operators, posts, tokens and an alert backlog before the run, and
check afterwards that every answered write is stored and both chains verify."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from access import auth
from access.audit import service as audit
from access.roles import Role
from access.users.models import User, UserRole
from alerts import service as alerts
from alerts.models import Alert, AlertChange, AlertState, Priority
from bench.api_load_clients import Stats
from config.alerting import AlertSettings
from config.settings import DatabaseSettings
from core.clock import utcnow
from db.session import make_engine, make_session_factory, session_scope
from runtime.migrate import upgrade
from shift_logs.duty_log import service as duty_log
from shift_logs.duty_log.models import DutyEntry
from shift_logs.roster import presence
from shift_logs.roster import service as roster

__all__ = ["newest_change", "seed", "verify"]


def seed(url: str, operators: int, backlog: int) -> tuple[list[str], list[int], list[int], int]:
    engine = make_engine(DatabaseSettings(url=url))
    upgrade(engine)
    factory = make_session_factory(engine)
    tokens = []
    now = dt.datetime.now(dt.UTC)
    with session_scope(factory) as s:
        posts = []
        shift = roster.create_shift(
            s,
            name="bench",
            starts_at=now - dt.timedelta(minutes=5),
            ends_at=now + dt.timedelta(hours=4),
            leader=None,
        )
        for i in range(operators):
            user = User(username=f"op{i}", display_name=f"Operator {i}", password_hash="!")
            user.role_rows = [UserRole(role=Role.OPERATOR)]
            s.add(user)
            s.flush()
            post = roster.create_post(s, name=f"desk {i}")
            posts.append(post.id)
            roster.roster(s, shift_id=shift.id, post_id=post.id, user=user, now=now)
            presence.check_in(s, user=user, post_id=post.id, now=now)  # entries are written at one's own post
            tokens.append(auth.issue_api_token(s, user=user, name="bench", days=1, now=now).secret)
        ids = []
        for i in range(backlog):
            alert = alerts.raise_alert(
                s,
                kind="motion",
                camera_id=None,
                camera_name=f"cam{i % 40}",
                zone=f"z{i}",
                priority=Priority.NORMAL,
                score=0.5,
                title=f"motion {i}",
                settings=AlertSettings(),
                now=utcnow(),
            ).alert
            ids.append(alert.id)
        head = alerts.last_change_id(s)
    engine.dispose()
    return tokens, posts, ids, head


def newest_change(url: str) -> int:
    """The newest alert change now (where a console page that is opened now resumes its stream)."""
    engine = make_engine(DatabaseSettings(url=url))
    with session_scope(make_session_factory(engine)) as s:
        head = alerts.last_change_id(s)
    engine.dispose()
    return head


def verify(url: str, stats: Stats) -> bool:
    engine = make_engine(DatabaseSettings(url=url))
    ok = True
    with session_scope(make_session_factory(engine)) as s:
        rows = s.execute(
            select(Alert.id, Alert.state, Alert.acknowledged_by).where(Alert.id.in_(stats.acked))
        )
        stored = {row.id: row for row in rows}
        missing = [
            i
            for i, who in stats.acked.items()
            if i not in stored
            or stored[i].state is not AlertState.ACKNOWLEDGED
            or stored[i].acknowledged_by != who
        ]
        changes = s.execute(
            select(AlertChange.alert_id, func.count())
            .where(AlertChange.action == "acknowledged")
            .group_by(AlertChange.alert_id)
            .having(func.count() > 1)
        ).all()
        present = set(s.scalars(select(DutyEntry.id).where(DutyEntry.id.in_(stats.appended))))
        lost = len(set(stats.appended) - present)
        reports = duty_log.verify_all(s)
        audit_report = audit.verify(s)
    engine.dispose()
    print(f"every acknowledgement stored with its operator: {not missing} ({len(missing)} missing)")
    print(f"alerts with more than one acknowledgement: {len(changes)}")
    print(f"every duty-log append stored: {lost == 0} ({lost} lost)")
    logs_ok = all(r.ok for r in reports)
    checked = sum(r.checked for r in reports)
    print(f"duty-log chains verify: {logs_ok} ({len(reports)} posts, {checked} entries)")
    print(f"audit chain verifies: {audit_report.broken is None} ({audit_report.checked} entries)")
    ok = not missing and not changes and lost == 0 and logs_ok and audit_report.broken is None
    return ok
