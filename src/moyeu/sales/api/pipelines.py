"""/pipelines: the sales processes, their stages and what each stage requires."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from pydantic import BaseModel, Field

from moyeu.api.auth import actor_of
from moyeu.api.idempotency import idempotent
from moyeu.api.pagination import Ordering, paginate
from moyeu.api.resources import IF_MATCH, expected_version
from moyeu.api.schemas import Page, PageQuery
from moyeu.core.errors import NotFound, PermissionDenied
from moyeu.sales import services
from moyeu.sales.api import schemas as s
from moyeu.sales.models import Pipeline
from moyeu.sales.services.pipelines import can_view_pipelines

router = Router(tags=["pipelines"])
ORDERINGS = ("id", "name", "position", "created_at", "updated_at")


class PipelineQuery(PageQuery):
    ordering: str | None = Field(default=None, description="position (default), name, id…")
    is_active: bool | None = None


def _readable(request: HttpRequest) -> Any:
    if not can_view_pipelines(actor_of(request)):
        raise PermissionDenied(_("You may not view the sales module."))
    return Pipeline.objects.prefetch_related("stages")


def _one(request: HttpRequest, pipeline_id: uuid.UUID) -> Pipeline:
    found: Pipeline | None = _readable(request).filter(pk=pipeline_id).first()
    if found is None:
        raise NotFound(_("No such pipeline."))
    return found


def _arguments(payload: BaseModel) -> dict[str, Any]:
    """Service arguments: the pipeline's fields, and its stages as sent (unset keys absent)."""
    values = payload.model_dump(exclude_unset=True)
    return {"values": values, "stages": values.pop("stages", None)}


@router.get("", response=Page[s.PipelineOut])
def list_pipelines(request: HttpRequest, query: Query[PipelineQuery]) -> Any:
    """Every pipeline with its stages, in position order; anyone who may view sales."""
    ordering = Ordering.parse(query.ordering, ORDERINGS, default="position")
    pipelines = _readable(request)
    if query.is_active is not None:
        pipelines = pipelines.filter(is_active=query.is_active)
    items, cursor = paginate(pipelines, ordering=ordering, cursor=query.cursor, limit=query.limit)
    return {"items": items, "next_cursor": cursor}


@router.post("", response={201: s.PipelineOut})
@idempotent
def create_pipeline(request: HttpRequest, response: HttpResponse, payload: s.PipelineCreate) -> Any:
    """Sales administrators only. The first pipeline becomes the default."""
    created = services.pipeline_create(actor=actor_of(request), **_arguments(payload))
    response["ETag"] = created.etag
    response["Location"] = f"{request.path.rstrip('/')}/{created.pk}"
    return Status(201, _one(request, created.pk))


@router.get("/{pipeline_id}", response=s.PipelineOut)
def get_pipeline(request: HttpRequest, response: HttpResponse, pipeline_id: uuid.UUID) -> Any:
    found = _one(request, pipeline_id)
    if request.headers.get("If-None-Match", "").strip() in {found.etag, f"W/{found.etag}"}:
        not_modified = HttpResponse(status=304)
        not_modified["ETag"] = found.etag
        return not_modified
    response["ETag"] = found.etag
    return found


@router.patch("/{pipeline_id}", response=s.PipelineOut, openapi_extra=IF_MATCH)
def update_pipeline(
    request: HttpRequest, response: HttpResponse, pipeline_id: uuid.UUID, payload: s.PipelineFields
) -> Any:
    """`stages` replaces the list: stages named by `id` are kept, others added, those left out
    removed (409 while opportunities are in them)."""
    updated = services.pipeline_update(
        actor=actor_of(request),
        pipeline_id=pipeline_id,
        expected_version=expected_version(request),
        **_arguments(payload),
    )
    response["ETag"] = updated.etag
    return _one(request, updated.pk)


@router.delete("/{pipeline_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_pipeline(request: HttpRequest, pipeline_id: uuid.UUID) -> Any:
    """409 while opportunities are in the pipeline."""
    services.pipeline_delete(
        actor=actor_of(request), pipeline_id=pipeline_id, expected_version=expected_version(request)
    )
    return Status(204, None)
