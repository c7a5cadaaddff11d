"""The activities' record resource: the generic one, with links and attendees prefetched and
a ``record`` filter through the link table."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q
from django.http import HttpRequest

from moyeu.activities.models import Activity, ActivityLink
from moyeu.api.filters import FilterSet
from moyeu.api.problems import ApiProblem
from moyeu.api.resources import RecordResource
from moyeu.api.schemas import ListQuery


def _record_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw.strip().rpartition(":")[2])
    except ValueError:
        message = "Give a record as <type>:<id> or <id>."
        raise ApiProblem(400, "api.bad_filter", message, errors=[("record", message)]) from None


@dataclass(frozen=True)
class ActivityFilterSet(FilterSet):
    def apply(self, request: HttpRequest, queryset: models.QuerySet[Any], query: ListQuery) -> Any:
        filtered = super().apply(request, queryset, query)
        record = getattr(query, "record", None)
        if record:
            linked = ActivityLink.objects.filter(record_id=_record_id(record))
            filtered = filtered.filter(Q(pk__in=linked.values("activity_id")))
        return filtered


@dataclass(frozen=True)
class ActivityResource(RecordResource[Activity]):
    @property
    def filters(self) -> FilterSet:
        return ActivityFilterSet(self.model, self.lookups)

    def prefetched(self, queryset: models.QuerySet[Activity]) -> models.QuerySet[Activity]:
        return super().prefetched(queryset).prefetch_related("links", "attendees")
