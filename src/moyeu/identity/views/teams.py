"""Admin: teams and their hierarchy."""

from __future__ import annotations

import uuid
from collections import defaultdict

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from moyeu.core.errors import MoyeuError
from moyeu.identity.models import Team
from moyeu.identity.services import teams as team_services
from moyeu.identity.views.common import admin_required, apply_errors
from moyeu.identity.views.forms import TeamForm

PATHS = {"parent_id": "parent"}


def team_tree() -> list[tuple[Team, int]]:
    """Every team with its depth, parents before their children."""
    children: dict[uuid.UUID | None, list[Team]] = defaultdict(list)
    for team in Team.objects.order_by("name").annotate(member_count=Count("memberships")):
        children[team.parent_id].append(team)
    ordered: list[tuple[Team, int]] = []

    def walk(parent: uuid.UUID | None, depth: int) -> None:
        for team in children.get(parent, []):
            ordered.append((team, depth))
            walk(team.pk, depth + 1)

    walk(None, 0)
    return ordered


@admin_required
def team_list(request: HttpRequest) -> HttpResponse:
    return render(request, "identity/team_list.html", {"tree": team_tree()})


@admin_required
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        parent = form.cleaned_data["parent"]
        try:
            team = team_services.team_create(
                actor=request.actor,  # type: ignore[attr-defined]
                name=form.cleaned_data["name"],
                parent_id=parent.pk if parent else None,
            )
        except MoyeuError as exc:
            apply_errors(form, exc, PATHS)
        else:
            messages.success(request, _("Team %(name)s created.") % {"name": team.name})
            return redirect("web:identity:team_list")
    return _form(request, form, _("New team"))


@admin_required
def team_edit(request: HttpRequest, team_id: uuid.UUID) -> HttpResponse:
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise Http404
    form = TeamForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        parent = form.cleaned_data["parent"]
        try:
            team_services.team_update(
                actor=request.actor,  # type: ignore[attr-defined]
                team_id=team.pk,
                name=form.cleaned_data["name"],
                parent_id=parent.pk if parent else None,
            )
        except MoyeuError as exc:
            apply_errors(form, exc, PATHS)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("web:identity:team_list")
    return _form(request, form, _("Edit %(name)s") % {"name": team.name})


def _form(request: HttpRequest, form: TeamForm, title: str) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "section": _("Teams"),
        "back": "web:identity:team_list",
    }
    return render(request, "identity/form.html", context, status=422 if form.errors else 200)
