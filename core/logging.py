"""Structured JSON logs carrying the current request id; credentials in URLs are masked in every line.

A camera or database URL can carry a password (`rtsp://admin:secret@10.0.0.5/stream`), and exceptions from
PyAV, OpenCV or the database driver quote it in their message, so a logged traceback would leak it. Both
formatters mask the password part of any `scheme://user:password@` in the message and the traceback.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import sys

__all__ = [
    "JsonFormatter",
    "PlainFormatter",
    "configure_logging",
    "make_formatter",
    "mask_urls",
    "request_id_var",
]

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
_CREDENTIALS = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*):(?P<secret>[^@\s/]*)@")


def mask_urls(text: str) -> str:
    """`text` with the password of every `scheme://user:password@host` URL replaced by `***`."""
    return _CREDENTIALS.sub(r"\g<head>:***@", text)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id and any extras."""

    def format(self, record: logging.LogRecord) -> str:
        """Render `record` as a JSON line."""
        payload: dict[str, object] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": mask_urls(record.getMessage()),
        }
        request_id = request_id_var.get()
        if request_id:
            payload["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exc"] = mask_urls(self.formatException(record.exc_info))
        return json.dumps(payload, default=str, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """Plain text lines (time, level, logger, message, traceback) with URL credentials masked."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        """Render `record` as text, masking URL passwords in the message and the traceback."""
        return mask_urls(super().format(record))


def make_formatter(*, json_format: bool) -> logging.Formatter:
    """The formatter `configure_logging` installs."""
    return JsonFormatter() if json_format else PlainFormatter()


_CHATTY = ("apscheduler.executors.default", "apscheduler.scheduler")


def configure_logging(level: str = "INFO", *, json_format: bool = True) -> None:
    """Send logs to stderr as JSON lines (or plain text)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(make_formatter(json_format=json_format))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # APScheduler logs every run of every job at INFO (about ten lines a second here); its warnings (a run
    # missed, a job that raised) still pass. At DEBUG it says everything.
    quiet = logging.DEBUG if logging.getLogger().level <= logging.DEBUG else logging.WARNING
    for name in _CHATTY:
        logging.getLogger(name).setLevel(quiet)
