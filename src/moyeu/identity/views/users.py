"""Admin: users, their teams (with the manager flag), roles and activation."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moyeu.core.errors import MoyeuError
from moyeu.identity.models import Membership, User
from moyeu.identity.services import users as user_services
from moyeu.identity.views.common import admin_required, apply_errors
from moyeu.identity.views.forms import UserForm

PATHS = {"primary_team_id": "primary_team", "role_ids": "roles"}


@admin_required
def user_list(request: HttpRequest) -> HttpResponse:
    queryset = User.objects.order_by("username").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("team")), "roles"
    )
    return render(request, "identity/user_list.html", {"users": queryset})


@admin_required
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_services.user_create(
                actor=request.actor,  # type: ignore[attr-defined]
                username=data["username"],
                password=data["password"] or None,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                language=data["language"],
                is_superuser=data["is_superuser"],
                teams=form.memberships(),
                role_ids=[r.pk for r in data["roles"]],
            )
        except MoyeuError as exc:
            apply_errors(form, exc, PATHS)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": user.username})
            return redirect("web:identity:user_list")
    return render(request, "identity/form.html", _context(form, None), status=_status(form))


@admin_required
def user_edit(request: HttpRequest, user_id: uuid.UUID) -> HttpResponse:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise Http404
    form = UserForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_services.user_update(
                actor=request.actor,  # type: ignore[attr-defined]
                user_id=user.pk,
                teams=form.memberships(),
                role_ids=[r.pk for r in data["roles"]],
                password=data["password"] or None,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                language=data["language"],
                is_active=data["is_active"],
                is_superuser=data["is_superuser"],
                primary_team_id=data["primary_team"].pk if data["primary_team"] else None,
            )
        except MoyeuError as exc:
            apply_errors(form, exc, PATHS)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("web:identity:user_list")
    return render(request, "identity/form.html", _context(form, user), status=_status(form))


@admin_required
@require_POST
def user_set_active(request: HttpRequest, user_id: uuid.UUID) -> HttpResponse:
    is_active = request.POST.get("is_active") == "1"
    if user_id == request.user.pk and not is_active:
        messages.error(request, _("You cannot deactivate your own account."))
        return redirect("web:identity:user_list")
    try:
        user = user_services.user_update(
            actor=request.actor,  # type: ignore[attr-defined]
            user_id=user_id,
            is_active=is_active,
        )
    except MoyeuError as exc:
        messages.error(request, exc.message)
    else:
        text = _("%(name)s can sign in again.") if is_active else _("%(name)s is deactivated.")
        messages.success(request, text % {"name": user.username})
    return redirect("web:identity:user_list")


def _context(form: UserForm, user: User | None) -> dict[str, object]:
    return {
        "form": form,
        "title": _("Edit %(name)s") % {"name": user.username} if user else _("New user"),
        "section": _("Users"),
        "back": "web:identity:user_list",
    }


def _status(form: UserForm) -> int:
    return 422 if form.errors else 200
