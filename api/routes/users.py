"""User administration (admin only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from access.users import admin as accounts
from access.users import service as users
from access.users.schemas import UserCreate, UserRead, UserUpdate
from api.deps import NowDep, SessionDep, SettingsDep, audit_as
from api.errors import PROBLEM_RESPONSES
from api.policies import ADMINS
from api.schemas import Page, PageQuery
from core.types import RowId

router = APIRouter(
    prefix="/api/v1/users",
    tags=["users"],
    dependencies=[Depends(ADMINS)],
    responses=PROBLEM_RESPONSES,
)


@router.get("", response_model=Page[UserRead])
def list_users(session: SessionDep, page: PageQuery) -> Page[UserRead]:
    """All users, by name."""
    rows, total = users.list_(session, limit=page.limit, offset=page.offset)
    items = [UserRead.model_validate(u) for u in rows]
    return Page[UserRead](items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("", response_model=UserRead, status_code=201)
def create_user(
    body: UserCreate, request: Request, session: SessionDep, settings: SettingsDep, now: NowDep
) -> UserRead:
    """Create a user (audited with the account's name, roles and language). The password is the caller's
    choice, so by default the user must change it at the first sign-in (`must_change_password`)."""
    user = users.create(
        session,
        username=body.username,
        password=body.password,
        roles=body.roles,
        display_name=body.display_name,
        language=body.language,
        min_password_length=settings.auth.min_password_length,
        must_change_password=body.must_change_password,
        now=now,
    )
    after = {**accounts.snapshot(user, now=now), "must_change_password": user.must_change_password}
    audit_as(request, "user.create", f"user:{user.username}", detail={"after": after})
    return UserRead.model_validate(user)


@router.get("/{user_id}", response_model=UserRead)
def read_user(user_id: RowId, session: SessionDep) -> UserRead:
    """One user."""
    return UserRead.model_validate(users.require(session, user_id))


@router.patch("/{user_id}", response_model=UserRead)
def update_user(
    user_id: RowId, body: UserUpdate, request: Request, session: SessionDep, now: NowDep
) -> UserRead:
    """Change a user's name, roles, language, or disable them (which ends their sessions); audited with
    the fields before and after; 409 when it would leave no enabled admin."""
    user = users.require(session, user_id)
    before = accounts.snapshot(user, now=now)
    accounts.check_admin_remains(session, user=user, roles=body.roles, disabled=body.disabled)
    user = users.update(
        session,
        user=user,
        display_name=body.display_name,
        roles=body.roles,
        disabled=body.disabled,
        language=body.language,
        now=now,
    )
    after = accounts.snapshot(user, now=now)
    changed = [key for key in after if after[key] != before[key]]
    audit_as(
        request,
        "user.update",
        f"user:{user.username}",
        detail={
            "before": {key: before[key] for key in changed},
            "after": {key: after[key] for key in changed},
        },
    )
    return UserRead.model_validate(user)
