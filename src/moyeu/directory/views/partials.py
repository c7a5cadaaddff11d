"""htmx fragments of the directory pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from moyeu.directory.models import Contact
from moyeu.directory.views.pages import ACCOUNTS
from moyeu.web.records.views import get_visible

PANEL_SIZE = 50


@login_required
def account_contacts(request: HttpRequest, pk: str) -> HttpResponse:
    """The contacts of an account the user can see, for the account's detail page."""
    account = get_visible(request, ACCOUNTS, pk)
    contacts = (
        Contact.objects.visible_to(request.actor, "view")  # type: ignore[attr-defined]
        .filter(account=account)
        .order_by("last_name", "first_name", "id")[: PANEL_SIZE + 1]
    )
    rows = list(contacts)
    context = {"account": account, "contacts": rows[:PANEL_SIZE], "more": len(rows) > PANEL_SIZE}
    return render(request, "directory/partials/account_contacts.html", context)
