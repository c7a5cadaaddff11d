"""Opportunities: a deal in progress with an account, moved along a pipeline's stages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id
from moyeu.core.models import MoyeuModel
from moyeu.sales.models.pipelines import Pipeline, PipelineStage, StageKind

__all__ = ["ContactRole", "LostReason", "Opportunity", "OpportunityContact"]

MAX_AMOUNT_DIGITS = 18


class LostReason(models.TextChoices):
    PRICE = "price", _("Price")
    COMPETITOR = "competitor", _("Went with a competitor")
    NO_BUDGET = "no_budget", _("No budget")
    NO_DECISION = "no_decision", _("No decision")
    TIMING = "timing", _("Timing")
    PRODUCT_FIT = "product_fit", _("Product does not fit")
    OTHER = "other", _("Other")


class ContactRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    ECONOMIC_BUYER = "economic_buyer", _("Economic buyer")
    TECHNICAL_BUYER = "technical_buyer", _("Technical buyer")
    CHAMPION = "champion", _("Champion")
    INFLUENCER = "influencer", _("Influencer")
    USER = "user", _("User")
    OTHER = "other", _("Other")


class Opportunity(MoyeuModel):
    """A deal: an amount expected from an account by a date, at a stage of a pipeline.

    ``status`` repeats the stage's kind (open, won, lost), and ``closed_at`` the moment it
    entered a won or lost stage: the services keep both equal to the stage, so that lists,
    the forecast and win rates read one indexed column instead of joining the stages.
    """

    name = models.CharField(_("name"), max_length=200)
    account = models.ForeignKey(
        "directory.Account",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT, related_name="+"
    )
    stage = models.ForeignKey(
        PipelineStage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=StageKind.choices, default=StageKind.OPEN
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=MAX_AMOUNT_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217, e.g. EUR"))
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    expected_close_date = models.DateField(_("expected close date"))
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    competitors = models.JSONField(_("competitors"), default=list, blank=True)
    lost_reason = models.CharField(
        _("lost reason"), max_length=16, choices=LostReason.choices, blank=True
    )
    lost_note = models.CharField(_("why it was lost"), max_length=500, blank=True)
    stage_entered_at = models.DateTimeField(_("in this stage since"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            # A kanban column (one stage) in close-date order, for whoever sees every record,
            # and per scope branch (owner = me, team = t): see moyeu.sales.queries.kanban.
            models.Index(fields=["stage", "expected_close_date", "id"], name="sales_opp_column"),
            models.Index(
                fields=["stage", "owner", "expected_close_date", "id"], name="sales_opp_col_owner"
            ),
            models.Index(
                fields=["stage", "team", "expected_close_date", "id"], name="sales_opp_col_team"
            ),
            # The columns' totals (count, amount, weighted amount per currency) read from the
            # index alone, whoever the reader (the scope's owner and team are in it).
            models.Index(
                fields=["stage", "currency", "owner", "team", "amount", "probability"],
                name="sales_opp_totals",
            ),
            # API lists by scope branch, and the account's opportunities.
            models.Index(fields=["owner", "id"], name="sales_opp_owner"),
            models.Index(fields=["team", "id"], name="sales_opp_team"),
            models.Index(fields=["account", "id"], name="sales_opp_account"),
            # Forecast (open, by close date) and win rates (closed, by close time).
            models.Index(fields=["status", "expected_close_date"], name="sales_opp_forecast"),
            models.Index(
                fields=["closed_at"], condition=Q(closed_at__isnull=False), name="sales_opp_closed"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=0, probability__lte=100),
                name="sales_opp_probability",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weighted_amount(self) -> Decimal | None:
        if self.amount is None:
            return None
        return (self.amount * self.probability / 100).quantize(Decimal("0.01"))

    @property
    def amount_display(self) -> str:
        """The amount in its currency, for the reader's language ("12 500,00 €")."""
        from moyeu.sales.money import format_money

        return format_money(self.amount, self.currency) if self.amount is not None else ""

    @property
    def is_open(self) -> bool:
        return self.status == StageKind.OPEN

    def related_snapshot(self) -> dict[str, Any]:
        """The contacts and their roles, as audit entries and event payloads show them."""
        return {"contacts": [link.as_dict() for link in self.contact_roles.all()]}


class OpportunityContact(models.Model):
    """A person involved in the deal, and their role in the buying decision."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="contact_roles"
    )
    contact = models.ForeignKey(
        "directory.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("role"), max_length=16, choices=ContactRole.choices, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "contact"], name="sales_opp_contact_once"
            ),
        ]
        indexes = [models.Index(fields=["contact", "opportunity"], name="sales_opp_contact")]

    def __str__(self) -> str:
        return f"{self.contact_id} ({self.role})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "contact": str(self.contact_id),
            "role": self.role,
            "is_primary": self.is_primary,
        }
