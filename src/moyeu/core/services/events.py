"""Emitting domain events into the transactional outbox."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from moyeu.core.context import Actor, current_correlation_id
from moyeu.core.models import OutboxEvent
from moyeu.core.services.audit import json_value


def emit(
    event_type: str,
    *,
    record_type: str,
    record: models.Model | None,
    payload: dict[str, Any],
    actor: Actor,
    schema_version: int = 1,
) -> OutboxEvent:
    """Write an event in the current transaction; the worker's dispatcher delivers it."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError(f"emit({event_type!r}) outside a transaction: the outbox needs one")
    event = OutboxEvent.objects.create(
        type=event_type,
        schema_version=schema_version,
        record_type=record_type,
        record_id=record.pk if record is not None else None,
        payload=json_value(payload),
        actor_id=actor.user_id,
        correlation_id=current_correlation_id(),
    )
    return event
