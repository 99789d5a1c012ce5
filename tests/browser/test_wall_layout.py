"""The wall fits 1920×1080 and 1280×720 in every layout without scrolling, and a tile without a picture
shows a placeholder, never a broken image."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from access.roles import Role
from tests.browser.conftest import Live
from tests.factories.alerts import make_camera


def test_every_layout_fits_and_tiles_never_show_a_broken_image(live: Live, browser: Browser) -> None:
    with live.env.session() as s:
        for i in range(16):
            make_camera(s, name=f"cam{i:02d}")  # no stream: no picture ever comes
    live.env.user(Role.OPERATOR, username="olga")
    for width, height in ((1920, 1080), (1280, 720)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        live.login(page, "olga")
        page.goto(f"{live.url}/wall")
        for layout in ("1", "4", "9", "16"):
            page.locator(f'button.layout[data-layout="{layout}"]').click()
            page.wait_for_timeout(1500)  # a refresh tick
            tiles = page.locator(".tile:not([hidden])")
            expect(tiles).to_have_count(int(layout))
            overflow = page.evaluate("document.scrollingElement.scrollHeight - window.innerHeight")
            assert overflow <= 0, f"{width}x{height} layout {layout}: {overflow}px to scroll"
            last = tiles.last.bounding_box()
            assert last is not None and last["y"] + last["height"] <= height
            expect(tiles.first.locator(".placeholder")).to_be_visible()
            broken = page.evaluate(
                "Array.from(document.querySelectorAll('.tile:not([hidden]) img'))"
                ".filter(i => i.hasAttribute('src') && !(i.complete && i.naturalWidth > 0)).length"
            )
            assert broken == 0
        context.close()


def test_a_tile_explains_its_camera_health_in_the_readers_language(live: Live, browser: Browser) -> None:
    with live.env.session() as s:
        camera = make_camera(s, name="gate")
        camera.health, camera.health_reason = "frozen", "frozen picture: identical frames for 12 s"
        plain = make_camera(s, name="yard")  # a reason the stream itself gave stays as it came
        plain.health, plain.health_reason = "offline", "Connection refused"
    live.env.user(Role.OPERATOR, username="olga")
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    live.login(page, "olga")
    for lang, said in (
        ("zh", "画面冻结：12 秒画面相同"),
        ("en", "frozen picture: identical frames for 12 s"),
    ):
        page.goto(f"{live.url}/wall?lang={lang}")
        expect(page.locator(f'.tile[data-camera="{camera.id}"] [data-health]')).to_have_attribute(
            "title", said
        )
        expect(page.locator(f'.tile[data-camera="{plain.id}"] [data-health]')).to_have_attribute(
            "title", "Connection refused"
        )
    context.close()
