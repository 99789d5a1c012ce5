"""Browser tests: the real app on a live port, driven by Playwright in Debian's Chromium (never downloaded)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.factories.access import DEFAULT_PASSWORD
from tests.support.app_env import Env
from tests.support.live_server import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the run."""
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Live:
    """A served app: its database helpers (`env`) and its address (`url`)."""

    env: Env
    url: str

    def login(self, page: Page, username: str, password: str = DEFAULT_PASSWORD) -> None:
        """Sign in through the login form and wait for the overview."""
        page.goto(f"{self.url}/login")
        page.get_by_label("User name").or_(page.get_by_label("用户名")).fill(username)
        page.get_by_label("Password").or_(page.get_by_label("密码")).fill(password)
        page.locator("form button[type=submit]").click()
        page.wait_for_url(f"{self.url}/")


@pytest.fixture
def live(make_env: Callable[..., Env]) -> Iterator[Live]:
    """The app on a live port with a private SQLite database."""
    env = make_env()
    with LiveServer(env.app) as server:
        yield Live(env=env, url=server.url)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser tab at wall-monitor size."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-US")
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def tabs(browser: Browser, live: Live) -> Iterator[Callable[[str], Page]]:
    """A signed-in tab per user, each with its own cookie jar (several people at once), at wall size."""
    contexts = []

    def open_as(username: str) -> Page:
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-US")
        contexts.append(context)
        tab = context.new_page()
        live.login(tab, username)
        return tab

    yield open_as
    for context in contexts:
        context.close()
