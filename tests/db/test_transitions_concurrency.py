"""Every state transition is race-free on PostgreSQL: of 16 concurrent callers exactly one wins, exactly one
change is written, and every other caller gets a 409 naming the state it found."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from access import auth
from access.roles import Role
from access.users.models import User
from alerts import service as alerts
from alerts.models import AlertChange
from config.alerting import AlertSettings, ResponderConfig
from config.footage import FootageSettings
from config.maintenance import MaintenanceSettings
from config.settings import AuthSettings
from core.clock import SystemClock, utcnow
from core.errors import InvalidTransition
from db.session import make_engine, make_session_factory, session_scope
from footage import grants, holds
from maintenance import faults
from maintenance.lifecycle import Action
from maintenance.models import FaultEvent
from runtime.migrate import upgrade
from shift_logs.duty_log.models import DutyEntry
from shift_logs.handover import service as handovers
from shift_logs.handover import signing
from shift_logs.handover.models import HandoverState, Verdict
from shift_logs.roster import presence
from shift_logs.roster import service as roster
from testkit.cluster import fresh_pg_database
from tests.conftest import PG_ADMIN_URL, make_settings
from tests.factories.access import DEFAULT_PASSWORD, make_user
from tests.factories.alerts import make_alert, make_camera
from tests.factories.footage import make_hold
from tests.factories.maintenance import make_fault, make_tech, walk
from tests.factories.shift_logs import T0, check_in, make_crew, make_handover, make_post

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def pg_engine() -> Iterator[Engine]:
    """A PostgreSQL database of this module's own: the races commit, and other tests must not see the rows."""
    with fresh_pg_database(PG_ADMIN_URL) as url:
        engine = make_engine(make_settings(url).database)
        upgrade(engine)
        yield engine
        engine.dispose()


N = 16
PW = DEFAULT_PASSWORD


@dataclass
class Outcome:
    """What the N callers got."""

    wins: int = 0
    refusals: list[InvalidTransition] = field(default_factory=list)
    other: list[BaseException] = field(default_factory=list)


def race(engine: Engine, step: Callable[[Session, int], object], n: int = N) -> Outcome:
    """Run `step(session, i)` in `n` threads at once, each in its own transaction; tally the results."""
    factory = make_session_factory(engine)
    barrier = threading.Barrier(n)
    outcome = Outcome()
    lock = threading.Lock()

    def run(i: int) -> None:
        barrier.wait()
        try:
            with session_scope(factory) as session:
                step(session, i)
        except InvalidTransition as exc:
            with lock:
                outcome.refusals.append(exc)
        except BaseException as exc:
            with lock:
                outcome.other.append(exc)
        else:
            with lock:
                outcome.wins += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcome


def assert_one_winner(outcome: Outcome, state: str) -> None:
    """Exactly one success; every other caller was refused with a 409 naming `state`."""
    assert outcome.other == []
    assert outcome.wins == 1
    assert len(outcome.refusals) == N - 1
    for exc in outcome.refusals:
        assert state in exc.message, exc.message
        assert exc.detail["state"] in exc.message


def setup(engine: Engine, build: Callable[[Session], Any]) -> Any:
    """Build and commit the objects a race needs."""
    with session_scope(make_session_factory(engine)) as session:
        return build(session)


def count(engine: Engine, stmt: Any) -> int:
    """A committed count."""
    with session_scope(make_session_factory(engine)) as session:
        return int(session.scalar(stmt) or 0)


def _alert_changes(engine: Engine, alert_id: int, action: str) -> int:
    stmt = (
        select(func.count())
        .select_from(AlertChange)
        .where(AlertChange.alert_id == alert_id, AlertChange.action == action)
    )
    return count(engine, stmt)


NOW = utcnow()  # the dispatch racers act at one time


def _alert_and_users(session: Session) -> tuple[int, list[User]]:
    alert = make_alert(session, make_camera(session))
    return alert.id, [make_user(session) for _ in range(N)]


def test_only_one_of_16_operators_acknowledges_an_alert(pg_engine: Engine) -> None:
    alert_id, users = setup(pg_engine, _alert_and_users)
    outcome = race(
        pg_engine, lambda s, i: alerts.acknowledge(s, alert_id=alert_id, user=users[i], now=utcnow())
    )
    assert_one_winner(outcome, "acknowledged")
    assert _alert_changes(pg_engine, alert_id, "acknowledged") == 1


@pytest.mark.parametrize(("false_alarm", "state"), [(False, "resolved"), (True, "false_alarm")])
def test_only_one_of_16_operators_closes_an_alert(pg_engine: Engine, false_alarm: bool, state: str) -> None:
    alert_id, users = setup(pg_engine, _alert_and_users)
    outcome = race(
        pg_engine,
        lambda s, i: alerts.close(
            s, alert_id=alert_id, user=users[i], false_alarm=false_alarm, note="seen", now=utcnow()
        ),
    )
    assert_one_winner(outcome, state)
    assert _alert_changes(pg_engine, alert_id, state) == 1
    assert _alert_changes(pg_engine, alert_id, "acknowledged") == 1


def test_only_one_of_16_dispatches_of_an_alert_is_sent(pg_engine: Engine) -> None:
    alert_id, users = setup(pg_engine, _alert_and_users)
    settings = AlertSettings(responders=[ResponderConfig(name="patrol")])
    outcome = race(
        pg_engine,
        lambda s, i: alerts.dispatch(
            s, alert_id=alert_id, user=users[i], responders=["patrol"], note="go", settings=settings, now=NOW
        ),
    )
    assert_one_winner(outcome, "dispatched to patrol")
    assert _alert_changes(pg_engine, alert_id, "dispatched") == 1


def _handover_entries(engine: Engine, handover_id: int) -> int:
    stmt = select(func.count()).select_from(DutyEntry).where(DutyEntry.ref == f"handover:{handover_id}")
    return count(engine, stmt)


def _handover(session: Session, stage: int) -> tuple[int, Any]:
    crew = make_crew(session, start=T0 + dt.timedelta(days=400 + _handover.n))  # type: ignore[attr-defined]
    _handover.n += 1  # type: ignore[attr-defined]
    h = make_handover(session, crew)
    now = crew.first.ends_at
    if stage >= 1:
        signing.sign(session, handover_id=h.id, signer=crew.outgoing, password=PW, now=now)
    if stage >= 2:
        signing.accept(
            session, handover_id=h.id, signer=crew.incoming, password=PW, verdict=Verdict.ACCEPT, now=now
        )
    return h.id, crew


_handover.n = 0  # type: ignore[attr-defined]


def test_only_one_of_16_signatures_of_a_handover_counts(pg_engine: Engine) -> None:
    handover_id, crew = setup(pg_engine, lambda s: _handover(s, 0))
    now = crew.first.ends_at
    outcome = race(
        pg_engine,
        lambda s, i: signing.sign(s, handover_id=handover_id, signer=crew.outgoing, password=PW, now=now),
    )
    assert_one_winner(outcome, "signed")
    assert _handover_entries(pg_engine, handover_id) == 1


def test_only_one_of_16_countersignatures_of_a_handover_counts(pg_engine: Engine) -> None:
    handover_id, crew = setup(pg_engine, lambda s: _handover(s, 2))
    now = crew.second.starts_at
    outcome = race(
        pg_engine,
        lambda s, i: signing.countersign(
            s, handover_id=handover_id, leader=crew.leader, password=PW, now=now
        ),
    )
    assert_one_winner(outcome, "countersigned")
    assert _handover_entries(pg_engine, handover_id) == 3


def _signed_with_stand_ins(session: Session) -> tuple[int, Any, list[User]]:
    handover_id, crew = _handover(session, 1)
    return handover_id, crew, [make_user(session) for _ in range(N - 1)]


def test_a_reassignment_racing_the_incoming_signature_never_lets_both_count(pg_engine: Engine) -> None:
    """The incoming person signs while 15 leaders' re-assignments arrive at once: either the signature wins and
    every re-assignment is refused naming "accepted", or the re-assignments win (each one written, in turn) and
    the signature is refused as someone else's; never an acceptance by a person who is no longer the incoming."""
    handover_id, crew, stand_ins = setup(pg_engine, _signed_with_stand_ins)
    now = crew.first.ends_at

    def step(s: Session, i: int) -> object:
        if i == 0:
            return signing.accept(
                s, handover_id=handover_id, signer=crew.incoming, password=PW, verdict=Verdict.ACCEPT, now=now
            )
        return signing.reassign(
            s, handover_id=handover_id, leader=crew.leader, incoming_id=stand_ins[i - 1].id, now=now
        )

    outcome = race(pg_engine, step)
    with session_scope(make_session_factory(pg_engine)) as session:
        handover = handovers.require(session, handover_id)
        of_it = select(DutyEntry.text).where(DutyEntry.ref == f"handover:{handover_id}")
        texts = list(session.scalars(of_it.order_by(DutyEntry.seq)))
        moved = [t for t in texts if " re-assigned by " in t]
        if handover.state is HandoverState.ACCEPTED:
            assert handover.incoming_id == crew.incoming.id and moved == []
            assert outcome.wins == 1 and outcome.other == [] and len(outcome.refusals) == N - 1
            assert all("accepted" in exc.message for exc in outcome.refusals)
        else:
            assert handover.state is HandoverState.SIGNED
            assert outcome.wins == N - 1 and outcome.refusals == []
            assert [type(e).__name__ for e in outcome.other] == ["WrongSigner"]
            assert len(moved) == N - 1 and handover.incoming_id in {u.id for u in stand_ins}
            last = moved[-1].rsplit(" to ", 1)[1].split(";")[0]  # the last one written is the one in force
            assert handover.incoming.username == last
        assert handovers.content_intact(session, handover) is True


def _leave(session: Session) -> tuple[int, User, dt.datetime]:
    crew = make_crew(session, start=T0 + dt.timedelta(days=800 + _handover.n))  # type: ignore[attr-defined]
    _handover.n += 1  # type: ignore[attr-defined]
    helper, helper_post = make_user(session), make_post(session)
    roster.roster(session, shift_id=crew.first.id, post_id=helper_post.id, user=helper, now=utcnow())
    now = crew.first.starts_at
    check_in(session, crew.outgoing, crew.post, now)
    check_in(session, helper, helper_post, now)
    leave = presence.request_leave(session, user=crew.outgoing, substitute=helper, reason="break", now=now)
    return leave.id, crew.leader, now


def test_only_one_of_16_approvals_of_a_leave_counts(pg_engine: Engine) -> None:
    leave_id, leader, now = setup(pg_engine, _leave)
    outcome = race(
        pg_engine, lambda s, i: presence.approve_leave(s, leave_id=leave_id, leader=leader, now=now)
    )
    assert_one_winner(outcome, "approved")
    stmt = select(func.count()).select_from(DutyEntry).where(DutyEntry.ref == f"leave:{leave_id}")
    assert count(pg_engine, stmt) == 1


def test_only_one_of_16_decisions_on_a_footage_request_counts(pg_engine: Engine) -> None:
    settings = FootageSettings()

    def build(session: Session) -> tuple[int, list[User]]:
        camera = make_camera(session)
        requester = make_user(session)
        request = grants.file_request(
            session,
            user=requester,
            organisation="City police",
            reason="theft",
            camera_ids=[camera.id],
            start=T0,
            end=T0 + dt.timedelta(minutes=10),
            settings=settings,
            now=T0,
        )
        return request.id, [make_user(session, roles=(Role.SHIFT_LEADER,)) for _ in range(N)]

    request_id, leaders = setup(pg_engine, build)
    outcome = race(
        pg_engine,
        lambda s, i: grants.decide(
            s, request_id=request_id, user=leaders[i], approve=True, settings=settings, now=T0
        ),
    )
    assert_one_winner(outcome, "approved")


def test_only_one_of_16_releases_of_an_evidence_hold_counts(pg_engine: Engine) -> None:
    def build(session: Session) -> tuple[int, list[User]]:
        hold = make_hold(session, make_camera(session))
        return hold.id, [make_user(session, roles=(Role.SUPERVISOR,)) for _ in range(N)]

    hold_id, supervisors = setup(pg_engine, build)
    outcome = race(
        pg_engine,
        lambda s, i: holds.release_hold(
            s, hold_id=hold_id, user=supervisors[i], reason="case closed", now=utcnow()
        ),
    )
    assert_one_winner(outcome, "released")


@pytest.mark.parametrize(
    ("before", "action", "state"),
    [
        ((), Action.REJECT, "rejected"),
        ((Action.ASSIGN,), Action.START, "in_progress"),
        ((Action.ASSIGN, Action.START), Action.FIX, "fixed"),
        ((Action.ASSIGN, Action.START, Action.FIX), Action.VERIFY, "verified"),
        ((Action.ASSIGN, Action.START, Action.FIX), Action.REOPEN, "in_progress"),
    ],
)
def test_only_one_of_16_steps_of_a_fault_counts(
    pg_engine: Engine, before: tuple[Action, ...], action: Action, state: str
) -> None:
    settings = MaintenanceSettings(allow_self_verify=True)

    def build(session: Session) -> tuple[int, User]:
        tech = make_tech(session)
        fault = walk(session, make_fault(session), *before, user=tech, settings=settings)
        return fault.id, tech

    fault_id, tech = setup(pg_engine, build)
    outcome = race(
        pg_engine,
        lambda s, i: faults.transition(
            s,
            fault_id=fault_id,
            action=action,
            user=s.get(User, tech.id),
            settings=settings,
            assignee_id=tech.id if action is Action.ASSIGN else None,
            now=utcnow(),
        ),
    )
    assert_one_winner(outcome, state)
    stmt = (
        select(func.count())
        .select_from(FaultEvent)
        .where(FaultEvent.fault_id == fault_id, FaultEvent.action == action.value)
    )
    assert count(pg_engine, stmt) == 1


def test_30_parallel_wrong_logins_are_checked_exactly_the_configured_count(pg_engine: Engine) -> None:
    """Parallel guesses from one address queue on the sign-in lock: exactly `lockout_attempts` passwords are
    checked, every later one is throttled unchecked."""
    settings = AuthSettings()
    user = setup(pg_engine, lambda s: make_user(s))
    factory = make_session_factory(pg_engine)
    barrier = threading.Barrier(30)
    codes: list[str] = []
    lock = threading.Lock()

    def attempt() -> None:
        barrier.wait()
        with session_scope(factory) as session:
            wrong = {"username": user.username, "password": "wrong!", "address": "10.9.9.9"}
            result = auth.attempt_login(session, **wrong, auth=settings, clock=SystemClock())
        assert result.error is not None
        with lock:
            codes.append(result.error.code)

    threads = [threading.Thread(target=attempt) for _ in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(codes) == 30
    assert codes.count("login_refused") == settings.lockout_attempts
    assert codes.count("login_throttled") == 30 - settings.lockout_attempts
