"""Issue #18 (no dead ends): a handover whose incoming person cannot sign no longer stays "Signed by outgoing"
forever. The leader re-assigns it in the console (English and Chinese), the new person signs, and a stale page
that re-assigns after the incoming signature shows the 409 naming the state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import expect

from access.roles import Role
from core.clock import FixedClock
from shift_logs.handover import signing
from tests.browser.conftest import Live
from tests.factories.access import DEFAULT_PASSWORD
from tests.factories.shift_logs import T0, make_crew, make_handover


def test_a_leader_reassigns_a_stuck_handover_in_the_console(live: Live, tabs: Any) -> None:
    env, url = live.env, live.url
    env.app.state.ctx.clock = FixedClock(T0 + dt.timedelta(hours=11, minutes=50))
    with env.session() as s:
        crew = make_crew(s)
        handover = make_handover(s, crew)
        signing.sign(
            s,
            handover_id=handover.id,
            signer=crew.outgoing,
            password=DEFAULT_PASSWORD,
            now=crew.first.ends_at,
        )
        leader, handover_id = crew.leader.username, handover.id
        gone = crew.incoming.username
    stand_in = env.user(Role.OPERATOR, username="stand_in")
    env.user(Role.MAINTENANCE, username="tech_only")

    lead = tabs(leader)
    lead.goto(f"{url}/handovers/{handover_id}")
    form = lead.locator("form.shift-reassign")
    expect(form).to_contain_text(gone)
    options = form.locator("select[name=incoming_id] option").all_inner_texts()
    assert any("stand_in" in o for o in options) and not any("tech_only" in o for o in options), options
    form.get_by_label("New incoming person").select_option(value=str(stand_in.id))
    form.get_by_label("Reason").fill("called in sick")
    with lead.expect_navigation():
        form.get_by_role("button", name="Re-assign").click()
    expect(lead.locator(".badge.state-signed")).to_be_visible()
    expect(lead.get_by_text("content intact")).to_be_visible()
    assert "stand_in" in lead.locator("main").inner_text()

    # the Chinese page offers the same button
    lead.goto(f"{url}/handovers/{handover_id}?lang=zh")
    expect(lead.locator("form.shift-reassign").get_by_role("button", name="改派")).to_be_visible()
    lead.goto(f"{url}/handovers/{handover_id}?lang=en")
    stale = lead.locator("form.shift-reassign")
    expect(stale).to_be_visible()

    # the stand-in signs as incoming
    newcomer = tabs("stand_in")
    newcomer.goto(f"{url}/handovers/{handover_id}")
    newcomer.get_by_label("Your password (signature)").fill(DEFAULT_PASSWORD)
    newcomer.get_by_role("button", name="Sign as incoming").click()
    expect(newcomer.locator(".badge.state-accepted")).to_be_visible()

    # the leader's stale page tries to re-assign again: a 409 naming the state, shown in the form
    stale.get_by_label("New incoming person").select_option(index=0)
    stale.get_by_role("button", name="Re-assign").click()
    expect(stale.get_by_role("alert")).to_contain_text("accepted")
    lead.reload()
    expect(lead.locator("form.shift-reassign")).to_have_count(0)
    lead.get_by_label("Your password (signature)").fill(DEFAULT_PASSWORD)
    lead.get_by_role("button", name="Countersign").click()
    expect(lead.locator(".badge.state-countersigned")).to_be_visible()
    expect(lead.locator("form.shift-reassign")).to_have_count(0)
