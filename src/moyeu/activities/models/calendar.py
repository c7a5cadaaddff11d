from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id


class CalendarFeed(models.Model):
    """A private iCalendar subscription link: a user's own calendar, or a team's.

    Only the SHA-256 of the secret is stored; the link is shown once when it is made. One
    live link per (user, team or none): making a new one revokes the old. A revoked link
    answers 404. See docs/decisions/0017-calendar-feeds.md.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )  # the subscriber: the feed shows what this user may see
    team = models.ForeignKey(
        "identity.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )  # none: the user's own calendar
    scope = models.CharField(max_length=50)  # "user" or "team:<id>": one live feed per scope
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scope"],
                condition=Q(revoked_at__isnull=True),
                name="activities_one_live_feed_per_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} ({self.prefix}…)"
