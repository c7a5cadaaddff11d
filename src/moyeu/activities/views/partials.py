"""htmx fragments: a record's timeline (infinitely scrolled) and the quick-log forms."""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from moyeu.activities.models import Activity
from moyeu.activities.views.forms import FORMS
from moyeu.activities.views.pages import ACTIVITIES, _save
from moyeu.core import access, timeline
from moyeu.core.errors import NotFound
from moyeu.web.records.config import ui_for

PAGE_SIZE = 20
QUICK_KINDS = ("call", "note", "task", "meeting")


def _record(request: HttpRequest) -> timeline.RecordRef:
    """``?record=<type>:<id>``, or the record panels' ``?record_type=<type>&record=<id>``."""
    raw = request.GET.get("record", "")
    if request.GET.get("record_type") and ":" not in raw:
        raw = f"{request.GET['record_type']}:{raw}"
    try:
        record = timeline.parse_record(raw)
        timeline.check_visible(request.actor, record)  # type: ignore[attr-defined]
    except (timeline.TimelineQueryError, NotFound):
        raise Http404 from None
    return record


def _record_url(ref: timeline.RecordRef) -> str:
    ui = ui_for(ref.record_type)
    if ui is None:
        return ""
    try:
        return reverse(ui.url("detail"), args=[ref.id])
    except NoReverseMatch:
        return ""


def _item_url(item: timeline.TimelineItem) -> str:
    if item.source == "activities.activity":
        return reverse("web:activities:activity_detail", args=[item.id])
    url = item.data.get("url")  # other modules' items may name their page
    return url if isinstance(url, str) and url.startswith("/") else ""


@cache
def _item_template(source: str) -> str:
    """``<module>/partials/timeline_item.html`` when the item's module draws its own items."""
    name = f"{source.split('.', 1)[0]}/partials/timeline_item.html"
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return ""
    return name


@login_required
def timeline_items(request: HttpRequest) -> HttpResponse:
    """One page of items; the last one, when revealed, loads the next page in its place."""
    record = _record(request)
    kinds = [kind for kind in request.GET.getlist("kind") if kind]
    try:
        items, next_cursor = timeline.timeline_page(
            request.actor,  # type: ignore[attr-defined]
            record,
            kinds_wanted=kinds,
            cursor=request.GET.get("cursor") or None,
            limit=PAGE_SIZE,
        )
    except timeline.TimelineQueryError:
        raise Http404 from None
    # Items of related records (an account's contacts) name the record they come from.
    labels: dict[Any, str] = {}
    for ref in {item.record for item in items if item.record != record}:
        ui = ui_for(ref.record_type)
        found = ui.model._default_manager.filter(pk=ref.id).first() if ui else None
        labels[ref.id] = str(found) if found is not None else str(ref)
    rows = [
        {
            "item": item,
            "url": _item_url(item),
            "template": _item_template(item.source) if item.source else "",
            "record_label": labels.get(item.record.id, "") if item.record != record else "",
            "record_url": _record_url(item.record) if item.record != record else "",
        }
        for item in items
    ]
    more = ""
    if next_cursor:
        query = [("record", str(record)), *[("kind", k) for k in kinds], ("cursor", next_cursor)]
        more = f"{reverse('web:activities:timeline')}?{urlencode(query)}"
    return render(request, "activities/partials/timeline_items.html", {"rows": rows, "more": more})


@login_required
def timeline_panel(request: HttpRequest) -> HttpResponse:
    """The panel of a record's page: filter by kind, quick-log buttons, the items."""
    record = _record(request)
    actor = request.actor  # type: ignore[attr-defined]
    kind = request.GET.get("kind", "")
    if kind and kind not in timeline.kinds():
        kind = ""
    query = [("record", str(record))] + ([("kind", kind)] if kind else [])
    context = {
        "record_ref": str(record),
        "kinds": [(k, _kind_label(k)) for k in timeline.kinds()],
        "kind": kind,
        "items_url": f"{reverse('web:activities:timeline')}?{urlencode(query)}",
        "panel_url": reverse("web:activities:timeline_panel"),
        "can_log": access.can_create(actor, Activity),
        "quick_kinds": [(k, _quick_label(k)) for k in QUICK_KINDS],
    }
    return render(request, "activities/partials/timeline_panel.html", context)


def _kind_label(kind: str) -> str:
    labels = {
        "call": _("Calls"),
        "meeting": _("Meetings"),
        "task": _("Tasks"),
        "note": _("Notes"),
        "email": _("E-mails"),
        "message": _("Messages"),
        "change": _("Changes"),
        "document": _("Documents"),
    }
    return labels.get(kind, kind)


def _quick_label(kind: str) -> str:
    return {
        "call": _("Log a call"),
        "note": _("Add a note"),
        "task": _("Add a task"),
        "meeting": _("Plan a meeting"),
    }[kind]


@login_required
def quick_form(request: HttpRequest, kind: str) -> HttpResponse:
    """A kind's form for one record, in the timeline panel; saved, it refreshes the panel."""
    actor = request.actor  # type: ignore[attr-defined]
    if kind not in FORMS or not access.can_create(actor, Activity):
        raise Http404
    record = _record(request)
    form = FORMS[kind](
        request.POST or None,
        actor=actor,
        record_type=ACTIVITIES.record_type,
        fixed_links=[str(record)],
    )
    if request.method == "POST" and form.is_valid() and _save(request, form, None) is not None:
        response = timeline_panel(request)
        # The form sits inside the panel: the saved activity refreshes the whole panel.
        response["HX-Retarget"] = "#timeline-panel"
        response["HX-Reswap"] = "outerHTML"
        response["HX-Trigger"] = "activityLogged"
        return response
    context = {
        "form": form,
        "kind": kind,
        "title": _quick_label(kind) if kind in QUICK_KINDS else kind,
        "record_ref": str(record),
        "action": f"{reverse('web:activities:quick_form', args=[kind])}?"
        + urlencode({"record": str(record)}),
        "panel_url": f"{reverse('web:activities:timeline_panel')}?"
        + urlencode({"record": str(record)}),
    }
    # Errors are answered 200 so that htmx swaps the form with its messages in.
    return render(request, "activities/partials/quick_form.html", context)
