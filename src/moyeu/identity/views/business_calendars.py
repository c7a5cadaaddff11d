"""Admin: business calendars (working hours, public holidays, closed days) for SLA clocks."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from moyeu.core.business_time import default_calendar
from moyeu.core.errors import MoyeuError
from moyeu.core.models import BusinessCalendar
from moyeu.core.services import business_calendars as calendar_services
from moyeu.identity.views.common import admin_required, apply_errors

WEEKDAYS = [
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]
SPANS_HELP = gettext_lazy("Such as 09:00-12:30, 14:00-18:00; empty: closed.")


def spans_text(spans: list[list[str]]) -> str:
    return ", ".join(f"{start}-{end}" for start, end in spans)


def parse_spans(text: str) -> list[list[str]]:
    """ "09:00-12:30, 14:00-18:00" -> [["09:00", "12:30"], ["14:00", "18:00"]]; the service
    checks the clock values, so a malformed part is kept as given for it to name."""
    spans = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if part:
            start, _dash, end = part.partition("-")
            spans.append([start.strip(), end.strip()])
    return spans


class BusinessCalendarForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    time_zone = forms.CharField(label=gettext_lazy("Time zone"), max_length=64)
    holiday_country = forms.CharField(
        label=gettext_lazy("Public holidays of"),
        max_length=2,
        required=False,
        help_text=gettext_lazy("A country code such as FR; empty: no public holidays."),
    )
    holiday_subdivision = forms.CharField(
        label=gettext_lazy("Region"),
        max_length=10,
        required=False,
        help_text=gettext_lazy("Such as 57 (Moselle) for its own public holidays."),
    )
    closed_dates = forms.CharField(
        label=gettext_lazy("Other closed days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One date per line, such as 2026-12-24."),
    )
    is_default = forms.BooleanField(label=gettext_lazy("Default calendar"), required=False)

    def __init__(self, *args: Any, calendar: BusinessCalendar | None = None, **kwargs: Any):
        source = calendar or BusinessCalendar()
        hours = source.working_hours
        if "initial" not in kwargs:
            kwargs["initial"] = {
                "name": source.name,
                "time_zone": source.time_zone,
                "holiday_country": source.holiday_country,
                "holiday_subdivision": source.holiday_subdivision,
                "closed_dates": "\n".join(source.closed_dates),
                "is_default": source.is_default,
            } | {f"day_{n}": spans_text(hours.get(str(n), [])) for n in range(7)}
        super().__init__(*args, **kwargs)
        for number, label in enumerate(WEEKDAYS):
            self.fields[f"day_{number}"] = forms.CharField(
                label=label, required=False, max_length=200, help_text=SPANS_HELP
            )

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        hours = {
            str(n): parse_spans(data[f"day_{n}"]) for n in range(7) if data[f"day_{n}"].strip()
        }
        closed = [line.strip() for line in data["closed_dates"].splitlines() if line.strip()]
        return {
            "name": data["name"],
            "time_zone": data["time_zone"].strip(),
            "holiday_country": data["holiday_country"].strip(),
            "holiday_subdivision": data["holiday_subdivision"],
            "closed_dates": closed,
            "is_default": data["is_default"],
            "working_hours": hours,
        }


def _calendar(calendar_id: uuid.UUID) -> BusinessCalendar:
    found = BusinessCalendar.objects.filter(pk=calendar_id).first()
    if found is None:
        raise Http404
    return found


@admin_required
def calendar_list(request: HttpRequest) -> HttpResponse:
    default_calendar()
    rows = [
        (
            calendar,
            [(WEEKDAYS[n], spans_text(calendar.working_hours.get(str(n), []))) for n in range(7)],
        )
        for calendar in BusinessCalendar.objects.all()
    ]
    return render(request, "identity/business_calendar_list.html", {"rows": rows})


def _save(request: HttpRequest, calendar: BusinessCalendar | None) -> HttpResponse:
    form = BusinessCalendarForm(request.POST or None, calendar=calendar)
    if request.method == "POST" and form.is_valid():
        actor = request.actor  # type: ignore[attr-defined]
        try:
            if calendar is None:
                calendar_services.calendar_create(actor=actor, **form.values())
            else:
                calendar_services.calendar_update(
                    actor=actor, calendar_id=calendar.pk, **form.values()
                )
        except MoyeuError as exc:
            apply_errors(form, exc, paths={"working_hours": "day_0"})
        else:
            messages.success(request, _("Changes saved."))
            return redirect("web:identity:business_calendar_list")
    title = _("New business calendar") if calendar is None else calendar.name
    context = {
        "form": form,
        "title": title,
        "section": _("Business calendars"),
        "back": "web:identity:business_calendar_list",
    }
    return render(request, "identity/form.html", context, status=422 if form.errors else 200)


@admin_required
def calendar_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@admin_required
def calendar_edit(request: HttpRequest, calendar_id: uuid.UUID) -> HttpResponse:
    return _save(request, _calendar(calendar_id))


@admin_required
def calendar_delete(request: HttpRequest, calendar_id: uuid.UUID) -> HttpResponse:
    calendar = _calendar(calendar_id)
    if request.method == "POST":
        try:
            calendar_services.calendar_delete(
                actor=request.actor,  # type: ignore[attr-defined]
                calendar_id=calendar.pk,
            )
        except MoyeuError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Business calendar deleted."))
    return redirect("web:identity:business_calendar_list")
