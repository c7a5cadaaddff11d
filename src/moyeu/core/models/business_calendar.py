from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id


def default_working_hours() -> dict[str, list[list[str]]]:
    """Monday to Friday, 9:00-12:30 and 14:00-18:00: a French office day."""
    day = [["09:00", "12:30"], ["14:00", "18:00"]]
    return {str(weekday): [list(span) for span in day] for weekday in range(5)}


class BusinessCalendar(models.Model):
    """When a company works: the clock of service-level targets (lead response, tickets).

    ``working_hours`` maps an ISO weekday number as text ("0" = Monday … "6" = Sunday) to
    its working spans ``[["09:00", "12:30"], ...]`` in ``time_zone``; a day without a key
    is closed. The public holidays of ``holiday_country`` (and its ``holiday_subdivision``,
    such as "57" for Moselle) are closed, and so are ``closed_dates`` ("2026-12-24").
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    working_hours = models.JSONField(_("working hours"), default=default_working_hours)
    holiday_country = models.CharField(_("public holidays of"), max_length=2, default="FR")
    holiday_subdivision = models.CharField(_("region"), max_length=10, blank=True)
    closed_dates = models.JSONField(_("other closed days"), default=list, blank=True)
    is_default = models.BooleanField(_("default"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("business calendar")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="core_one_default_business_calendar",
            )
        ]

    def __str__(self) -> str:
        return self.name
