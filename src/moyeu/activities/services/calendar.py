"""Calendars: subscription links (make, make again, revoke, find by secret) and moving a
meeting on the calendar.

A link is a secret in the URL, as calendar programs cannot log in: only its SHA-256 is
stored, it is shown once, and the feed is computed at each read as its user sees things
then (a user who left the team, or was deactivated, gets 404).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.activities.models import Activity, ActivityKind, CalendarFeed
from moyeu.activities.services.activities import activity_update
from moyeu.core.context import Actor, action_context
from moyeu.core.errors import NotFound, PermissionDenied, ValidationFailed
from moyeu.core.services import audit, events
from moyeu.identity.models import Membership, Team

TOKEN_BYTES = 32


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def scope_of(team_id: uuid.UUID | None) -> str:
    return "user" if team_id is None else f"team:{team_id}"


def feed_teams(actor: Actor) -> list[Team]:
    """The teams whose calendar the actor may subscribe to: the teams they belong to."""
    if actor.user is None:
        return []
    return list(Team.objects.filter(memberships__user=actor.user).order_by("name"))


def _may_follow(user_id: Any, team_id: uuid.UUID | None) -> bool:
    return team_id is None or Membership.objects.filter(user_id=user_id, team_id=team_id).exists()


def _payload(feed: CalendarFeed) -> dict[str, object]:
    return {"user": feed.user_id, "team": feed.team_id, "prefix": feed.prefix}


def _revoke(actor: Actor, feed: CalendarFeed) -> None:
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    audit.record(feed, "activities.calendar_feed.revoked", actor, data={"prefix": feed.prefix})
    events.emit(
        "calendar_feed.revoked",
        record_type="activities.calendarfeed",
        record=feed,
        payload=_payload(feed),
        actor=actor,
    )


def calendar_feed_issue(
    *, actor: Actor, team_id: uuid.UUID | None = None
) -> tuple[CalendarFeed, str]:
    """A new link to the actor's calendar (or a team's they belong to): (feed, secret).

    The scope's previous link, if any, is revoked in the same transaction.
    """
    if actor.user is None:
        raise PermissionDenied(_("Only a user has a calendar."))
    if team_id is not None and not Team.objects.filter(pk=team_id).exists():
        raise NotFound(_("No such team."))
    if not _may_follow(actor.user_id, team_id):
        raise PermissionDenied(_("You can only follow the calendar of a team you belong to."))
    secret = secrets.token_urlsafe(TOKEN_BYTES)
    scope = scope_of(team_id)
    with action_context(channel=actor.channel), transaction.atomic():
        live = CalendarFeed.objects.select_for_update().filter(
            user=actor.user, scope=scope, revoked_at__isnull=True
        )
        for old in live:
            _revoke(actor, old)
        feed = CalendarFeed.objects.create(
            user=actor.user,
            team_id=team_id,
            scope=scope,
            prefix=secret[:8],
            token_hash=_hash(secret),
        )
        audit.record(feed, "activities.calendar_feed.issued", actor, data={"prefix": feed.prefix})
        events.emit(
            "calendar_feed.issued",
            record_type="activities.calendarfeed",
            record=feed,
            payload=_payload(feed),
            actor=actor,
        )
    return feed, secret


def calendar_feed_revoke(*, actor: Actor, feed_id: uuid.UUID) -> None:
    """Revoke one of the actor's links; another user's link is "not found"."""
    with action_context(channel=actor.channel), transaction.atomic():
        feed = (
            CalendarFeed.objects.select_for_update()
            .filter(pk=feed_id, user_id=actor.user_id)
            .first()
        )
        if feed is None or actor.user is None:
            raise NotFound(_("No such calendar link."))
        if feed.revoked_at is not None:
            return
        _revoke(actor, feed)


def live_feeds(actor: Actor) -> dict[str, CalendarFeed]:
    """The actor's live links by scope."""
    found = CalendarFeed.objects.filter(user_id=actor.user_id, revoked_at__isnull=True)
    return {feed.scope: feed for feed in found}


def feed_for_secret(secret: str) -> CalendarFeed | None:
    """The live link with this secret whose user may still read it, or None."""
    if not secret or len(secret) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user", "team")
        .filter(token_hash=_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None or not _may_follow(feed.user_id, feed.team_id):
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed


def meeting_move(
    *,
    actor: Actor,
    activity_id: uuid.UUID,
    starts_at: datetime.datetime,
    expected_version: int | None = None,
) -> Activity:
    """Move a meeting to a new start on the calendar: its end and a reminder not yet sent
    move with it, so its length and notice stay the same. A change by someone else since
    ``expected_version`` is refused (VersionConflict)."""
    current = Activity.objects.visible_to(actor, "view").filter(pk=activity_id).first()
    if current is None:
        raise NotFound(_("No such activity."))
    if current.kind != ActivityKind.MEETING:
        raise ValidationFailed({"occurred_at": [_("Only meetings are moved on the calendar.")]})
    delta = starts_at - current.occurred_at
    values: dict[str, Any] = {"occurred_at": starts_at}
    if current.ends_at is not None:
        values["ends_at"] = current.ends_at + delta
    if current.reminder_at is not None and current.reminder_sent_at is None:
        values["reminder_at"] = current.reminder_at + delta
    return activity_update(
        actor=actor, activity_id=activity_id, values=values, expected_version=expected_version
    )
