"""Logged tracebacks never carry the password of a camera or database URL (PyAV quotes the URL it opened)."""

from __future__ import annotations

import io
import json
import logging

import av
import pytest

from core.logging import make_formatter, mask_urls

URL = "rtsp://admin:s3cret@127.0.0.1:9/stream"


@pytest.mark.parametrize("json_format", [True, False])
def test_a_logged_traceback_masks_the_url_password(json_format: bool) -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(make_formatter(json_format=json_format))
    log = logging.getLogger(f"test.mask.{json_format}")
    log.addHandler(handler)
    log.propagate = False
    try:
        av.open(URL, timeout=2)  # refused: nothing listens on port 9
    except av.error.FFmpegError:
        log.exception("camera 1: opening crashed (%s)", URL)
    finally:
        log.removeHandler(handler)
    text = out.getvalue()
    if json_format:
        line = json.loads(text)
        text = line["msg"] + line["exc"]
    assert "s3cret" not in text
    assert "rtsp://admin:***@127.0.0.1:9/stream" in text and "Traceback" in text


def test_mask_urls_leaves_urls_without_password_alone() -> None:
    text = "postgresql+psycopg://ops:pw@db/cr and rtsp://10.0.0.5/live and http://user@host/x"
    assert (
        mask_urls(text)
        == "postgresql+psycopg://ops:***@db/cr and rtsp://10.0.0.5/live and http://user@host/x"
    )
