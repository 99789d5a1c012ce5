"""Account administration on SQLite and PostgreSQL: search, the last enabled admin, unlock/reset, tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from access import tokens
from access.auth import issue_api_token
from access.roles import Role
from access.users import admin
from access.users.errors import TokenNotFound
from tests.factories.access import make_user

NOW = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)


def test_search_by_text_role_and_state(session: Session) -> None:
    make_user(session, username="olga", roles=(Role.OPERATOR,))
    make_user(session, username="Oleg", roles=(Role.SHIFT_LEADER,), disabled=True)
    locked = make_user(session, username="li", roles=(Role.OPERATOR,))
    locked.locked_until = NOW + dt.timedelta(minutes=5)
    assert [u.username for u in admin.search(session, text="OL", now=NOW)[0]] == ["Oleg", "olga"]
    assert [u.username for u in admin.search(session, role=Role.OPERATOR, now=NOW)[0]] == ["li", "olga"]
    assert [u.username for u in admin.search(session, state="disabled", now=NOW)[0]] == ["Oleg"]
    assert [u.username for u in admin.search(session, state="locked", now=NOW)[0]] == ["li"]


def test_the_last_enabled_admin_stays(session: Session) -> None:
    root = make_user(session, username="root", roles=(Role.ADMIN,))
    make_user(session, username="old", roles=(Role.ADMIN,), disabled=True)
    with pytest.raises(admin.LastAdmin):
        admin.check_admin_remains(session, user=root, disabled=True)
    with pytest.raises(admin.LastAdmin):
        admin.check_admin_remains(session, user=root, roles=[Role.SUPERVISOR])
    admin.check_admin_remains(session, user=root, roles=[Role.ADMIN, Role.SUPERVISOR])
    make_user(session, username="deputy", roles=(Role.ADMIN,))
    admin.check_admin_remains(session, user=root, disabled=True)


def test_reset_unlocks_and_ends_every_token_and_revoke_ends_one(session: Session) -> None:
    olga = make_user(session, username="olga")
    olga.failed_logins, olga.locked_until = 5, NOW + dt.timedelta(hours=1)
    first = issue_api_token(session, user=olga, name="radio", days=30, now=NOW)
    second = issue_api_token(session, user=olga, name="export", days=30, now=NOW)
    boss = make_user(session, username="boss", roles=(Role.ADMIN,))
    assert {t.name for t in tokens.list_live(session, caller=boss, user_id=olga.id, now=NOW)} == {
        "radio",
        "export",
    }
    tokens.revoke(session, caller=boss, token_id=first.token.id, owner_id=olga.id, now=NOW)
    assert [t.name for t in tokens.list_live(session, caller=boss, user_id=olga.id, now=NOW)] == ["export"]
    other = make_user(session, username="li")
    with pytest.raises(TokenNotFound):
        tokens.revoke(session, caller=boss, token_id=second.token.id, owner_id=other.id, now=NOW)
    password = admin.reset_password(session, user=olga, now=NOW)
    assert len(password) >= 16 and olga.locked_until is None and olga.failed_logins == 0
    assert tokens.list_live(session, caller=boss, user_id=olga.id, now=NOW) == []
