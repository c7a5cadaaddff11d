"""The generic record pages. Each takes the module's RecordUI; module views stay one-liners.

Reads go through ``visible_to(actor, "view")`` (a record the user cannot see is a 404), and
every write through the module's services, whose errors come back onto the form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from moyeu.core import access
from moyeu.core.errors import MoyeuError, NotFound, ValidationFailed, VersionConflict
from moyeu.core.services import custom_fields
from moyeu.identity.access import can_module
from moyeu.web.records import listing
from moyeu.web.records.config import RecordUI
from moyeu.web.records.history import history_for
from moyeu.web.records.panels import panels_for
from moyeu.web.services import saved_views_for

RESULTS_TARGET = "record-results"


def _templates(ui: RecordUI, page: str) -> list[str]:
    """A module may override any page with <module>/<name>_<page>.html."""
    return [f"{ui.module}/{ui.name}_{page}.html", f"web/records/{page}.html"]


def _require_module(request: HttpRequest, ui: RecordUI) -> None:
    if not can_module(request.actor, ui.module, "view"):  # type: ignore[attr-defined]
        raise Http404


def get_visible(request: HttpRequest, ui: RecordUI, pk: str) -> Any:
    record_id = ui.parse_id(pk)
    queryset = ui.model.objects.visible_to(request.actor, "view")  # type: ignore[attr-defined]
    record = (
        queryset.select_related(*ui.select_related).filter(pk=record_id).first()
        if record_id
        else None
    )
    if record is None:
        raise Http404
    return record


@login_required
def list_page(request: HttpRequest, ui: RecordUI) -> HttpResponse:
    _require_module(request, ui)
    actor = request.actor  # type: ignore[attr-defined]
    definitions = custom_fields.definitions_for(ui.record_type)
    state = listing.read_state(ui, request.GET, definitions)
    queryset = listing.build_queryset(ui, actor, state, definitions)
    page = listing.fetch_page(queryset, state, ui.page_size)
    context = {
        "ui": ui,
        "state": state,
        "page": page,
        "definitions": [d for d in definitions if d.is_filterable],
        "all_columns": listing.all_columns(ui, definitions),
        "default_columns": " ".join(c.name for c in listing.default_columns(ui)),
        "filters": [(f, f.choices(actor) if f.choices else None) for f in ui.filters],
        "can_create": ui.creatable and access.can_create(actor, ui.model),
        "can_export": can_module(actor, ui.module, "export"),
        "saved_views": saved_views_for(actor, ui.record_type),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == RESULTS_TARGET:
        response = render(request, "web/records/_results.html", context)
    else:
        response = render(request, _templates(ui, "list"), context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@login_required
def detail_page(request: HttpRequest, ui: RecordUI, pk: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    record = get_visible(request, ui, pk)
    context = {
        "ui": ui,
        "record": record,
        "definitions": custom_fields.definitions_for(ui.record_type),
        "history": history_for(actor, record),
        "can_change": access.can(actor, record, "change"),
        "can_delete": access.can(actor, record, "delete"),
        "record_panels": panels_for(record),
        **(ui.panel_context(actor, record) if ui.panel_context else {}),
    }
    return render(request, _templates(ui, "detail"), context)


def _render_form(
    request: HttpRequest, ui: RecordUI, form: Any, record: Any, **extra: Any
) -> HttpResponse:
    context = {"ui": ui, "form": form, "record": record, **extra}
    status = 422 if form.errors or extra.get("conflict") else 200
    return render(request, _templates(ui, "form"), context, status=status)


@login_required
def create_page(request: HttpRequest, ui: RecordUI) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if not access.can_create(actor, ui.model):
        raise Http404
    form = ui.form_class(request.POST or None, actor=actor, record_type=ui.record_type)
    if request.method == "POST" and form.is_valid():
        try:
            record = ui.services.create(
                actor=actor,
                values=form.service_values(),
                custom=form.service_custom(),
                tags=form.service_tags(),
            )
        except ValidationFailed as exc:
            form.apply_service_errors(exc)
        except MoyeuError as exc:
            form.apply_error(exc.message, exc.details.get("field"))
        else:
            messages.success(request, _("%(name)s created.") % {"name": record})
            return redirect(ui.url("detail"), pk=record.pk)
    return _render_form(request, ui, form, None)


@login_required
def edit_page(request: HttpRequest, ui: RecordUI, pk: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    record = get_visible(request, ui, pk)
    if not access.can(actor, record, "change"):
        raise Http404
    form = ui.form_class(
        request.POST or None, actor=actor, record_type=ui.record_type, record=record
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            ui.services.update(
                actor=actor,
                record_id=record.pk,
                values=form.service_values(),
                custom=form.service_custom(),
                tags=form.service_tags(),
                expected_version=form.cleaned_data.get("version") or record.version,
            )
        except VersionConflict as exc:
            conflict = exc
        except ValidationFailed as exc:
            form.apply_service_errors(exc)
        except NotFound:
            raise Http404 from None
        except MoyeuError as exc:
            form.apply_error(exc.message, exc.details.get("field"))
        else:
            messages.success(request, _("Changes saved."))
            return redirect(ui.url("detail"), pk=record.pk)
    return _render_form(request, ui, form, record, conflict=conflict)


@login_required
def delete_page(request: HttpRequest, ui: RecordUI, pk: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    record = get_visible(request, ui, pk)
    if not access.can(actor, record, "delete"):
        raise Http404
    error = None
    if request.method == "POST":
        try:
            ui.services.delete(
                actor=actor,
                record_id=record.pk,
                expected_version=_int(request.POST.get("version")) or record.version,
            )
        except VersionConflict:
            error = _("This record was changed by someone else; check it before deleting.")
        except NotFound:
            raise Http404 from None
        except MoyeuError as exc:
            error = exc.message
        else:
            messages.success(request, _("%(name)s deleted.") % {"name": record})
            return redirect(reverse(ui.url("list")))
    context = {"ui": ui, "record": record, "error": error}
    return render(request, _templates(ui, "confirm_delete"), context, status=409 if error else 200)


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None
