"""Handovers: open items gathered, signatures in order by the right people, frozen content, tasks carried."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from shift_logs.duty_log import service as duty_log
from shift_logs.handover import open_items, signing
from shift_logs.handover import service as handovers
from shift_logs.handover.errors import (
    BadSignature,
    ChecklistIncomplete,
    DraftExists,
    HandoverSigned,
    HandoverStateError,
    NoOutgoingShift,
    ReservationsRequired,
    WrongSigner,
)
from shift_logs.handover.models import HandoverState, Verdict
from shift_logs.task import service as tasks
from shift_logs.task.models import TaskState
from tests.factories.access import DEFAULT_PASSWORD, make_user
from tests.factories.shift_logs import T0, make_crew, make_handover, make_report

PW = DEFAULT_PASSWORD


def test_whole_handover_with_reservations_becoming_tasks(session: Session) -> None:
    crew = make_crew(session)
    task = tasks.assign(
        session, title="check gate 3 lamp", assigned_by=crew.leader, now=T0, post_id=crew.post.id
    )
    incident = make_report(session, opened_by=crew.outgoing, post_id=crew.post.id)
    h = make_handover(session, crew)
    refs = {item["ref"] for item in h.open_items}
    assert {f"task:{task.id}", f"incident:{incident.id}"} <= refs
    assert h.incoming_id == crew.incoming.id and h.due_at == crew.first.ends_at
    now = crew.first.ends_at
    signing.sign(session, handover_id=h.id, signer=crew.outgoing, password=PW, now=now)
    assert h.state is HandoverState.SIGNED and not h.late
    assert h.log_head_seq == 1 and handovers.content_intact(session, h)
    signing.accept(
        session,
        handover_id=h.id,
        signer=crew.incoming,
        password=PW,
        verdict=Verdict.RESERVATIONS,
        reservations=["radio 2 battery weak"],
        now=now + dt.timedelta(minutes=2),
    )
    carried = [t for t in tasks.open_for(session, post_id=crew.post.id) if t.source_handover_id == h.id]
    assert [t.title for t in carried] == ["radio 2 battery weak"]
    signing.countersign(
        session, handover_id=h.id, leader=crew.leader, password=PW, now=now + dt.timedelta(minutes=5)
    )
    assert handovers.require(session, h.id).state is HandoverState.COUNTERSIGNED
    assert duty_log.verify(session, post_id=crew.post.id).ok
    assert task.state is TaskState.OPEN  # carried over until done


def test_bad_signatures_are_refused_and_change_nothing(session: Session) -> None:
    crew = make_crew(session)
    h = make_handover(session, crew)
    now = crew.first.ends_at
    with pytest.raises(HandoverStateError):
        signing.accept(
            session, handover_id=h.id, signer=crew.incoming, password=PW, verdict=Verdict.ACCEPT, now=now
        )
    with pytest.raises(WrongSigner):
        signing.sign(session, handover_id=h.id, signer=crew.incoming, password=PW, now=now)
    with pytest.raises(BadSignature):
        signing.sign(session, handover_id=h.id, signer=crew.outgoing, password="not it", now=now)
    assert h.state is HandoverState.DRAFT and h.content_hash is None
    signing.sign(session, handover_id=h.id, signer=crew.outgoing, password=PW, now=now)
    with pytest.raises(HandoverSigned):
        signing.sign(session, handover_id=h.id, signer=crew.outgoing, password=PW, now=now)
    with pytest.raises(HandoverSigned):
        handovers.update(session, handover_id=h.id, user=crew.outgoing, remarks="changed my mind")
    with pytest.raises(HandoverStateError):
        signing.countersign(session, handover_id=h.id, leader=crew.leader, password=PW, now=now)
    with pytest.raises(WrongSigner):
        signing.accept(
            session, handover_id=h.id, signer=crew.leader, password=PW, verdict=Verdict.ACCEPT, now=now
        )
    with pytest.raises(ReservationsRequired):
        signing.accept(
            session,
            handover_id=h.id,
            signer=crew.incoming,
            password=PW,
            verdict=Verdict.RESERVATIONS,
            now=now,
        )
    signing.accept(
        session, handover_id=h.id, signer=crew.incoming, password=PW, verdict=Verdict.ACCEPT, now=now
    )
    with pytest.raises(WrongSigner):
        signing.countersign(session, handover_id=h.id, leader=make_user(session), password=PW, now=now)
    assert handovers.require(session, h.id).state is HandoverState.ACCEPTED and h.remarks == ""


def test_draft_rules(session: Session) -> None:
    crew = make_crew(session)
    with pytest.raises(NoOutgoingShift):
        handovers.draft(session, post_id=crew.post.id, outgoing=crew.incoming, now=T0 + dt.timedelta(hours=1))
    h = make_handover(session, crew, answered=False)
    with pytest.raises(DraftExists):
        make_handover(session, crew)
    with pytest.raises(ChecklistIncomplete):
        signing.sign(session, handover_id=h.id, signer=crew.outgoing, password=PW, now=crew.first.ends_at)
    with pytest.raises(ChecklistIncomplete):
        handovers.update(session, handover_id=h.id, user=crew.outgoing, checklist={"piano": {"ok": True}})
    handovers.update(
        session,
        handover_id=h.id,
        user=crew.outgoing,
        remarks="quiet night",
        checklist={"keys": {"ok": True}, "radios": {"ok": False, "note": "one missing"}},
    )
    late = crew.first.ends_at + dt.timedelta(minutes=30)
    signing.sign(session, handover_id=h.id, signer=crew.outgoing, password=PW, now=late)
    assert h.late and h.checklist[1] == {"item": "radios", "ok": False, "note": "one missing"}


def test_tampered_handover_content_no_longer_matches_its_hash(session: Session) -> None:
    crew = make_crew(session)
    h = make_handover(session, crew)
    signing.sign(session, handover_id=h.id, signer=crew.outgoing, password=PW, now=crew.first.ends_at)
    assert handovers.content_intact(session, h) is True
    h.remarks = "rewritten later"
    assert handovers.content_intact(session, h) is False
    h.content_hash = handovers.content_hash(h)  # rewriting the stored hash too does not help
    assert handovers.content_intact(session, h) is False


def test_open_item_providers_can_be_registered_by_other_domains(session: Session) -> None:
    crew = make_crew(session)
    item = open_items.OpenItem(kind="drill", ref="drill:7", title="fire drill at 15:00", post_id=crew.post.id)
    open_items.register("drill", lambda s: [item])
    try:
        assert item in open_items.gather(session, post_id=crew.post.id)
        assert item not in open_items.gather(session, post_id=crew.post.id + 1)
    finally:
        open_items.unregister("drill")
    assert "drill" not in open_items.registered()
