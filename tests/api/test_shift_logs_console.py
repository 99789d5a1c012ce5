"""Every shift-log console page renders for the room's roles, in English and Chinese, with every string translated."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from access.roles import Role
from core.clock import FixedClock
from shift_logs.handover import signing
from tests.factories.access import DEFAULT_PASSWORD
from tests.factories.shift_logs import T0, check_in, make_crew, make_handover, make_report
from tests.support.app_env import Env

LOCALES = Path(__file__).resolve().parents[2] / "api" / "console" / "locales"
PAGES = ("/duty-log", "/handovers", "/roster", "/tasks", "/incidents", "/visitors")


def test_english_and_chinese_have_the_same_keys() -> None:
    en = json.loads((LOCALES / "en" / "shift_logs.json").read_text(encoding="utf-8"))
    zh = json.loads((LOCALES / "zh" / "shift_logs.json").read_text(encoding="utf-8"))
    assert set(en) == set(zh)
    assert all(zh[k] and zh[k] != en[k] for k in en if not k.endswith(".count"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pages_render_for_operator_and_leader_with_no_missing_strings(env: Env, lang: str) -> None:
    env.app.state.ctx.clock = FixedClock(T0 + dt.timedelta(hours=11, minutes=50))
    with env.session() as s:
        crew = make_crew(s)
        check_in(s, crew.outgoing, crew.post, T0)
        report = make_report(s, opened_by=crew.outgoing, post_id=crew.post.id)
        handover = make_handover(s, crew)
        signing.sign(
            s,
            handover_id=handover.id,
            signer=crew.outgoing,
            password=DEFAULT_PASSWORD,
            now=T0 + dt.timedelta(hours=12),
        )
    pages = (
        *PAGES,
        f"/handovers/{handover.id}",
        f"/handovers/{handover.id}/print",
        f"/incidents/{report.id}",
    )
    for who in (crew.outgoing, crew.leader):
        for page in pages:
            response = env.client.get(f"{page}?lang={lang}", headers=env.token(who))
            assert response.status_code == 200, f"{page}: {response.text[:300]}"
            assert "shift." not in response.text.replace("shift_", ""), f"untranslated key on {page}"
    maint = env.user(Role.MAINTENANCE)
    assert env.client.get("/duty-log", headers=env.token(maint)).status_code == 403
