"""The JSON envelope of an event as webhooks, the AMQP exchange and /api/v1/events send it.

Version 1::

    {
      "envelope": 1,
      "id": "<event id, also the webhook-id header>",
      "type": "contact.updated",
      "timestamp": "2026-11-01T10:00:00.123456+00:00",
      "record": {"type": "directory.contact", "id": "<uuid>"} | null,
      "data_version": 1,
      "data": {... the event's payload ...},
      "correlation_id": "<id shared with the audit entries of the same action>"
    }

A change of this shape that could break a receiver is a new envelope version.
"""

from __future__ import annotations

import json
from typing import Any

from moyeu.core.models import OutboxEvent

ENVELOPE_VERSION = 1


def envelope(event: OutboxEvent) -> dict[str, Any]:
    record = (
        {"type": event.record_type, "id": str(event.record_id)}
        if event.record_id is not None
        else None
    )
    return {
        "envelope": ENVELOPE_VERSION,
        "id": str(event.id),
        "type": event.type,
        "timestamp": event.occurred_at.isoformat(),
        "record": record,
        "data_version": event.schema_version,
        "data": event.payload,
        "correlation_id": event.correlation_id,
    }


def envelope_bytes(event: OutboxEvent) -> bytes:
    return json.dumps(envelope(event), separators=(",", ":"), ensure_ascii=False).encode()
