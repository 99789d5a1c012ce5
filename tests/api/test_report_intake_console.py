"""Taking reports on /incidents: anonymous ones, a collective visit and a real-name joint letter with their
size, a report linked to an earlier one on the same matter; all counted by the disposal report. A source of
repeated false accusations is flagged on its next report without anyone's identity."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from access.roles import Role
from core.clock import FixedClock
from tests.factories.shift_logs import T0
from tests.support.app_env import Env


def _take(env: Env, headers: dict[str, str], **data: object) -> int:
    base: dict[str, object] = {"channel": "walk_in", "category": "noise", "content": "music at night"}
    response = env.client.post(
        "/incidents/reports", data=base | data, headers=headers, follow_redirects=False
    )
    assert response.status_code == 303, response.text[:300]
    return int(str(response.headers["location"]).rsplit("/", 1)[1])


def _read(env: Env, rid: int, headers: dict[str, str]) -> dict[str, Any]:
    response = env.client.get(f"/api/v1/incidents/{rid}", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_anonymous_collective_joint_and_related_reports_are_recorded_and_counted(env: Env, lang: str) -> None:
    env.app.state.ctx.clock = FixedClock(T0)
    lead, op = env.user(Role.SHIFT_LEADER), env.user(Role.OPERATOR)
    h_lead, h_op = env.token(lead), env.token(op)
    nameless = env.client.post(
        "/incidents/reports",
        data={"channel": "letter", "category": "noise", "content": "no name given"},
        headers=h_op,
        follow_redirects=False,
    )
    assert nameless.status_code == 422 and "anonymous" in nameless.text
    anonymous = _take(env, h_op, anonymous="on", reporter_name="Typed By Mistake", channel="online")
    visit = _take(env, h_op, reporter_name="Chen Jie", collective="visit", headcount="12")
    first_code = _read(env, visit, h_op)["ref_code"]
    letter = _take(
        env, h_op, reporter_name="Zhou Min", channel="letter", collective="letter", headcount="31",
        related_code=first_code.lower(),
    )  # fmt: skip

    seen = _read(env, anonymous, h_lead)
    assert seen["anonymous"] is True and (seen["reporter_name"], seen["reporter_contact"]) == ("", "")
    joint = _read(env, letter, h_lead)
    assert (joint["collective"], joint["headcount"], joint["related_to_id"]) == ("letter", 31, visit)
    assert (_read(env, visit, h_op)["collective"], _read(env, visit, h_op)["headcount"]) == ("visit", 12)

    page = env.client.get(f"/incidents/{anonymous}?lang={lang}", headers=h_lead).text
    assert "Typed By Mistake" not in page
    assert {"en": "Anonymous", "zh": "匿名"}[lang] in page.split('id="reporter"', 1)[1].split("</dd>", 1)[0]
    page = env.client.get(f"/incidents/{letter}?lang={lang}", headers=h_op).text
    assert f'<a id="related" href="/incidents/{visit}">{first_code}</a>' in page
    assert "(31)" in page and "Zhou Min" not in page

    env.app.state.ctx.clock = FixedClock(T0 + dt.timedelta(days=10))
    got = env.client.get("/api/v1/reports?period=month&at=2026-11", headers=env.token(lead))
    assert got.status_code == 200, got.text[:300]
    report = got.json()
    figures = {
        f["key"]: f["current"] for s in report["sections"] if s["name"] == "disposal" for f in s["figures"]
    }
    assert (figures["received"], figures["anonymous"], figures["related"]) == (3, 1, 1)
    assert (figures["collective_visits"], figures["joint_letters"]) == (1, 1)


def test_a_source_of_repeated_false_accusations_is_flagged_on_its_next_report_without_its_identity(
    env: Env,
) -> None:
    env.app.state.ctx.clock = FixedClock(T0)
    lead, op = env.user(Role.SHIFT_LEADER), env.user(Role.OPERATOR)
    h_lead, h_op = env.token(lead), env.token(op)
    who = {"reporter_name": "Zhao Lei", "reporter_contact": "139 1111 2222"}
    for n in range(2):
        rid = _take(env, h_op, content=f"claim {n}", report_type="accusation", **who)
        for step, data in (
            ("accept", {"decision": "accepted"}),
            (
                "conclude",
                {"finding": "false_accusation", "summary": "untrue", "clarification": "name restored"},
            ),
        ):
            done = env.client.post(f"/incidents/{rid}/steps/{step}", data=data, headers=h_lead)
            assert done.status_code == 200, done.text[:300]
        assert _read(env, rid, h_op)["repeat_false_source"] is (n == 1)
    again = _take(env, h_op, content="claim 3", **{**who, "reporter_name": " zhao  LEI "})
    other = _take(env, h_op, content="a fair complaint", reporter_name="Sun Li")
    seen = _read(env, again, h_op)
    assert seen["repeat_false_source"] is True and seen["reporter_name"] is None
    assert _read(env, other, h_op)["repeat_false_source"] is False
    page = env.client.get(f"/incidents/{again}?lang=en", headers=h_op).text
    assert "Source of repeated false accusations" in page and "Zhao" not in page and "139" not in page
    listed = env.client.get("/api/v1/incidents", headers=h_lead).text
    assert "Zhao" not in listed and "139 1111" not in listed and "source_key" not in listed
