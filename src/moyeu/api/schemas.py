"""Schemas shared by every resource: pages, problems, the record envelope, list parameters."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, ClassVar, Generic, TypeVar

from django.conf import settings
from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

T = TypeVar("T")


class InputSchema(BaseModel):
    """Base of request bodies: unknown fields are refused (``api.unknown_field``).

    PATCH bodies type their fields ``X | None = None`` so that absent keys stay unchanged;
    the fields named in ``not_null`` refuse an explicit null ("clear" is "" for text).
    """

    model_config = ConfigDict(extra="forbid")
    not_null: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name in cls.not_null:
            raise ValueError("This field cannot be null.")
        return value


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as ?cursor= to get the next page; null on the last page."
    )


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str = Field(examples=["urn:moyeu:problem:core.not_found"])
    title: str
    status: int
    detail: str
    code: str = Field(description="Stable machine code, e.g. core.validation_failed.")
    errors: list[FieldError]


class RecordOut(Schema):
    """The envelope every business record shares; resources add their own fields."""

    id: uuid.UUID
    created_at: datetime.datetime
    updated_at: datetime.datetime
    created_by: uuid.UUID | None
    updated_by: uuid.UUID | None
    owner: uuid.UUID | None
    team: uuid.UUID | None
    version: int
    tags: list[str]
    external_ids: dict[str, str]
    custom: dict[str, Any]

    @staticmethod
    def resolve_created_by(obj: Any) -> Any:
        return obj.created_by_id

    @staticmethod
    def resolve_updated_by(obj: Any) -> Any:
        return obj.updated_by_id

    @staticmethod
    def resolve_owner(obj: Any) -> Any:
        return obj.owner_id

    @staticmethod
    def resolve_team(obj: Any) -> Any:
        return obj.team_id

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        return sorted(tag.name for tag in obj.tags.all())


class RecordIn(InputSchema):
    """Writable fields every record has. Absent keys are left alone on PATCH."""

    owner: uuid.UUID | None = None
    team: uuid.UUID | None = None
    tags: list[str] | None = Field(default=None, description="Replaces the record's tags.")
    custom: dict[str, Any] | None = Field(
        default=None,
        description="Custom field values; see GET /custom-fields/schema/{record_type}. "
        "On PATCH, merged over the current values (null clears a field).",
    )


class ExternalIdsIn(InputSchema):
    external_ids: dict[str, str | None] | None = Field(
        default=None,
        description="Identifiers in other systems, by system name; null removes one.",
    )


class PageQuery(Schema):
    """``limit`` and ``cursor`` of any list."""

    limit: int = Field(
        default=settings.MOYEU_API_PAGE_SIZE, ge=1, le=settings.MOYEU_API_MAX_PAGE_SIZE
    )
    cursor: str | None = None


class ListQuery(PageQuery):
    """Parameters every record list takes; ``custom.<name>=value`` filters on custom fields.

    Parameters the list does not know are refused (``api.bad_filter``), so a misspelt filter
    never silently returns everything.
    """

    ordering: str | None = Field(
        default=None, description="A field name, '-' prefixed for descending; default -id."
    )
    owner: uuid.UUID | None = None
    team: uuid.UUID | None = None
    tag: str | None = None
    q: str | None = Field(default=None, description="Case-insensitive search in names.")
    created_after: datetime.datetime | None = None
    updated_after: datetime.datetime | None = None
