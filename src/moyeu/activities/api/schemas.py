"""Request and response bodies of /activities."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from ninja import Schema
from pydantic import Field

from moyeu.activities.models import (
    ActivityKind,
    CallOutcome,
    Channel,
    Direction,
    InvitationMethod,
    Priority,
    Status,
)
from moyeu.api.schemas import ExternalIdsIn, InputSchema, ListQuery, RecordIn, RecordOut

LINKS = (
    "The records the activity concerns, as `<type>:<id>` (`directory.contact:0193…`) or ids "
    "alone; at least one, each one you may see. Replaces the links."
)
OCCURRED = (
    "When it happened (call, note, e-mail, message; default now) or when a meeting starts. "
    "A task's is its due date (read-only)."
)


class AttendeeOut(Schema):
    user: uuid.UUID | None
    record: str | None


class AttendeeIn(InputSchema):
    user: uuid.UUID | None = None
    record: str | None = Field(default=None, examples=["directory.contact:0193..."])


class ActivityOut(RecordOut):
    kind: ActivityKind
    subject: str
    body: str = Field(description="Sanitised HTML; a message's plain text.")
    occurred_at: datetime.datetime = Field(description=OCCURRED)
    status: Status
    completed_at: datetime.datetime | None
    direction: str
    phone_number: str = Field(description="E.164.")
    duration_seconds: int | None
    outcome: str
    recording_url: str
    ends_at: datetime.datetime | None
    location: str
    video_url: str
    due_at: datetime.datetime | None
    priority: str
    reminder_at: datetime.datetime | None
    reminder_sent_at: datetime.datetime | None
    email_from: str
    email_to: list[str]
    email_cc: list[str]
    message_id: str
    thread_id: str
    channel: str
    links: list[str]
    attendees: list[AttendeeOut]

    @staticmethod
    def resolve_links(obj: Any) -> list[str]:
        return [link.as_ref() for link in obj.links.all()]

    @staticmethod
    def resolve_attendees(obj: Any) -> list[dict[str, Any]]:
        return [
            {
                "user": a.user_id,
                "record": f"{a.record_type}:{a.record_id}" if a.record_id else None,
            }
            for a in obj.attendees.all()
        ]


class ActivityFields(InputSchema):
    """Fields of every kind; the service refuses those that are not of the activity's kind."""

    not_null = frozenset({"subject", "body", "links", "attendees", "email_to", "email_cc"})
    subject: str | None = Field(default=None, max_length=300)
    body: str | None = Field(default=None, description="Rich text, sanitised (nh3).")
    occurred_at: datetime.datetime | None = Field(default=None, description=OCCURRED)
    direction: Direction | None = Field(default=None, description="Calls, e-mails, messages.")
    phone_number: str | None = Field(default=None, description="Calls; stored as E.164.")
    duration_seconds: int | None = Field(default=None, ge=0, description="Calls.")
    outcome: CallOutcome | None = Field(default=None, description="Calls.")
    recording_url: str | None = Field(default=None, description="Calls.")
    ends_at: datetime.datetime | None = Field(default=None, description="Meetings.")
    location: str | None = Field(default=None, max_length=300, description="Meetings.")
    video_url: str | None = Field(default=None, description="Meetings.")
    due_at: datetime.datetime | None = Field(default=None, description="Tasks.")
    priority: Priority | None = Field(default=None, description="Tasks.")
    reminder_at: datetime.datetime | None = Field(
        default=None, description="Tasks and meetings: when to remind the owner."
    )
    email_from: str | None = Field(default=None, description="E-mails.")
    email_to: list[str] | None = Field(default=None, description="E-mails.")
    email_cc: list[str] | None = Field(default=None, description="E-mails.")
    message_id: str | None = Field(default=None, description="E-mails; unique.")
    thread_id: str | None = Field(
        default=None, description="E-mails; default: the Message-ID (a new thread)."
    )
    channel: Channel | None = Field(default=None, description="Messages.")
    links: list[str] | None = Field(default=None, description=LINKS)
    attendees: list[AttendeeIn] | None = Field(
        default=None, description="Meetings: users and contacts. Replaces the attendees."
    )


class ActivityCreate(ActivityFields, RecordIn, ExternalIdsIn):
    kind: ActivityKind


class ActivityUpsert(ActivityFields, RecordIn):
    kind: ActivityKind


class ActivityPatch(ActivityFields, RecordIn, ExternalIdsIn):
    pass


class ActivityQuery(ListQuery):
    kind: ActivityKind | None = None
    status: Status | None = None
    record: str | None = Field(
        default=None, description="Activities linked to this record (`<type>:<id>` or id)."
    )
    due_before: datetime.datetime | None = None
    due_after: datetime.datetime | None = None
    occurred_before: datetime.datetime | None = None
    occurred_after: datetime.datetime | None = None
    thread: str | None = Field(default=None, description="E-mails of one thread.")


class MoveIn(InputSchema):
    starts_at: datetime.datetime = Field(
        description="The meeting's new start; its end moves by the same amount."
    )


class InvitationOut(Schema):
    id: uuid.UUID
    record: str = Field(description="The contact invited, `<type>:<id>`.")
    name: str
    email: str
    method: InvitationMethod = Field(
        description="REQUEST: an invitation or update; CANCEL: a cancellation."
    )
    sequence: int = Field(description="The SEQUENCE in the .ics: the meeting's version then.")
    requested_at: datetime.datetime
    requested_by: uuid.UUID | None
    sent_at: datetime.datetime | None = Field(
        description="When the mail server accepted it; null while waiting for the worker."
    )
    error: str = Field(description="The last sending error, if any (retried by the worker).")


class InvitationRoundOut(Schema):
    invitations: list[InvitationOut]
    without_address: list[str] = Field(
        description="Contacts attending who have no e-mail address: not invited."
    )


class CalendarFeedIn(InputSchema):
    team: uuid.UUID | None = Field(
        default=None, description="A team you belong to; null for your own calendar."
    )


class CalendarFeedOut(Schema):
    id: uuid.UUID
    scope: str = Field(description="`user` (your calendar) or `team`.")
    team: uuid.UUID | None
    prefix: str = Field(description="The secret's first characters, to tell links apart.")
    url: str | None = Field(
        description="The subscription address, with its secret: only in the answer that made it."
    )
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None


class CalendarImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    skipped: list[str] = Field(
        description="Items left out and why (a recurring event, already in Moyeu, cancelled)."
    )
