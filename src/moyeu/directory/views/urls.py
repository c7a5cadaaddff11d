"""The directory's pages, mounted by the web app under /directory/ (namespace web:directory)."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from moyeu.directory.views import partials
from moyeu.directory.views.pages import ACCOUNTS, CONTACTS
from moyeu.web.records.config import MenuEntry
from moyeu.web.records.urls import record_urls

menu = [
    MenuEntry(_("Accounts"), "account_list"),
    MenuEntry(_("Contacts"), "contact_list"),
]

urlpatterns = [
    *record_urls(ACCOUNTS, "accounts"),
    *record_urls(CONTACTS, "contacts"),
    path("accounts/<str:pk>/contacts/", partials.account_contacts, name="account_contacts"),
    path("rows/<str:name>/", partials.row, name="row"),
]
