"""Imports every ORM model so that `Base.metadata` knows all tables (for Alembic and test set-up)."""

from __future__ import annotations

from access.audit.models import AuditEntry
from access.users.models import AuthToken, User, UserRole
from db.base import Base
from db.chain import ChainHead
from db.outbox import Delivery, OutboxMessage

__all__ = ["AuditEntry", "AuthToken", "Base", "ChainHead", "Delivery", "OutboxMessage", "User", "UserRole"]
