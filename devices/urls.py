"""Camera URLs: mask credentials before a URL reaches a log line or an error message, and add credentials."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

__all__ = ["MaskedCause", "mask_text", "mask_url", "scheme_of", "scrub_exception", "with_credentials"]

_MASK = "***"
# scheme://user:password@ — the password is anything up to the last '@' before the host part.
_USERINFO = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s/:@]*):(?P<pw>[^\s/@]*)@")
# password-like query parameters: ?password=x&pwd=y
_QUERY_SECRET = re.compile(r"(?P<key>[?&](?:password|passwd|pwd|pass|token|auth)=)[^&#\s]*", re.IGNORECASE)


def mask_url(url: str) -> str:
    """Return `url` with its password replaced by `***`: rtsp://user:pass@host/x -> rtsp://user:***@host/x."""
    return mask_text(url)


def mask_text(text: str) -> str:
    """Mask the password of every URL found in free text (an error message, a log line)."""
    masked = _USERINFO.sub(lambda m: f"{m.group('head')}:{_MASK}@", text)
    return _QUERY_SECRET.sub(lambda m: f"{m.group('key')}{_MASK}", masked)


def scheme_of(url: str) -> str:
    """Return the lower-case URL scheme, or "" for a plain file path."""
    if "://" not in url:
        return ""
    return url.split("://", 1)[0].lower()


def with_credentials(url: str, user: str | None, password: str | None) -> str:
    """Return `url` with `user`/`password` set in its userinfo (percent-encoded); None keeps the URL's own."""
    if not user:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    userinfo = quote(user, safe="")
    if password:
        userinfo += ":" + quote(password, safe="")
    return urlunsplit((parts.scheme, f"{userinfo}@{host}", parts.path, parts.query, parts.fragment))


class MaskedCause(Exception):
    """Stands in for a library exception whose text held a password, so that tracebacks stay clean."""


def scrub_exception(exc: BaseException) -> BaseException:
    """Return `exc` itself if its text holds no password, else a `MaskedCause` with the masked text."""
    text = str(exc)
    masked = mask_text(text)
    if masked == text:
        return exc
    return MaskedCause(f"{type(exc).__module__}.{type(exc).__qualname__}: {masked}").with_traceback(
        exc.__traceback__
    )
