"""Reads used in more than one place: a user's day, overdue tasks, unread notifications."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from moyeu.activities.models import (
    Activity,
    ActivityAttendee,
    ActivityKind,
    ActivityLink,
    Notification,
    Status,
)
from moyeu.core.context import Actor
from moyeu.core.registry import registry

RECENT_DAYS = 7
RECENT_LIMIT = 20


def today_bounds(
    now: datetime.datetime | None = None,
) -> tuple[datetime.datetime, datetime.datetime]:
    """Midnight to midnight of today in the current time zone."""
    local = timezone.localtime(now or timezone.now())
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + datetime.timedelta(days=1)


def overdue_tasks(actor: Actor, now: datetime.datetime | None = None) -> QuerySet[Activity]:
    """The actor's open tasks whose due date has passed, the oldest first."""
    return (
        Activity.objects.visible_to(actor, "view")
        .filter(
            owner_id=actor.user_id,
            kind=ActivityKind.TASK,
            status=Status.OPEN,
            due_at__lt=now or timezone.now(),
        )
        .order_by("due_at", "id")
    )


def my_day(actor: Actor, now: datetime.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    start, end = today_bounds(now)
    visible = Activity.objects.visible_to(actor, "view").select_related("owner")
    attending = ActivityAttendee.objects.filter(user_id=actor.user_id).values("activity_id")
    meetings = visible.filter(
        Q(owner_id=actor.user_id) | Q(pk__in=attending),
        kind=ActivityKind.MEETING,
        occurred_at__gte=start,
        occurred_at__lt=end,
    ).exclude(status=Status.CANCELLED)
    due_today = visible.filter(
        owner_id=actor.user_id,
        kind=ActivityKind.TASK,
        status=Status.OPEN,
        due_at__gte=now,
        due_at__lt=end,
    )
    return {
        "meetings": list(meetings.order_by("occurred_at", "id")),
        "overdue": list(overdue_tasks(actor, now).select_related("owner")[:100]),
        "due_today": list(due_today.order_by("due_at", "id")),
        "recent": recent_on_my_records(actor, now),
    }


def recent_on_my_records(actor: Actor, now: datetime.datetime | None = None) -> list[Activity]:
    """Activities of the last days, by anyone, on records the actor owns."""
    since = (now or timezone.now()) - datetime.timedelta(days=RECENT_DAYS)
    mine = Q()
    for _spec, declared in registry.record_types():
        model = registry.record_model(declared.model_label)
        if model is None or model is Activity:
            continue
        owned = model._default_manager.filter(owner_id=actor.user_id).values("pk")
        mine |= Q(record_id__in=owned)
    if not mine:
        return []
    linked = ActivityLink.objects.filter(mine).values("activity_id")
    return list(
        Activity.objects.visible_to(actor, "view")
        .filter(pk__in=linked, occurred_at__gte=since, occurred_at__lte=now or timezone.now())
        .select_related("owner")
        .order_by("-occurred_at", "-id")[:RECENT_LIMIT]
    )


def unread_count(user_id: Any) -> int:
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()
