"""Moyeu's URLs plus the ceiling of the search endpoint: a bare view running the same raw
full-text query (the engine's prefix SQL, per kind, LIMIT 6) and nothing else — no
authentication, no access filter, no validation, no near-miss pass, no schema."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from moyeu.core.search.engines import Scope, current_engine
from moyeu.core.search.text import words

KINDS = ("directory.account", "directory.contact")


def bare_search(request: HttpRequest) -> JsonResponse:
    engine, found = current_engine(), words(request.GET.get("q", ""))
    groups = {
        kind: [
            str(row.record_id)
            for row in engine.prefix(Scope("core_searchentry.record_type = %s", [kind]), found, 6)
        ]
        for kind in KINDS
    }
    return JsonResponse({"groups": groups})


urlpatterns = [
    path("bench/bare-search", bare_search),
    path("", include("moyeu.urls")),
]
