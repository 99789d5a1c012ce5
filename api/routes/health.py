"""Liveness/readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import PUBLIC, get_context
from api.errors import problem_response
from core.errors import Unavailable
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


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """Prometheus text exposition."""
    return Response(generate_latest(get_context(request).metrics.registry), media_type=CONTENT_TYPE_LATEST)
