"""Tasks and standing orders: leaders assign, the post or person completes, open ones carry over."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from access.roles import LEAD, ROOM
from api.deps import Allow, CurrentUser, NowDep, SessionDep, audit_as
from api.errors import PROBLEM_RESPONSES
from api.schemas import Page, PageQuery
from core.types import RowId
from shift_logs.roster import presence
from shift_logs.task import service as tasks
from shift_logs.task.models import TaskState
from shift_logs.task.schemas import TaskCancel, TaskComplete, TaskCreate, TaskRead

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"], responses=PROBLEM_RESPONSES)


def _my_posts(session: SessionDep, user: CurrentUser) -> set[int]:
    here = presence.open_presence(session, user_id=user.id)
    return {here.post_id} if here else set()


@router.get("", response_model=Page[TaskRead], dependencies=[Depends(Allow(*ROOM))])
def list_tasks(
    session: SessionDep,
    page: PageQuery,
    user: CurrentUser,
    state: TaskState | None = None,
    mine: bool = False,
) -> Page[TaskRead]:
    """Tasks, due first; `mine` keeps yours and your post's."""
    rows, total = tasks.list_(
        session,
        limit=page.limit,
        offset=page.offset,
        state=state,
        assignee_id=user.id if mine else None,
        post_ids=_my_posts(session, user) if mine else None,
    )
    items = [TaskRead.model_validate(t) for t in rows]
    return Page[TaskRead](items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("", response_model=TaskRead, status_code=201, dependencies=[Depends(Allow(*LEAD))])
def assign_task(
    body: TaskCreate, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> TaskRead:
    """Assign a task or standing order to a post, a shift or a person."""
    audit_as(request, "task.assign", f"post:{body.post_id}" if body.post_id else f"user:{body.assignee_id}")
    task = tasks.assign(session, assigned_by=user, now=now, **body.model_dump())
    return TaskRead.model_validate(task)


@router.post("/{task_id}/done", response_model=TaskRead, dependencies=[Depends(Allow(*ROOM))])
def complete_task(
    task_id: RowId, body: TaskComplete, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> TaskRead:
    """Mark a task done with its outcome."""
    audit_as(request, "task.done", f"task:{task_id}")
    task = tasks.complete(
        session, task_id=task_id, user=user, outcome=body.outcome, now=now, post_ids=_my_posts(session, user)
    )
    return TaskRead.model_validate(task)


@router.post("/{task_id}/cancel", response_model=TaskRead, dependencies=[Depends(Allow(*LEAD))])
def cancel_task(
    task_id: RowId, body: TaskCancel, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> TaskRead:
    """Withdraw a task or standing order."""
    audit_as(request, "task.cancel", f"task:{task_id}")
    return TaskRead.model_validate(
        tasks.cancel(session, task_id=task_id, user=user, now=now, reason=body.reason)
    )
