"""Progress of the running job, reported by task code and read by the UI and the API.

Task code calls :func:`report_progress` as often as it likes (per row of an import, say): the
call only records the values in memory. The worker's keeper thread writes them to the job row
about once a second, on its own database connection, so progress is visible even while the
task holds a long transaction, and a final write happens when the job ends. Outside a job (a
shell, a test calling the function directly) the call does nothing.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from moyeu.core.models import Job


@dataclass(frozen=True)
class Progress:
    done: int
    total: int | None
    message: str

    @property
    def fraction(self) -> float | None:
        """Between 0 and 1, or None when the total is unknown."""
        if not self.total:
            return None
        return min(1.0, self.done / self.total)


class ProgressState:
    """The latest progress of one running job, shared by the task and the keeper thread."""

    def __init__(self, job_id: uuid.UUID) -> None:
        self.job_id = job_id
        self._lock = threading.Lock()
        self._value = Progress(0, None, "")
        self._dirty = False

    def set(self, progress: Progress) -> None:
        with self._lock:
            self._value = progress
            self._dirty = True

    def take_if_changed(self) -> Progress | None:
        """The value to write, once per change (the keeper's flush)."""
        with self._lock:
            if not self._dirty:
                return None
            self._dirty = False
            return self._value

    @property
    def value(self) -> Progress:
        with self._lock:
            return self._value


_current: contextvars.ContextVar[ProgressState | None] = contextvars.ContextVar(
    "moyeu_job_progress", default=None
)


def report_progress(done: int, total: int | None = None, message: str = "") -> None:
    """Record that ``done`` of ``total`` units are finished, with an optional short message."""
    state = _current.get()
    if state is None:
        return
    if done < 0 or (total is not None and total < 0):
        raise ValueError(f"progress must not be negative: {done}/{total}")
    state.set(Progress(int(done), None if total is None else int(total), message[:255]))


@contextlib.contextmanager
def progress_scope(state: ProgressState) -> Iterator[ProgressState]:
    """Make ``state`` the target of :func:`report_progress` for the block (the job runner)."""
    token = _current.set(state)
    try:
        yield state
    finally:
        _current.reset(token)


def job_progress(result_id: str) -> Progress:
    """The stored progress of a job, by its task result id."""
    job = Job.objects.only("progress_done", "progress_total", "progress_message").get(pk=result_id)
    return Progress(job.progress_done, job.progress_total, job.progress_message)
