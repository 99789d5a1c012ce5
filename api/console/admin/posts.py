"""/admin/posts: posts with the cameras they watch and the roles allowed on them (admin and shift leaders).
Every change carries a reason and is audited with the post's state before and after."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import Field

from access.roles import ROOM, Role
from api.console.admin.schemas import PostEdit
from api.console.routes import render
from api.deps import CurrentToken, SessionDep, audit_as
from api.policies import POST_ADMINS
from devices.camera import service as cameras
from shift_logs.roster import post_admin
from shift_logs.roster import service as roster
from shift_logs.roster.models import Post
from shift_logs.roster.schemas import PostCreate, PostRead

__all__ = ["router"]

router = APIRouter(include_in_schema=False, dependencies=[Depends(POST_ADMINS)])


class PostAdd(PostCreate):
    """A new post, with the reason."""

    reason: str = Field(min_length=3, max_length=500, description="Why (audited).")


def _audit(request: Request, action: str, post: Post, reason: str, **detail: Any) -> None:
    audit_as(request, action, f"post:{post.name}", detail={"reason": reason, **detail})


@router.get("/admin/posts")
def posts_page(request: Request, token: CurrentToken, session: SessionDep) -> HTMLResponse:
    """Posts with their cameras and allowed roles, and the forms to change them."""
    posts = post_admin.list_all(session)
    rows, _ = cameras.list_(session, limit=1000, offset=0)
    return render(
        request,
        "admin/posts.html",
        token=token,
        posts=posts,
        payload=[PostRead.model_validate(p).model_dump(mode="json") for p in posts],
        camera_names=[c.name for c in rows],
        roles=[role for role in Role if role in ROOM],
    )


@router.post("/admin/posts", status_code=201)
def add_post(body: PostAdd, request: Request, session: SessionDep) -> dict[str, Any]:
    """Create a post."""
    post = roster.create_post(
        session,
        name=body.name,
        title=body.title,
        checklist=body.checklist,
        cameras=body.cameras,
        roles=[r.value for r in body.roles],
    )
    _audit(request, "post.create", post, body.reason, before=None, after=post_admin.snapshot(post))
    return PostRead.model_validate(post).model_dump(mode="json")


@router.patch("/admin/posts/{post_id}")
def edit_post(post_id: int, body: PostEdit, request: Request, session: SessionDep) -> dict[str, Any]:
    """Change a post's title, cameras, allowed roles, checklist or whether it is in use."""
    post = roster.require_post(session, post_id)
    before = post_admin.snapshot(post)
    post_admin.update_post(
        session,
        post=post,
        title=body.title,
        cameras=body.cameras,
        roles=[r.value for r in body.roles] if body.roles is not None else None,
        checklist=body.checklist,
        active=body.active,
    )
    _audit(request, "post.update", post, body.reason, before=before, after=post_admin.snapshot(post))
    return PostRead.model_validate(post).model_dump(mode="json")
