"""Panels that other modules add to every record's detail page (documents, later others).

A module lists ``record_panels`` (RecordPanel) in its ``<package>.views.urls``, as it lists
its ``menu``. The detail page loads each panel with htmx from the module's own view, given
``?record_type=<module>.<record name>&record=<id>``: the page's module imports nothing of the
panel's, and the panel's view checks access to the record itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Model
from django.urls import NoReverseMatch, reverse

from moyeu.core.registry import registry
from moyeu.web.navigation import module_views
from moyeu.web.records.config import Label


@dataclass(frozen=True)
class RecordPanel:
    url_name: str  # in the module's namespace: "document_panel"
    label: Label  # shown while the panel loads
    anchor: str  # the element id the panel replaces: "documents-panel"


@dataclass(frozen=True)
class LoadedPanel:
    label: Any
    url: str
    anchor: str


def panels_for(record: Model) -> list[LoadedPanel]:
    try:
        spec, record_type = registry.record_type_for_model(type(record))
    except LookupError:
        return []
    query = urlencode({"record_type": f"{spec.label}.{record_type.name}", "record": record.pk})
    found: list[LoadedPanel] = []
    for module in registry.modules():
        views = module_views(module.label)
        for panel in getattr(views, "record_panels", []) if views is not None else []:
            try:
                url = reverse(f"web:{module.label}:{panel.url_name}")
            except NoReverseMatch:
                continue
            found.append(LoadedPanel(panel.label, f"{url}?{query}", panel.anchor))
    return found
