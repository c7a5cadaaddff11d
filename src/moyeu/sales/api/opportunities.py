"""/opportunities: three-line handlers over the generic record resource, plus the move."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from moyeu.api.auth import actor_of
from moyeu.api.filters import FilterSet
from moyeu.api.idempotency import idempotent
from moyeu.api.resources import IF_MATCH, RecordResource, expected_version, set_etag
from moyeu.api.schemas import ListQuery, Page
from moyeu.sales import services
from moyeu.sales.api import schemas as s
from moyeu.sales.models import Opportunity, OpportunityContact


@dataclass(frozen=True)
class OpportunityFilterSet(FilterSet):
    def apply(self, request: HttpRequest, queryset: models.QuerySet[Any], query: ListQuery) -> Any:
        filtered = super().apply(request, queryset, query)
        contact = getattr(query, "contact", None)
        if contact:
            linked = OpportunityContact.objects.filter(contact_id=contact)
            filtered = filtered.filter(pk__in=linked.values("opportunity_id"))
        return filtered


@dataclass(frozen=True)
class OpportunityResource(RecordResource[Opportunity]):
    @property
    def filters(self) -> FilterSet:
        return OpportunityFilterSet(self.model, self.lookups)

    def prefetched(self, queryset: models.QuerySet[Opportunity]) -> models.QuerySet[Opportunity]:
        return super().prefetched(queryset).prefetch_related("contact_roles")


opportunities = OpportunityResource(
    model=Opportunity,
    create_service=services.opportunity_create,
    update_service=services.opportunity_update,
    delete_service=services.opportunity_delete,
    upsert_service=services.opportunity_upsert_by_external_id,
    id_argument="opportunity_id",
    output=s.OpportunityOut,
    orderings=(
        "id",
        "created_at",
        "updated_at",
        "name",
        "amount",
        "expected_close_date",
        "probability",
    ),
    lookups={
        "pipeline": "pipeline_id",
        "stage": "stage_id",
        "status": "status",
        "account": "account_id",
        "currency": "currency",
        "close_after": "expected_close_date__gte",
        "close_before": "expected_close_date__lt",
    },
    foreign_keys={"account": "account_id", "pipeline": "pipeline_id", "stage": "stage_id"},
)

router = Router(tags=["opportunities"])
EXTERNAL = "/by-external-id/{system}/{path:value}"


@router.get("", response=Page[s.OpportunityOut])
def list_opportunities(request: HttpRequest, query: Query[s.OpportunityQuery]) -> Any:
    return opportunities.list(request, query)


@router.post("", response={201: s.OpportunityOut})
@idempotent
def create_opportunity(
    request: HttpRequest, response: HttpResponse, payload: s.OpportunityCreate
) -> Any:
    return opportunities.create(request, response, payload)


@router.get("/{opportunity_id}", response=s.OpportunityOut)
def get_opportunity(request: HttpRequest, response: HttpResponse, opportunity_id: uuid.UUID) -> Any:
    return opportunities.detail(request, response, opportunity_id)


@router.patch("/{opportunity_id}", response=s.OpportunityOut, openapi_extra=IF_MATCH)
def update_opportunity(
    request: HttpRequest,
    response: HttpResponse,
    opportunity_id: uuid.UUID,
    payload: s.OpportunityPatch,
) -> Any:
    """Change fields; a new `stage` moves the opportunity with the stage's rules."""
    return opportunities.update(request, response, opportunity_id, payload)


@router.delete("/{opportunity_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_opportunity(request: HttpRequest, opportunity_id: uuid.UUID) -> Any:
    return opportunities.delete(request, opportunity_id)


@router.put(
    EXTERNAL, response={200: s.OpportunityOut, 201: s.OpportunityOut}, openapi_extra=IF_MATCH
)
def upsert_opportunity(
    request: HttpRequest,
    response: HttpResponse,
    system: str,
    value: str,
    payload: s.OpportunityUpsert,
) -> Any:
    """Create the opportunity `system` knows as `value` (201) or update it (200)."""
    return opportunities.upsert(request, response, system, value, payload)


@router.post("/{opportunity_id}/move", response=s.OpportunityOut, openapi_extra=IF_MATCH)
def move_opportunity(
    request: HttpRequest,
    response: HttpResponse,
    opportunity_id: uuid.UUID,
    payload: s.OpportunityMove,
) -> Any:
    """Move to another stage (`opportunity.stage_changed`, and `opportunity.won` or
    `opportunity.lost`), filling in fields on the way; 422 names each field the stage
    requires and the opportunity lacks."""
    values = payload.model_dump(exclude_unset=True)
    moved = services.opportunity_move_stage(
        actor=actor_of(request),
        opportunity_id=opportunity_id,
        stage_id=values.pop("stage"),
        values=values,
        expected_version=expected_version(request),
    )
    set_etag(response, moved)
    return opportunities.get(request, moved.pk)
