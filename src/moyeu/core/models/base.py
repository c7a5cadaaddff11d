"""The base of every business record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moyeu.core import access
from moyeu.core.ids import new_id

if TYPE_CHECKING:
    from moyeu.core.context import Actor

_M = TypeVar("_M", bound=models.Model)


class RecordQuerySet(models.QuerySet[_M]):
    def visible_to(self, actor: Actor, action: str = "view") -> Self:
        """The records ``actor`` may ``action`` (view, change, delete, export...)."""
        return self.filter(access.scope_filter(actor, self.model, action))


class Tag(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(_("name"), max_length=64, unique=True)
    color = models.CharField(_("colour"), max_length=7, default="#64748b")

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")

    def __str__(self) -> str:
        return self.name


class ExternalId(models.Model):
    """The identifier of a record in another system: unique per record type and system.

    Connectors and imports upsert by (system, value); merges move these rows to the survivor.
    """

    id = models.BigAutoField(primary_key=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.UUIDField()
    system = models.CharField(max_length=64)
    value = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "system", "value"], name="core_external_id_unique_value"
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "system"],
                name="core_external_id_one_per_system",
            ),
        ]
        indexes = [models.Index(fields=["object_id"], name="core_external_id_object")]

    def __str__(self) -> str:
        return f"{self.system}:{self.value}"


class MoyeuModel(models.Model):
    """Ids, timestamps, authorship, owner and team, version, custom fields, tags, external ids.

    Subclasses are declared as record types in their module's AppConfig; every change goes
    through a service built on moyeu.core.services.records, which audits and emits events.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        "identity.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    external_id_links = GenericRelation(ExternalId, object_id_field="object_id")

    objects: Any = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    @property
    def external_ids(self) -> dict[str, str]:
        return {link.system: link.value for link in self.external_id_links.all()}
