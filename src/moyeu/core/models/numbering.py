"""Counters of the gap-free numbers that documents take when they are issued."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SequenceCounter(models.Model):
    """The last number taken in one sequence ("sales.quote") for one year.

    Only :func:`moyeu.core.numbering.take` writes it, inside the transaction that issues the
    document: the row stays locked until that transaction ends, so two issuers queue, and a
    rollback gives the number back.
    """

    id = models.BigAutoField(primary_key=True)
    sequence = models.CharField(_("sequence"), max_length=64)
    year = models.PositiveIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("sequence counter")
        constraints = [
            models.UniqueConstraint(fields=["sequence", "year"], name="core_sequence_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sequence} {self.year}: {self.last}"
