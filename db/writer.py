"""One database writer thread: other threads (camera readers, recorders) hand it jobs through a bounded
queue and never wait on the database. A job that fails because the database is away is retried with
backoff until it succeeds or the writer stops; beyond the queue's size jobs are counted and dropped."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError

__all__ = ["Job", "WriterThread"]

log = logging.getLogger(__name__)
Job = Callable[[], None]


class WriterThread:
    """Runs submitted jobs one at a time, retrying those the database refused for being unreachable."""

    def __init__(self, name: str, *, maxsize: int = 1000) -> None:
        self.name = name
        self.dropped = 0
        self._jobs: queue.Queue[Job] = queue.Queue(maxsize=maxsize)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the queued jobs (without retrying), then stop."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=timeout)

    def submit(self, job: Job) -> bool:
        """Queue a job; False (and counted) when the queue is full."""
        try:
            self._jobs.put_nowait(job)
        except queue.Full:
            self.dropped += 1
            log.error("%s queue full: a job was dropped (%d so far)", self.name, self.dropped)
            return False
        return True

    def drain(self, timeout: float = 10.0) -> None:
        """Wait until every queued job has run (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while self._jobs.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.05)

    def _loop(self) -> None:
        while not (self._stop.is_set() and self._jobs.empty()):
            try:
                job = self._jobs.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                self._run(job)
            finally:
                self._jobs.task_done()

    def _run(self, job: Job) -> None:
        delay = 0.5
        while True:
            try:
                job()
                return
            except DBAPIError as exc:
                if self._stop.is_set():
                    log.error(
                        "%s: database unavailable at shutdown; a write is lost: %s", self.name, exc.orig
                    )
                    return
                log.warning("%s: database unavailable, retrying in %.1f s: %s", self.name, delay, exc.orig)
                time.sleep(delay)
                delay = min(delay * 2, 10)
            except Exception:
                log.exception("%s: a job failed", self.name)
                return
