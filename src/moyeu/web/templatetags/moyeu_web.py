"""Template helpers of the web UI: navigation, record values, list links."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from moyeu.core.models import CustomFieldDefinition
from moyeu.web.navigation import sections_for, topbar_urls
from moyeu.web.records.config import Column, RecordUI

register = template.Library()


@register.inclusion_tag("web/partials/nav.html", takes_context=True)
def navigation(context: template.Context) -> dict[str, Any]:
    request: HttpRequest = context["request"]
    actor = getattr(request, "actor", None)
    sections = sections_for(actor) if actor is not None and actor.user is not None else []
    path = request.path
    marked = [
        {"label": s.label, "links": [(link, path.startswith(link.url)) for link in s.links]}
        for s in sections
    ]
    return {"sections": marked, "path": path, "home_url": reverse("web:home")}


@register.inclusion_tag("web/partials/topbar.html", takes_context=True)
def topbar(context: template.Context) -> dict[str, Any]:
    actor = getattr(context["request"], "actor", None)
    return {"urls": topbar_urls(actor) if actor is not None else []}


@register.simple_tag
def record_url(ui: RecordUI, action: str, pk: Any = None) -> str:
    args = [pk] if pk is not None else []
    return reverse(ui.url(action), args=args)


def _display(value: Any) -> Any:
    if value is None or value == "" or value == []:
        return "—"
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


@register.simple_tag
def field_value(record: Model, name: str) -> Any:
    """A model field's value as a reader wants it: choice labels, related names, dates."""
    if name.startswith("custom."):
        return _display(record.custom.get(name.removeprefix("custom.")))  # type: ignore[attr-defined]
    display = getattr(record, f"get_{name}_display", None)
    if callable(display):
        return _display(display())
    value = getattr(record, name)
    if hasattr(value, "isoformat") and hasattr(value, "hour"):
        # In the site's time zone, as the templates' |date shows the other dates.
        shown = timezone.localtime(value) if timezone.is_aware(value) else value
        return date_format(shown, "SHORT_DATETIME_FORMAT", use_l10n=True)
    return _display(value)


@register.simple_tag
def field_label(record: Model, name: str) -> Any:
    return getattr(record._meta.get_field(name), "verbose_name", name)


@register.simple_tag
def custom_value(record: Model, definition: CustomFieldDefinition) -> Any:
    return _display(record.custom.get(definition.name))  # type: ignore[attr-defined]


@register.simple_tag
def query_with(request: HttpRequest, **changes: Any) -> str:
    """The current query string with some parameters changed (None removes one)."""
    params = request.GET.copy()
    for key, value in changes.items():
        key = key.replace("__", ".")
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def sort_query(request: HttpRequest, column: Column) -> str:
    current = request.GET.get("sort", "")
    target = f"-{column.name}" if current == column.name else column.name
    return query_with(request, sort=target, page=None)


@register.simple_tag
def aria_sort(request: HttpRequest, column: Column) -> str:
    current = request.GET.get("sort", "")
    if current == column.name:
        return "ascending"
    if current == f"-{column.name}":
        return "descending"
    return "none"


@register.filter
def initials(user: Any) -> str:
    name = (user.get_full_name() or user.get_username()).split()
    return "".join(part[0] for part in name[:2]).upper()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
