"""Live pictures from anywhere: an API process that does not read a camera fetches its tiles, MJPEG and
fMP4 passthrough from the worker that holds the camera's lease, at the address that worker published.

The viewer's rights are checked by the API process (the public routes); the worker's internal routes
(`api.routes.internal_live`) trust only callers that send the shared secret in `X-Controlroom-Internal`.
Streams are relayed chunk by chunk, so a slow viewer slows the relay and, through TCP, the worker's
sender (back-pressure) instead of filling memory. When the camera moves to another worker the relayed
stream ends and the viewer reconnects; the next request finds the new owner.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import quote

import httpx
from sqlalchemy.orm import Session
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from api.context import AppContext
from devices.worker import service as workers

__all__ = ["INTERNAL_HEADER", "Relay", "RelayedStream", "open_stream", "snapshot", "worker_address"]

log = logging.getLogger(__name__)
INTERNAL_HEADER = "X-Controlroom-Internal"


def worker_address(ctx: AppContext, session: Session, camera_name: str) -> str | None:
    """The internal address of the live worker holding `camera_name`, unless that is this process (read in
    the request's own transaction: on SQLite a second one would wait for it)."""
    address = workers.address_of(session, camera_name=camera_name, now=ctx.clock.now())
    if not address or address == ctx.settings.worker.advertise_url:
        return None
    return address


def _url(address: str, camera_name: str, what: str) -> str:
    return f"{address.rstrip('/')}/internal/v1/live/{quote(camera_name, safe='')}/{what}"


def _headers(ctx: AppContext) -> dict[str, str]:
    return {INTERNAL_HEADER: ctx.settings.worker.internal_secret.get_secret_value()}


def snapshot(ctx: AppContext, address: str, camera_name: str, width: int | None) -> bytes | None:
    """The camera's latest JPEG from the worker at `address`, or None (no picture, or unreachable)."""
    params = {"width": width} if width else {}
    try:
        response = httpx.get(
            _url(address, camera_name, "snapshot"), params=params, headers=_headers(ctx), timeout=5
        )
    except httpx.HTTPError as exc:
        log.info("live proxy: %s unreachable for %s: %s", address, camera_name, exc.__class__.__name__)
        return None
    return response.content if response.status_code == 200 else None


class Relay:
    """An open stream from a worker: its bytes, once, and the connection to close when they end."""

    def __init__(self, upstream: httpx.Response, client: httpx.Client) -> None:
        self._upstream, self._client = upstream, client
        self.media_type = upstream.headers.get("content-type", "application/octet-stream")

    def chunks(self) -> Iterator[bytes]:
        """The worker's bytes as they come; the connection is closed when they end or the iterator is
        closed (a relay inside a response of its own, such as the wall's multiplexed stream)."""
        try:
            yield from self._upstream.iter_raw()
        except (httpx.HTTPError, httpx.StreamError):
            return  # the worker went away or gave the camera up: the viewer reconnects
        finally:
            self.close()

    def close(self) -> None:
        """Close the worker's connection (idempotent)."""
        self._upstream.close()
        self._client.close()


class RelayedStream(StreamingResponse):
    """A relay as the whole response to one viewer. The worker's connection is closed whichever way the
    response ends, also when the viewer leaves (then Starlette raises out of the send, and the iterator alone
    would hold the worker's socket until collected)."""

    def __init__(self, relay: Relay) -> None:
        self._relay = relay
        super().__init__(relay.chunks(), media_type=relay.media_type, headers={"Cache-Control": "no-store"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._relay.close()


def open_stream(
    ctx: AppContext, address: str, camera_name: str, what: str, params: dict[str, str] | None = None
) -> Relay | None:
    """Open `what` ("mjpeg" or "live.mp4") on the worker at `address`, or None when that worker does not
    serve it (any more)."""
    client = httpx.Client(timeout=httpx.Timeout(10, read=30))
    request = client.build_request(
        "GET", _url(address, camera_name, what), params=params or {}, headers=_headers(ctx)
    )
    try:
        response = client.send(request, stream=True)
    except httpx.HTTPError as exc:
        client.close()
        log.info("live proxy: %s unreachable for %s: %s", address, camera_name, exc.__class__.__name__)
        return None
    if response.status_code != 200:
        response.close()
        client.close()
        return None
    return Relay(response, client)
