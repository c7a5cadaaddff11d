"""Retry schedules: exponential backoff, capped, with jitter for jobs.

Jobs use "equal jitter": half of the exponential delay is fixed, half is random, so retries of
many jobs that failed together (a database restart) spread out instead of stampeding, while
each retry still waits at least half its nominal delay. The outbox dispatcher is a single
process, so its schedule has no jitter.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from django.conf import settings


def exponential_delay(attempt: int, *, base: float, cap: float) -> float:
    """``base * 2**(attempt-1)`` seconds, at most ``cap``; ``attempt`` counts from 1."""
    if attempt < 1:
        raise ValueError(f"attempt counts from 1, got {attempt}")
    # Avoid computing huge powers for jobs that have been retried very many times.
    if attempt > 62:
        return float(cap)
    return float(min(cap, base * 2 ** (attempt - 1)))


def job_retry_delay(attempt: int, *, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait before retrying a job whose attempt number ``attempt`` failed."""
    nominal = exponential_delay(
        attempt,
        base=settings.MOYEU_JOB_RETRY_BASE_SECONDS,
        cap=settings.MOYEU_JOB_RETRY_MAX_SECONDS,
    )
    return nominal / 2 + nominal / 2 * rand()


def outbox_retry_delay(attempts: int) -> float:
    """Seconds before redelivering an event whose ``attempts``-th delivery failed."""
    return exponential_delay(
        attempts,
        base=settings.MOYEU_OUTBOX_RETRY_BASE_SECONDS,
        cap=settings.MOYEU_OUTBOX_RETRY_MAX_SECONDS,
    )
