"""/calendar/feeds (subscription links: list, make or make again, revoke) and the meeting
actions of /activities: move (the calendar's drag) and invitations."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Router, Status
from ninja.files import UploadedFile

from moyeu.activities.api import schemas as s
from moyeu.activities.services import calendar as feeds
from moyeu.activities.services import invitations
from moyeu.activities.services.calendar_import import calendar_import
from moyeu.api.auth import actor_of
from moyeu.api.idempotency import idempotent, idempotent_multipart
from moyeu.api.resources import IF_MATCH, expected_version, set_etag

feeds_router = Router(tags=["calendar"])


def _feed_out(feed: Any, url: str | None = None) -> dict[str, Any]:
    return {
        "id": feed.pk,
        "scope": "user" if feed.team_id is None else "team",
        "team": feed.team_id,
        "prefix": feed.prefix,
        "url": url,
        "created_at": feed.created_at,
        "last_used_at": feed.last_used_at,
    }


@feeds_router.get("/feeds", response=list[s.CalendarFeedOut])
def list_feeds(request: HttpRequest) -> Any:
    """Your live subscription links (the secret itself is never shown again)."""
    live = feeds.live_feeds(actor_of(request))
    return [_feed_out(feed) for feed in sorted(live.values(), key=lambda f: f.created_at)]


@feeds_router.post("/feeds", response={201: s.CalendarFeedOut})
@idempotent
def issue_feed(request: HttpRequest, response: HttpResponse, payload: s.CalendarFeedIn) -> Any:
    """A new link to your calendar (`team` null) or to a team's you belong to. Making one
    revokes the scope's older link. `url` holds the secret: it is answered this once."""
    feed, secret = feeds.calendar_feed_issue(actor=actor_of(request), team_id=payload.team)
    url = request.build_absolute_uri(reverse("web:activities:calendar_feed", args=[secret]))
    return Status(201, _feed_out(feed, url))


@feeds_router.delete("/feeds/{feed_id}", response={204: None})
def revoke_feed(request: HttpRequest, feed_id: uuid.UUID) -> Any:
    """Revoke one of your links: calendar programs reading it get 404 from now on."""
    feeds.calendar_feed_revoke(actor=actor_of(request), feed_id=feed_id)
    return Status(204, None)


@feeds_router.post("/import", response=s.CalendarImportOut)
@idempotent_multipart
def import_calendar(request: HttpRequest, response: HttpResponse, file: File[UploadedFile]) -> Any:
    """Import an `.ics` file (multipart, field `file`, at most 2 MB): its events become your
    meetings, its to-dos your tasks, linked to the contacts whose addresses attend. Importing
    it again updates them (by UID). Recurring events are not imported (listed in `skipped`).
    A bad file is a 422 naming `file`, each message with its line; nothing is imported."""
    result = calendar_import(actor=actor_of(request), data=file.read())
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "skipped": result.skipped,
    }


def _invitation_out(row: Any) -> dict[str, Any]:
    return {
        "id": row.pk,
        "record": f"{row.record_type}:{row.record_id}",
        "name": row.name,
        "email": row.email,
        "method": row.method,
        "sequence": row.sequence,
        "requested_at": row.requested_at,
        "requested_by": row.requested_by_id,
        "sent_at": row.sent_at,
        "error": row.error,
    }


def register_meeting_routes(router: Router, detail: Any) -> None:
    """Add the meeting actions to the /activities router (``detail`` reads the activity as
    its GET does)."""

    @router.post("/{activity_id}/move", response=s.ActivityOut, openapi_extra=IF_MATCH)
    def move_meeting(
        request: HttpRequest, response: HttpResponse, activity_id: uuid.UUID, payload: s.MoveIn
    ) -> Any:
        """Move a meeting to a new start (the calendar's drag): its end and a reminder not
        yet sent move with it. With `If-Match`, a change made since answers 412."""
        moved = feeds.meeting_move(
            actor=actor_of(request),
            activity_id=activity_id,
            starts_at=payload.starts_at,
            expected_version=expected_version(request),
        )
        set_etag(response, moved)
        return detail(request, moved.pk)

    @router.post(
        "/{activity_id}/invitations",
        response={202: s.InvitationRoundOut},
        openapi_extra=IF_MATCH,
    )
    @idempotent
    def invite(request: HttpRequest, response: HttpResponse, activity_id: uuid.UUID) -> Any:
        """Send the meeting's invitation (or its update) to every contact attending with an
        e-mail address: an e-mail with an `.ics` (METHOD:REQUEST, UID the meeting's id,
        SEQUENCE its version), sent by the worker. Cancelling the meeting sends METHOD:CANCEL
        to those invited."""
        sent = invitations.meeting_invite(
            actor=actor_of(request),
            activity_id=activity_id,
            expected_version=expected_version(request),
        )
        set_etag(response, sent.activity)
        return Status(
            202,
            {
                "invitations": [_invitation_out(row) for row in sent.invitations],
                "without_address": sent.without_address,
            },
        )

    @router.get("/{activity_id}/invitations", response=list[s.InvitationOut])
    def list_invitations(request: HttpRequest, activity_id: uuid.UUID) -> Any:
        """Who was sent what about the meeting, and when (newest first)."""
        rows = invitations.invitations_of(actor_of(request), activity_id)
        return [_invitation_out(row) for row in rows]
