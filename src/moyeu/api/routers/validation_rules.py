"""/validation-rules: the checks administrators add to a record type's fields."""

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
from moyeu.core.models import ValidationRule, ValidationRuleKind
from moyeu.core.services import validation_rule_definitions as rules

router = Router(tags=["validation rules"])

FIELD_DESCRIPTION = "A field of the record type, or `custom.<name>` for a custom field."


class ValidationRuleOut(Schema):
    id: uuid.UUID
    record_type: str
    field: str
    kind: ValidationRuleKind
    is_active: bool
    condition_field: str
    condition_value: str
    pattern: str
    allowed_values: list[str]
    case_insensitive: bool
    message_en: str
    message_fr: str
    position: int
    version: int
    created_at: datetime.datetime


class ValidationRuleCreate(InputSchema):
    record_type: str = Field(examples=["directory.contact"])
    field: str = Field(description=FIELD_DESCRIPTION, examples=["email"])
    kind: ValidationRuleKind
    is_active: bool = True
    condition_field: str = Field(
        default="", description="required_when: the field whose value makes this one required."
    )
    condition_value: str = Field(
        default="", description="required_when: the value it must have; empty for any value."
    )
    pattern: str = Field(
        default="",
        description="pattern: a regular expression the whole value must match (200 characters "
        "at most; patterns too slow on long values are refused).",
    )
    allowed_values: list[str] = Field(default=[], description="allowed_values: the values.")
    case_insensitive: bool = Field(
        default=False, description="unique, allowed_values, required_when: ignore case."
    )
    message_en: str = Field(default="", description="Error message in English; empty: default.")
    message_fr: str = Field(default="", description="Error message in French; empty: default.")
    position: int = 0


class ValidationRulePatch(InputSchema):
    not_null = frozenset(rules.EDITABLE)
    # Absent keys stay unchanged; an explicit null is refused.
    field: str | None = None
    kind: ValidationRuleKind | None = None
    is_active: bool | None = None
    condition_field: str | None = None
    condition_value: str | None = None
    pattern: str | None = None
    allowed_values: list[str] | None = None
    case_insensitive: bool | None = None
    message_en: str | None = None
    message_fr: str | None = None
    position: int | None = None


def _rule(request: HttpRequest, rule_id: uuid.UUID) -> ValidationRule:
    require_superuser(actor_of(request))
    found = ValidationRule.objects.filter(pk=rule_id).first()
    if found is None:
        raise NotFound("No such validation rule.")
    return found


def _rules(request: HttpRequest, record_type: str | None) -> dict[str, Any]:
    require_superuser(actor_of(request))
    found = ValidationRule.objects.all()
    items = list(found.filter(record_type=record_type) if record_type else found)
    return {"items": items, "next_cursor": None}


@router.get("", response=Page[ValidationRuleOut])
def list_validation_rules(request: HttpRequest, record_type: str | None = None) -> Any:
    """Every rule (one page), optionally of one record type such as directory.contact."""
    return _rules(request, record_type)


@router.post("", response={201: ValidationRuleOut})
def create_validation_rule(request: HttpRequest, payload: ValidationRuleCreate) -> Any:
    return rules.rule_create(actor=actor_of(request), **payload.model_dump())


@router.get("/{rule_id}", response=ValidationRuleOut)
def get_validation_rule(request: HttpRequest, rule_id: uuid.UUID) -> Any:
    return _rule(request, rule_id)


@router.patch("/{rule_id}", response=ValidationRuleOut)
def update_validation_rule(
    request: HttpRequest, rule_id: uuid.UUID, payload: ValidationRulePatch
) -> Any:
    changes = payload.model_dump(exclude_unset=True)
    return rules.rule_update(actor=actor_of(request), rule_id=rule_id, **changes)


@router.delete("/{rule_id}", response={204: None})
def delete_validation_rule(request: HttpRequest, rule_id: uuid.UUID) -> Any:
    rules.rule_delete(actor=actor_of(request), rule_id=rule_id)
    return Status(204, None)
