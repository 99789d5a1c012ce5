"""When FFmpeg's error is vague, find out what is wrong with a network camera: name, route or port."""

from __future__ import annotations

import errno
import socket
from urllib.parse import urlsplit

from devices.errors import ConnectError, DeviceError, StreamTimeout
from devices.urls import mask_url, scheme_of

__all__ = ["diagnose", "sharpen"]

_DEFAULT_PORTS = {"rtsp": 554, "rtsps": 322, "http": 80, "https": 443}
_VAGUE = frozenset({"stream error", "not a video stream", "stream not found", "connection lost"})


def diagnose(url: str, timeout: float = 3.0) -> tuple[type[DeviceError], str] | None:
    """Resolve and TCP-connect to the URL's host; return (error class, reason) if that fails, else None."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        return None
    port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower(), 554)
    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return ConnectError, "host not found"
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except ConnectionRefusedError:
        return ConnectError, "connection refused"
    except TimeoutError:
        return StreamTimeout, "host unreachable (no answer)"
    except OSError as exc:
        if exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EADDRNOTAVAIL):
            return ConnectError, "host unreachable"
        return None


def sharpen(err: DeviceError, url: str, *, timeout: float = 3.0, elapsed: float = 0.0) -> DeviceError:
    """Replace a vague stream error by what a plain connection attempt tells; keep a precise one.

    FFmpeg reports an open that ran into its timeout as "invalid data": `elapsed` near `timeout` means timeout.
    """
    if err.reason not in _VAGUE or "://" not in url:
        return err
    if elapsed >= timeout * 0.9:
        return StreamTimeout(
            f"timeout: no answer within {timeout:g} s from {mask_url(url)}", detail=err.detail
        )
    found = diagnose(url, timeout)
    if found is None:
        if err.reason == "not a video stream" and scheme_of(url) in ("rtsp", "rtsps"):
            return ConnectError(
                f"not an RTSP stream: {mask_url(url)} (the port answers, but not as an RTSP camera)",
                reason="not an RTSP stream",
                detail=err.detail,
            )
        return err
    cls, reason = found
    return cls(f"{reason}: {mask_url(url)}", reason=reason, detail=err.detail)
