"""System texts on the console in the reader's language: a duty-rule refusal (an API client gets the English
sentence and the message key with its parameters, `said`), and the report's presence problems and alert kinds
(no raw key)."""

from __future__ import annotations

import datetime as dt
import re

from access.roles import Role
from tests.factories.shift_logs import make_crew, make_post
from tests.support.app_env import Env


def _too_long_a_duty(env: Env) -> tuple[dict[str, int], str]:
    """A roster entry that would put the incoming operator on duty 24 h (max_continuous_duty blocks it)."""
    with env.session() as s:
        crew = make_crew(s, start=dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
        other = make_post(s, name="desk-2")
        form = {"shift_id": crew.first.id, "post_id": other.id, "user_id": crew.incoming.id}
        return form, crew.leader.username


def test_a_refusal_is_in_chinese_on_the_console_and_keyed_in_the_api(env: Env) -> None:
    form, leader = _too_long_a_duty(env)
    csrf = env.login(leader)
    env.client.cookies.set("cr_lang", "zh")
    refused = env.client.post("/roster/entries", data=form, headers={"x-csrf-token": csrf})
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert "连续值班" in problem["detail"] and "最长连续值班" in problem["detail"]
    assert "would be on duty" not in problem["detail"]
    assert problem["said"]["key"] == "msg.rule.refused"
    env.client.cookies.set("cr_lang", "en")
    english = env.client.post("/roster/entries", data=form, headers={"x-csrf-token": csrf}).json()
    assert "would be on duty 24 h" in english["detail"]
    env.client.cookies.clear()
    # an API client (bearer token) keeps the English sentence, with the key and parameters beside it
    body = {"shift_id": form["shift_id"], "post_id": form["post_id"], "user_id": form["user_id"]}
    api = env.client.post("/api/v1/roster", json=body, headers=env.token(env.user(Role.SHIFT_LEADER)))
    assert api.status_code == 409, api.text
    assert "would be on duty 24 h" in api.json()["detail"]
    assert api.json()["said"]["params"]["why"]["key"] == "msg.rule.max_continuous_duty"


def test_the_report_names_presence_problems_and_alert_kinds_in_the_readers_words(env: Env) -> None:
    from config.alerting import AlertSettings
    from shift_logs.roster import presence

    now = dt.datetime.now(dt.UTC)
    with env.session() as s:
        crew = make_crew(s, start=now - dt.timedelta(minutes=40))
        presence.check_in(
            s, user=crew.outgoing, post_id=crew.post.id, now=now, alert_settings=AlertSettings()
        )  # late: a presence problem and its alert (kind presence.late_checkin)
    headers = env.token(env.user(Role.SUPERVISOR))
    for lang, words in (("zh", ("签到迟到", "迟到签到")), ("en", ("Late check-in",))):
        page = env.client.get(f"/reports?lang={lang}", headers=headers)
        assert page.status_code == 200, page.text[:300]
        visible = re.sub(r"<[^>]+>", " ", page.text)  # the words shown, not the attributes
        assert "presence.late_checkin" not in visible and " late_checkin " not in visible
        assert any(word in visible for word in words), lang
