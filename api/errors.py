"""Map the one error hierarchy (core.errors) and validation failures to problem responses."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas import FieldError, Problem
from core.errors import (
    Conflict,
    ControlroomError,
    Forbidden,
    Invalid,
    NotFound,
    Throttled,
    Unauthenticated,
    Unavailable,
)

__all__ = [
    "PROBLEM_RESPONSES",
    "install_error_handlers",
    "internal_error",
    "lost_connection",
    "problem_response",
    "status_for",
]

log = logging.getLogger(__name__)

_STATUS: tuple[tuple[type[ControlroomError], int], ...] = (
    (Unauthenticated, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (Invalid, 422),
    (Throttled, 429),
    (Unavailable, 503),
)

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": HTTPStatus(code).phrase} for code in (401, 403, 404, 409, 422)
}


def status_for(exc: ControlroomError) -> int:
    """The HTTP status for a domain error."""
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def problem_response(
    status: int, code: str, detail: str, errors: list[FieldError] | None = None, **extra: Any
) -> JSONResponse:
    """Build a problem+json response."""
    body = Problem(
        type=f"/problems/{code}",
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        code=code,
        errors=errors or [],
    ).model_dump()
    body.update(extra)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def _html(request: Request, status: int, code: str, detail: str) -> Response | None:
    """A console page's error as an HTML page, when the console registered a renderer for them."""
    renderer = getattr(request.app.state, "html_error", None)
    # a page the browser navigates to; a script's fetch (which reads the problem's detail) keeps the JSON
    mode = request.headers.get("sec-fetch-mode")
    navigation = mode == "navigate" or (mode is None and request.method == "GET")
    if renderer is None or not navigation or not _wants_html(request):
        return None
    response: Response = renderer(request, status, code, detail)
    return response


def _localized(request: Request, exc: ControlroomError) -> str:
    """The error's message for its reader: in the console (a session, no bearer token) in the reader's
    language when the error carries a message key (the console registers `app.state.localize`); English
    for API clients, which get the key and parameters as `said`."""
    localize = getattr(request.app.state, "localize", None)
    bearer = request.headers.get("authorization", "").lower().startswith("bearer ")
    if exc.said is None or localize is None or bearer:
        return exc.message
    text: str = localize(request, exc.said)
    return text


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ControlroomError)
    status = status_for(exc)
    if status == 401 and _wants_html(request):
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    if exc.code == "password_change_required" and _wants_html(request):
        return RedirectResponse("/account/password", status_code=303)  # the page says why
    message = _localized(request, exc)
    if page := _html(request, status, exc.code, message):
        return page
    errors = []
    if isinstance(exc, Invalid) and exc.field:
        errors.append(FieldError(field=exc.field, message=message))
    extra: dict[str, Any] = {"info": exc.detail} if isinstance(exc.detail, dict) else {}
    if exc.said is not None:
        extra["said"] = exc.said.as_json()
    response = problem_response(status, exc.code, message, errors, **extra)
    if isinstance(exc, Throttled):
        response.headers["Retry-After"] = str(max(1, round(exc.retry_after_s)))
    return response


def _field_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(
            field=_field_path(tuple(err["loc"])), message=str(err["msg"]).removeprefix("Value error, ")
        )
        for err in exc.errors()
    ]
    summary = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
    if page := _html(request, 422, "validation_error", summary):
        return page
    return problem_response(422, "validation_error", f"invalid request: {summary}", errors)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_")
    if page := _html(request, exc.status_code, code, str(exc.detail)):
        return page
    return problem_response(exc.status_code, code, str(exc.detail))


def _request_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id", ""))


def lost_connection(exc: DBAPIError) -> bool:
    """True when the database could not be reached or the connection broke (the only 503 case)."""
    return exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError)


async def _db_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DBAPIError)
    if isinstance(exc, IntegrityError):
        log.info("integrity error", extra={"error": str(exc.orig)})
        if page := _html(request, 409, "conflict", ""):
            return page
        return problem_response(409, "conflict", "the change clashes with data stored meanwhile; retry")
    if lost_connection(exc):
        log.error("database unavailable", extra={"error": str(exc.orig)})
        if page := _html(request, 503, "database_unavailable", ""):
            return page
        return problem_response(503, "database_unavailable", "the database cannot be reached; retry shortly")
    if isinstance(exc, DataError):
        # A value the schema let through but the database refused (out of range, too long): the input's fault.
        log.warning("database refused a value", extra={"error": str(exc.orig)})
        return problem_response(422, "invalid_value", "a value is out of the range the database can store")
    return internal_error(request, exc)


def internal_error(request: Request, exc: BaseException) -> Response:
    """The 500 answer: logged with its traceback; the body carries the request id to quote."""
    log.error("unhandled error", exc_info=exc)
    if page := _html(request, 500, "internal_error", ""):
        return page
    request_id = _request_id(request)
    return problem_response(
        500,
        "internal_error",
        f"an unexpected error occurred; it has been logged (request id {request_id})",
        request_id=request_id,
    )


async def _pool_timeout(request: Request, exc: Exception) -> Response:
    log.error("no database connection free in time", extra={"error": str(exc)})
    return problem_response(503, "database_busy", "every database connection is busy; retry shortly")


async def _overflow(request: Request, exc: Exception) -> Response:
    # SQLite's driver raises a plain OverflowError for an integer beyond 64 bits: the input's fault.
    log.warning("a number beyond the database's range", extra={"error": str(exc)})
    return problem_response(422, "invalid_value", "a number is out of the range the database can store")


async def _unexpected(request: Request, exc: Exception) -> Response:
    return internal_error(request, exc)


def install_error_handlers(app: FastAPI) -> None:
    """Register one handler per error base class."""
    app.add_exception_handler(ControlroomError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DBAPIError, _db_error)
    app.add_exception_handler(PoolTimeout, _pool_timeout)
    app.add_exception_handler(OverflowError, _overflow)
    app.add_exception_handler(Exception, _unexpected)
