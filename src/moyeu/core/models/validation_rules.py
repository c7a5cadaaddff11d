from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id


class ValidationRuleKind(models.TextChoices):
    REQUIRED = "required", _("Required")
    REQUIRED_WHEN = "required_when", _("Required when another field is filled")
    PATTERN = "pattern", _("Matches a pattern")
    ALLOWED_VALUES = "allowed_values", _("One of the allowed values")
    UNIQUE = "unique", _("Unique")


class ValidationRule(models.Model):
    """A check an administrator adds to a record type, on a model field or ``custom.<name>``.

    The rules are evaluated by moyeu.core.services.validation_rules on every create and update
    that goes through moyeu.core.services.records, and in batches by imports.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    record_type = models.CharField(_("record type"), max_length=100)  # directory.contact
    field = models.CharField(_("field"), max_length=100)  # "email" or "custom.segment"
    kind = models.CharField(_("kind"), max_length=20, choices=ValidationRuleKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    # required_when: the rule applies when ``condition_field`` has a value, or, if
    # ``condition_value`` is given, when it has that value.
    condition_field = models.CharField(_("condition field"), max_length=100, blank=True)
    condition_value = models.CharField(_("condition value"), max_length=255, blank=True)
    pattern = models.CharField(_("pattern"), max_length=200, blank=True)
    allowed_values = models.JSONField(_("allowed values"), default=list, blank=True)
    # unique and allowed_values: compare without regard to case.
    case_insensitive = models.BooleanField(_("ignore case"), default=False)
    message_en = models.CharField(_("message in English"), max_length=255, blank=True)
    message_fr = models.CharField(_("message in French"), max_length=255, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["record_type", "position", "field", "kind"]
        verbose_name = _("validation rule")
        indexes = [
            models.Index(fields=["record_type", "is_active"], name="core_rule_type_active"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type}.{self.field}:{self.kind}"
