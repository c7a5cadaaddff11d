"""Periodic checks run by the worker's housekeeper: small, quick, at most one worker at a time.

A module registers a function with :func:`every` (usually in its ``consumers.py``, which the
worker imports at start). The housekeeper calls :func:`run_due` on each step; a check runs
when its interval has passed since this process last ran it *and* this process takes the
check's lease for that interval, so with several workers each check runs about once per
interval in the whole installation. Checks must be quick: slow work is enqueued as a job.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from moyeu.core.jobs import leases

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicCheck:
    name: str
    seconds: float
    function: Callable[[], object]


_checks: dict[str, PeriodicCheck] = {}


def every(seconds: float, *, name: str) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Register the decorated function to run about every ``seconds`` in the installation."""
    if seconds <= 0:
        raise ValueError("a periodic check needs a positive interval")

    def register(function: Callable[[], object]) -> Callable[[], object]:
        _checks[name] = PeriodicCheck(name, float(seconds), function)
        return function

    return register


def registered() -> list[PeriodicCheck]:
    return list(_checks.values())


class PeriodicRunner:
    """The per-process memory of when each check last ran here."""

    def __init__(self, holder: str) -> None:
        self.holder = holder
        self._ran_at: dict[str, float] = {}

    def run_due(self, now: float | None = None) -> int:
        """Run the checks that are due; returns how many ran. A failing check is logged."""
        now = time.monotonic() if now is None else now
        ran = 0
        for check in registered():
            if now - self._ran_at.get(check.name, float("-inf")) < check.seconds:
                continue
            self._ran_at[check.name] = now
            if not leases.acquire(f"periodic:{check.name}", self.holder, check.seconds):
                continue  # another worker ran it within the interval
            try:
                check.function()
            except Exception:
                logger.exception("periodic check %s failed", check.name)
            ran += 1
        return ran
