"""Tasks and standing orders (R1): assigned by leaders, open until done, carried over in handovers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from access.roles import LEAD
from access.users.models import User
from db import lookup
from shift_logs.task.errors import NoTaskTarget, TaskClosed, TaskNotFound, TaskNotYours
from shift_logs.task.models import Task, TaskState

__all__ = ["assign", "cancel", "complete", "list_", "open_for", "require"]


def assign(
    session: Session,
    *,
    title: str,
    assigned_by: User,
    now: dt.datetime,
    detail: str = "",
    post_id: int | None = None,
    shift_id: int | None = None,
    assignee_id: int | None = None,
    due_at: dt.datetime | None = None,
    standing: bool = False,
    source_handover_id: int | None = None,
) -> Task:
    """Assign a task to a post, a shift or a person (at least one)."""
    if post_id is None and shift_id is None and assignee_id is None:
        raise NoTaskTarget("name a post, a shift or a person for the task", field="post_id")
    if due_at is not None and due_at <= now:
        raise NoTaskTarget("the due time must lie in the future", field="due_at")
    task = Task(
        title=title,
        detail=detail,
        standing=standing,
        post_id=post_id,
        shift_id=shift_id,
        assignee_id=assignee_id,
        assigned_by_id=assigned_by.id,
        due_at=due_at,
        source_handover_id=source_handover_id,
        created_at=now,
    )
    session.add(task)
    session.flush()
    return task


def require(session: Session, task_id: int) -> Task:
    """Return the task, or raise TaskNotFound."""
    return lookup.require(session, Task, task_id, error=TaskNotFound, what="task")


def _may_complete(task: Task, user: User, post_ids: set[int]) -> bool:
    if user.has_any(LEAD) or task.assignee_id == user.id:
        return True
    return task.assignee_id is None and (task.post_id is None or task.post_id in post_ids)


def complete(
    session: Session, *, task_id: int, user: User, outcome: str, now: dt.datetime, post_ids: set[int]
) -> Task:
    """Mark a task done with its outcome (`post_ids`: posts the user is checked in at)."""
    task = require(session, task_id)
    if task.state is not TaskState.OPEN:
        raise TaskClosed(f"task {task.id} is {task.state} already")
    if not _may_complete(task, user, post_ids):
        raise TaskNotYours(f"task {task.id} is not assigned to {user.username} or their post")
    task.state, task.outcome, task.done_at, task.done_by_id = TaskState.DONE, outcome, now, user.id
    session.flush()
    return task


def cancel(session: Session, *, task_id: int, user: User, now: dt.datetime, reason: str) -> Task:
    """Withdraw a task or standing order (leaders)."""
    task = require(session, task_id)
    if task.state is not TaskState.OPEN:
        raise TaskClosed(f"task {task.id} is {task.state} already")
    task.state, task.outcome, task.done_at, task.done_by_id = TaskState.CANCELLED, reason, now, user.id
    session.flush()
    return task


def list_(
    session: Session,
    *,
    limit: int,
    offset: int,
    state: TaskState | None = None,
    assignee_id: int | None = None,
    post_ids: set[int] | None = None,
) -> tuple[list[Task], int]:
    """Tasks, due first; `assignee_id`/`post_ids` narrow to one person's tasks (theirs or their post's)."""
    stmt = select(Task)
    if state is not None:
        stmt = stmt.where(Task.state == state)
    if assignee_id is not None:
        mine = [Task.assignee_id == assignee_id]
        if post_ids:
            mine.append(Task.assignee_id.is_(None) & Task.post_id.in_(post_ids))
        stmt = stmt.where(or_(*mine))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    order = (Task.due_at.is_(None), Task.due_at, Task.id)
    rows = session.scalars(stmt.order_by(*order).limit(limit).offset(offset))
    return list(rows), total


def open_for(session: Session, *, post_id: int | None = None) -> list[Task]:
    """Open tasks (of one post plus those without a post, or all), oldest first."""
    stmt = select(Task).where(Task.state == TaskState.OPEN)
    if post_id is not None:
        stmt = stmt.where(or_(Task.post_id == post_id, Task.post_id.is_(None)))
    return list(session.scalars(stmt.order_by(Task.created_at, Task.id)))
