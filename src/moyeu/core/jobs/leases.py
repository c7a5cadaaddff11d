"""Named leases: at most one live holder of a role (the outbox dispatcher, maintenance).

A lease is taken or renewed with one compare-and-set UPDATE that only matches when the lease
is free, expired or already ours, so it works the same on SQLite and PostgreSQL and across
machines. A holder that dies simply stops renewing; the lease expires and another takes it.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from moyeu.core.models import Lease

OUTBOX_DISPATCHER = "outbox-dispatcher"
MAINTENANCE = "maintenance"


def acquire(name: str, holder: str, seconds: float) -> bool:
    """Take or renew lease ``name`` for ``seconds``; False when another live holder has it."""
    now = timezone.now()
    expires_at = now + datetime.timedelta(seconds=seconds)
    taken = (
        Lease.objects.filter(name=name)
        .filter(Q(holder=holder) | Q(expires_at__lte=now))
        .update(holder=holder, expires_at=expires_at, renewed_at=now)
    )
    if taken:
        return True
    try:
        with transaction.atomic():
            Lease.objects.create(name=name, holder=holder, expires_at=expires_at, renewed_at=now)
    except IntegrityError:
        return False  # someone else holds it (or created it a moment ago)
    return True


def release(name: str, holder: str) -> None:
    """Give the lease up at once (graceful stop), so a successor need not wait for expiry."""
    Lease.objects.filter(name=name, holder=holder).update(expires_at=timezone.now())


def holder_of(name: str) -> str | None:
    """The current live holder of ``name``, if any."""
    lease = Lease.objects.filter(name=name, expires_at__gt=timezone.now()).first()
    return lease.holder if lease is not None else None
