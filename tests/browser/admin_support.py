"""Shared by the administration browser tests: an app with a real capture worker, and helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import cv2
import numpy as np
from numpy.typing import NDArray
from playwright.sync_api import Page

from db.session import make_session_factory
from runtime.worker import Worker
from tests.browser.conftest import Live
from tests.support.app_env import Env
from tests.support.live_server import LiveServer

__all__ = ["click_at", "live_with_worker", "luma"]


@contextmanager
def live_with_worker(make_env: Callable[..., Env], **overrides: object) -> Iterator[tuple[Live, Worker]]:
    """The app on a live port with a capture worker in the same process (tiles, snapshots, leases)."""
    env = make_env(**overrides)
    worker = Worker(env.settings, make_session_factory(env.engine))
    env.app.state.ctx.live = worker.capture
    worker.start()
    try:
        with LiveServer(env.app) as server:
            yield Live(env=env, url=server.url), worker
    finally:
        worker.stop()


def click_at(page: Page, selector: str, fx: float, fy: float) -> None:
    """Click at a fraction (fx, fy) of an element's box."""
    box = page.locator(selector).bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])


def luma(jpeg: bytes) -> NDArray[np.uint8]:
    """A JPEG decoded to grey."""
    image = cv2.imdecode(np.frombuffer(jpeg, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    return np.asarray(image, dtype=np.uint8)
