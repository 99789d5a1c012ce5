"""The report console in both languages: every step through its form, the timeline, units, lookup, the
public status page, the reply-link page, and the printed disposal report with the leader's text."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from access.roles import Role
from core.clock import FixedClock
from tests.factories.shift_logs import T0
from tests.support.app_env import Env

LOCALES = Path(__file__).resolve().parents[2] / "api" / "console" / "locales"


def test_english_and_chinese_report_strings_match() -> None:
    en = json.loads((LOCALES / "en" / "public_reports.json").read_text(encoding="utf-8"))
    zh = json.loads((LOCALES / "zh" / "public_reports.json").read_text(encoding="utf-8"))
    assert set(en) == set(zh) and all(v.strip() for v in zh.values())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_report_goes_through_every_form_and_the_pages_have_no_missing_strings(env: Env, lang: str) -> None:
    clock = FixedClock(T0)
    env.app.state.ctx.clock = clock
    lead = env.user(Role.SHIFT_LEADER)
    op = env.user(Role.OPERATOR)
    h_lead, h_op = env.token(lead), env.token(op)

    def form(path: str, headers: dict[str, str], **data: object) -> str:
        response = env.client.post(path, data=data, headers=headers, follow_redirects=False)
        assert response.status_code == 303, f"{path}: {response.text[:300]}"
        return str(response.headers["location"])

    def page(path: str, headers: dict[str, str] | None = None) -> str:
        response = env.client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}", headers=headers or {})
        assert response.status_code == 200, f"{path}: {response.text[:300]}"
        assert "rep." not in response.text and "report.fig" not in response.text, (
            f"untranslated key on {path}"
        )
        return response.text

    form("/units", h_lead, name="Parks dept", external="on", reply_days="5")
    units = env.client.get("/api/v1/units", headers=h_lead).json()
    where = form(
        "/incidents/reports", h_op, channel="phone", reporter_name="Wang Fang", category="conduct",
        content="guard was rude", report_type="accusation",
    )  # fmt: skip
    rid = int(where.rsplit("/", 1)[1])
    refused = env.client.post(f"/incidents/{rid}/steps/accept", data={"decision": "ok"}, headers=h_op)
    assert refused.status_code == 403
    form(f"/incidents/{rid}/steps/accept", h_lead, decision="accepted in writing")
    link = form(f"/incidents/{rid}/steps/transfer", h_lead, unit_id=str(units[0]["id"]), link_days="3")
    token = link.split("reply_link=")[1]
    form(f"/incidents/{rid}/steps/remind", h_op, note="called the unit")
    reply = page(f"/reply/{token}")
    assert "guard was rude" in reply and "Wang Fang" not in reply
    assert env.client.post(f"/reply/{token}", data={"reply": "checked: not true"}).status_code == 200
    assert env.client.get(f"/reply/{token}").status_code == 404
    form(
        f"/incidents/{rid}/steps/conclude", h_lead, finding="false_accusation", summary="untrue",
        clarification="guard Li cleared at the team meeting",
    )  # fmt: skip
    form(f"/incidents/{rid}/steps/answer", h_op, via="phone")
    form(f"/incidents/{rid}/steps/visit", h_op, satisfied="no", note="wants more")
    form(f"/incidents/{rid}/steps/review", h_lead, result="finding upheld")
    detail = page(f"/incidents/{rid}", h_lead)
    for action in (
        "receive",
        "accept",
        "transfer",
        "remind",
        "unit_reply",
        "conclude",
        "answer",
        "visit",
        "review",
    ):
        assert f'data-action="{action}"' in detail
    assert "guard Li cleared" in detail
    code = env.client.get(f"/api/v1/incidents/{rid}", headers=h_lead).json()["ref_code"]
    found = env.client.get(f"/incidents/lookup?code={code}", headers=h_op, follow_redirects=False)
    assert found.headers["location"] == f"/incidents/{rid}"
    public = page(f"/public/reports?code={code}")
    assert 'id="public-stage"' in public and "Wang" not in public and "Parks dept" in public
    page("/units", h_op)
    page("/incidents", h_op)


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("zh", "信访举报办理情况报告"), ("en", "Report on the handling of reports from the public")],
)
def test_the_disposal_report_prints_with_the_leaders_text(env: Env, lang: str, heading: str) -> None:
    env.app.state.ctx.clock = FixedClock(T0 + dt.timedelta(days=40))
    lead = env.user(Role.SHIFT_LEADER)
    response = env.client.get(
        "/reports/disposal/print",
        params={
            "period": "month",
            "at": "2026-11",
            "lang": lang,
            "problems": "slow replies",
            "next_steps": "train",
        },
        headers=env.token(lead),
    )
    assert response.status_code == 200
    text = response.text
    assert heading in text and "slow replies" in text and "train" in text
    for anchor in ("h-received", "h-channel", "h-handling", "h-outcomes", "h-problems", "h-next"):
        assert f'id="{anchor}"' in text
    assert "report.fig" not in text and "rep." not in text
    assert (
        env.client.get("/reports/disposal/print", headers=env.token(env.user(Role.OPERATOR))).status_code
        == 403
    )


def test_a_share_with_nothing_to_divide_is_a_dash_on_the_page_in_the_csv_and_in_both_prints(env: Env) -> None:
    """One report taken on 28 November: its acceptance falls due in December, so in November no report was due
    an answer, none was visited, none concluded: those shares read "—", never "0.0%"."""
    env.app.state.ctx.clock = FixedClock(T0 + dt.timedelta(days=3))
    lead = env.user(Role.SHIFT_LEADER)
    made = env.client.post(
        "/api/v1/incidents/reports",
        json={"channel": "phone", "reporter_name": "Wang Fang", "category": "conduct", "content": "rude"},
        headers=env.token(lead),
    )
    assert made.status_code == 201, made.text
    env.app.state.ctx.clock = FixedClock(T0 + dt.timedelta(days=8))
    h, query = env.token(lead), "period=month&at=2026-11"

    def row(page: str, key: str) -> str:
        return page.split(f'data-key="{key}"', 1)[1].split("</tr>", 1)[0]

    for lang in ("en", "zh"):
        for path in ("/reports", "/reports/print"):
            page = env.client.get(f"{path}?{query}&lang={lang}", headers=h)
            assert page.status_code == 200, page.text[:300]
            cells = row(page.text, "incidents.reports_answered_in_time_share")
            assert '<td class="num">—</td>' in cells and "0.0%" not in cells, path
            assert "0.0%" not in row(page.text, "disposal.satisfaction_share"), path
        printed = env.client.get(f"/reports/disposal/print?{query}&lang={lang}", headers=h).text
        for key in ("accepted_in_time_share", "concluded_in_time_share", "satisfaction_share"):
            assert '<td class="num">—</td><td class="num">—</td>' in row(printed, key), key
        assert '<td class="num">1</td>' in row(printed, "received")
    csv_text = env.client.get(f"/reports/csv?{query}", headers=h).text
    assert "incidents,figures,reports_answered_in_time_share,share,—,—," in csv_text
    assert "disposal,figures,accepted_in_time_share,share,—,—," in csv_text
    assert "0.0," not in csv_text.split("disposal,figures,satisfaction_share,", 1)[1].split("\n", 1)[0]
