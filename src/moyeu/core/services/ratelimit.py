"""Fixed-window rate limits kept in the database, so every web process shares them."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from moyeu.core.models import RateCounter


def hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit on ``key``; False when the window already holds ``limit`` hits."""
    now = timezone.now()
    window_start = now - datetime.timedelta(seconds=window_seconds)
    with transaction.atomic():
        updated = RateCounter.objects.filter(key=key, window_start__gt=window_start).update(
            count=F("count") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    RateCounter.objects.update_or_create(
                        key=key, defaults={"window_start": now, "count": 1}
                    )
            except IntegrityError:  # a concurrent first hit created it
                RateCounter.objects.filter(key=key).update(count=F("count") + 1)
            return True
        count = RateCounter.objects.values_list("count", flat=True).get(key=key)
    return count <= limit


def is_limited(key: str, *, limit: int, window_seconds: int) -> bool:
    """Whether ``key`` is over its limit, without counting a hit."""
    window_start = timezone.now() - datetime.timedelta(seconds=window_seconds)
    return RateCounter.objects.filter(
        key=key, window_start__gt=window_start, count__gte=limit
    ).exists()


def reset(key: str) -> None:
    RateCounter.objects.filter(key=key).delete()
