"""htmx fragments of the directory pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from moyeu.directory.models import AccountContactLink, Contact
from moyeu.directory.views import nested
from moyeu.directory.views.pages import ACCOUNTS
from moyeu.web.records.views import get_visible

PANEL_SIZE = 50


@login_required
def account_contacts(request: HttpRequest, pk: str) -> HttpResponse:
    """The contacts linked to an account that the user can see, with their roles."""
    account = get_visible(request, ACCOUNTS, pk)
    visible = Contact.objects.visible_to(request.actor, "view")  # type: ignore[attr-defined]
    links = (
        AccountContactLink.objects.filter(account=account, contact__in=visible)
        .select_related("contact")
        .order_by("contact__last_name", "contact__first_name", "contact_id")[: PANEL_SIZE + 1]
    )
    rows = list(links)
    shown = rows[:PANEL_SIZE]
    context = {
        "account": account,
        "links": shown,
        "contacts": [link.contact for link in shown],
        "more": len(rows) > PANEL_SIZE,
    }
    return render(request, "directory/partials/account_contacts.html", context)


@login_required
def row(request: HttpRequest, name: str) -> HttpResponse:
    """A blank row of a form's list (e-mails, phones...), for the "add" buttons."""
    spec = nested.SPECS.get(name)
    if spec is None:
        raise Http404
    context = {
        "spec": spec,
        "columns": nested.columns(spec, request.actor),  # type: ignore[attr-defined]
        "row": nested.Row(key=nested.new_key(), values=spec.blank()),
    }
    return render(request, "directory/partials/row.html", context)
