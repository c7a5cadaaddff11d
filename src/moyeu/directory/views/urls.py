"""The directory's pages, mounted by the web app under /directory/ (namespace web:directory)."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from moyeu.directory.views import duplicates, partials
from moyeu.directory.views.pages import ACCOUNTS, CONTACTS
from moyeu.web.records.config import MenuEntry
from moyeu.web.records.urls import record_urls

menu = [
    MenuEntry(_("Accounts"), "account_list"),
    MenuEntry(_("Contacts"), "contact_list"),
    MenuEntry(_("Duplicates"), "duplicate_list"),
]

urlpatterns = [
    path("duplicates/", duplicates.duplicate_list, name="duplicate_list"),
    path("duplicates/scan/", duplicates.duplicate_scan, name="duplicate_scan"),
    path("duplicates/warning/<str:type>/", duplicates.duplicate_warning, name="duplicate_warning"),
    path("duplicates/<int:pk>/dismiss/", duplicates.duplicate_dismiss, name="duplicate_dismiss"),
    path("duplicates/merge/<str:type>/", duplicates.merge_page, name="merge_records"),
    path(
        "duplicates/merge/<str:type>/<uuid:first>/<uuid:second>/",
        duplicates.merge_page,
        name="merge_page",
    ),
    path("merges/<uuid:pk>/", duplicates.merge_detail, name="merge_detail"),
    *record_urls(ACCOUNTS, "accounts"),
    *record_urls(CONTACTS, "contacts"),
    path("accounts/<str:pk>/contacts/", partials.account_contacts, name="account_contacts"),
    path("rows/<str:name>/", partials.row, name="row"),
]
