"""URL patterns of one record type's generic pages."""

from __future__ import annotations

from django.urls import URLPattern, path

from moyeu.web.records import views
from moyeu.web.records.config import RecordUI, register_ui


def record_urls(ui: RecordUI, prefix: str) -> list[URLPattern]:
    """``prefix`` is the plural in the address (``contacts/``); names follow ``ui.name``."""
    register_ui(ui)
    return [
        path(f"{prefix}/", views.list_page, {"ui": ui}, name=f"{ui.name}_list"),
        path(f"{prefix}/new/", views.create_page, {"ui": ui}, name=f"{ui.name}_create"),
        path(f"{prefix}/<str:pk>/", views.detail_page, {"ui": ui}, name=f"{ui.name}_detail"),
        path(f"{prefix}/<str:pk>/edit/", views.edit_page, {"ui": ui}, name=f"{ui.name}_edit"),
        path(f"{prefix}/<str:pk>/delete/", views.delete_page, {"ui": ui}, name=f"{ui.name}_delete"),
    ]
