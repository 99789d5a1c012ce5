"""One evaluator: the live presence rules (unstaffed post, inactivity, late handover) come only from the duty
rules in force; changing a rule changes the one alert it raises, and no other path raises a second one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.models import Alert
from core.actor import Actor
from shift_logs.roster import flags, presence
from shift_logs.roster.models import FlagKind
from shift_logs.rules import service as compliance
from shift_logs.rules import store
from shift_logs.rules.live import ALERT_KIND, evaluate_live
from shift_logs.rules.model import default_rules
from tests.conftest import make_settings
from tests.factories.shift_logs import T0, Crew, make_crew

M = dt.timedelta(minutes=1)
ADMIN = Actor(id=None, name="root")


def _set(session: Session, at: dt.datetime, **params: dict[str, object]) -> None:
    data = default_rules().model_dump(mode="json")
    for rule_id, values in params.items():
        data["rules"][rule_id]["params"].update(values)
    store.sync_from_file(session, default_rules(), now=T0 - 60 * M)
    store.change(
        session, content=data, actor=ADMIN, roles=["admin"], allowed_roles=["admin"], reason="test", now=at
    )


def _alerts(session: Session, crew: Crew) -> list[tuple[str, str | None]]:
    """Every alert about the crew's post or its people (any kind, so a second path would show)."""
    rows = session.scalars(select(Alert).order_by(Alert.id)).all()
    names = {crew.post.name, crew.outgoing.username, ""}
    return [(a.kind, a.zone) for a in rows if a.camera_name in names]


def _check_in(session: Session, crew: Crew, at: dt.datetime) -> None:
    head = store.current(session)
    version = head.version if head is not None else None
    presence.check_in(session, user=crew.outgoing, post_id=crew.post.id, now=at, rules_version=version)


def test_the_live_rules_raise_unstaffed_inactivity_and_late_handover_once_each(session: Session) -> None:
    settings, crew = make_settings("sqlite://"), make_crew(session)
    assert evaluate_live(session, T0 + 5 * M, settings) == []  # within min_staff.grace_minutes (10)
    assert [v.rule_id for v in evaluate_live(session, T0 + 11 * M, settings)] == ["min_staff"]
    evaluate_live(session, T0 + 12 * M, settings)
    assert _alerts(session, crew) == [(ALERT_KIND, "min_staff")]
    _check_in(session, crew, T0 + 13 * M)
    presence.touch(session, user=crew.outgoing, now=T0 + 20 * M)
    assert evaluate_live(session, T0 + 39 * M, settings) == []
    assert [v.rule_id for v in evaluate_live(session, T0 + 41 * M, settings)] == ["inactivity"]
    presence.check_out(session, user=crew.outgoing, now=T0 + 42 * M)
    end = crew.first.ends_at
    late = [v.rule_id for v in evaluate_live(session, end + 16 * M, settings)]
    assert "handover_lead" in late
    kinds = [f.kind for f in flags.list_flags(session, since=T0)]
    assert {FlagKind.UNSTAFFED, FlagKind.INACTIVE, FlagKind.LATE_HANDOVER, FlagKind.LATE_CHECKIN} <= set(
        kinds
    )
    assert not [kind for kind, _ in _alerts(session, crew) if kind.startswith("presence.")]


def test_changing_the_inactivity_rule_changes_its_one_alert(session: Session) -> None:
    settings, crew = make_settings("sqlite://"), make_crew(session)
    _set(session, T0 - M, inactivity={"minutes": 30})
    _check_in(session, crew, T0)
    assert evaluate_live(session, T0 + 25 * M, settings) == []  # 20 min (the default) would have fired
    assert [v.rule_id for v in evaluate_live(session, T0 + 31 * M, settings)] == ["inactivity"]
    evaluate_live(session, T0 + 32 * M, settings)
    assert _alerts(session, crew) == [(ALERT_KIND, "inactivity")]


def test_changing_the_unstaffed_grace_changes_its_one_alert(session: Session) -> None:
    settings, crew = make_settings("sqlite://"), make_crew(session)
    _set(session, T0 - M, min_staff={"grace_minutes": 0})
    assert [v.rule_id for v in evaluate_live(session, T0 + M, settings)] == ["min_staff"]
    assert _alerts(session, crew) == [(ALERT_KIND, "min_staff")]
    _check_in(session, crew, T0 + 2 * M)  # a check-in after the grace (0 min) is late
    assert presence.open_presence(session, user_id=crew.outgoing.id).late  # type: ignore[union-attr]
    rows, _ = compliance.list_(session, limit=10, offset=0, rule_id="min_staff")
    assert sorted(r.origin for r in rows) == ["check-in", "live"]


def test_a_check_in_within_the_grace_is_on_time(session: Session) -> None:
    crew = make_crew(session)
    _set(session, T0 - M, min_staff={"grace_minutes": 30})
    _check_in(session, crew, T0 + 25 * M)  # late under the default 10 min, on time under 30
    assert not presence.open_presence(session, user_id=crew.outgoing.id).late  # type: ignore[union-attr]


def test_a_longer_handover_grace_delays_the_late_handover(session: Session) -> None:
    settings, crew = make_settings("sqlite://"), make_crew(session)
    _set(session, T0 - M, handover_lead={"grace_minutes": 45})
    _check_in(session, crew, T0)
    presence.check_out(session, user=crew.outgoing, now=T0 + M)
    end = crew.first.ends_at
    assert "handover_lead" not in [v.rule_id for v in evaluate_live(session, end + 16 * M, settings)]
    assert "handover_lead" in [v.rule_id for v in evaluate_live(session, end + 46 * M, settings)]
