"""Event types the quotes and orders emit (payloads: the record's snapshot, plus the keys
named here). Other modules react to them through the outbox."""

from __future__ import annotations

QUOTE_SENT = "quote.sent"  # + "emailed": bool, "to": [addresses]
QUOTE_ACCEPTED = "quote.accepted"  # + "via": "user" | "link"
QUOTE_DECLINED = "quote.declined"  # + "via": "user" | "link"
ORDER_CREATED = "order.created"
ORDER_STATUS_CHANGED = "order.status_changed"  # + "from", "to"

QUOTE_EVENTS = [
    "quote.created",
    "quote.updated",
    "quote.deleted",
    QUOTE_SENT,
    QUOTE_ACCEPTED,
    QUOTE_DECLINED,
]
ORDER_EVENTS = ["order.updated", ORDER_CREATED, ORDER_STATUS_CHANGED]
