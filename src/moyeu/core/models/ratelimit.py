from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """A fixed-window counter shared by every process (login attempts, public endpoints)."""

    key = models.CharField(max_length=200, primary_key=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
