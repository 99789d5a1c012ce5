"""Pure rules of the shift logs: handover content hash, checklist answers, overdue incidents, open items."""

from __future__ import annotations

import datetime as dt

import pytest

from shift_logs.handover.errors import ChecklistIncomplete
from shift_logs.handover.models import Handover
from shift_logs.handover.open_items import OpenItem
from shift_logs.handover.service import checklist_answers, content_hash, matches_hash
from shift_logs.incident.models import Incident, IncidentState
from shift_logs.incident.service import is_overdue
from shift_logs.roster.models import Post

T0 = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


def _handover(**over: object) -> Handover:
    values: dict[str, object] = {
        "id": 1,
        "post_id": 2,
        "shift_id": 3,
        "outgoing_id": 4,
        "incoming_id": 5,
        "remarks": "quiet",
        "open_items": [{"kind": "task", "ref": "task:1"}],
        "checklist": [{"item": "keys", "ok": True, "note": ""}],
        "due_at": T0,
        "log_head_seq": 7,
        "log_head_hash": "a" * 64,
    }
    return Handover(**{**values, **over})


def test_content_hash_changes_with_every_handed_over_field() -> None:
    base = content_hash(_handover())
    assert base == content_hash(_handover())
    for field, value in [("remarks", "loud"), ("log_head_seq", 8), ("incoming_id", 9), ("open_items", [])]:
        assert content_hash(_handover(**{field: value})) != base, field


def test_matches_hash_is_none_for_drafts_and_false_after_a_change() -> None:
    h = _handover()
    assert matches_hash(h) is None
    h.content_hash = content_hash(h)
    assert matches_hash(h) is True
    h.remarks = "rewritten"
    assert matches_hash(h) is False


def test_checklist_answers_follow_the_posts_list_and_refuse_unknown_items() -> None:
    post = Post(name="a", checklist=["keys", "radios"])
    rows = checklist_answers(post, {"radios": {"ok": False, "note": "one missing"}})
    assert rows == [
        {"item": "keys", "ok": None, "note": ""},
        {"item": "radios", "ok": False, "note": "one missing"},
    ]
    with pytest.raises(ChecklistIncomplete):
        checklist_answers(post, {"piano": {"ok": True}})


def test_overdue_when_past_the_acknowledgement_or_result_deadline() -> None:
    incident = Incident(state=IncidentState.OPEN, ack_due_at=T0, result_due_at=T0 + dt.timedelta(days=45))
    assert not is_overdue(incident, T0)
    assert is_overdue(incident, T0 + dt.timedelta(seconds=1))
    incident.state = IncidentState.ACKNOWLEDGED
    assert not is_overdue(incident, T0 + dt.timedelta(days=1))
    assert is_overdue(incident, T0 + dt.timedelta(days=46))
    incident.state = IncidentState.CLOSED
    assert not is_overdue(incident, T0 + dt.timedelta(days=99))


def test_open_item_serialises_its_time() -> None:
    item = OpenItem(kind="fault", ref="fault:3", title="camera 4 offline", since=T0, post_id=1)
    assert item.as_dict() == {
        "kind": "fault",
        "ref": "fault:3",
        "title": "camera 4 offline",
        "since": T0.isoformat(),
        "post_id": 1,
    }
