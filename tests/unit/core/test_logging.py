"""Logged tracebacks never carry the password of a camera or database URL (PyAV quotes the URL it opened)."""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections.abc import Iterator

import av
import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from core.logging import configure_logging, make_formatter, mask_urls

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


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """`configure_logging` changes process-wide loggers: put them back afterwards."""
    loggers = [
        logging.getLogger(),
        *(logging.getLogger(n) for n in ("apscheduler.executors.default", "apscheduler.scheduler")),
    ]
    saved = [(lg, lg.handlers[:], lg.level) for lg in loggers]
    yield
    for lg, handlers, level in saved:
        lg.handlers[:] = handlers
        lg.setLevel(level)


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize(("level", "chatty"), [("INFO", False), ("DEBUG", True)])
def test_scheduler_runs_are_not_logged_at_info(
    capsys: pytest.CaptureFixture[str], level: str, chatty: bool
) -> None:
    """A service at INFO does not log every run of its once-a-second jobs; a job that raises is still logged."""
    configure_logging(level, json_format=False)
    ran = threading.Event()

    def tick() -> None:
        ran.set()

    def broken() -> None:
        raise RuntimeError("job failed on purpose")

    scheduler = BackgroundScheduler()
    scheduler.add_job(tick)
    scheduler.add_job(broken)
    scheduler.start()
    try:
        assert ran.wait(5)
        time.sleep(0.2)
    finally:
        scheduler.shutdown()
    err = capsys.readouterr().err
    assert ("executed successfully" in err) is chatty
    assert "job failed on purpose" in err
