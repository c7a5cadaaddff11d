"""Checking an opportunity's input: field values, the target stage, the account, contacts.

Each function adds a message per bad field to ``errors`` (``ValidationFailed`` shape) so the
caller reports every problem at once and writes nothing.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import ValidationFailed
from moyeu.core.registry import registry
from moyeu.sales import money
from moyeu.sales.models import (
    ContactRole,
    LostReason,
    Opportunity,
    Pipeline,
    PipelineStage,
    StageKind,
)
from moyeu.sales.services.pipelines import default_pipeline

Errors = dict[str, list[str]]

ALIASES = {
    "owner": "owner_id",
    "team": "team_id",
    "account": "account_id",
    "pipeline": "pipeline_id",
    "stage": "stage_id",
}
# The fields a move may fill in as it moves (the kanban's "fill in and move" form).
MOVE_FIELDS = (
    "amount",
    "currency",
    "expected_close_date",
    "next_step",
    "competitors",
    "probability",
    "lost_reason",
    "lost_note",
)
MAX_COMPETITORS = 20
MAX_CONTACTS = 50


# Kept by the services: a caller never sets them.
_READ_ONLY = {
    "id",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "version",
    "custom",
    "status",
    "closed_at",
    "stage_entered_at",
}


def add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def normalise_keys(values: Mapping[str, Any] | None) -> dict[str, Any]:
    return {ALIASES.get(k, k): v for k, v in (values or {}).items()}


def check_known(values: Mapping[str, Any], errors: Errors) -> None:
    names = {f.attname for f in Opportunity._meta.concrete_fields}
    for key in sorted(values):
        if key not in names or key in _READ_ONLY:
            add(
                errors,
                key.removesuffix("_id") if key in ALIASES.values() else key,
                _("Unknown or read-only field."),
            )


def full_clean(opportunity: Opportunity) -> None:
    try:
        opportunity.full_clean(validate_unique=False)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        ) from None


def as_uuid(raw: Any) -> uuid.UUID | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, uuid.UUID):
        return raw
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def _ids(raw: Any) -> list[uuid.UUID]:
    found = as_uuid(raw)
    return [] if found is None else [found]


def end_of_quarter(today: datetime.date | None = None) -> datetime.date:
    """The last day of the current quarter: an opportunity's close date when none is given."""
    today = today or timezone.localdate()
    last_month = (today.month - 1) // 3 * 3 + 3
    if last_month == 12:
        return datetime.date(today.year, 12, 31)
    return datetime.date(today.year, last_month + 1, 1) - datetime.timedelta(days=1)


def clean_fields(values: dict[str, Any], errors: Errors) -> None:
    """Normalise the plain fields of ``values`` in place."""
    if "name" in values:
        values["name"] = str(values["name"] or "").strip()
        if not values["name"]:
            add(errors, "name", _("This field cannot be blank."))
    for key in ("next_step", "lost_note"):
        if key in values:
            values[key] = str(values[key] or "").strip()
    if "amount" in values:
        try:
            values["amount"] = money.clean_amount(values["amount"])
        except ValueError as exc:
            add(errors, "amount", str(exc))
    if "currency" in values:
        try:
            values["currency"] = money.clean_currency(values["currency"])
        except ValueError as exc:
            add(errors, "currency", str(exc))
    if "probability" in values:
        raw = values["probability"]
        if raw in (None, ""):
            add(errors, "probability", _("This field cannot be empty."))
        else:
            try:
                number = int(str(raw))
            except ValueError:
                number = -1
            if not 0 <= number <= 100 or isinstance(raw, bool | float):
                add(errors, "probability", _("Give a whole percentage from 0 to 100."))
            values["probability"] = number
    if "expected_close_date" in values:
        raw = values["expected_close_date"]
        date = raw if isinstance(raw, datetime.date) else None
        if date is None and isinstance(raw, str):
            try:
                date = parse_date(raw.strip())
            except ValueError:
                date = None
        if date is None:
            add(errors, "expected_close_date", _("Give a date, such as 2026-06-30."))
        values["expected_close_date"] = date
    if "competitors" in values:
        values["competitors"] = _competitors(values["competitors"], errors)
    if "lost_reason" in values:
        values["lost_reason"] = values["lost_reason"] or ""
        if values["lost_reason"] not in ("", *LostReason.values):
            add(
                errors,
                "lost_reason",
                _("Choose one of: %(c)s.") % {"c": ", ".join(LostReason.values)},
            )


def _competitors(raw: Any, errors: Errors) -> list[str]:
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, Sequence):
        add(errors, "competitors", _("Expected a list of names."))
        return []
    names = list(dict.fromkeys(str(name).strip() for name in raw if str(name).strip()))
    if len(names) > MAX_COMPETITORS:
        add(errors, "competitors", _("At most %(n)s competitors.") % {"n": MAX_COMPETITORS})
    if any(len(name) > 100 for name in names):
        add(errors, "competitors", _("A competitor's name has at most 100 characters."))
    return names


def target_stage(
    values: Mapping[str, Any], current: Opportunity | None, errors: Errors
) -> PipelineStage | None:
    """The stage ``values`` name (``stage_id``, or the first open stage of ``pipeline_id``,
    or of the default pipeline for a new opportunity); None after an error."""
    stage_id, pipeline_id = values.get("stage_id"), values.get("pipeline_id")
    if "stage_id" in values:
        stage = (
            PipelineStage.objects.select_related("pipeline").filter(pk__in=_ids(stage_id)).first()
        )
        if stage is None:
            add(errors, "stage", _("No such stage."))
            return None
        if pipeline_id is not None and stage.pipeline_id != as_uuid(pipeline_id):
            add(
                errors,
                "stage",
                _("The stage “%(stage)s” is not in this pipeline.") % {"stage": stage.name},
            )
            return None
    else:
        if pipeline_id is not None:
            pipeline = Pipeline.objects.filter(pk__in=_ids(pipeline_id)).first()
            if pipeline is None:
                add(errors, "pipeline", _("No such pipeline."))
                return None
        elif current is not None:
            return None
        else:
            pipeline = default_pipeline()
            if pipeline is None:
                add(
                    errors,
                    "pipeline",
                    _("No pipeline is set up yet: a sales administrator creates one."),
                )
                return None
        stage = (
            PipelineStage.objects.select_related("pipeline")
            .filter(pipeline=pipeline, kind=StageKind.OPEN)
            .order_by("position")
            .first()
        )
        if stage is None:
            add(errors, "pipeline", _("This pipeline has no open stage."))
            return None
    if not stage.pipeline.is_active and (
        current is None or current.pipeline_id != stage.pipeline_id
    ):
        add(errors, "pipeline", _("The pipeline “%(p)s” is closed.") % {"p": stage.pipeline.name})
        return None
    return stage


def visible_record(actor: Actor, record_type: str, record_id: Any) -> bool:
    model = registry.record_model(record_type)
    pk = as_uuid(record_id)
    if model is None or pk is None:
        return False
    visible = model._default_manager.visible_to(actor, "view")  # type: ignore[attr-defined]
    return bool(visible.filter(pk=pk).exists())


def check_account(actor: Actor, account_id: Any, errors: Errors) -> None:
    if account_id in (None, ""):
        add(errors, "account", _("An opportunity is for an account: choose one."))
    elif not visible_record(actor, "directory.account", account_id):
        add(errors, "account", _("No such account."))


def clean_contacts(actor: Actor, raw: Any, errors: Errors) -> list[dict[str, Any]]:
    """``[{"contact": id, "role": "decision_maker", "is_primary": true}, …]`` (or bare ids)
    as rows to write; the first is primary when none is marked."""
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        add(errors, "contacts", _("Expected a list of contacts."))
        return []
    if len(raw) > MAX_CONTACTS:
        add(errors, "contacts", _("At most %(n)s contacts.") % {"n": MAX_CONTACTS})
        return []
    rows: list[dict[str, Any]] = []
    for index, item in enumerate(raw):
        path = f"contacts.{index}"
        entry = item if isinstance(item, Mapping) else {"contact": item}
        unknown = sorted(set(entry) - {"contact", "role", "is_primary"})
        if unknown:
            add(errors, f"{path}.{unknown[0]}", _("Unknown field."))
            continue
        contact_id = as_uuid(entry.get("contact"))
        role = entry.get("role") or ""
        if contact_id is None or not visible_record(actor, "directory.contact", contact_id):
            add(errors, f"{path}.contact", _("No such contact."))
        elif any(row["contact_id"] == contact_id for row in rows):
            add(errors, f"{path}.contact", _("This contact is already listed."))
        if role not in ("", *ContactRole.values):
            add(
                errors,
                f"{path}.role",
                _("Choose one of: %(c)s.") % {"c": ", ".join(ContactRole.values)},
            )
        rows.append(
            {"contact_id": contact_id, "role": role, "is_primary": bool(entry.get("is_primary"))}
        )
    primaries = sum(row["is_primary"] for row in rows)
    if primaries > 1:
        add(errors, "contacts", _("Mark one contact as primary at most."))
    elif rows and not primaries:
        rows[0]["is_primary"] = True
    return rows
