"""The quotes and orders panel on an account's or a contact's page (loaded by htmx)."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from moyeu.core import access
from moyeu.core.registry import registry
from moyeu.identity.access import can_module
from moyeu.sales.models import Order, Quote

PANEL_SIZE = 10
_FIELDS = {"directory.account": "account_id", "directory.contact": "contact_id"}


@login_required
def quote_panel(request: HttpRequest) -> HttpResponse:
    """Nothing for other record types; 404 for a record the viewer may not see."""
    actor = request.actor  # type: ignore[attr-defined]
    record_type = request.GET.get("record_type", "")
    field = _FIELDS.get(record_type)
    if field is None or not can_module(actor, "sales", "view"):
        return HttpResponse("")
    try:
        record_id = uuid.UUID(request.GET.get("record", ""))
    except ValueError:
        raise Http404 from None
    model = registry.record_model(record_type)
    if model is None or not (
        model._default_manager.visible_to(actor, "view").filter(pk=record_id).exists()  # type: ignore[attr-defined]
    ):
        raise Http404
    quotes = (
        Quote.objects.visible_to(actor, "view")
        .filter(**{field: record_id})
        .order_by("-created_at", "-id")[:PANEL_SIZE]
    )
    orders = (
        Order.objects.visible_to(actor, "view")
        .filter(**{field: record_id})
        .order_by("-created_at", "-id")[:PANEL_SIZE]
    )
    param = "account" if field == "account_id" else "contact"
    context = {
        "quotes": list(quotes),
        "orders": list(orders),
        "new_url": f"{reverse('web:sales:quote_create')}?{param}={record_id}",
        "can_create": access.can_create(actor, Quote),
        "list_url": f"{reverse('web:sales:quote_list')}",
    }
    return render(request, "sales/partials/quote_panel.html", context)
