"""The duty-rules editor on /compliance (admin, and supervisor where `duty_rules.change_roles` allows):
check a draft exactly as the YAML file is checked (each problem names its key path) and show its diff
against the version in force; saving goes through `PUT /api/v1/duty-rules` (a new version, audited, that
operators confirm at check-in).

This module is the console's only import site of the duty-rules services, so moving that package touches
one line here."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from access.users.models import User
from api.deps import CurrentUser, SessionDep, SettingsDep
from api.policies import OVERSEERS
from config.settings import Settings
from core.errors import ConfigError, Forbidden
from core.schemas import WriteSchema
from shift_logs.rules import store
from shift_logs.rules.model import parse_duty_rules

__all__ = ["can_edit", "editor_context", "router"]

router = APIRouter(include_in_schema=False)


class RulesDraft(WriteSchema):
    """The whole `rules` mapping, as in the YAML file."""

    rules: dict[str, Any]


def can_edit(user: User | None, settings: Settings) -> bool:
    """Whether `user` may change the duty rules (the API checks the same)."""
    return user is not None and bool({r.value for r in user.roles} & set(settings.duty_rules.change_roles))


def editor_context(session: Session, user: User | None, settings: Settings) -> dict[str, Any]:
    """What the compliance page needs to show the editor (nothing for those who may not edit)."""
    if not can_edit(user, settings):
        return {"rules_editor": None}
    return {"rules_editor": store.in_force(session).model_dump(mode="json")["rules"]}


def _field(line: str) -> str | None:
    return line.split(":", 1)[0] if ":" in line else None


@router.post("/compliance/rules/check", dependencies=[Depends(OVERSEERS)])
def check_rules(
    body: RulesDraft, session: SessionDep, user: CurrentUser, settings: SettingsDep
) -> dict[str, Any]:
    """Validate a draft like the YAML file and diff it against the rules in force (nothing is saved)."""
    if not can_edit(user, settings):
        raise Forbidden(
            "changing the duty rules needs one of: " + ", ".join(settings.duty_rules.change_roles)
        )
    try:
        draft = parse_duty_rules({"rules": body.rules}, source="rules")
    except ConfigError as exc:
        lines: list[str] = exc.detail or [exc.message]
        return {"ok": False, "errors": [{"field": _field(x), "message": x} for x in lines], "diff": []}
    return {"ok": True, "errors": [], "diff": store.diff(store.in_force(session), draft)}
