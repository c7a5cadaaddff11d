"""The meetings and tasks a calendar shows: a user's or a team's, as a viewer may see them."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from moyeu.activities.models import Activity, ActivityAttendee, ActivityKind
from moyeu.core.context import Actor
from moyeu.identity.models import Membership

# A subscription feed covers this window around now (RFC 5545 clients re-read it often).
FEED_PAST = datetime.timedelta(days=90)
FEED_FUTURE = datetime.timedelta(days=365)
MAX_ITEMS = 5000


def team_member_ids(team_id: uuid.UUID) -> list[object]:
    return list(Membership.objects.filter(team_id=team_id).values_list("user_id", flat=True))


def calendar_items(
    viewer: Actor,
    *,
    user_ids: Iterable[object],
    team_id: uuid.UUID | None = None,
    start: datetime.datetime,
    end: datetime.datetime,
) -> QuerySet[Activity]:
    """Meetings overlapping [start, end) and tasks due in it, owned by or attending
    ``user_ids`` (or filed under ``team_id``), among those ``viewer`` may see; by time."""
    user_ids = list(user_ids)
    attending = ActivityAttendee.objects.filter(user_id__in=user_ids).values("activity_id")
    whose = Q(owner_id__in=user_ids) | Q(pk__in=attending)
    if team_id is not None:
        whose |= Q(team_id=team_id)
    meetings = Q(kind=ActivityKind.MEETING, occurred_at__lt=end) & (
        Q(ends_at__gte=start) | Q(ends_at__isnull=True, occurred_at__gte=start)
    )
    tasks = Q(kind=ActivityKind.TASK, due_at__gte=start, due_at__lt=end)
    return (
        Activity.objects.visible_to(viewer, "view")
        .filter(whose & (meetings | tasks))
        .select_related("owner")
        .prefetch_related("attendees__user")
        .order_by("occurred_at", "id")
    )
