"""System-written texts stored as a message key with parameters: the English catalogue says exactly what the
code wrote, the Chinese one says it in Chinese, and the duty-log and violation chains hold with messages
hashed in new rows next to older rows without one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.console.i18n import system_text, translations
from config.alerting import AlertSettings
from core.hashchain import link_hash
from core.messages import message_of
from db.chain import verify_chain
from shift_logs.duty_log import service as duty_log
from shift_logs.duty_log.models import DutyEntry, EntryKind
from shift_logs.handover import signing
from shift_logs.handover.models import Verdict
from shift_logs.roster import presence
from shift_logs.roster.models import PresenceFlag
from shift_logs.rules.live import evaluate_live
from shift_logs.rules.models import Violation
from shift_logs.rules.service import VIOLATION_CHAIN
from tests.conftest import make_settings
from tests.factories.access import DEFAULT_PASSWORD
from tests.factories.shift_logs import T0, make_crew, make_handover, make_report


def _a_shift_written_by_the_system(session: Session) -> int:
    """A late check-in, a report at the post, a handover signed, accepted and countersigned, leave."""
    crew = make_crew(session)
    presence.check_in(
        session,
        user=crew.outgoing,
        post_id=crew.post.id,
        now=T0 + dt.timedelta(minutes=25),
        alert_settings=AlertSettings(),
    )
    make_report(session, opened_by=crew.outgoing, now=T0 + dt.timedelta(hours=1), post_id=crew.post.id)
    handover = make_handover(session, crew)
    end = crew.first.ends_at
    signing.sign(session, handover_id=handover.id, signer=crew.outgoing, password=DEFAULT_PASSWORD, now=end)
    presence.check_in(session, user=crew.incoming, post_id=crew.post.id, now=end)
    signing.accept(
        session,
        handover_id=handover.id,
        signer=crew.incoming,
        password=DEFAULT_PASSWORD,
        verdict=Verdict.ACCEPT,
        now=end + dt.timedelta(minutes=1),
    )
    signing.countersign(
        session, handover_id=handover.id, leader=crew.leader, password=DEFAULT_PASSWORD, now=end
    )
    presence.check_out(session, user=crew.outgoing, now=end + dt.timedelta(minutes=2))
    return crew.post.id


def test_every_system_entry_has_a_message_the_english_catalogue_says_word_for_word(session: Session) -> None:
    post_id = _a_shift_written_by_the_system(session)
    entries = list(session.scalars(select(DutyEntry).where(DutyEntry.post_id == post_id)))
    keys = set()
    for entry in entries:
        assert entry.message is not None, f"system entry without a message: {entry.text}"
        message = message_of(entry.message)
        assert message is not None and message.key in translations("zh")
        keys.add(message.key)
        assert system_text("en", entry.message, "") == entry.text
        chinese = system_text("zh", entry.message, "")
        assert chinese != entry.text and "{" not in chinese and "msg." not in chinese
    expected = {
        "msg.duty.checked_in_late",
        "msg.duty.checked_in",
        "msg.duty.checked_out",
        "msg.duty.incident_from_report",
        "msg.duty.handover_signed",
        "msg.duty.handover_accepted",
        "msg.duty.handover_countersigned",
    }
    assert expected <= keys, keys
    flag = session.scalars(select(PresenceFlag).where(PresenceFlag.post_id == post_id)).one()
    assert system_text("en", flag.message, "") == flag.detail
    assert "迟到" in system_text("zh", flag.message, flag.detail)


def test_chains_hold_with_messages_in_new_rows_and_none_in_old_ones(session: Session) -> None:
    post_id = _a_shift_written_by_the_system(session)
    # an entry as written before messages existed: no message, hashed without one
    duty_log.append(
        session, post_id=post_id, kind=EntryKind.OBSERVATION, text="written by hand", author=None, now=T0
    )
    evaluate_live(session, T0 + dt.timedelta(hours=13), make_settings("sqlite://"))
    report = duty_log.verify(session, post_id=post_id)
    assert report.ok, report
    said = session.scalars(select(Violation).where(Violation.said.is_not(None))).all()
    assert said, "the duty rules found nothing to say"
    checked, broken = verify_chain(session, Violation, VIOLATION_CHAIN)
    assert checked >= len(said) and broken is None
    # the message is part of the hash: the same entry with another message does not match its hash
    entry = session.scalars(select(DutyEntry).where(DutyEntry.message.is_not(None))).first()
    assert entry is not None
    assert link_hash(entry.prev_hash, entry.seq, entry.chain_content()) == entry.hash
    altered = DutyEntry(**{name: getattr(entry, name) for name in DutyEntry.chain_fields})
    altered.chain, altered.created_at = entry.chain, entry.created_at
    altered.message = {"key": "msg.duty.checked_out", "params": {"user": "someone"}}
    assert link_hash(entry.prev_hash, entry.seq, altered.chain_content()) != entry.hash
