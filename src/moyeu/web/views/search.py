"""The global search page and the header box's as-you-type suggestions (an htmx fragment)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from moyeu.core.errors import ValidationFailed
from moyeu.core.search.query import Group, Hit, search

SUGGESTIONS_PER_KIND = 5
PAGE_PER_KIND = 10
ONE_KIND = 50


@dataclass(frozen=True)
class ShownHit:
    hit: Hit
    url: str | None


@dataclass(frozen=True)
class ShownGroup:
    group: Group
    hits: list[ShownHit]


def _detail_url(group: Group, hit: Hit) -> str | None:
    module = group.record_type.partition(".")[0]
    try:
        return reverse(f"web:{module}:{group.kind}_detail", args=[hit.record_id])
    except NoReverseMatch:  # a kind without a page of its own
        return None


def _results(request: HttpRequest, limit: int) -> dict[str, object]:
    q = request.GET.get("q", "")
    kinds = [k.strip() for v in request.GET.getlist("kinds") for k in v.split(",") if k.strip()]
    context: dict[str, object] = {"q": q, "kinds": ",".join(kinds), "groups": [], "error": ""}
    if not q.strip():
        return context
    try:
        groups = search(
            request.actor,  # type: ignore[attr-defined]
            q,
            kinds=kinds or None,
            limit=ONE_KIND if len(kinds) == 1 else limit,
        )
    except ValidationFailed as exc:
        context["error"] = next(m for messages in exc.errors.values() for m in messages)
        return context
    context["groups"] = [
        ShownGroup(g, [ShownHit(h, _detail_url(g, h)) for h in g.hits]) for g in groups
    ]
    return context


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    return render(request, "web/search/page.html", _results(request, PAGE_PER_KIND))


@login_required
def suggestions(request: HttpRequest) -> HttpResponse:
    return render(request, "web/search/_suggestions.html", _results(request, SUGGESTIONS_PER_KIND))
