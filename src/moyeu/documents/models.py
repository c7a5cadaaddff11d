"""Documents attached to records, and their versions.

A document hangs on one record of any registered type, named by its registry label
(``directory.contact``) and id: no foreign key, so the documents module imports no other
module's models. Each upload of a file is a :class:`DocumentVersion`; the document row
repeats its current version's name, type and size so that lists and filters read one table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id
from moyeu.core.models import MoyeuModel
from moyeu.core.models.base import RecordQuerySet
from moyeu.documents.content import KINDS, FileKind

if TYPE_CHECKING:
    from moyeu.core.context import Actor


class DocumentQuerySet(RecordQuerySet["Document"]):
    def visible_to(self, actor: Actor, action: str = "view") -> Self:
        """Documents whose record ``actor`` may see ("view") or change (any other action)."""
        from moyeu.documents.permissions import visible_documents_q

        return self.filter(visible_documents_q(actor, action))

    def live(self) -> Self:
        return self.filter(deleted_at__isnull=True)

    def in_trash(self) -> Self:
        return self.filter(deleted_at__isnull=False)

    def searchable(self) -> Self:
        """What the global search may show (moyeu.core.search): never the trash."""
        return self.live()


class Document(MoyeuModel):
    name = models.CharField(_("name"), max_length=255)
    folder = models.CharField(_("folder"), max_length=64, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    # The record this document is attached to: "<module>.<record name>" and its id.
    record_type = models.CharField(_("record type"), max_length=64)
    record_id = models.UUIDField(_("record"))
    # The current version's facts, repeated for lists and filters.
    current_number = models.PositiveIntegerField(_("current version"), default=1)
    kind = models.CharField(_("type"), max_length=16)
    content_type = models.CharField(_("content type"), max_length=127)
    size = models.BigIntegerField(_("size"))
    # In the trash since (None: live); restored by clearing it, purged after the retention.
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects: ClassVar[Any] = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [
            models.Index(fields=["record_id", "record_type"], name="documents_by_record"),
            models.Index(fields=["folder"], name="documents_by_folder"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def file_kind(self) -> FileKind | None:
        return KINDS.get(self.kind)


class DocumentVersion(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    filename = models.CharField(_("file name"), max_length=255)
    # Random name in the documents storage: nothing of the upload's name reaches the disk.
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    size = models.BigIntegerField(_("size"))
    kind = models.CharField(_("type"), max_length=16)
    content_type = models.CharField(_("content type"), max_length=127)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    # A cached thumbnail (images), made on the first preview request.
    preview_name = models.CharField(max_length=255, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("document version")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="documents_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.filename} (v{self.number})"
