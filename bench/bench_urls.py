"""Moyeu's URLs plus the ceiling of a list endpoint: a bare JSON view over the same rows.

The bare view reads the page the API reads — contacts in the API's default order (newest
first, by the time-ordered id), 25 rows by the primary-key index, keyset-paginated — with
Django's ORM ``.values()`` and default middleware, and nothing else: no authentication, no
access filter, no schema, no tags or external ids.
"""

from __future__ import annotations

import uuid

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


def bare_contacts(request: HttpRequest) -> JsonResponse:
    rows = Contact.objects.order_by("-id")
    after = request.GET.get("after")
    if after:
        rows = rows.filter(id__lt=uuid.UUID(after))
    items = list(rows.values(*FIELDS)[:PAGE])
    next_after = str(items[-1]["id"]) if len(items) == PAGE else None
    return JsonResponse({"items": items, "next": next_after})


urlpatterns = [
    path("bench/bare-contacts", bare_contacts),
    path("", include("moyeu.urls")),
]
