"""List filters from query parameters: declared lookups, name search and custom fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Upper
from django.db.models.lookups import Exact
from django.http import HttpRequest

from moyeu.api.problems import ApiProblem
from moyeu.api.schemas import ListQuery
from moyeu.core.models import CustomFieldDefinition
from moyeu.core.registry import registry
from moyeu.core.services.custom_fields import filter_q

M = TypeVar("M", bound=models.Model)

CUSTOM_PREFIX = "custom."
# Parameter -> ORM lookup, shared by every record list.
COMMON_LOOKUPS: dict[str, str] = {
    "owner": "owner_id",
    "team": "team_id",
    "tag": "tags__name",
    "created_after": "created_at__gte",
    "updated_after": "updated_at__gte",
}
_NOT_FILTERS = {"limit", "cursor", "ordering", "q"}


def lookup_q(lookup: str, value: Any) -> Q:
    """``Q(lookup=value)``; ``<field>__iexact`` as ``UPPER(field) = UPPER(value)``.

    That is what ``iexact`` means on PostgreSQL (and, ASCII-only like SQLite's ``LIKE``, on
    SQLite), written so that an index on ``Upper(field)`` serves it on both databases:
    ``iexact`` on SQLite is a ``LIKE``, which no such index serves.
    """
    path, _sep, kind = lookup.rpartition("__")
    if kind != "iexact":
        return Q(**{lookup: value})
    return Q(Exact(Upper(path), Upper(Value(str(value), output_field=models.CharField()))))


def _bad(name: str, message: str) -> ApiProblem:
    return ApiProblem(400, "api.bad_filter", message, errors=[(name, message)])


@dataclass(frozen=True)
class FilterSet:
    """How a resource's list parameters become a queryset filter.

    ``lookups`` maps the resource's own parameters to ORM lookups; ``q`` searches the
    record type's ``searchable_fields`` (declared in its module's registry entry).
    """

    model: type[models.Model]
    lookups: Mapping[str, str] = field(default_factory=dict)

    @property
    def record_type(self) -> str:
        return self.model._meta.label_lower

    @property
    def search_fields(self) -> tuple[str, ...]:
        return registry.record_type_for_model(self.model)[1].searchable_fields

    def apply(self, request: HttpRequest, queryset: models.QuerySet[M], query: ListQuery) -> Any:
        known = set(type(query).model_fields)
        unknown = sorted(
            key for key in request.GET if key not in known and not key.startswith(CUSTOM_PREFIX)
        )
        if unknown:
            raise _bad(unknown[0], f"Unknown query parameter: {unknown[0]}.")
        lookups = {**COMMON_LOOKUPS, **self.lookups}
        condition = Q()
        for name in sorted(known - _NOT_FILTERS):
            value = getattr(query, name)
            if value is not None and name in lookups:
                condition &= lookup_q(lookups[name], value)
        if query.q:
            search = Q()
            for field_name in self.search_fields:
                search |= Q(**{f"{field_name}__icontains": query.q.strip()})
            condition &= search
        condition &= self._custom(request)
        return queryset.filter(condition)

    def _custom(self, request: HttpRequest) -> Q:
        wanted = {
            key[len(CUSTOM_PREFIX) :]: request.GET[key]
            for key in request.GET
            if key.startswith(CUSTOM_PREFIX)
        }
        if not wanted:
            return Q()
        definitions = {
            d.name: d
            for d in CustomFieldDefinition.objects.filter(
                record_type=self.record_type, name__in=list(wanted), is_filterable=True
            )
        }
        condition = Q()
        for name, raw in sorted(wanted.items()):
            definition = definitions.get(name)
            if definition is None:
                raise _bad(CUSTOM_PREFIX + name, f"No filterable custom field named {name!r}.")
            try:
                condition &= filter_q(definition, raw)
            except DjangoValidationError as exc:
                raise _bad(CUSTOM_PREFIX + name, " ".join(exc.messages)) from None
        return condition
