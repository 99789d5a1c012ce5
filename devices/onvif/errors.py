"""Translate onvif/zeep/aiohttp/lxml exceptions into `devices.errors`, naming the operation and the host."""

from __future__ import annotations

import asyncio
import errno

import aiohttp
from onvif.exceptions import ONVIFAuthError, ONVIFError, ONVIFTimeoutError
from zeep.exceptions import Fault, TransportError, XMLParseError, XMLSyntaxError

from devices.errors import AuthError, ConnectError, DeviceError, OnvifFault, StreamTimeout
from devices.urls import mask_text

__all__ = ["translate_onvif_error"]

_AUTH_WORDS = ("notauthorized", "not authorized", "unauthorized", "authentication", "sender not authorized")


def _root(exc: BaseException) -> BaseException:
    """Unwrap the library's ONVIFError wrappers down to what actually went wrong."""
    seen = 0
    while isinstance(exc, ONVIFError) and exc.__cause__ is not None and seen < 5:
        if isinstance(exc, ONVIFAuthError | ONVIFTimeoutError):
            break
        exc, seen = exc.__cause__, seen + 1
    return exc


def _is_malformed(exc: BaseException) -> bool:
    if isinstance(exc, XMLParseError | XMLSyntaxError):
        return True
    if type(exc).__module__.startswith("lxml"):
        return True
    return isinstance(exc, ValueError) and "tag name" in str(exc)


def _connect_reason(exc: BaseException) -> str:
    os_error = getattr(exc, "os_error", None) or exc
    code = getattr(os_error, "errno", None)
    if code == errno.ECONNREFUSED:
        return "connection refused"
    if code in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EADDRNOTAVAIL):
        return "host unreachable"
    return "cannot connect"


def translate_onvif_error(exc: BaseException, *, host: str, operation: str) -> DeviceError:
    """Map an ONVIF client exception to a device error; the message names operation and host."""
    if isinstance(exc, DeviceError):
        return exc
    root = _root(exc)
    text = mask_text(str(root))
    where = f"{operation} on {host}"
    if isinstance(root, ONVIFAuthError) or any(w in text.lower() for w in _AUTH_WORDS):
        return AuthError(f"auth refused: {where}", detail=text)
    if isinstance(root, ONVIFTimeoutError | TimeoutError | asyncio.TimeoutError | aiohttp.ServerTimeoutError):
        return StreamTimeout(f"timeout: {where}", detail=text)
    if isinstance(root, aiohttp.ClientConnectorError | ConnectionError):
        reason = _connect_reason(root)
        return ConnectError(f"{reason}: {where}", reason=reason, detail=text)
    if isinstance(root, TransportError) and getattr(root, "status_code", 0) in (401, 403):
        return AuthError(f"auth refused: {where}", detail=text)
    if isinstance(root, Fault):
        return OnvifFault(f"device fault in {where}: {mask_text(str(root.message))}", detail=text)
    if _is_malformed(root):
        return OnvifFault(
            f"malformed reply to {where}: {text} (the device sent XML that does not parse)",
            reason="malformed reply",
            detail=text,
        )
    if isinstance(root, OSError | aiohttp.ClientError):
        return ConnectError(f"cannot connect: {where}: {text}", detail=text)
    return OnvifFault(f"{where} failed: {type(root).__name__}: {text}", detail=text)
