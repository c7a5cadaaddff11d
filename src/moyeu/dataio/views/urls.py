"""Pages of imports and exports, mounted under /data/ in the namespace ``dataio``."""

from __future__ import annotations

from django.urls import path

from moyeu.dataio.views import pages

app_name = "dataio"

urlpatterns = [
    path("imports/", pages.import_list, name="imports"),
    path("imports/<uuid:import_id>/", pages.import_detail, name="import_detail"),
    path("imports/<uuid:import_id>/mapping/", pages.import_mapping, name="import_mapping"),
    path("imports/<uuid:import_id>/run/", pages.import_run, name="import_run"),
    path("imports/<uuid:import_id>/revert/", pages.import_revert, name="import_revert"),
    path("imports/<uuid:import_id>/progress/", pages.import_progress, name="import_progress"),
    path("imports/<uuid:import_id>/errors.csv", pages.import_errors, name="import_errors"),
    path("exports/", pages.export_list, name="exports"),
    path("exports/new/", pages.export_create, name="export_create"),
    path("exports/<uuid:export_id>/cancel/", pages.export_cancel, name="export_cancel"),
    path("exports/<uuid:export_id>/download/", pages.export_download, name="export_download"),
]
