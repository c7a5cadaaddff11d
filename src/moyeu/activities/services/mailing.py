"""Sending the activities' e-mails (reminders, meeting invitations) from the worker.

Each message is a row (a notification, an invitation) that is sent at least once:

1. the worker claims the row for :data:`LEASE` with a compare-and-set UPDATE, so two workers
   running at the same time never both send it;
2. it hands the message to the SMTP server;
3. it marks the row sent.

Nothing can make 2 and 3 one step: the mail server is not in our transaction. A worker that
dies between them leaves a claimed, unsent row, which another takes once the lease expires
and sends again. We chose that over the opposite (mark first, send after), which would lose
the message for good in the same crash: a reminder or an invitation that never arrives is
worse than one that arrives twice. The copy carries the same ``Message-ID`` (built from the
row's id), which Gmail, many mail stores and Sieve's ``duplicate`` test use to drop it.
See docs/decisions/0014 (consequences).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

LEASE = datetime.timedelta(minutes=10)


def claim(
    model: type[models.Model],
    pk: uuid.UUID,
    *,
    sent_field: str,
    claim_field: str,
    now: datetime.datetime,
) -> bool:
    """Take the unsent row ``pk`` for :data:`LEASE`, unless another worker holds it."""
    free = Q(**{f"{claim_field}__isnull": True}) | Q(**{f"{claim_field}__lt": now})
    taken = model._default_manager.filter(free, pk=pk, **{f"{sent_field}__isnull": True}).update(
        **{claim_field: now + LEASE}
    )
    return taken == 1


def message_id(kind: str, pk: Any) -> str:
    """A Message-ID that is the same at every try of one message."""
    domain = str(settings.DEFAULT_FROM_EMAIL).rpartition("@")[2].strip("> ") or "localhost"
    return f"<{kind}.{pk}@{domain}>"
