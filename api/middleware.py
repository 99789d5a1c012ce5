"""Request id, access log, HTTP metrics, the audit row of state-changing requests that failed, the 500 answer
of anything unexpected (with the request id, the connection kept), and the request body size limit.

Successful state-changing requests are audited inside their own transaction (see `deps.get_session`);
a request of a signed-in caller that was refused or failed has its transaction rolled back, so it is
audited here, separately. Refusals of anonymous callers and requests to unknown paths are noise anyone
can make: they go to the rate-limited security log (`api.security_log`), not into the audit chain.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

import anyio
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from access.audit import service as audit
from api.context import AppContext
from api.deps import UNSAFE_METHODS
from api.errors import internal_error, problem_response
from api.security_log import RefusalLog
from config.settings import LimitsSettings
from core.actor import Actor
from core.logging import request_id_var
from db.session import session_scope

__all__ = ["BodyLimitMiddleware", "RequestMiddleware"]

log = logging.getLogger("controlroom.http")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_UPLOAD_ROUTE = re.compile(r"/photos/?$")


class RequestMiddleware:
    """Pure ASGI middleware (safe with streaming responses such as SSE)."""

    def __init__(self, app: ASGIApp, ctx: AppContext) -> None:
        self.app = app
        self.ctx = ctx
        self.refusals = RefusalLog()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one HTTP request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        token = request_id_var.set(request_id)
        status = 500
        responded = False
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status, responded
            if message["type"] == "http.response.start":
                status, responded = message["status"], True
                MutableHeaders(scope=message).append("X-Request-ID", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            if responded:
                raise
            # Answered here, not by Starlette's outermost handler: the 500 carries X-Request-ID and the
            # problem body, and the exception stops here, so the server keeps the connection open.
            await internal_error(Request(scope), exc)(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - started
            await self._after(scope, state, status, elapsed)
            request_id_var.reset(token)

    async def _after(self, scope: Scope, state: dict[str, Any], status: int, elapsed: float) -> None:
        route = scope.get("route")
        route_path = getattr(route, "path", "unmatched")
        method = scope["method"]
        self.ctx.metrics.requests.labels(method, route_path, str(status)).inc()
        self.ctx.metrics.latency.labels(method, route_path).observe(elapsed)
        log.info(
            "%s %s %d",
            method,
            scope["path"],
            status,
            extra={"status": status, "ms": round(elapsed * 1000, 1), "route": route_path},
        )
        if state.get("refusal"):  # e.g. a throttled sign-in, refused without being checked
            self._note_refusal(scope, method, status, str(state["refusal"]))
            return
        if method not in UNSAFE_METHODS or state.get("audited"):
            return
        reason = "unknown_path" if route is None else "anonymous" if not state.get("user_ref") else ""
        if reason:
            self._note_refusal(scope, method, status, reason)
            return
        await anyio.to_thread.run_sync(self._audit_failure, scope, state, status)

    def _note_refusal(self, scope: Scope, method: str, status: int, reason: str) -> None:
        self.ctx.metrics.refused.labels(reason).inc()
        client = scope.get("client")
        address = client[0] if client else ""
        self.refusals.note(client=address, method=method, path=scope["path"], status=status, reason=reason)

    def _audit_failure(self, scope: Scope, state: dict[str, Any], status: int) -> None:
        user_id, username = state.get("user_ref") or (None, "anonymous")
        client = scope.get("client")
        actor = Actor(
            id=user_id,
            name=username,
            client=client[0] if client else "",
            request_id=state.get("request_id", ""),
        )
        route = scope.get("route")
        action = state.get("audit_action") or getattr(route, "name", None) or scope["path"]
        outcome = "refused" if status < 500 else "failed"
        try:
            with session_scope(self.ctx.session_factory) as session:
                audit.record(
                    session,
                    actor=actor,
                    action=str(action),
                    target=state.get("audit_target") or scope["path"],
                    outcome=outcome,
                    detail={"status": status, **(state.get("audit_detail") or {})},
                    now=self.ctx.clock.now(),
                )
        except Exception:
            log.exception("could not write the audit row of a %s request", outcome)


class BodyLimitMiddleware:
    """Refuse a request body over the limit with 413 before reading it: by its Content-Length, or, when the
    body is streamed without one, as soon as the bytes read pass the limit. Upload routes get a larger limit."""

    def __init__(self, app: ASGIApp, limits: LimitsSettings) -> None:
        self.app = app
        self.limits = limits

    def limit_for(self, path: str) -> int:
        """The largest body accepted on `path`."""
        return self.limits.max_upload_bytes if _UPLOAD_ROUTE.search(path) else self.limits.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check one request's size."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"").decode("latin-1").strip()
        if declared and (not declared.isdigit() or int(declared) > limit):
            status, text = (413, f"the request body is larger than {limit} bytes")
            if not declared.isdigit():
                status, text = 400, "the Content-Length header is not a number"
            code = "payload_too_large" if status == 413 else "bad_request"
            await problem_response(status, code, text, limit=limit)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, f"the request body is larger than {limit} bytes")
            return message

        await self.app(scope, counted, send)
