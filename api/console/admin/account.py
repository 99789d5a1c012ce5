"""/account/password: every signed-in user changes their own password in the console (after an
administrator's one-time password, or at any time). The page's script calls `POST /api/v1/auth/password`,
the same service as the API: the current password is checked (throttled) and the user's other sessions end."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from api.console.routes import render
from api.deps import ANY_USER, CurrentToken, SettingsDep

__all__ = ["router"]

router = APIRouter(include_in_schema=False, dependencies=[Depends(ANY_USER)])


@router.get("/account/password")
def password_page(request: Request, token: CurrentToken, settings: SettingsDep) -> HTMLResponse:
    """The form to change one's own password."""
    return render(
        request, "admin/account_password.html", token=token, min_length=settings.auth.min_password_length
    )
