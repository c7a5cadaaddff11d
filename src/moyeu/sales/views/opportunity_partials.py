"""Small pages and fragments: an opportunity's contacts, the "Opportunities" panel of account
and contact pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moyeu.core.errors import MoyeuError, NotFound, ValidationFailed
from moyeu.identity.access import can_module
from moyeu.sales import services
from moyeu.sales.models import Opportunity, OpportunityContact
from moyeu.sales.services.opportunity_values import as_uuid, visible_record
from moyeu.sales.views.opportunity_forms import ContactRoleForm
from moyeu.sales.views.opportunity_pages import OPPORTUNITIES, contact_role_rows
from moyeu.web.records.views import get_visible

PANEL_LIMIT = 20
PANEL_TYPES = ("directory.account", "directory.contact")


def _version(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _change_contacts(request: HttpRequest, pk: str, rows: list[dict[str, Any]]) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    record = get_visible(request, OPPORTUNITIES, pk)
    try:
        services.opportunity_update(
            actor=actor,
            opportunity_id=record.pk,
            values={"contacts": rows},
            expected_version=_version(request.POST.get("version")),
        )
    except NotFound:
        raise Http404 from None
    except ValidationFailed as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
    except MoyeuError as exc:
        messages.error(request, exc.message)
    return redirect("web:sales:opportunity_detail", pk=record.pk)


@login_required
@require_POST
def contact_add(request: HttpRequest, pk: str) -> HttpResponse:
    record = get_visible(request, OPPORTUNITIES, pk)
    form = ContactRoleForm(request.POST, actor=request.actor, account_id=record.account_id)  # type: ignore[attr-defined]
    if not form.is_valid():
        messages.error(request, _("Choose a contact."))
        return redirect("web:sales:opportunity_detail", pk=record.pk)
    rows = [r for r in contact_role_rows(record) if r["contact"] != form.cleaned_data["contact"]]
    rows.append({"contact": form.cleaned_data["contact"], "role": form.cleaned_data["role"]})
    return _change_contacts(request, pk, rows)


@login_required
@require_POST
def contact_remove(request: HttpRequest, pk: str) -> HttpResponse:
    record = get_visible(request, OPPORTUNITIES, pk)
    gone = request.POST.get("contact", "")
    rows = [r for r in contact_role_rows(record) if r["contact"] != gone]
    if rows and not any(r["is_primary"] for r in rows):
        rows[0]["is_primary"] = True
    return _change_contacts(request, pk, rows)


@login_required
def record_panel(request: HttpRequest) -> HttpResponse:
    """The opportunities of an account (or in which a contact takes part), on its page."""
    actor = request.actor  # type: ignore[attr-defined]
    record_type = request.GET.get("record_type", "")
    record_id = request.GET.get("record", "")
    if record_type not in PANEL_TYPES or not can_module(actor, "sales", "view"):
        return HttpResponse("")
    pk = as_uuid(record_id)
    if pk is None or not visible_record(actor, record_type, pk):
        raise Http404
    rows = Opportunity.objects.visible_to(actor, "view").select_related("stage")
    if record_type == "directory.account":
        rows = rows.filter(account_id=pk)
    else:
        linked = OpportunityContact.objects.filter(contact_id=pk).values("opportunity_id")
        rows = rows.filter(pk__in=linked)
    context = {
        "opportunities": list(rows.order_by("status", "expected_close_date", "id")[:PANEL_LIMIT]),
        "record_type": record_type,
        "record_id": pk,
        "can_create": record_type == "directory.account" and can_module(actor, "sales", "create"),
    }
    return render(request, "sales/partials/record_panel.html", context)
