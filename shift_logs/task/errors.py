"""Errors of tasks."""

from __future__ import annotations

from core.errors import Forbidden, Invalid, InvalidTransition, NotFound

__all__ = ["NoTaskTarget", "TaskClosed", "TaskNotFound", "TaskNotYours"]


class TaskNotFound(NotFound):
    """No task with that id."""

    code = "task_not_found"


class NoTaskTarget(Invalid):
    """A task must name a post, a shift or a person."""

    code = "no_task_target"


class TaskClosed(InvalidTransition):
    """The task is done or cancelled already."""

    code = "task_closed"


class TaskNotYours(Forbidden):
    """Only the assignee, someone on the task's post, or a leader may complete it."""

    code = "task_not_yours"
