"""Pipelines and their stages: the sales processes an administrator sets up.

A pipeline (new business, renewal…) is an ordered list of stages. Each stage has a kind —
open, won or lost —, a default probability, and the fields an opportunity must have filled
to enter it ("Proposal" needs an amount). Pipelines are settings, not records: everyone who
may view sales sees them all; administrators of the sales module change them.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id

__all__ = ["Pipeline", "PipelineStage", "StageKind"]


class StageKind(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class Pipeline(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    # The pipeline new opportunities go to when none is named (one at most).
    is_default = models.BooleanField(_("default pipeline"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="sales_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class PipelineStage(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    pipeline = models.ForeignKey(
        Pipeline, on_delete=models.CASCADE, related_name="stages", verbose_name=_("pipeline")
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=8, choices=StageKind.choices)
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), validators=[MaxValueValidator(100)]
    )
    # Opportunity fields ("amount", "contacts", "custom.<name>"…) that must be filled to enter
    # the stage; see moyeu.sales.services.stage_rules.
    required_fields = models.JSONField(_("required fields"), default=list, blank=True)

    class Meta:
        ordering = ["pipeline", "position"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "position"], name="sales_stage_position"),
            models.UniqueConstraint(fields=["pipeline", "name"], name="sales_stage_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.kind != StageKind.OPEN
