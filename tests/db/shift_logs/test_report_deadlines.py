"""A report's deadlines come from the duty rules (`report_deadlines` in config/duty_rules.yaml, or the version
stored after it): change the rule file and every stage runs against the new limits."""

from __future__ import annotations

import datetime as dt

import yaml
from sqlalchemy.orm import Session

from access.roles import Role
from config.settings import DEFAULT_RULES_FILE
from shift_logs.incident import follow, transfer
from shift_logs.incident.workflow import DueKind, Finding
from shift_logs.rules import store
from shift_logs.rules.model import parse_duty_rules
from shift_logs.unit import service as units
from tests.factories.access import make_user
from tests.factories.shift_logs import T0, make_report

DAY = dt.timedelta(days=1)


def test_the_packaged_rule_file_sets_the_practice_limits() -> None:
    params = yaml.safe_load(DEFAULT_RULES_FILE.read_text(encoding="utf-8"))["rules"]["report_deadlines"]
    assert DEFAULT_RULES_FILE.parent.name == "config" and DEFAULT_RULES_FILE.name == "duty_rules.yaml"
    assert params["params"] == {
        "acceptance_days": 15,
        "result_days": 60,
        "unit_reply_days": 15,
        "return_visit_days": 7,
    }


def test_a_changed_rule_file_moves_every_deadline_of_a_report(session: Session) -> None:
    data = yaml.safe_load(DEFAULT_RULES_FILE.read_text(encoding="utf-8"))
    data["rules"]["report_deadlines"]["params"] = {
        "acceptance_days": 5,
        "result_days": 20,
        "unit_reply_days": 3,
        "return_visit_days": 2,
    }
    version = store.sync_from_file(session, parse_duty_rules(data, source="test"), now=T0 - DAY)
    assert version is not None
    lead = make_user(session, roles=(Role.SHIFT_LEADER,))
    report = make_report(session, opened_by=lead)
    assert (report.due_kind, report.due_at, report.ack_due_at) == (
        DueKind.ACCEPTANCE,
        T0 + 5 * DAY,
        T0 + 5 * DAY,
    )
    follow.accept(session, incident_id=report.id, user=lead, now=T0 + DAY, decision="accepted")
    assert (report.due_kind, report.due_at) == (DueKind.RESULT, T0 + 20 * DAY)
    unit = units.create(session, name="Parks", contact="", external=True, reply_days=None, now=T0)
    transfer.transfer(
        session, incident_id=report.id, unit_id=unit.id, user=lead, now=T0 + 2 * DAY, note="", secret=b"s"
    )
    assert (report.due_kind, report.due_at) == (DueKind.UNIT_REPLY, T0 + 5 * DAY)
    transfer.reply(session, incident_id=report.id, user=lead, now=T0 + 4 * DAY, text="checked")
    assert (report.due_kind, report.due_at) == (DueKind.RESULT, T0 + 20 * DAY)
    follow.conclude(
        session,
        incident_id=report.id,
        user=lead,
        now=T0 + 6 * DAY,
        finding=Finding.SUBSTANTIATED,
        summary="it happened",
    )
    follow.answer(session, incident_id=report.id, user=lead, now=T0 + 7 * DAY, via="letter")
    assert (report.due_kind, report.due_at) == (DueKind.RETURN_VISIT, T0 + 9 * DAY)
