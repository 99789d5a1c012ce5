"""Issue #18 (no dead ends): a handover lists the open alerts of its own post and the whole room's (marked as
such), never another post's: the Desk 2 handover listed Desk 1's alerts too."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from shift_logs.roster import post_admin
from tests.browser.conftest import Live
from tests.factories.alerts import make_alert, make_camera
from tests.factories.shift_logs import make_crew, make_handover, make_post


def test_a_handover_lists_its_posts_alerts_and_the_whole_rooms_only(live: Live, page: Page) -> None:
    now = dt.datetime.now(dt.UTC)
    with live.env.session() as s:
        cams = {name: make_camera(s, name=name) for name in ("gate", "lobby", "roof")}
        make_post(s, name="desk-1", cameras=("gate",))
        crew = make_crew(s, start=now - dt.timedelta(hours=11, minutes=50))
        post_admin.update_post(s, post=crew.post, cameras=["lobby"])  # desk 2 watches the lobby
        ids = {name: make_alert(s, cam, now=now - dt.timedelta(minutes=5)).id for name, cam in cams.items()}
        handover = make_handover(s, crew, now=now).id
        outgoing = crew.outgoing.username
    live.login(page, outgoing)
    page.goto(f"{live.url}/handovers/{handover}?lang=zh")
    items = page.locator("tr", has=page.locator(".muted", has_text="alert:"))
    expect(items).to_have_count(2)
    lobby = page.locator("tr", has=page.get_by_text(f"alert:{ids['lobby']}", exact=True))
    roof = page.locator("tr", has=page.get_by_text(f"alert:{ids['roof']}", exact=True))
    expect(lobby.locator(".site-wide")).to_have_count(0)
    expect(roof.locator(".site-wide")).to_have_text("全场")
    expect(page.get_by_text(f"alert:{ids['gate']}", exact=True)).to_have_count(0)
