"""Progress on stderr for long commands (rich): shown on a terminal, silent with --json or when piped."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["progress"]


@contextmanager
def progress(
    description: str, total: float | None, *, quiet: bool = False
) -> Iterator[Callable[[float], None]]:
    """Yield `advance(to)`, which sets how far the work is (same unit as `total`; None: a spinner).

    Nothing is drawn when `quiet` (machine output asked for) or when stderr is not a terminal, so that
    scripts and logs keep one clean line per result."""
    if quiet or not sys.stderr.isatty():
        yield lambda _done: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda done: bar.update(task, completed=done)
