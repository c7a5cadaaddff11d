"""Every change to documents: upload, new version, rename or move, delete, restore, purge.

Each checks access on the document's record (moyeu.documents.permissions), validates the
file (size, type read from its content, extension agreeing), stores it under a random name,
and writes the rows, the audit entry and the event in one transaction. A failed transaction
removes the file it stored, so bad input changes nothing. The global search index follows in
the same transaction: a live document is found by its name, one in the trash is not.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import PurePath
from typing import IO, Any, Protocol, cast

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core.context import Actor, action_context
from moyeu.core.errors import MoyeuError, NotFound, ValidationFailed, VersionConflict
from moyeu.core.search import index as search_index
from moyeu.core.services import audit, events, references
from moyeu.core.services.records import snapshot
from moyeu.documents import events as event_types
from moyeu.documents import permissions
from moyeu.documents.content import KINDS, FileKind, detect, extension_of
from moyeu.documents.models import Document, DocumentVersion
from moyeu.documents.storage import documents_storage, random_name

CHUNK = 64 * 1024
_EDITABLE = ("name", "folder", "description")


class FileTooLarge(MoyeuError):
    code = "documents.file_too_large"
    status = 413


class Upload(Protocol):
    """What a service needs of an uploaded file (Django's UploadedFile has it all)."""

    name: str | None
    size: int | None

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]: ...

    def seek(self, offset: int, whence: int = 0) -> int: ...

    def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    kind: FileKind
    size: int
    sha256: str


def max_bytes() -> int:
    return int(settings.MOYEU_DOCUMENTS_MAX_BYTES)


def allowed_kinds() -> list[FileKind]:
    return [KINDS[name] for name in settings.MOYEU_DOCUMENTS_ALLOWED_TYPES if name in KINDS]


def _clean_filename(raw: str | None) -> str:
    # Browsers send a bare name; other clients may send a path: keep its last part only.
    name = PurePath((raw or "").replace("\\", "/")).name.strip()
    name = "".join(c for c in name if c.isprintable())
    return name[:255]


def check_file(upload: Upload) -> CheckedFile:
    """Size, content type and extension of ``upload``; ``ValidationFailed`` names ``file``."""
    filename = _clean_filename(upload.name)
    if not filename:
        raise ValidationFailed({"file": [_("The file has no name.")]})
    size = upload.size
    limit = max_bytes()
    if size is not None and size > limit:
        raise FileTooLarge(
            _("The file is larger than the limit of %(limit)s.") % {"limit": human_size(limit)},
            field="file",
        )
    digest = hashlib.sha256()
    counted = 0
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        digest.update(chunk)
        counted += len(chunk)
        if counted > limit:
            raise FileTooLarge(
                _("The file is larger than the limit of %(limit)s.") % {"limit": human_size(limit)},
                field="file",
            )
    if counted == 0:
        raise ValidationFailed({"file": [_("The file is empty.")]})
    found = detect(cast(IO[bytes], upload), filename)
    kind = found.kind
    allowed = allowed_kinds()
    if kind is None or kind not in allowed:
        names = ", ".join(sorted({str(k.label) for k in allowed}))
        raise ValidationFailed(
            {
                "file": [
                    _("This type of file (%(found)s) is not accepted; accepted: %(allowed)s.")
                    % {"found": str(kind.label) if kind else found.description, "allowed": names}
                ]
            }
        )
    extension = extension_of(filename)
    if not extension:
        filename = f"{filename}{kind.extensions[0]}"[-255:]
    elif extension not in kind.extensions:
        raise ValidationFailed(
            {
                "file": [
                    _(
                        "The file's name ends in %(extension)s but its content is %(kind)s: "
                        "rename it or upload the right file."
                    )
                    % {"extension": extension, "kind": str(kind.label)}
                ]
            }
        )
    upload.seek(0)
    return CheckedFile(filename=filename, kind=kind, size=counted, sha256=digest.hexdigest())


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def _store(upload: Upload) -> str:
    upload.seek(0)
    return documents_storage().save(random_name(), File(cast(IO[bytes], upload)))


def _clean_folder(raw: str) -> str:
    folder = " ".join(raw.split())
    if len(folder) > 64:
        raise ValidationFailed({"folder": [_("A folder name has at most 64 characters.")]})
    return folder


def _payload(document: Document) -> dict[str, Any]:
    data = snapshot(document)
    data.pop("custom", None)
    return data


def _new_version(
    document: Document, checked: CheckedFile, stored: str, actor: Actor, number: int
) -> DocumentVersion:
    return DocumentVersion.objects.create(
        document=document,
        number=number,
        filename=checked.filename,
        storage_name=stored,
        size=checked.size,
        kind=checked.kind.name,
        content_type=checked.kind.content_type,
        sha256=checked.sha256,
        uploaded_by=actor.user,
        uploaded_at=document.updated_at,
    )


def document_upload(
    *,
    actor: Actor,
    record_type: str,
    record_id: uuid.UUID | None,
    file: Upload,
    name: str | None = None,
    folder: str = "",
    description: str = "",
) -> Document:
    """Attach a new document (version 1) to a record the actor may change."""
    record = permissions.find_record(actor, record_type, record_id)
    permissions.require_change(actor, record, "create")
    folder = _clean_folder(folder)
    checked = check_file(file)
    title = (name or "").strip() or checked.filename
    if len(title) > 255:
        raise ValidationFailed({"name": [_("A name has at most 255 characters.")]})
    stored = _store(file)
    try:
        with action_context(channel=actor.channel), transaction.atomic():
            permissions.require_change(actor, _lock(record), "create")
            now = timezone.now()
            document = Document.objects.create(
                name=title,
                folder=folder,
                description=description.strip(),
                record_type=record_type,
                record_id=record.pk,
                current_number=1,
                kind=checked.kind.name,
                content_type=checked.kind.content_type,
                size=checked.size,
                owner=actor.user,
                team_id=getattr(record, "team_id", None),
                created_by=actor.user,
                updated_by=actor.user,
                created_at=now,
                updated_at=now,
            )
            version = _new_version(document, checked, stored, actor, 1)
            search_index.index_record(document)
            after = _payload(document)
            audit.record(
                document,
                "documents.document.uploaded",
                actor,
                changes={k: (None, v) for k, v in after.items() if v not in (None, "", [], {})},
                data=_version_data(version),
            )
            events.emit(
                event_types.UPLOADED,
                record_type="documents.document",
                record=document,
                payload={**after, "version": _version_data(version)},
                actor=actor,
            )
    except BaseException:
        documents_storage().delete(stored)
        raise
    return document


def _lock(record: Any) -> Any:
    """Lock the record's row so that access is judged on what is committed."""
    model = type(record)
    return model._default_manager.select_for_update().filter(pk=record.pk).first() or record


def _version_data(version: DocumentVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "filename": version.filename,
        "size": version.size,
        "kind": version.kind,
        "content_type": version.content_type,
        "sha256": version.sha256,
    }


def _lock_document(
    actor: Actor, document_id: uuid.UUID, action: str, expected_version: int | None
) -> tuple[Document, Any]:
    document = (
        Document.objects.select_for_update()
        .filter(pk=document_id)
        .filter(permissions.visible_documents_q(actor, "view"))
        .first()
    )
    if document is None:
        raise NotFound(_("No such document."))
    record = permissions.find_record(actor, document.record_type, document.record_id)
    permissions.require_change(actor, record, action)
    if expected_version is not None and document.version != expected_version:
        raise VersionConflict(
            _("This document was changed by someone else (version %(v)s).")
            % {"v": document.version},
            current_version=document.version,
        )
    return document, record


def document_add_version(
    *,
    actor: Actor,
    document_id: uuid.UUID,
    file: Upload,
    expected_version: int | None = None,
) -> Document:
    """Upload a new version; the older ones stay listed and downloadable."""
    with transaction.atomic():
        document, _record = _lock_document(actor, document_id, "change", expected_version)
        if document.is_deleted:
            raise ValidationFailed({"document": [_("Restore the document before changing it.")]})
    checked = check_file(file)
    stored = _store(file)
    try:
        with action_context(channel=actor.channel), transaction.atomic():
            document, _record = _lock_document(actor, document_id, "change", expected_version)
            before = _payload(document)
            number = document.current_number + 1
            document.current_number = number
            document.kind = checked.kind.name
            document.content_type = checked.kind.content_type
            document.size = checked.size
            document.version += 1
            document.updated_by = actor.user
            document.updated_at = timezone.now()
            document.save()
            version = _new_version(document, checked, stored, actor, number)
            after = _payload(document)
            audit.record(
                document,
                "documents.document.version_added",
                actor,
                changes={k: (before.get(k), v) for k, v in after.items() if before.get(k) != v},
                data=_version_data(version),
            )
            events.emit(
                event_types.VERSION_ADDED,
                record_type="documents.document",
                record=document,
                payload={**after, "version": _version_data(version)},
                actor=actor,
            )
    except BaseException:
        documents_storage().delete(stored)
        raise
    return document


def document_update(
    *,
    actor: Actor,
    document_id: uuid.UUID,
    values: Mapping[str, Any],
    expected_version: int | None = None,
) -> Document:
    """Rename, move to another folder or describe a document."""
    unknown = sorted(k for k in values if k not in _EDITABLE)
    if unknown:
        raise ValidationFailed({k: [_("Unknown or read-only field.")] for k in unknown})
    cleaned: dict[str, str] = {}
    if "name" in values:
        cleaned["name"] = str(values["name"] or "").strip()
        if not cleaned["name"]:
            raise ValidationFailed({"name": [_("A document needs a name.")]})
        if len(cleaned["name"]) > 255:
            raise ValidationFailed({"name": [_("A name has at most 255 characters.")]})
    if "folder" in values:
        cleaned["folder"] = _clean_folder(str(values["folder"] or ""))
    if "description" in values:
        cleaned["description"] = str(values["description"] or "").strip()
    with action_context(channel=actor.channel), transaction.atomic():
        document, _record = _lock_document(actor, document_id, "change", expected_version)
        changes = {
            k: (getattr(document, k), v) for k, v in cleaned.items() if getattr(document, k) != v
        }
        if not changes:
            return document
        for field_name, (_before, value) in changes.items():
            setattr(document, field_name, value)
        document.version += 1
        document.updated_by = actor.user
        document.updated_at = timezone.now()
        document.save()
        if not document.is_deleted:
            search_index.index_record(document)
        audit.record(document, "documents.document.updated", actor, changes=changes)
        payload = _payload(document)
        payload["changed_fields"] = sorted(changes)
        events.emit(
            event_types.UPDATED,
            record_type="documents.document",
            record=document,
            payload=payload,
            actor=actor,
        )
    return document


def document_delete(
    *, actor: Actor, document_id: uuid.UUID, expected_version: int | None = None
) -> Document:
    """Move a document to the trash: hidden from lists, restorable until it is purged."""
    with action_context(channel=actor.channel), transaction.atomic():
        document, _record = _lock_document(actor, document_id, "delete", expected_version)
        if document.is_deleted:
            return document
        document.deleted_at = timezone.now()
        document.deleted_by = actor.user
        document.version += 1
        document.updated_by = actor.user
        document.updated_at = document.deleted_at
        document.save()
        search_index.remove_records(Document, [document.pk])
        audit.record(
            document,
            "documents.document.deleted",
            actor,
            changes={"deleted_at": (None, document.deleted_at)},
        )
        events.emit(
            event_types.DELETED,
            record_type="documents.document",
            record=document,
            payload=_payload(document),
            actor=actor,
        )
    return document


def document_restore(
    *, actor: Actor, document_id: uuid.UUID, expected_version: int | None = None
) -> Document:
    """Take a document out of the trash."""
    with action_context(channel=actor.channel), transaction.atomic():
        document, _record = _lock_document(actor, document_id, "delete", expected_version)
        if not document.is_deleted:
            return document
        before = document.deleted_at
        document.deleted_at = None
        document.deleted_by = None
        document.version += 1
        document.updated_by = actor.user
        document.updated_at = timezone.now()
        document.save()
        search_index.index_record(document)
        audit.record(
            document, "documents.document.restored", actor, changes={"deleted_at": (before, None)}
        )
        events.emit(
            event_types.RESTORED,
            record_type="documents.document",
            record=document,
            payload=_payload(document),
            actor=actor,
        )
    return document


def documents_purge(*, actor: Actor, older_than: datetime.timedelta) -> int:
    """Erase for good the documents in the trash for longer than ``older_than``, and those
    whose record no longer exists; their files leave the storage after the commit."""
    cutoff = timezone.now() - older_than
    purged = 0
    in_trash = Document.objects.filter(deleted_at__lte=cutoff)
    candidates = list(in_trash.values_list("pk", flat=True)) + _orphans()
    for document_id in candidates:
        with action_context(channel=actor.channel), transaction.atomic():
            document = Document.objects.select_for_update().filter(pk=document_id).first()
            if document is None:
                continue
            names = [
                name
                for pair in document.versions.values_list("storage_name", "preview_name")
                for name in pair
                if name
            ]
            payload = _payload(document)
            audit.record(document, "documents.document.purged", actor, data={"files": len(names)})
            events.emit(
                event_types.PURGED,
                record_type="documents.document",
                record=document,
                payload=payload,
                actor=actor,
            )
            search_index.remove_records(Document, [document.pk])
            references.forget_records(Document, [document.pk])
            document.delete()
            transaction.on_commit(partial(_delete_files, names))
            purged += 1
    return purged


def _orphans() -> list[uuid.UUID]:
    """Documents whose record was deleted (or whose record type is no longer installed)."""
    found: list[uuid.UUID] = []
    types = permissions.attachable_types()
    for record_type in Document.objects.values_list("record_type", flat=True).distinct():
        model = permissions.parent_model(record_type) if record_type in types else None
        documents = Document.objects.filter(record_type=record_type)
        if model is not None:
            documents = documents.exclude(record_id__in=model._default_manager.values("pk"))
        found += list(documents.values_list("pk", flat=True))
    return found


def _delete_files(names: list[str]) -> None:
    storage = documents_storage()
    for name in names:
        storage.delete(name)
