"""Editing posts (admin and shift leaders) and the roles a post allows. Services flush; the caller commits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.users.models import User
from core.messages import Message
from devices.camera import service as camera_registry
from shift_logs.roster.errors import UnknownCamera, WrongRoleForPost
from shift_logs.roster.models import Post

__all__ = ["check_role_allowed", "list_all", "snapshot", "update_post"]


def snapshot(post: Post) -> dict[str, Any]:
    """The audited state of a post (before/after of a change)."""
    return {
        "title": post.title,
        "cameras": list(post.cameras),
        "roles": list(post.roles or []),
        "checklist": list(post.checklist),
        "active": post.active,
    }


def check_role_allowed(post: Post, user: User, *, field: str = "user_id") -> None:
    """Raise WrongRoleForPost (naming `field`) when the post names roles and `user` holds none of them."""
    allowed = set(post.roles or [])
    if allowed and not allowed & {r.value for r in user.roles}:
        roles = ", ".join(sorted(allowed))
        refused = WrongRoleForPost(
            f"{user.username} holds none of the roles post {post.name} allows: {roles}", field=field
        )
        refused.said = Message(
            "msg.roster.wrong_role", {"user": user.username, "post": post.name, "roles": roles}
        )
        raise refused


def update_post(
    session: Session,
    *,
    post: Post,
    title: str | None = None,
    cameras: Sequence[str] | None = None,
    roles: Sequence[str] | None = None,
    checklist: Sequence[str] | None = None,
    active: bool | None = None,
) -> Post:
    """Apply the given changes (None leaves a field); cameras must be registered."""
    if cameras is not None:
        known = camera_registry.registered_names(session, cameras)
        for index, camera in enumerate(cameras):
            if camera not in known:
                raise UnknownCamera(f"there is no camera called {camera!r}", field=f"cameras[{index}]")
        post.cameras = list(cameras)
    if title is not None:
        post.title = title or post.name
    if roles is not None:
        post.roles = sorted(set(roles))
    if checklist is not None:
        post.checklist = list(checklist)
    if active is not None:
        post.active = active
    session.flush()
    return post


def list_all(session: Session) -> list[Post]:
    """Every post, active or not, by name."""
    return list(session.scalars(select(Post).order_by(Post.active.desc(), Post.name)))
