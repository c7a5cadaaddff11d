"""/activities: three-line handlers over the generic record resource."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from moyeu.activities import services
from moyeu.activities.api import schemas as s
from moyeu.activities.api.calendar import feeds_router, register_meeting_routes
from moyeu.activities.api.resource import ActivityResource
from moyeu.activities.models import Activity
from moyeu.api.auth import actor_of
from moyeu.api.idempotency import idempotent
from moyeu.api.resources import IF_MATCH, expected_version, set_etag
from moyeu.api.schemas import Page

activities = ActivityResource(
    model=Activity,
    create_service=services.activity_create,
    update_service=services.activity_update,
    delete_service=services.activity_delete,
    upsert_service=services.activity_upsert_by_external_id,
    id_argument="activity_id",
    output=s.ActivityOut,
    orderings=("id", "created_at", "updated_at", "occurred_at", "due_at", "subject"),
    lookups={
        "kind": "kind",
        "status": "status",
        "due_before": "due_at__lt",
        "due_after": "due_at__gte",
        "occurred_before": "occurred_at__lt",
        "occurred_after": "occurred_at__gte",
        "thread": "thread_id",
    },
)

router = Router(tags=["activities"])
EXTERNAL = "/by-external-id/{system}/{path:value}"


@router.get("", response=Page[s.ActivityOut])
def list_activities(request: HttpRequest, query: Query[s.ActivityQuery]) -> Any:
    return activities.list(request, query)


@router.post("", response={201: s.ActivityOut})
@idempotent
def create_activity(request: HttpRequest, response: HttpResponse, payload: s.ActivityCreate) -> Any:
    return activities.create(request, response, payload)


@router.get("/{activity_id}", response=s.ActivityOut)
def get_activity(request: HttpRequest, response: HttpResponse, activity_id: uuid.UUID) -> Any:
    return activities.detail(request, response, activity_id)


@router.patch("/{activity_id}", response=s.ActivityOut, openapi_extra=IF_MATCH)
def update_activity(
    request: HttpRequest, response: HttpResponse, activity_id: uuid.UUID, payload: s.ActivityPatch
) -> Any:
    return activities.update(request, response, activity_id, payload)


@router.delete("/{activity_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_activity(request: HttpRequest, activity_id: uuid.UUID) -> Any:
    return activities.delete(request, activity_id)


@router.put(EXTERNAL, response={200: s.ActivityOut, 201: s.ActivityOut}, openapi_extra=IF_MATCH)
def upsert_activity(
    request: HttpRequest, response: HttpResponse, system: str, value: str, payload: s.ActivityUpsert
) -> Any:
    """Log the activity `system` knows as `value` (201) or update it (200)."""
    return activities.upsert(request, response, system, value, payload)


def _status_change(request: HttpRequest, response: HttpResponse, change: Any, pk: Any) -> Any:
    obj = change(
        actor=actor_of(request), activity_id=pk, expected_version=expected_version(request)
    )
    set_etag(response, obj)
    return activities.get(request, obj.pk)


@router.post("/{activity_id}/complete", response=s.ActivityOut, openapi_extra=IF_MATCH)
def complete_activity(request: HttpRequest, response: HttpResponse, activity_id: uuid.UUID) -> Any:
    """Mark a task or meeting done (`activity.completed`); no change if it already is."""
    return _status_change(request, response, services.activity_complete, activity_id)


@router.post("/{activity_id}/reopen", response=s.ActivityOut, openapi_extra=IF_MATCH)
def reopen_activity(request: HttpRequest, response: HttpResponse, activity_id: uuid.UUID) -> Any:
    return _status_change(request, response, services.activity_reopen, activity_id)


@router.post("/{activity_id}/cancel", response=s.ActivityOut, openapi_extra=IF_MATCH)
def cancel_activity(request: HttpRequest, response: HttpResponse, activity_id: uuid.UUID) -> Any:
    return _status_change(request, response, services.activity_cancel, activity_id)


register_meeting_routes(router, activities.get)

routers: list[tuple[str, Router]] = [("/activities", router), ("/calendar", feeds_router)]
