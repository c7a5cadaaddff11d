"""Recording audit entries. Works anywhere: request, task, command, shell."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from moyeu.core.context import Actor, current_channel, current_correlation_id
from moyeu.core.models import AuditEntry


def json_value(value: Any) -> Any:
    """A JSON-safe form of a field value, for audit before/after and event payloads."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, Iterable):
        return [json_value(v) for v in value]
    return str(value)


def record(
    obj: models.Model | None,
    code: str,
    actor: Actor,
    *,
    changes: Mapping[str, tuple[Any, Any]] | None = None,
    data: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry; call it inside the transaction of the change it records."""
    return AuditEntry.objects.create(
        actor=actor.user,
        actor_label=actor.label,
        channel=actor.channel if actor.channel != "system" else current_channel(),
        code=code,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None and isinstance(obj.pk, uuid.UUID) else None,
        object_repr=str(obj)[:255] if obj is not None else "",
        changes={k: [json_value(b), json_value(a)] for k, (b, a) in (changes or {}).items()},
        data=json_value(dict(data or {})),
        correlation_id=current_correlation_id(),
    )


def record_sensitive_read(code: str, actor: Actor, **data: Any) -> AuditEntry:
    """Audit a sensitive read (export, bulk download) that changes no record."""
    return record(None, code, actor, data=data)
