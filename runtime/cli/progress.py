"""Progress on stderr for long commands (rich): shown on a terminal, silent with --json or when piped."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

__all__ = ["Advance", "progress"]


class Advance(Protocol):
    """Set how far the work is (`done`, in the unit of the total); `total` when it becomes known."""

    def __call__(self, done: float, total: float | None = None) -> None: ...


def _silent(done: float, total: float | None = None) -> None:
    return None


@contextmanager
def progress(description: str, total: float | None, *, quiet: bool = False) -> Iterator[Advance]:
    """Yield `advance(done, total=None)`, which sets how far the work is (same unit as `total`; a None total
    draws a spinner until one is given).

    Nothing is drawn when `quiet` (machine output asked for) or when stderr is not a terminal, so that
    scripts and logs keep one clean line per result."""
    if quiet or not sys.stderr.isatty():
        yield _silent
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)

        def advance(done: float, total: float | None = None) -> None:
            bar.update(task, completed=done, total=total)

        yield advance
