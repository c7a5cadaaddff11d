"""The generic record resource: list, detail, create, update, delete, upsert by external id.

A module's router declares one :class:`RecordResource` per record type (its model, services,
filters and orderings); its handlers then stay three lines: parse the schema, call the
resource (which calls the module's services), return the record. Reads go through
``visible_to(actor, "view")`` (a record the caller cannot see is 404); writes go through the
module's services, which re-check access inside their transaction (403, nothing written).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any, Generic, TypeVar

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Status
from pydantic import BaseModel

from moyeu.api.auth import actor_of
from moyeu.api.filters import FilterSet
from moyeu.api.pagination import Ordering, paginate
from moyeu.api.problems import ApiProblem
from moyeu.api.rendering import rendered
from moyeu.api.rows import RowLayout
from moyeu.api.schemas import ListQuery
from moyeu.core import access
from moyeu.core.access import Branches
from moyeu.core.errors import NotFound, ValidationFailed
from moyeu.core.models import MoyeuModel

M = TypeVar("M", bound=MoyeuModel)

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,10})"?\s*$')
_BODY_SPECIAL = ("tags", "custom", "external_ids")
_RECORD_KEYS = {"owner": "owner_id", "team": "team_id"}


IF_MATCH: dict[str, Any] = {
    "parameters": [
        {
            "in": "header",
            "name": "If-Match",
            "required": False,
            "schema": {"type": "string", "examples": ['"3"']},
            "description": "The ETag of the version you read; 412 if the record changed since.",
        }
    ]
}


def expected_version(request: HttpRequest) -> int | None:
    """The version an ``If-Match`` header names (None without one, or with ``*``)."""
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip() == "*":
        return None
    match = _ETAG.match(raw)
    if match is None:
        raise ApiProblem(
            412,
            "api.precondition_failed",
            _('If-Match must be the ETag of the record, such as "3".'),
            errors=[("If-Match", _("Not an ETag of this API."))],
        )
    return int(match.group(1))


def set_etag(response: HttpResponse, obj: MoyeuModel) -> None:
    response["ETag"] = obj.etag


@dataclass(frozen=True)
class RecordResource(Generic[M]):
    """What the API needs to know about one record type; see the module docstring."""

    model: type[M]
    create_service: Callable[..., M]
    update_service: Callable[..., M]
    delete_service: Callable[..., None]
    upsert_service: Callable[..., tuple[M, bool]]
    id_argument: str  # the services' keyword for the record id: "contact_id"
    bulk_create_service: Callable[..., list[M]] | None = None
    orderings: tuple[str, ...] = ("id", "created_at", "updated_at")
    lookups: Mapping[str, str] = field(default_factory=dict)  # list parameter -> ORM lookup
    foreign_keys: Mapping[str, str] = field(default_factory=dict)  # "account" -> "account_id"
    # The list items' schema: pages are then read as rows (see moyeu.api.rows) when it is
    # made of plain columns; without it, or otherwise, as instances validated by ninja.
    output: type[BaseModel] | None = None

    @property
    def filters(self) -> FilterSet:
        return FilterSet(self.model, self.lookups)

    @cached_property
    def layout(self) -> RowLayout | None:
        return None if self.output is None else RowLayout.of(self.model, self.output)

    def visible(self, request: HttpRequest) -> models.QuerySet[M]:
        return self.model.objects.visible_to(actor_of(request), "view")  # type: ignore[return-value]

    def scope(self, request: HttpRequest) -> Branches:
        """What the caller may see, as branches that list pages read one index each."""
        return access.scope_branches(actor_of(request), self.model, "view")

    def prefetched(self, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
        return queryset.prefetch_related("tags", "external_id_links")

    def queryset(self, request: HttpRequest) -> models.QuerySet[M]:
        return self.prefetched(self.visible(request))

    # --- reads ---------------------------------------------------------------------------

    def list(self, request: HttpRequest, query: ListQuery) -> dict[str, Any] | HttpResponse:
        """A page ``{"items": [...], "next_cursor": ...}`` of the records the caller sees."""
        ordering = Ordering.parse(query.ordering, self.orderings)
        page = partial(paginate, ordering=ordering, cursor=query.cursor, limit=query.limit)
        every: models.QuerySet[M] = self.model._default_manager.all()  # type: ignore[assignment]
        layout = self.layout
        if layout is None:
            queryset = self.filters.apply(request, self.prefetched(every), query)
            items, next_cursor = page(queryset, branches=self.scope(request))
            return {"items": items, "next_cursor": next_cursor}
        queryset = self.filters.apply(request, every, query)
        columns = layout.columns(ordering.field, self.model._meta.pk.name)
        rows, next_cursor = page(queryset.values(*columns), branches=self.scope(request))
        return rendered(request, {"items": layout.items(rows), "next_cursor": next_cursor})

    def get(self, request: HttpRequest, record_id: uuid.UUID) -> M:
        obj = self.queryset(request).filter(pk=record_id).first()
        if obj is None:
            raise NotFound(_("No such record."))
        return obj

    def detail(
        self, request: HttpRequest, response: HttpResponse, record_id: uuid.UUID
    ) -> M | HttpResponse:
        obj = self.get(request, record_id)
        if request.headers.get("If-None-Match", "").strip() in {obj.etag, f"W/{obj.etag}"}:
            not_modified = HttpResponse(status=304)
            set_etag(not_modified, obj)
            return not_modified
        set_etag(response, obj)
        return obj

    # --- writes --------------------------------------------------------------------------

    def arguments(self, payload: BaseModel) -> dict[str, Any]:
        """Service keyword arguments from a body: ``values`` plus tags, custom, external ids."""
        data = payload.model_dump(exclude_unset=True)
        arguments = {key: data.pop(key) for key in _BODY_SPECIAL if key in data}
        keys = {**_RECORD_KEYS, **self.foreign_keys}
        arguments["values"] = {keys.get(key, key): value for key, value in data.items()}
        return arguments

    def create(self, request: HttpRequest, response: HttpResponse, payload: BaseModel) -> M:
        obj = self.create_service(actor=actor_of(request), **self.arguments(payload))
        set_etag(response, obj)
        response["Location"] = f"{request.path.rstrip('/')}/{obj.pk}"
        return obj

    def update(
        self,
        request: HttpRequest,
        response: HttpResponse,
        record_id: uuid.UUID,
        payload: BaseModel,
    ) -> M:
        obj = self.update_service(
            actor=actor_of(request),
            expected_version=expected_version(request),
            **{self.id_argument: record_id},
            **self.arguments(payload),
        )
        set_etag(response, obj)
        return obj

    def delete(self, request: HttpRequest, record_id: uuid.UUID) -> Status[None]:
        self.delete_service(
            actor=actor_of(request),
            expected_version=expected_version(request),
            **{self.id_argument: record_id},
        )
        return Status(204, None)

    def upsert(
        self,
        request: HttpRequest,
        response: HttpResponse,
        system: str,
        value: str,
        payload: BaseModel,
    ) -> Status[M]:
        obj, created = self.upsert_service(
            actor=actor_of(request),
            system=system,
            value=value,
            expected_version=expected_version(request),
            **self.arguments(payload),
        )
        set_etag(response, obj)
        return Status(201 if created else 200, obj)

    def bulk_create(self, request: HttpRequest, items: Sequence[BaseModel]) -> dict[str, Any]:
        """All rows or none; field errors are named ``items.<row>.<field>``."""
        assert self.bulk_create_service is not None
        rows = [self.arguments(item) for item in items]
        try:
            created = self.bulk_create_service(actor=actor_of(request), rows=rows)
        except ValidationFailed as exc:
            raise ValidationFailed({f"items.{k}": v for k, v in exc.errors.items()}) from None
        ids = [obj.pk for obj in created]
        found = {obj.pk: obj for obj in self.queryset(request).filter(pk__in=ids)}
        return {"items": [found[pk] for pk in ids if pk in found]}
