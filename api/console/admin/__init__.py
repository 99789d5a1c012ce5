"""The administration pages: users, cameras, zones and masks, posts, and the duty-rules editor."""

from __future__ import annotations

from fastapi import APIRouter

from api.console.admin import account, cameras, posts, rules, users, zones

__all__ = ["routers"]

routers: list[APIRouter] = [
    users.router,
    cameras.router,
    zones.router,
    posts.router,
    rules.router,
    account.router,
]
