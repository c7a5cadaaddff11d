"""Reads of documents, each through the actor's access to the documents' records."""

from __future__ import annotations

import uuid
from typing import IO, Any

from django.db.models import Count
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import NotFound
from moyeu.documents import permissions
from moyeu.documents.models import Document, DocumentQuerySet, DocumentVersion
from moyeu.documents.storage import documents_storage


def visible(actor: Actor) -> DocumentQuerySet:
    documents: DocumentQuerySet = Document.objects.visible_to(actor, "view")
    return documents


def for_record(
    actor: Actor, record_type: str, record_id: uuid.UUID, *, in_trash: bool = False
) -> DocumentQuerySet:
    documents = visible(actor).filter(record_type=record_type, record_id=record_id)
    documents = documents.in_trash() if in_trash else documents.live()
    return documents.select_related("owner").order_by("folder", "name", "id")


def get(actor: Actor, document_id: uuid.UUID | None) -> Document:
    document = (
        visible(actor).filter(pk=document_id).select_related("owner", "deleted_by").first()
        if document_id is not None
        else None
    )
    if document is None:
        raise NotFound(_("No such document."))
    return document


def versions(document: Document) -> list[DocumentVersion]:
    return list(document.versions.select_related("uploaded_by").order_by("-number"))


def get_version(
    actor: Actor, document_id: uuid.UUID | None, number: int | None = None
) -> tuple[Document, DocumentVersion]:
    """A document the actor sees and one of its versions (the current one by default)."""
    document = get(actor, document_id)
    wanted = document.current_number if number is None else number
    version = document.versions.filter(number=wanted).first()
    if version is None:
        raise NotFound(_("No such version."))
    return document, version


def open_file(name: str) -> IO[bytes]:
    opened: IO[bytes] = documents_storage().open(name, "rb")
    return opened


def folders(actor: Actor) -> list[tuple[str, int]]:
    """The folders of the live documents the actor sees, with how many each holds."""
    rows = (
        visible(actor)
        .live()
        .order_by()
        .values("folder")
        .annotate(count=Count("id"))
        .order_by("folder")
    )
    return [(row["folder"], row["count"]) for row in rows]


def can_change(actor: Actor, document: Document) -> bool:
    """Whether ``actor`` may upload versions, rename, delete or restore ``document``."""
    model = permissions.parent_model(document.record_type)
    if model is None:
        return False
    record: Any = model._default_manager.filter(pk=document.record_id).first()
    return record is not None and permissions.can_change_record(actor, record)
