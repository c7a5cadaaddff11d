"""Moyeu's URLs plus the ceiling of a list endpoint: a bare JSON view over the same rows.

The bare view reads the page the API reads — contacts in the API's default order (newest
first, by the time-ordered id), 25 rows by an index, keyset-paginated — with Django's ORM
``.values()`` and default middleware, and nothing else: no authentication, no access policy,
no schema, no tags, external ids or child rows. ``?last_name=`` filters as the API does
(``UPPER(last_name) = UPPER(value)``, by its expression index); ``?owner=…&teams=…`` reads
what a sales rep sees the way a hand-written view would: one indexed query per branch
(owner = me, team = t), merged in Python.
"""

from __future__ import annotations

import heapq
import itertools
import uuid
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Upper
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from moyeu.directory.models import Contact

FIELDS = (
    "id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "account_id",
    "owner_id",
    "team_id",
    "version",
    "custom",
    "created_at",
    "updated_at",
)
PAGE = 25


def _page(rows: QuerySet[Contact]) -> list[dict[str, Any]]:
    return list(rows.values(*FIELDS)[:PAGE])


def bare_contacts(request: HttpRequest) -> JsonResponse:
    rows = Contact.objects.order_by("-id")
    after = request.GET.get("after")
    if after:
        rows = rows.filter(id__lt=uuid.UUID(after))
    last_name = request.GET.get("last_name")
    if last_name:
        rows = rows.alias(upper_last_name=Upper("last_name")).filter(
            upper_last_name=last_name.upper()
        )
    owner = request.GET.get("owner")
    if owner:
        branches = [_page(rows.filter(owner_id=uuid.UUID(owner)))]
        for team in filter(None, request.GET.get("teams", "").split(",")):
            branches.append(_page(rows.filter(team_id=uuid.UUID(team))))
        merged = heapq.merge(*branches, key=lambda row: row["id"], reverse=True)
        unique = (next(group) for _id, group in itertools.groupby(merged, lambda r: r["id"]))
        items = list(itertools.islice(unique, PAGE))
    else:
        items = _page(rows)
    next_after = str(items[-1]["id"]) if len(items) == PAGE else None
    return JsonResponse({"items": items, "next": next_after})


urlpatterns = [
    path("bench/bare-contacts", bare_contacts),
    path("", include("moyeu.urls")),
]
