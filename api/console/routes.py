"""Server-rendered console pages (Jinja2), calling the same services as the JSON API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from access.roles import Role
from access.users.models import AuthToken, User
from api.console.i18n import (
    LANGUAGES,
    format_datetime,
    render_message,
    system_text,
    translate,
    translations,
)
from api.console.nav import nav_for
from api.console.security import SecurityHeaders
from api.deps import ANY_USER, PUBLIC, CurrentToken, SessionDep, SettingsDep, get_context
from api.login import clear_session_cookie, set_session_cookie, sign_in, sign_out
from core.messages import Message
from devices.health import reason_message

__all__ = ["language_of", "mount_console", "render"]

_HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(_HERE / "templates"))
router = APIRouter(include_in_schema=False)


def language_of(request: Request, user: User | None) -> str:
    """The reader's language: ?lang=, then the cookie, then the user's own, then the site's default."""
    wanted = request.query_params.get("lang") or request.cookies.get("cr_lang")
    if wanted in LANGUAGES:
        return wanted
    if user is not None and user.language in LANGUAGES:
        return user.language
    return get_context(request).settings.site.default_language


def error_language(request: Request) -> str:
    """The language of an error answered to the console: ?lang=, the cookie, the signed-in user's own (kept
    as a plain value, the session may be rolled back), then the site's default."""
    wanted = request.query_params.get("lang") or request.cookies.get("cr_lang")
    if wanted in LANGUAGES:
        return wanted
    own = getattr(request.state, "user_language", None)
    return own if own in LANGUAGES else get_context(request).settings.site.default_language


def localize(request: Request, said: Message) -> str:
    """A refusal's message in the language of the console's reader."""
    return render_message(error_language(request), said, get_context(request).settings.site.timezone)


def render(
    request: Request, template: str, *, token: AuthToken | None = None, status_code: int = 200, **values: Any
) -> HTMLResponse:
    """Render a console page with the translation, time and user helpers every page needs."""
    settings = get_context(request).settings
    user = token.user if token is not None else None
    lang = language_of(request, user)
    # a password someone else set leaves only /account/password: no menu leading to refusals
    nav = nav_for(user) if user is None or not user.must_change_password else []
    context = {
        "lang": lang,
        "t": lambda key, **params: translate(lang, key, **params),
        # a system-written text: its stored message in the reader's language, else the English as stored
        "said": lambda stored, english="": system_text(lang, stored, english, settings.site.timezone),
        # a camera's health reason in the reader's language (a reason from the stream itself as it came)
        "health_said": lambda reason: system_text(lang, reason_message(reason or ""), reason or ""),
        "local": lambda value, seconds=False: format_datetime(value, settings.site.timezone, seconds=seconds),
        "site_name": settings.site.name,
        "timezone": settings.site.timezone,
        "user": user,
        "token": token,
        "csrf_token": token.csrf_token if token is not None else "",
        "nav": nav,
        "nav_hrefs": {item.href for item in nav},
        # those who check in to a post, confirm the duty rules and hand over
        "on_duty_role": user is not None and user.has_any({Role.OPERATOR, Role.SHIFT_LEADER}),
        "js_strings": lambda *prefixes: {
            k: v for k, v in translations(lang).items() if k.startswith(prefixes)
        },
        "idle_minutes": settings.auth.idle_minutes,
        "watch_page": request.url.path in settings.auth.watch_pages,
        "path": request.url.path,
        **values,
    }
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie("cr_lang", lang, max_age=365 * 86400, samesite="strict", httponly=True)
    return response


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login", dependencies=[Depends(PUBLIC)])
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    """The sign-in form."""
    return render(request, "login.html", next=_safe_next(next), error=None, username="")


@router.post("/login", dependencies=[Depends(PUBLIC)])
def login_form(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Sign in from the form; back to the form with a message when refused."""
    attempt, issued = sign_in(request, session, settings, username=username.strip(), password=password)
    if issued is None:
        assert attempt.error is not None
        error = (
            "login.locked" if attempt.error.code in ("account_locked", "login_throttled") else "login.refused"
        )
        return render(
            request, "login.html", status_code=401, next=_safe_next(next), error=error, username=username
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, issued, settings)
    return response


@router.post("/logout", dependencies=[Depends(ANY_USER)])
def logout_form(request: Request, session: SessionDep, token: CurrentToken) -> Response:
    """Sign out and go back to the sign-in page."""
    sign_out(request, session, token)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response)
    return response


@router.get("/", dependencies=[Depends(ANY_USER)])
def home_page(request: Request, token: CurrentToken) -> HTMLResponse:
    """The overview page."""
    return render(request, "home.html", token=token)


_ERROR_STATUSES = (403, 404, 409, 422, 500, 503)


def render_error(request: Request, status: int, code: str, detail: str) -> HTMLResponse:
    """A console error as a page in the reader's language (the API keeps its problem+json)."""
    shown = status if status in _ERROR_STATUSES else (500 if status >= 500 else 422)
    # the request's session may be rolled back: the page names no user and offers the way home
    return render(request, "error.html", status_code=status, status=shown, code=code, detail=detail)


def mount_console(app: FastAPI) -> None:
    """Add the console pages and their static assets to `app`."""
    app.state.html_error = render_error
    app.state.localize = localize
    app.include_router(router)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")
