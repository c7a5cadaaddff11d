"""The global search page and the header box's as-you-type suggestions (an htmx fragment)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moyeu.core.errors import PermissionDenied, ValidationFailed
from moyeu.core.search.query import Group, Hit, search
from moyeu.core.search.rebuild import rebuild_request

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


@login_required
@require_POST
def rebuild(request: HttpRequest) -> HttpResponse:
    """The jobs page's button: queue a rebuild of the whole index (administrators)."""
    try:
        rebuild_request(actor=request.actor)  # type: ignore[attr-defined]
    except PermissionDenied:
        raise Forbidden from None
    messages.success(request, _("The search index will be rebuilt in the background."))
    return redirect("web:jobs")
