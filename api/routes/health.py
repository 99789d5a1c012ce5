"""Liveness/readiness and Prometheus metrics."""

from __future__ import annotations

import ipaddress
import secrets

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import PUBLIC, SettingsDep, get_context
from api.errors import problem_response
from core.errors import Forbidden, Unavailable
from db.session import check_connection

router = APIRouter(tags=["health"], dependencies=[Depends(PUBLIC)])


@router.get("/healthz")
def healthz(request: Request) -> Response:
    """200 when the database answers, 503 with the reason when it does not."""
    try:
        check_connection(get_context(request).engine)
    except Unavailable as exc:
        return problem_response(503, exc.code, exc.message)
    return Response('{"status":"ok","database":"ok"}', media_type="application/json")


def _may_scrape(request: Request, settings: SettingsDep) -> None:
    """`/metrics` only for the configured bearer token or an address in `metrics.allow`."""
    token = settings.metrics.token.get_secret_value()
    header = request.headers.get("authorization", "")
    if token and header.lower().startswith("bearer ") and secrets.compare_digest(header[7:].strip(), token):
        return
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and any(
        address in ipaddress.ip_network(net, strict=False) for net in settings.metrics.allow
    ):
        return
    raise Forbidden(
        "metrics: send the bearer token of metrics.token, or scrape from an address in metrics.allow"
    )


@router.get("/metrics", dependencies=[Depends(_may_scrape)])
def metrics(request: Request) -> Response:
    """Prometheus text exposition (bearer token `metrics.token` or an address in `metrics.allow`)."""
    return Response(generate_latest(get_context(request).metrics.registry), media_type=CONTENT_TYPE_LATEST)
