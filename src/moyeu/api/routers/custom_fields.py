"""/custom-fields: definitions administered by superusers, and each record type's schema."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from moyeu.api.auth import actor_of, require_superuser
from moyeu.api.schemas import InputSchema, Page
from moyeu.core.errors import NotFound
from moyeu.core.models import CustomFieldDefinition, CustomFieldType
from moyeu.core.registry import registry
from moyeu.core.services import custom_fields

router = Router(tags=["custom fields"])


class CustomFieldOut(Schema):
    id: uuid.UUID
    record_type: str
    name: str
    label: str
    type: CustomFieldType
    required: bool
    choices: list[str]
    link_record_type: str
    help_text: str
    position: int
    is_filterable: bool
    version: int
    created_at: datetime.datetime


class CustomFieldCreate(InputSchema):
    record_type: str = Field(examples=["directory.contact"])
    name: str = Field(description="Key in the records' `custom` object.", examples=["segment"])
    label: str
    type: CustomFieldType
    required: bool = False
    choices: list[str] = []
    link_record_type: str = ""
    help_text: str = ""
    position: int = 0
    is_filterable: bool = True


class CustomFieldPatch(InputSchema):
    not_null = frozenset({"label", "required", "choices", "help_text", "position", "is_filterable"})
    # Absent keys stay unchanged; an explicit null is refused (the field type has no null).
    label: str | None = None
    required: bool | None = None
    choices: list[str] | None = None
    help_text: str | None = None
    position: int | None = None
    is_filterable: bool | None = None


def _definition(request: HttpRequest, definition_id: uuid.UUID) -> CustomFieldDefinition:
    require_superuser(actor_of(request))
    found = CustomFieldDefinition.objects.filter(pk=definition_id).first()
    if found is None:
        raise NotFound("No such custom field.")
    return found


def _definitions(request: HttpRequest, record_type: str | None) -> dict[str, Any]:
    require_superuser(actor_of(request))
    found = CustomFieldDefinition.objects.all()
    items = list(found.filter(record_type=record_type) if record_type else found)
    return {"items": items, "next_cursor": None}


def _schema(record_type: str) -> dict[str, Any]:
    known = {rt.model_label.lower() for _spec, rt in registry.record_types()}
    if record_type not in known:
        raise NotFound("No such record type.")
    return custom_fields.record_type_schema(record_type)


@router.get("", response=Page[CustomFieldOut])
def list_custom_fields(request: HttpRequest, record_type: str | None = None) -> Any:
    """Every definition (one page), optionally of one record type such as directory.contact."""
    return _definitions(request, record_type)


@router.post("", response={201: CustomFieldOut})
def create_custom_field(request: HttpRequest, payload: CustomFieldCreate) -> Any:
    return custom_fields.custom_field_create(actor=actor_of(request), **payload.model_dump())


@router.get("/schema/{record_type}", response=dict[str, Any])
def custom_fields_schema(request: HttpRequest, record_type: str) -> Any:
    """The JSON schema of the `custom` object of a record type; any signed-in caller."""
    return _schema(record_type)


@router.get("/{definition_id}", response=CustomFieldOut)
def get_custom_field(request: HttpRequest, definition_id: uuid.UUID) -> Any:
    return _definition(request, definition_id)


@router.patch("/{definition_id}", response=CustomFieldOut)
def update_custom_field(
    request: HttpRequest, definition_id: uuid.UUID, payload: CustomFieldPatch
) -> Any:
    changes = payload.model_dump(exclude_unset=True)
    actor = actor_of(request)
    return custom_fields.custom_field_update(actor=actor, definition_id=definition_id, **changes)


@router.delete("/{definition_id}", response={204: None})
def delete_custom_field(request: HttpRequest, definition_id: uuid.UUID) -> Any:
    custom_fields.custom_field_delete(actor=actor_of(request), definition_id=definition_id)
    return Status(204, None)
