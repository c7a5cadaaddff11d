from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id


class CustomFieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Whole number")
    DECIMAL = "decimal", _("Decimal")
    DATE = "date", _("Date")
    BOOLEAN = "boolean", _("Yes / no")
    CHOICE = "choice", _("Choice")
    MULTI_CHOICE = "multi_choice", _("Several choices")
    URL = "url", _("Web address")
    EMAIL = "email", _("E-mail address")
    LINK = "link", _("Link to a record")


class CustomFieldDefinition(models.Model):
    """A field an administrator adds to a record type; values live in the record's ``custom``.

    The definition validates values (moyeu.core.services.custom_fields), and builds the form
    field, the list filter and the JSON schema of the API field.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    record_type = models.CharField(_("record type"), max_length=100)  # directory.contact
    name = models.SlugField(_("name"), max_length=50)  # key in ``custom``
    label = models.CharField(_("label"), max_length=100)
    type = models.CharField(_("type"), max_length=20, choices=CustomFieldType.choices)
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    link_record_type = models.CharField(_("linked record type"), max_length=100, blank=True)
    help_text = models.CharField(_("help text"), max_length=255, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_filterable = models.BooleanField(_("filterable"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["record_type", "position", "name"]
        verbose_name = _("custom field")
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "name"], name="core_custom_field_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type}.{self.name}"
