"""Units (departments) that reports are transferred to: a small register."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, CreatedAtMixin

__all__ = ["Unit"]


class Unit(CreatedAtMixin, Base):
    """One department or outside unit; `external` units reply through a link instead of an account."""

    __tablename__ = "shift_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    contact: Mapped[str] = mapped_column(String(200), default="")
    external: Mapped[bool] = mapped_column(default=False)
    reply_days: Mapped[int | None] = mapped_column(default=None)
    active: Mapped[bool] = mapped_column(default=True)
