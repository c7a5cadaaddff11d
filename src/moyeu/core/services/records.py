"""Building blocks of every record service: create, update, delete, upsert by external id.

A module's service (``contact_create``) validates its own rules, then calls these, which check
record access inside the transaction, validate custom fields, write, audit and emit the event
together. UI, API, imports and connectors all end up here, so the rules hold for all of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, cast

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core import access
from moyeu.core.context import Actor, action_context
from moyeu.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    VersionConflict,
)
from moyeu.core.models import ExternalId, MoyeuModel, Tag
from moyeu.core.registry import registry
from moyeu.core.search import index as search_index
from moyeu.core.services import audit, custom_fields, events, references, validation_rules
from moyeu.core.services.audit import json_value

R = TypeVar("R", bound=MoyeuModel)

# Fields a caller never sets directly: the service maintains them.
_MANAGED = {"id", "created_at", "updated_at", "created_by", "updated_by", "version", "custom"}


def record_type_of(model: type[models.Model]) -> tuple[str, str]:
    """(module label, record name) of a registered record model, e.g. ("directory", "contact")."""
    spec, record_type = registry.record_type_for_model(model)
    return spec.label, record_type.name


def snapshot(obj: MoyeuModel) -> dict[str, Any]:
    """The record's values as JSON: event payloads and audit before/after use this."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        data[field.attname if field.is_relation else field.name] = json_value(
            getattr(obj, field.attname)
        )
    data["tags"] = sorted(tag.name for tag in obj.tags.all()) if obj.pk else []
    data["external_ids"] = obj.external_ids if obj.pk else {}
    # A record with child rows (a contact's phones) shows them too: ``related_snapshot()``.
    related = getattr(obj, "related_snapshot", None)
    if related is not None and obj.pk:
        data.update(related())
    return data


def _full_clean(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=True, validate_constraints=True)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        ) from None


def _set_tags(obj: MoyeuModel, names: Iterable[str]) -> None:
    cleaned = sorted({str(n).strip() for n in names if str(n).strip()})
    for name in cleaned:
        if len(name) > 64:
            raise ValidationFailed({"tags": [_("A tag has at most 64 characters.")]})
    tags = [Tag.objects.get_or_create(name=name)[0] for name in cleaned]
    obj.tags.set(tags)


def _set_external_ids(obj: MoyeuModel, external_ids: Mapping[str, str | None]) -> None:
    content_type = ContentType.objects.get_for_model(obj)
    for system, value in external_ids.items():
        if not system or len(system) > 64:
            raise ValidationFailed({"external_ids": [_("Invalid system name.")]})
        ExternalId.objects.filter(
            content_type=content_type, object_id=obj.pk, system=system
        ).delete()
        if value in (None, ""):
            continue
        clash = ExternalId.objects.filter(
            content_type=content_type, system=system, value=str(value)
        ).exclude(object_id=obj.pk)
        if clash.exists():
            raise Conflict(
                _("Another record already has %(system)s id %(value)s.")
                % {"system": system, "value": value},
                code="core.external_id_taken",
                field=f"external_ids.{system}",
            )
        try:
            with transaction.atomic():
                ExternalId.objects.create(
                    content_type=content_type, object_id=obj.pk, system=system, value=str(value)
                )
        except IntegrityError:
            raise Conflict(
                _("Another record already has %(system)s id %(value)s.")
                % {"system": system, "value": value},
                code="core.external_id_taken",
                field=f"external_ids.{system}",
            ) from None


def _check_values(model: type[models.Model], values: Mapping[str, Any]) -> None:
    names = {f.name for f in model._meta.concrete_fields} | {
        f.attname for f in model._meta.concrete_fields
    }
    unknown = sorted(k for k in values if k not in names or k in _MANAGED)
    if unknown:
        raise ValidationFailed({k: [_("Unknown or read-only field.")] for k in unknown})


def record_create(
    model: type[R],
    *,
    actor: Actor,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str] | None = None,
    related: Callable[[R], None] | None = None,
) -> R:
    """Create a record; ``related(obj)`` writes its child rows after it, in the transaction."""
    module, name = record_type_of(model)
    if not access.can_create(actor, model):
        raise PermissionDenied(_("You may not create this kind of record."))
    _check_values(model, values)
    obj = model(**values)
    if "owner" not in values and "owner_id" not in values:
        obj.owner = actor.user
    if "team" not in values and "team_id" not in values and actor.user is not None:
        obj.team_id = getattr(actor.user, "primary_team_id", None)
    obj.custom = custom_fields.validate_values(model._meta.label_lower, custom or {})
    obj.created_by = obj.updated_by = actor.user
    obj.created_at = obj.updated_at = timezone.now()
    _full_clean(obj)
    with action_context(channel=actor.channel), transaction.atomic():
        if not access.can(actor, obj, "create"):
            raise PermissionDenied(_("You may not create a record for this owner or team."))
        validation_rules.check_record(obj)
        obj.save(force_insert=True)
        if tags:
            _set_tags(obj, tags)
        if external_ids:
            _set_external_ids(obj, external_ids)
        if related is not None:
            related(obj)
        search_index.index_record(obj)
        after = snapshot(obj)
        audit.record(
            obj,
            f"{module}.{name}.created",
            actor,
            changes={k: (None, v) for k, v in after.items() if v not in (None, "", [], {})},
        )
        events.emit(
            f"{name}.created",
            record_type=f"{module}.{name}",
            record=obj,
            payload=after,
            actor=actor,
        )
    return obj


def lock_for_change(model: type[R], record_id: uuid.UUID, *, actor: Actor, action: str) -> R:
    """Lock the row and check access again, inside the caller's transaction.

    A record the actor cannot see is "not found" (no existence leak); one they can see but not
    change is "permission denied".
    """
    obj = (
        model.objects.select_for_update()
        .filter(pk=record_id)
        .filter(access.scope_filter(actor, model, "view"))
        .first()
    )
    if obj is None:
        raise NotFound(_("No such record."))
    if not access.can(actor, obj, action):
        raise PermissionDenied(_("You may not %(action)s this record.") % {"action": action})
    return cast(R, obj)


def record_update(
    model: type[R],
    record_id: uuid.UUID,
    *,
    actor: Actor,
    values: Mapping[str, Any] | None = None,
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str | None] | None = None,
    expected_version: int | None = None,
    replace_custom: bool = False,
    related: Callable[[R], None] | None = None,
) -> R:
    """Apply a partial change; returns the record (unchanged, same version, if nothing differs).

    ``related(obj)`` rewrites child rows once the record is locked and its values checked.
    """
    module, name = record_type_of(model)
    values = dict(values or {})
    _check_values(model, values)
    with action_context(channel=actor.channel), transaction.atomic():
        obj = lock_for_change(model, record_id, actor=actor, action="change")
        if expected_version is not None and obj.version != expected_version:
            raise VersionConflict(
                _("This record was changed by someone else (version %(v)s).") % {"v": obj.version},
                current_version=obj.version,
            )
        before = snapshot(obj)
        for field_name, value in values.items():
            setattr(obj, field_name, value)
        if custom is not None:
            obj.custom = custom_fields.validate_values(
                model._meta.label_lower, custom, current=None if replace_custom else obj.custom
            )
        _full_clean(obj)
        if (
            "owner" in values or "owner_id" in values or "team" in values or "team_id" in values
        ) and (not access.can(actor, obj, "change")):
            raise PermissionDenied(_("You may not give this record to that owner or team."))
        if tags is not None:
            _set_tags(obj, tags)
        if external_ids is not None:
            _set_external_ids(obj, external_ids)
        if related is not None:
            related(obj)
        after = snapshot(obj)
        changes = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
        if not changes:
            return obj
        validation_rules.check_record(obj)
        obj.version += 1
        obj.updated_by = actor.user
        obj.updated_at = timezone.now()
        obj.save()
        search_index.index_record(obj)
        audit.record(obj, f"{module}.{name}.updated", actor, changes=changes)
        payload = snapshot(obj)
        payload["changed_fields"] = sorted(changes)
        events.emit(
            f"{name}.updated",
            record_type=f"{module}.{name}",
            record=obj,
            payload=payload,
            actor=actor,
        )
    return obj


def record_delete(
    model: type[R], record_id: uuid.UUID, *, actor: Actor, expected_version: int | None = None
) -> None:
    module, name = record_type_of(model)
    with action_context(channel=actor.channel), transaction.atomic():
        obj = lock_for_change(model, record_id, actor=actor, action="delete")
        if expected_version is not None and obj.version != expected_version:
            raise VersionConflict(
                _("This record was changed by someone else (version %(v)s).") % {"v": obj.version},
                current_version=obj.version,
            )
        before = snapshot(obj)
        audit.record(
            obj,
            f"{module}.{name}.deleted",
            actor,
            changes={k: (v, None) for k, v in before.items()},
        )
        events.emit(
            f"{name}.deleted",
            record_type=f"{module}.{name}",
            record=obj,
            payload=before,
            actor=actor,
        )
        ExternalId.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=obj.pk
        ).delete()
        search_index.remove_records(model, [obj.pk])
        # Other modules' rows naming it (an activity's link to it) go with it; a refusal
        # below rolls that back with the rest.
        references.forget_records(model, [obj.pk])
        try:
            obj.delete()
        except ProtectedError as exc:
            # Another module's rows need it (an account's quotes): refuse, change nothing.
            kinds = sorted({str(o._meta.verbose_name_plural) for o in exc.protected_objects})
            raise Conflict(
                _("This record cannot be deleted: %(kinds)s refer to it.")
                % {"kinds": ", ".join(kinds)},
                code="core.record_in_use",
            ) from None


def find_by_external_id(model: type[R], system: str, value: str) -> R | None:
    link = ExternalId.objects.filter(
        content_type=ContentType.objects.get_for_model(model), system=system, value=value
    ).first()
    if link is None:
        return None
    return cast(R | None, model.objects.filter(pk=link.object_id).first())


def record_upsert_by_external_id(
    model: type[R],
    *,
    system: str,
    value: str,
    actor: Actor,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    expected_version: int | None = None,
    related: Callable[[R], None] | None = None,
) -> tuple[R, bool]:
    """Update the record ``system`` knows as ``value``, or create it: (record, created)."""
    with transaction.atomic():
        existing = find_by_external_id(model, system, value)
        if existing is None:
            created = record_create(
                model,
                actor=actor,
                values=values,
                custom=custom,
                tags=tags,
                external_ids={system: value},
                related=related,
            )
            return created, True
        updated = record_update(
            model,
            existing.pk,
            actor=actor,
            values=values,
            custom=custom,
            tags=tags,
            expected_version=expected_version,
            related=related,
        )
        return updated, False
