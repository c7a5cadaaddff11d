"""Schemas of /webhooks and /events."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, ClassVar

from ninja import Schema
from pydantic import Field

from moyeu.api.schemas import InputSchema, PageQuery


class WebhookOut(Schema):
    id: uuid.UUID
    name: str
    url: str
    event_types: list[str]
    filter: dict[str, Any]
    is_active: bool
    description: str
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    consecutive_failures: int
    last_success_at: datetime.datetime | None
    last_failure_at: datetime.datetime | None


class WebhookWithSecret(WebhookOut):
    secret: str = Field(description="Shown in this answer only: store it now.")


class WebhookCreate(InputSchema):
    name: str
    url: str = Field(description="http or https; internal addresses are refused.")
    event_types: list[str] = Field(examples=[["contact.*", "account.merged"]])
    filter: dict[str, Any] = Field(
        default_factory=dict,
        description="Payload fields an event must hold: {field: value or [values]}.",
    )
    is_active: bool = True
    description: str = ""


class WebhookPatch(InputSchema):
    not_null: ClassVar[frozenset[str]] = frozenset(
        {"name", "url", "event_types", "filter", "is_active", "description"}
    )
    name: str | None = None
    url: str | None = None
    event_types: list[str] | None = None
    filter: dict[str, Any] | None = None
    is_active: bool | None = None
    description: str | None = None


class DeliveryQuery(PageQuery):
    status: str | None = Field(default=None, description="pending, retrying, delivered or dead.")


class AttemptOut(Schema):
    number: int
    started_at: datetime.datetime
    duration_ms: int
    url: str
    request_headers: dict[str, str]
    request_body: str
    status_code: int | None
    response_headers: dict[str, str]
    response_body: str
    response_truncated: bool
    error: str
    is_success: bool


class DeliveryOut(Schema):
    id: uuid.UUID
    webhook: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    record_id: uuid.UUID | None
    status: str
    attempts: int
    due_at: datetime.datetime
    created_at: datetime.datetime
    last_attempt_at: datetime.datetime | None
    last_status_code: int | None
    last_error: str
    delivered_at: datetime.datetime | None
    dead_at: datetime.datetime | None
    replays: int


class DeliveryDetail(DeliveryOut):
    attempts_made: list[AttemptOut]


class ReplayIn(InputSchema):
    dead_letters: bool = Field(
        default=False, description="Replay every dead-lettered delivery of the webhook."
    )
    since: datetime.datetime | None = Field(
        default=None, description="Replay every retained event that occurred at or after this."
    )
    from_event: uuid.UUID | None = Field(
        default=None, description="Replay every retained event from this one (included)."
    )


class ReplayOut(Schema):
    deliveries: int


class EventQuery(Schema):
    limit: int = Field(default=100, ge=1, le=1000)
    after: uuid.UUID | None = Field(
        default=None, description="The id of the last event you have; the stream goes on after it."
    )
    type: str | None = Field(
        default=None, description="Comma-separated event types or patterns: contact.*,account.*"
    )


class RecordRef(Schema):
    type: str
    id: uuid.UUID


class EventOut(Schema):
    """The envelope webhooks carry (version 1)."""

    envelope: int
    id: uuid.UUID
    type: str
    timestamp: datetime.datetime
    record: RecordRef | None
    data_version: int
    data: dict[str, Any]
    correlation_id: str


class EventPage(Schema):
    items: list[EventOut]
    next_after: uuid.UUID | None = Field(
        description="Pass as ?after= for the next page: the last event of this one (null when "
        "the page is empty)."
    )
