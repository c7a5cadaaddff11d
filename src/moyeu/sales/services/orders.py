"""Orders: made from an accepted quote (numbered ``CMD-2026-00001``), then moved through
their statuses: confirmed → blocked / delivered / cancelled, blocked → confirmed / cancelled."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core import numbering
from moyeu.core.context import Actor, action_context
from moyeu.core.errors import Conflict, ValidationFailed, VersionConflict
from moyeu.core.search import index as search_index
from moyeu.core.services import audit, events, records
from moyeu.sales.models import Order, OrderStatus, Quote
from moyeu.sales.models.orders import TRANSITIONS

SEQUENCE = "sales.order"
PREFIX = "CMD"


def order_from_quote(quote: Quote, *, actor: Actor) -> Order:
    """The order of a quote being accepted, in the accepting transaction (no access check:
    accepting the quote is what allows it, from the UI or from the customer's link)."""
    now = timezone.now()
    order = Order(
        number=numbering.next_number(SEQUENCE, prefix=PREFIX, on=timezone.localdate(now)),
        quote=quote,
        account_id=quote.account_id,
        contact_id=quote.contact_id,
        currency=quote.currency,
        total_excl_tax=quote.total_excl_tax,
        total_tax=quote.total_tax,
        total_incl_tax=quote.total_incl_tax,
        status=OrderStatus.CONFIRMED,
        ordered_at=now,
        owner_id=quote.owner_id,
        team_id=quote.team_id,
        created_by=actor.user,
        updated_by=actor.user,
        created_at=now,
        updated_at=now,
    )
    order.save(force_insert=True)
    search_index.index_record(order)
    after = records.snapshot(order)
    audit.record(
        order,
        "sales.order.created",
        actor,
        changes={k: (None, v) for k, v in after.items() if v not in (None, "", [], {})},
    )
    events.emit(
        "order.created", record_type="sales.order", record=order, payload=after, actor=actor
    )
    return order


def _move(
    *,
    actor: Actor,
    order_id: uuid.UUID,
    status: str,
    reason: str = "",
    expected_version: int | None = None,
) -> Order:
    with action_context(channel=actor.channel), transaction.atomic():
        order = records.lock_for_change(Order, order_id, actor=actor, action="change")
        if expected_version is not None and order.version != expected_version:
            raise VersionConflict(
                _("This record was changed by someone else (version %(v)s).")
                % {"v": order.version},
                current_version=order.version,
            )
        if order.status == status:
            return order
        if status not in TRANSITIONS[order.status]:
            raise Conflict(
                _("An order %(from)s cannot become %(to)s.")
                % {
                    "from": order.get_status_display().lower(),
                    "to": OrderStatus(status).label.lower(),
                },
                code="sales.order_transition",
                field="status",
            )
        if status in (OrderStatus.BLOCKED, OrderStatus.CANCELLED) and not reason.strip():
            raise ValidationFailed({"reason": [_("Say why.")]})
        before = records.snapshot(order)
        previous = order.status
        order.status = status
        order.status_reason = reason.strip()[:500]
        if status == OrderStatus.DELIVERED:
            order.delivered_at = timezone.now()
        order.version += 1
        order.updated_by = actor.user
        order.updated_at = timezone.now()
        order.save()
        after = records.snapshot(order)
        changes = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
        audit.record(order, "sales.order.status_changed", actor, changes=changes)
        payload: dict[str, Any] = {**after, "from": previous, "to": status}
        events.emit(
            "order.status_changed",
            record_type="sales.order",
            record=order,
            payload=payload,
            actor=actor,
        )
    return order


def order_block(
    *, actor: Actor, order_id: uuid.UUID, reason: str, expected_version: int | None = None
) -> Order:
    return _move(
        actor=actor,
        order_id=order_id,
        status=OrderStatus.BLOCKED,
        reason=reason,
        expected_version=expected_version,
    )


def order_unblock(
    *, actor: Actor, order_id: uuid.UUID, expected_version: int | None = None
) -> Order:
    return _move(
        actor=actor,
        order_id=order_id,
        status=OrderStatus.CONFIRMED,
        expected_version=expected_version,
    )


def order_deliver(
    *, actor: Actor, order_id: uuid.UUID, expected_version: int | None = None
) -> Order:
    return _move(
        actor=actor,
        order_id=order_id,
        status=OrderStatus.DELIVERED,
        expected_version=expected_version,
    )


def order_cancel(
    *, actor: Actor, order_id: uuid.UUID, reason: str, expected_version: int | None = None
) -> Order:
    return _move(
        actor=actor,
        order_id=order_id,
        status=OrderStatus.CANCELLED,
        reason=reason,
        expected_version=expected_version,
    )


def order_update(
    *,
    actor: Actor,
    order_id: uuid.UUID,
    values: dict[str, Any] | None = None,
    custom: dict[str, Any] | None = None,
    tags: list[str] | None = None,
    external_ids: dict[str, str | None] | None = None,
    expected_version: int | None = None,
) -> Order:
    """The order's own notes, expected delivery, owner, team, tags and custom fields; its
    amounts and status are the quote's and the transitions' to change."""
    allowed = {"delivery_date", "notes", "owner_id", "team_id"}
    unknown = sorted(set(values or {}) - allowed)
    if unknown:
        raise ValidationFailed({k: [_("Unknown or read-only field.")] for k in unknown})
    return records.record_update(
        Order,
        order_id,
        actor=actor,
        values=values,
        custom=custom,
        tags=tags,
        external_ids=external_ids,
        expected_version=expected_version,
    )
