"""Reading a list page's query string into a queryset: search, filters, sort, page.

Pagination fetches one row more than the page size to know whether a next page exists, so
no page runs a COUNT over the whole visible set.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.models import CustomFieldDefinition, CustomFieldType
from moyeu.core.registry import registry
from moyeu.core.services import custom_fields
from moyeu.web.records.config import Column, RecordUI

CUSTOM_FILTER_PREFIX = "cf."
MAX_PAGE = 10_000


@dataclass
class ListState:
    search: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    custom_filters: dict[str, str] = field(default_factory=dict)
    sort: str = ""
    page: int = 1
    columns: list[Column] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class ListPage:
    rows: list[Any]
    page: int
    has_previous: bool
    has_next: bool


def all_columns(ui: RecordUI, definitions: list[CustomFieldDefinition]) -> list[Column]:
    extra = [Column(f"custom.{d.name}", d.label, sort=f"custom__{d.name}") for d in definitions]
    return [*ui.columns, *extra]


def default_columns(ui: RecordUI) -> list[Column]:
    return list(ui.columns)


def search_fields(ui: RecordUI) -> tuple[str, ...]:
    if ui.search_fields:
        return ui.search_fields
    try:
        _spec, record_type = registry.record_type_for_model(ui.model)
    except LookupError:
        return ()
    return record_type.searchable_fields


def read_state(
    ui: RecordUI, params: QueryDict, definitions: list[CustomFieldDefinition]
) -> ListState:
    state = ListState(search=params.get("q", "").strip()[:200])
    for spec in ui.filters:
        value = params.get(spec.name, "").strip()
        if value:
            state.filters[spec.name] = value
    for definition in definitions:
        value = params.get(CUSTOM_FILTER_PREFIX + definition.name, "").strip()
        if value and definition.is_filterable:
            state.custom_filters[definition.name] = value
    columns = all_columns(ui, definitions)
    sortable = {c.sort: c for c in columns if c.sort}
    sort = params.get("sort", "")
    state.sort = sort if sort.removeprefix("-") in {c.name for c in sortable.values()} else ""
    wanted = params.getlist("col")
    by_name = {c.name: c for c in columns}
    state.columns = [by_name[n] for n in wanted if n in by_name] or default_columns(ui)
    try:
        state.page = min(max(int(params.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        state.page = 1
    return state


def _order_by(
    ui: RecordUI, state: ListState, definitions: list[CustomFieldDefinition]
) -> list[str]:
    columns = {c.name: c for c in all_columns(ui, definitions) if c.sort}
    key = state.sort or ui.default_sort
    descending = key.startswith("-")
    column = columns.get(key.removeprefix("-"))
    expression = column.sort if column and column.sort else key.removeprefix("-")
    prefix = "-" if descending else ""
    # The id breaks ties, so that pages never repeat or skip a row.
    return [f"{prefix}{expression}", f"{prefix}id"]


def _custom_q(definition: CustomFieldDefinition, raw: str) -> Q:
    if definition.type == CustomFieldType.TEXT:
        return Q(**{f"custom__{definition.name}__icontains": raw})
    return custom_fields.filter_q(definition, raw)


def build_queryset(
    ui: RecordUI, actor: Actor, state: ListState, definitions: list[CustomFieldDefinition]
) -> Any:
    queryset = ui.model.objects.visible_to(actor, "view")  # type: ignore[attr-defined]
    if ui.select_related:
        queryset = queryset.select_related(*ui.select_related)
    fields = search_fields(ui)
    if state.search and fields:
        for term in state.search.split()[:5]:
            queryset = queryset.filter(
                reduce(operator.or_, (Q(**{f"{f}__icontains": term}) for f in fields))
            )
    try:
        for spec in ui.filters:
            if spec.name in state.filters:
                value = state.filters[spec.name]
                condition = spec.condition(value) if spec.condition else Q(**{spec.lookup: value})
                queryset = queryset.filter(condition)
    except (ValueError, DjangoValidationError):
        state.errors.append(_("A filter value is not valid."))
        return queryset.none()
    by_name = {d.name: d for d in definitions}
    for name, raw in state.custom_filters.items():
        try:
            queryset = queryset.filter(_custom_q(by_name[name], raw))
        except DjangoValidationError as exc:
            state.errors.append(f"{by_name[name].label}: {' '.join(exc.messages)}")
            return queryset.none()
    return queryset.prefetch_related("tags").order_by(*_order_by(ui, state, definitions))


def fetch_page(queryset: Any, state: ListState, page_size: int) -> ListPage:
    start = (state.page - 1) * page_size
    rows = list(queryset[start : start + page_size + 1])
    return ListPage(
        rows=rows[:page_size],
        page=state.page,
        has_previous=state.page > 1,
        has_next=len(rows) > page_size,
    )
