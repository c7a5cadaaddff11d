"""Data the web UI keeps for its users: saved list views."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id


class SavedView(models.Model):
    """A named set of list filters, columns and sort, for one record type.

    ``query`` is the list page's query string (without the page number), so opening a saved
    view is following a link; a shared view is offered to every user who can see the list.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    record_type = models.CharField(_("record type"), max_length=100)  # directory.contact
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("query"), max_length=2000, blank=True)
    is_shared = models.BooleanField(_("shared with everyone"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved view")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "record_type", "name"], name="web_saved_view_unique_name"
            )
        ]
        indexes = [models.Index(fields=["record_type", "is_shared"], name="web_saved_view_type")]

    def __str__(self) -> str:
        return self.name
