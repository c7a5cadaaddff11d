"""Admin: roles and their grant matrix (module by action, giving a scope)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from moyeu.core.errors import MoyeuError
from moyeu.identity.models import Role
from moyeu.identity.services import roles as role_services
from moyeu.identity.views.common import admin_required, apply_errors
from moyeu.identity.views.forms import RoleForm


@admin_required
def role_list(request: HttpRequest) -> HttpResponse:
    roles = Role.objects.annotate(
        grant_count=Count("grants", distinct=True), user_count=Count("user", distinct=True)
    ).order_by("name")
    return render(request, "identity/role_list.html", {"roles": roles})


@admin_required
def role_create(request: HttpRequest) -> HttpResponse:
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            role = role_services.role_create(
                actor=request.actor,  # type: ignore[attr-defined]
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                grants=form.grants(),
            )
        except MoyeuError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Role %(name)s created.") % {"name": role.name})
            return redirect("web:identity:role_list")
    return _form(request, form, _("New role"))


@admin_required
def role_edit(request: HttpRequest, role_id: uuid.UUID) -> HttpResponse:
    role = Role.objects.filter(pk=role_id).first()
    if role is None:
        raise Http404
    form = RoleForm(request.POST or None, role=role)
    if request.method == "POST" and form.is_valid():
        try:
            role_services.role_update(
                actor=request.actor,  # type: ignore[attr-defined]
                role_id=role.pk,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                grants=form.grants(),
            )
        except MoyeuError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("web:identity:role_list")
    return _form(request, form, _("Edit %(name)s") % {"name": role.name})


def _form(request: HttpRequest, form: RoleForm, title: str) -> HttpResponse:
    context = {"form": form, "title": title}
    return render(request, "identity/role_form.html", context, status=422 if form.errors else 200)
