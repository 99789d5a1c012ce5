"""The report page in Chromium: figures, charts drawn, CSV links; the screenshot for the README."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page

from access.roles import Role
from tests.browser.conftest import Live
from tests.factories.reports import TZ, seed
from tests.support.app_env import Env
from tests.support.live_server import LiveServer
from tests.support.screenshots import screenshot_dir

pytestmark = pytest.mark.browser
SHOTS = screenshot_dir()


@pytest.fixture
def shanghai(make_env: Callable[..., Env]) -> Iterator[Live]:
    """The app in Shanghai time with the known data set, on a live port."""
    env = make_env(site={"timezone": TZ, "name": "East Gate control room"})
    with env.session() as s:
        seed(s)
    env.user(Role.SUPERVISOR, username="boss")
    with LiveServer(env.app) as server:
        yield Live(env=env, url=server.url)


@pytest.fixture
def wide(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1600, "height": 1250}, locale="en-US")
    yield context.new_page()
    context.close()


def test_report_page_shows_figures_and_draws_every_chart(shanghai: Live, wide: Page):
    shanghai.login(wide, "boss")
    wide.get_by_role("link", name="Reports").click()
    wide.goto(f"{shanghai.url}/reports?period=month&at=2026-11&lang=en")
    row = wide.locator('tr[data-key="alerts.ack_p95_s"]')
    assert row.locator("td").all_inner_texts() == [
        "Acknowledgement time, p95",
        "3.3 min",
        "100.0 s",
        "+100.0 s",
        "+100.0%",
    ]
    charts = wide.locator(".report-chart img")
    assert charts.count() == 5  # alerts x2, incidents, disposal, faults
    widths = charts.evaluate_all("imgs => imgs.map(i => i.complete && i.naturalWidth)")
    assert all(w and w > 100 for w in widths), widths
    SHOTS.mkdir(parents=True, exist_ok=True)
    wide.locator("#section-alerts .report-charts").scroll_into_view_if_needed()
    wide.evaluate("window.scrollTo(0, 0)")
    wide.screenshot(path=str(SHOTS / "report.png"))
    with wide.expect_download() as download:
        wide.get_by_role("link", name="CSV (all tables)").click()
    assert download.value.suggested_filename == "report-2026-11-all.csv"
