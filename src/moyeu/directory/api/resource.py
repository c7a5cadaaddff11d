"""The directory's record resource: the generic one, plus child rows and directory filters.

List pages stay on the generic row path (moyeu.api.rows) for the record's own columns; each
child table (e-mails, phones, addresses, links) then costs one query for the whole page, so
a page's query count does not grow with its size. Details prefetch the same tables.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from pydantic import BaseModel

from moyeu.api.filters import FilterSet
from moyeu.api.pagination import Ordering, paginate
from moyeu.api.problems import ApiProblem
from moyeu.api.rendering import rendered
from moyeu.api.resources import RecordResource
from moyeu.api.rows import RowLayout
from moyeu.api.schemas import ListQuery
from moyeu.core.models import MoyeuModel
from moyeu.directory.services.normalise import phone_query

M = TypeVar("M", bound=MoyeuModel)


@dataclass(frozen=True)
class ChildRows:
    """One child table shown as a list of each record: ``{output key: column}`` per row.

    A page reads it with one raw query (SQL written once from the model's metadata): the
    same query through the ORM cost ≈ 0.5 ms of compilation per page and table, ten times
    its run time on the indexes (bench/README.md, "Where the time goes").
    """

    key: str  # the output's list: "links"
    model: type[models.Model]
    parent: str  # the child's column naming the record: "contact_id"
    related_name: str  # the record's manager: "phones"
    fields: Mapping[str, str]

    def _field(self, attname: str) -> models.Field[Any, Any]:
        for candidate in self.model._meta.concrete_fields:
            if candidate.attname == attname:
                return candidate
        raise LookupError(f"{self.model._meta.label} has no column {attname!r}")

    @cached_property
    def _sql(self) -> str:
        q = connection.ops.quote_name

        def column(attname: str) -> str:
            found = self._field(attname).column
            assert found is not None
            return q(found)

        selected = ", ".join(column(attname) for attname in (self.parent, *self.fields.values()))
        order = ", ".join(column(name) for name in (self.parent, "position", "id"))
        # Identifiers come from the model's metadata; the ids are always parameters.
        return (
            f"SELECT {selected} FROM {q(self.model._meta.db_table)} "  # noqa: S608
            f"WHERE {column(self.parent)} IN ({{}}) ORDER BY {order}"
        )

    @cached_property
    def _converters(self) -> tuple[tuple[str, Any], ...]:
        """(output key, converter of the column's database value or None), in order."""
        converters: list[tuple[str, Any]] = []
        for key, attname in self.fields.items():
            field = self._field(attname)
            target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
            if isinstance(field, models.BooleanField):
                converters.append((key, bool))  # SQLite answers 0 / 1
            elif isinstance(target, models.UUIDField):
                converters.append((key, _uuid))  # SQLite answers the hex text
            else:
                converters.append((key, None))
        return tuple(converters)

    def by_parent(self, ids: Sequence[Any]) -> dict[Any, list[dict[str, Any]]]:
        """The rows of each record of ``ids`` (its primary key values), in position order."""
        pk = self._field(self.parent).target_field  # type: ignore[attr-defined]
        stored = {pk.get_db_prep_value(record_id, connection): record_id for record_id in ids}
        found: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        converters = self._converters
        with connection.cursor() as cursor:
            cursor.execute(self._sql.format(", ".join(["%s"] * len(stored))), list(stored))
            for parent, *values in cursor.fetchall():
                found[stored[parent]].append(
                    {
                        key: value if convert is None or value is None else convert(value)
                        for (key, convert), value in zip(converters, values, strict=True)
                    }
                )
        return found


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


@dataclass(frozen=True)
class Matcher:
    """A list parameter matched through a child table (or a normalised column)."""

    build: Any  # (value: str) -> Q, raising ApiProblem on a value that cannot match


@dataclass(frozen=True)
class DirectoryFilterSet(FilterSet):
    matchers: Mapping[str, Matcher] = field(default_factory=dict)

    def apply(self, request: HttpRequest, queryset: models.QuerySet[Any], query: ListQuery) -> Any:
        filtered = super().apply(request, queryset, query)
        for name, matcher in self.matchers.items():
            value = getattr(query, name, None)
            if value not in (None, ""):
                filtered = filtered.filter(matcher.build(value))
        return filtered


def phone_matcher(phones: type[models.Model], parent: str) -> Matcher:
    def build(value: str) -> Q:
        e164 = phone_query(value)
        if e164 is None:
            message = "Not a phone number."
            raise ApiProblem(400, "api.bad_filter", message, errors=[("phone", message)])
        # One id list from two indexes (the record's flat E.164 column, its phone rows): an OR
        # of the column and a subquery made PostgreSQL walk the whole table for a rare number.
        record = phones._meta.get_field(parent.removesuffix("_id")).related_model
        assert isinstance(record, type) and issubclass(record, models.Model)
        flat = record._default_manager.filter(phone_e164=e164).order_by().values("pk")
        rows = phones._default_manager.filter(e164=e164).order_by().values(parent)
        return Q(pk__in=flat.union(rows, all=True))

    return Matcher(build)


def child_matcher(model: type[models.Model], parent: str, lookup: str, clean: Any = str) -> Matcher:
    def build(value: Any) -> Q:
        owners = model._default_manager.filter(**{lookup: clean(value)}).values(parent)
        return Q(pk__in=owners)

    return Matcher(build)


def compact(value: str) -> str:
    """An identifier as stored: no spaces, dots or dashes, upper-case."""
    return "".join(c for c in value if c.isalnum()).upper()


@dataclass(frozen=True)
class DirectoryResource(RecordResource[M]):
    row_output: type[BaseModel] | None = None  # the output's own columns (``output`` less lists)
    children: tuple[ChildRows, ...] = ()
    matchers: Mapping[str, Matcher] = field(default_factory=dict)
    normalised: Mapping[str, Any] = field(default_factory=dict)  # parameter -> cleaner

    @property
    def filters(self) -> FilterSet:
        return DirectoryFilterSet(self.model, self.lookups, matchers=self.matchers)

    @cached_property
    def row_layout(self) -> RowLayout | None:
        return None if self.row_output is None else RowLayout.of(self.model, self.row_output)

    def prefetched(self, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
        related = [child.related_name for child in self.children]
        return super().prefetched(queryset).prefetch_related(*related)

    def list(self, request: HttpRequest, query: ListQuery) -> dict[str, Any] | HttpResponse:
        updates = {
            name: clean(getattr(query, name))
            for name, clean in self.normalised.items()
            if getattr(query, name, None) not in (None, "")
        }
        query = query.model_copy(update=updates) if updates else query
        layout = self.row_layout
        if layout is None:
            return super().list(request, query)
        ordering = Ordering.parse(query.ordering, self.orderings)
        queryset = self.filters.apply(request, self.model._default_manager.all(), query)
        columns = layout.columns(ordering.field, "id")
        rows, next_cursor = paginate(
            queryset.values(*columns),
            ordering=ordering,
            cursor=query.cursor,
            limit=query.limit,
            branches=self.scope(request),
        )
        items = layout.items(rows)
        ids: list[uuid.UUID] = [row["id"] for row in rows]
        for child in self.children:
            found = child.by_parent(ids) if ids else {}
            for item in items:
                item[child.key] = found.get(item["id"], [])
        return rendered(request, {"items": items, "next_cursor": next_cursor})
