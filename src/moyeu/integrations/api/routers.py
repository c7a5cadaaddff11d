"""/webhooks (administrators) and /events (the pull stream, integrations view right)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from moyeu.api.auth import actor_of
from moyeu.api.pagination import Ordering, paginate
from moyeu.api.resources import IF_MATCH, expected_version
from moyeu.api.schemas import Page, PageQuery
from moyeu.core.errors import ValidationFailed
from moyeu.integrations import queries, services
from moyeu.integrations.api import schemas as s
from moyeu.integrations.envelope import envelope
from moyeu.integrations.models import WebhookDelivery, WebhookSubscription

webhooks = Router(tags=["webhooks"])
events = Router(tags=["events"])


def _etag(response: HttpResponse, subscription: WebhookSubscription) -> WebhookSubscription:
    response["ETag"] = f'"{subscription.version}"'
    return subscription


def _with_secret(response: HttpResponse, pair: tuple[WebhookSubscription, str]) -> Any:
    subscription, secret = pair
    response["Cache-Control"] = "no-store"
    _etag(response, subscription)
    return {**s.WebhookOut.from_orm(subscription).model_dump(), "secret": secret}


def _delivery(row: WebhookDelivery) -> dict[str, Any]:
    return {
        **{f: getattr(row, f) for f in s.DeliveryOut.model_fields if hasattr(row, f)},
        "webhook": row.subscription_id,
        "event_id": row.event.id,
    }


@webhooks.get("", response=Page[s.WebhookOut])
def list_webhooks(request: HttpRequest, query: Query[PageQuery]) -> Any:
    rows = queries.subscriptions(actor_of(request))
    items, cursor = paginate(
        rows, ordering=Ordering("id", descending=True), cursor=query.cursor, limit=query.limit
    )
    return {"items": items, "next_cursor": cursor}


@webhooks.post("", response={201: s.WebhookWithSecret})
def create_webhook(request: HttpRequest, response: HttpResponse, payload: s.WebhookCreate) -> Any:
    """The secret is in this answer only (not replayed by Idempotency-Key); store it now."""
    created = services.subscription_create(actor=actor_of(request), values=payload.model_dump())
    response["Location"] = f"{request.path.rstrip('/')}/{created[0].pk}"
    return Status(201, _with_secret(response, created))


@webhooks.get("/{webhook_id}", response=s.WebhookOut)
def get_webhook(request: HttpRequest, response: HttpResponse, webhook_id: uuid.UUID) -> Any:
    found = queries.subscription(actor_of(request), webhook_id)
    if request.headers.get("If-None-Match", "").strip() == f'"{found.version}"':
        not_modified = HttpResponse(status=304)
        not_modified["ETag"] = f'"{found.version}"'
        return not_modified
    return _etag(response, found)


@webhooks.patch("/{webhook_id}", response=s.WebhookOut, openapi_extra=IF_MATCH)
def update_webhook(
    request: HttpRequest, response: HttpResponse, webhook_id: uuid.UUID, payload: s.WebhookPatch
) -> Any:
    changed = services.subscription_update(
        actor=actor_of(request),
        subscription_id=webhook_id,
        values=payload.model_dump(exclude_unset=True),
        expected_version=expected_version(request),
    )
    return _etag(response, changed)


@webhooks.delete("/{webhook_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_webhook(request: HttpRequest, webhook_id: uuid.UUID) -> Any:
    services.subscription_delete(
        actor=actor_of(request),
        subscription_id=webhook_id,
        expected_version=expected_version(request),
    )
    return Status(204, None)


@webhooks.post("/{webhook_id}/rotate-secret", response=s.WebhookWithSecret, openapi_extra=IF_MATCH)
def rotate_webhook_secret(
    request: HttpRequest, response: HttpResponse, webhook_id: uuid.UUID
) -> Any:
    """A new secret (in this answer only); the previous one also signs for 24 hours."""
    rotated = services.subscription_rotate_secret(
        actor=actor_of(request),
        subscription_id=webhook_id,
        expected_version=expected_version(request),
    )
    return _with_secret(response, rotated)


@webhooks.get("/{webhook_id}/deliveries", response=Page[s.DeliveryOut])
def list_webhook_deliveries(
    request: HttpRequest, webhook_id: uuid.UUID, query: Query[s.DeliveryQuery]
) -> Any:
    rows = queries.deliveries(actor_of(request), webhook_id, query.status)
    items, cursor = paginate(
        rows, ordering=Ordering("id", descending=True), cursor=query.cursor, limit=query.limit
    )
    return {"items": [_delivery(row) for row in items], "next_cursor": cursor}


@webhooks.get("/{webhook_id}/deliveries/{delivery_id}", response=s.DeliveryDetail)
def get_webhook_delivery(
    request: HttpRequest, webhook_id: uuid.UUID, delivery_id: uuid.UUID
) -> Any:
    row = queries.delivery(actor_of(request), webhook_id, delivery_id)
    return {**_delivery(row), "attempts_made": list(row.tries.order_by("id"))}


@webhooks.post("/{webhook_id}/deliveries/{delivery_id}/replay", response=s.DeliveryOut)
def replay_webhook_delivery(
    request: HttpRequest, webhook_id: uuid.UUID, delivery_id: uuid.UUID
) -> Any:
    """Send this delivery again (a pending or retrying one is left as it is)."""
    actor = actor_of(request)
    queries.delivery(actor, webhook_id, delivery_id)
    services.delivery_replay(actor=actor, delivery_id=delivery_id)
    return _delivery(queries.delivery(actor, webhook_id, delivery_id))


@webhooks.post("/{webhook_id}/replay", response=s.ReplayOut)
def replay_webhook(request: HttpRequest, webhook_id: uuid.UUID, payload: s.ReplayIn) -> Any:
    """Replay the dead letters, or every retained event from a moment or an event id."""
    actor = actor_of(request)
    if payload.dead_letters and payload.since is None and payload.from_event is None:
        count = services.replay_dead_letters(actor=actor, subscription_id=webhook_id)
    else:
        if payload.dead_letters:
            raise ValidationFailed(
                {"dead_letters": [_("Replay the dead letters or a range, not both at once.")]}
            )
        count = services.replay_from(
            actor=actor,
            subscription_id=webhook_id,
            since=payload.since,
            from_event=payload.from_event,
        )
    return {"deliveries": count}


@events.get("", response=s.EventPage)
def list_events(request: HttpRequest, query: Query[s.EventQuery]) -> Any:
    """The event stream, oldest first after ``after``; needs the integrations view right."""
    types = [t.strip() for t in (query.type or "").split(",") if t.strip()]
    rows = queries.event_stream(
        actor_of(request), after=query.after, types=types, limit=query.limit
    )
    return {
        "items": [envelope(row) for row in rows],
        "next_after": rows[-1].id if rows else None,
    }


routers: list[tuple[str, Router]] = [("/webhooks", webhooks), ("/events", events)]
