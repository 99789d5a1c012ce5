"""on PostgreSQL, NOTIFY when a session or token ends (revoked, deleted) or its user is disabled, so that
open SSE streams check their session on that instead of every 2 s

Revision ID: 0350
Revises: 0190
Create Date: 2026-12-03 12:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0350"
down_revision = "0190"
branch_labels = None
depends_on = None

# one function per table: PL/pgSQL resolves NEW's fields per row type, so a branch naming users.disabled
# fails on an auth_tokens row even when it is not taken
_PG_NOTIFY = """
CREATE OR REPLACE FUNCTION controlroom_notify_token_end() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('controlroom_sessions', OLD.id::text);
    ELSIF NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
        PERFORM pg_notify('controlroom_sessions', NEW.id::text);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER auth_tokens_notify_end AFTER UPDATE OR DELETE ON auth_tokens
    FOR EACH ROW EXECUTE FUNCTION controlroom_notify_token_end();
CREATE OR REPLACE FUNCTION controlroom_notify_user_disabled() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('controlroom_sessions', 'user ' || OLD.id::text);
    ELSIF NEW.disabled IS DISTINCT FROM OLD.disabled THEN
        PERFORM pg_notify('controlroom_sessions', 'user ' || NEW.id::text);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER users_notify_disabled AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION controlroom_notify_user_disabled();
"""

_PG_DROP = """
DROP TRIGGER IF EXISTS users_notify_disabled ON users;
DROP FUNCTION IF EXISTS controlroom_notify_user_disabled();
DROP TRIGGER IF EXISTS auth_tokens_notify_end ON auth_tokens;
DROP FUNCTION IF EXISTS controlroom_notify_token_end();
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_NOTIFY)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_DROP)
