"""Saved list views: the panel on list pages, and the dialog that saves the current view.

The dialog posts with htmx and gets 204 + ``HX-Trigger: savedViewsChanged``; the panel
listens for that event and reloads itself. Without JavaScript, both answer with a redirect.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from moyeu.core.errors import MoyeuError, NotFound, ValidationFailed
from moyeu.identity.access import can_module
from moyeu.web.records.config import RecordUI, ui_for
from moyeu.web.services import saved_view_delete, saved_view_save, saved_views_for

EVENT = "savedViewsChanged"


def _ui(request: HttpRequest, record_type: str) -> RecordUI:
    ui = ui_for(record_type)
    if ui is None or not can_module(request.actor, ui.module, "view"):  # type: ignore[attr-defined]
        raise Http404
    return ui


def _changed() -> HttpResponse:
    return trigger_client_event(HttpResponse(status=204), EVENT)


@login_required
def panel(request: HttpRequest, record_type: str) -> HttpResponse:
    ui = _ui(request, record_type)
    views = saved_views_for(request.actor, record_type)  # type: ignore[attr-defined]
    return render(request, "web/partials/saved_views.html", {"ui": ui, "saved_views": views})


@login_required
@require_POST
def save(request: HttpRequest, record_type: str) -> HttpResponse:
    ui = _ui(request, record_type)
    query = request.POST.get("query", "")
    try:
        view = saved_view_save(
            actor=request.actor,  # type: ignore[attr-defined]
            record_type=record_type,
            name=request.POST.get("name", ""),
            query=query,
            is_shared=request.POST.get("is_shared") == "on",
        )
    except ValidationFailed as exc:
        errors = [m for messages_ in exc.errors.values() for m in messages_]
        if request.htmx:  # type: ignore[attr-defined]
            context = {
                "ui": ui,
                "errors": errors,
                "name": request.POST.get("name", ""),
                "query": query,
            }
            return render(request, "web/partials/save_view_form.html", context)
        for error in errors:
            messages.error(request, error)
        return redirect(f"{reverse(ui.url('list'))}?{query.lstrip('?')}")
    if request.htmx:  # type: ignore[attr-defined]
        return _changed()
    return redirect(f"{reverse(ui.url('list'))}?{view.query}&view={view.pk}")


@login_required
@require_POST
def delete(request: HttpRequest, view_id: uuid.UUID) -> HttpResponse:
    try:
        saved_view_delete(actor=request.actor, view_id=view_id)  # type: ignore[attr-defined]
    except NotFound:
        raise Http404 from None
    except MoyeuError as exc:
        messages.error(request, exc.message)
    if request.htmx:  # type: ignore[attr-defined]
        return _changed()
    return redirect(request.POST.get("next") or reverse("web:home"))
