"""Health checks: liveness (the process answers) and readiness (the platform works).

Readiness looks at the three things without which Moyeu silently degrades: the database
answers, some worker is alive (its heartbeat is fresh), and the outbox is flowing (its oldest
undispatched event is young). Thresholds are settings, see docs/operations/worker-and-health.md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Max, Min
from django.utils import timezone

from moyeu.core.models import OutboxEvent, WorkerHeartbeat


@dataclass
class Check:
    ok: bool
    detail: str
    values: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "detail": self.detail, **self.values}


def _age(moment: datetime.datetime | None, now: datetime.datetime) -> float | None:
    return None if moment is None else round(max(0.0, (now - moment).total_seconds()), 3)


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return Check(False, f"database unreachable: {type(exc).__name__}")
    return Check(True, "database answers")


def check_worker(now: datetime.datetime) -> Check:
    limit = settings.MOYEU_WORKER_HEARTBEAT_STALE_SECONDS
    newest = WorkerHeartbeat.objects.aggregate(newest=Max("last_seen_at"))["newest"]
    age = _age(newest, now)
    values = {"heartbeat_age_seconds": age, "max_age_seconds": limit}
    if age is None:
        return Check(False, "no worker has ever reported", values)
    if age > limit:
        return Check(False, "no worker heartbeat is fresh", values)
    return Check(True, "a worker is alive", values)


def check_outbox(now: datetime.datetime) -> Check:
    limit = settings.MOYEU_OUTBOX_READY_MAX_AGE_SECONDS
    oldest = OutboxEvent.objects.filter(dispatched_at__isnull=True).aggregate(
        oldest=Min("occurred_at")
    )["oldest"]
    age = _age(oldest, now)
    values = {"oldest_pending_age_seconds": age, "max_age_seconds": limit}
    if age is not None and age > limit:
        return Check(False, "events are waiting too long for delivery", values)
    return Check(True, "events are flowing", values)


def readiness() -> tuple[bool, dict[str, Check]]:
    """Every check, and whether all passed. Without a database the others are not tried."""
    database = check_database()
    if not database.ok:
        skipped = Check(False, "not checked: no database")
        return False, {"database": database, "worker": skipped, "outbox": skipped}
    now = timezone.now()
    checks = {"database": database, "worker": check_worker(now), "outbox": check_outbox(now)}
    return all(c.ok for c in checks.values()), checks
