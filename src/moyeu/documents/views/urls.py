"""The documents' pages, mounted by the web app under /documents/ (namespace web:documents)."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from moyeu.documents.views import pages
from moyeu.web.records.config import MenuEntry
from moyeu.web.records.panels import RecordPanel

# Everyone signed in: the list shows only the documents of records they see.
menu = [MenuEntry(_("Documents"), "document_list", audience="records")]
record_panels = [RecordPanel("document_panel", _("Documents"), "documents-panel")]

urlpatterns = [
    path("", pages.document_list, name="document_list"),
    path("panel/", pages.panel, name="document_panel"),
    path("upload/", pages.upload, name="document_upload"),
    path("<uuid:pk>/", pages.detail, name="document_detail"),
    path("<uuid:pk>/delete/", pages.delete, name="document_delete"),
    path("<uuid:pk>/restore/", pages.restore, name="document_restore"),
    path("<uuid:pk>/download/", pages.download, name="document_download"),
    path(
        "<uuid:pk>/versions/<int:number>/download/",
        pages.download,
        name="document_version_download",
    ),
    path("<uuid:pk>/versions/<int:number>/inline/", pages.inline, name="document_inline"),
    path("<uuid:pk>/versions/<int:number>/thumbnail/", pages.thumbnail, name="document_thumbnail"),
]
