"""Admin: custom fields per record type (definitions live in core; the service decides)."""

from __future__ import annotations

import uuid
from itertools import groupby

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from moyeu.core.errors import MoyeuError, NotFound
from moyeu.core.models import CustomFieldDefinition
from moyeu.core.services import custom_fields as field_services
from moyeu.identity.views.common import admin_required, apply_errors
from moyeu.identity.views.forms import CustomFieldForm, record_type_choices

EDITABLE = ("label", "required", "help_text", "position", "is_filterable")


def _definition(definition_id: uuid.UUID) -> CustomFieldDefinition:
    definition = CustomFieldDefinition.objects.filter(pk=definition_id).first()
    if definition is None:
        raise Http404
    return definition


@admin_required
def field_list(request: HttpRequest) -> HttpResponse:
    labels = dict(record_type_choices())
    definitions = CustomFieldDefinition.objects.order_by("record_type", "position", "name")
    groups = [
        (labels.get(key, key), list(items))
        for key, items in groupby(definitions, key=lambda d: d.record_type)
    ]
    return render(request, "identity/custom_field_list.html", {"groups": groups})


@admin_required
def field_create(request: HttpRequest) -> HttpResponse:
    form = CustomFieldForm(request.POST or None, initial={"record_type": request.GET.get("for")})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "choices"}
        try:
            definition = field_services.custom_field_create(
                actor=request.actor,  # type: ignore[attr-defined]
                **data,
                choices=form.choice_list(),
            )
        except MoyeuError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Field %(label)s created.") % {"label": definition.label})
            return redirect("web:identity:custom_field_list")
    return _form(request, form, _("New custom field"))


@admin_required
def field_edit(request: HttpRequest, definition_id: uuid.UUID) -> HttpResponse:
    definition = _definition(definition_id)
    form = CustomFieldForm(request.POST or None, definition=definition)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in EDITABLE}
        if definition.choices or form.choice_list():
            changes["choices"] = form.choice_list()
        try:
            field_services.custom_field_update(
                actor=request.actor,  # type: ignore[attr-defined]
                definition_id=definition.pk,
                **changes,
            )
        except MoyeuError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("web:identity:custom_field_list")
    return _form(request, form, _("Edit %(label)s") % {"label": definition.label})


@admin_required
def field_delete(request: HttpRequest, definition_id: uuid.UUID) -> HttpResponse:
    definition = _definition(definition_id)
    if request.method == "POST":
        try:
            field_services.custom_field_delete(
                actor=request.actor,  # type: ignore[attr-defined]
                definition_id=definition.pk,
            )
        except NotFound:
            raise Http404 from None
        messages.success(request, _("Field %(label)s deleted.") % {"label": definition.label})
        return redirect("web:identity:custom_field_list")
    return render(request, "identity/custom_field_delete.html", {"definition": definition})


def _form(request: HttpRequest, form: CustomFieldForm, title: str) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "section": _("Custom fields"),
        "back": "web:identity:custom_field_list",
    }
    return render(request, "identity/form.html", context, status=422 if form.errors else 200)
