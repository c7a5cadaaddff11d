"""/documents: list, detail, multipart upload, new version, download, rename, delete, restore."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from moyeu.api.auth import actor_of
from moyeu.api.filters import FilterSet
from moyeu.api.idempotency import idempotent_multipart
from moyeu.api.pagination import Ordering, paginate
from moyeu.api.problems import ApiProblem, problem_response
from moyeu.api.resources import IF_MATCH, expected_version, set_etag
from moyeu.api.schemas import Page
from moyeu.documents import queries, services, serving
from moyeu.documents.api import schemas as s
from moyeu.documents.models import Document

router = Router(tags=["documents"])
FILTERS = FilterSet(
    Document,
    {"record": "record_id", "record_type": "record_type", "folder": "folder", "type": "kind"},
)
ORDERINGS = ("id", "created_at", "updated_at", "name", "size")
# Multipart framing around the file: the body may exceed the file by this much.
FRAMING_BYTES = 64 * 1024
BINARY = {
    "responses": {
        "200": {
            "description": "The file, as an attachment.",
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    }
}


def _refuse_oversize(run: Callable[..., Any]) -> Callable[..., Any]:
    """413 before the body is read when its declared length is over the limit already."""

    def run_limited(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = services.max_bytes()
        if length > limit + FRAMING_BYTES:
            message = _("The file is larger than the limit of %(limit)s.") % {
                "limit": services.human_size(limit)
            }
            return problem_response(
                413, services.FileTooLarge.code, message, errors=[("file", message)]
            )
        return run(request, *args, **kwargs)

    return run_limited


def _refuse_unknown_fields(request: HttpRequest, known: set[str]) -> None:
    """A form field the endpoint does not know is refused, as in JSON bodies."""
    unknown = sorted(name for name in [*request.POST, *request.FILES] if name not in known)
    if unknown:
        raise ApiProblem(
            422,
            "api.unknown_field",
            "Unknown field.",
            errors=[(name, "Unknown field.") for name in unknown],
        )


def _detail(document: Document, response: HttpResponse) -> Document:
    set_etag(response, document)
    return document


@router.get("", response=Page[s.DocumentOut])
def list_documents(request: HttpRequest, query: Query[s.DocumentQuery]) -> Any:
    """The documents of the records you see; `?deleted=true` lists the trash."""
    actor = actor_of(request)
    documents = queries.visible(actor)
    documents = documents.in_trash() if query.deleted else documents.live()
    documents = FILTERS.apply(request, documents, query).prefetch_related(
        "tags", "external_id_links"
    )
    ordering = Ordering.parse(query.ordering, ORDERINGS)
    items, next_cursor = paginate(
        documents, ordering=ordering, cursor=query.cursor, limit=query.limit
    )
    return {"items": items, "next_cursor": next_cursor}


@router.post("", response={201: s.DocumentDetailOut})
@decorate_view(_refuse_oversize)
@idempotent_multipart
def upload_document(
    request: HttpRequest,
    response: HttpResponse,
    payload: Form[s.DocumentUpload],
    file: File[UploadedFile],
) -> Any:
    """Attach a file to a record (multipart/form-data): the document's version 1.

    413 `documents.file_too_large` over the size limit; 422 `core.validation_failed` naming
    `file` when its content is not an accepted type or its name's extension disagrees.
    """
    _refuse_unknown_fields(request, {*s.DocumentUpload.model_fields, "file"})
    document = services.document_upload(
        actor=actor_of(request),
        record_type=payload.record_type,
        record_id=payload.record,
        file=file,
        name=payload.name,
        folder=payload.folder,
        description=payload.description,
    )
    response["Location"] = f"{request.path.rstrip('/')}/{document.pk}"
    return Status(201, _detail(document, response))


@router.get("/{document_id}", response=s.DocumentDetailOut)
def get_document(request: HttpRequest, response: HttpResponse, document_id: uuid.UUID) -> Any:
    document = queries.get(actor_of(request), document_id)
    if request.headers.get("If-None-Match", "").strip() in {document.etag, f"W/{document.etag}"}:
        not_modified = HttpResponse(status=304)
        set_etag(not_modified, document)
        return not_modified
    return _detail(document, response)


@router.patch("/{document_id}", response=s.DocumentDetailOut, openapi_extra=IF_MATCH)
def update_document(
    request: HttpRequest, response: HttpResponse, document_id: uuid.UUID, payload: s.DocumentPatch
) -> Any:
    """Rename, move to a folder, describe."""
    document = services.document_update(
        actor=actor_of(request),
        document_id=document_id,
        values=payload.model_dump(exclude_unset=True),
        expected_version=expected_version(request),
    )
    return _detail(document, response)


@router.delete("/{document_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_document(request: HttpRequest, document_id: uuid.UUID) -> Any:
    """Move to the trash (restorable with POST /documents/{id}/restore until purged)."""
    services.document_delete(
        actor=actor_of(request),
        document_id=document_id,
        expected_version=expected_version(request),
    )
    return Status(204, None)


@router.post("/{document_id}/restore", response=s.DocumentDetailOut, openapi_extra=IF_MATCH)
def restore_document(request: HttpRequest, response: HttpResponse, document_id: uuid.UUID) -> Any:
    document = services.document_restore(
        actor=actor_of(request),
        document_id=document_id,
        expected_version=expected_version(request),
    )
    return _detail(document, response)


@router.post("/{document_id}/versions", response={201: s.DocumentDetailOut})
@decorate_view(_refuse_oversize)
@idempotent_multipart
def add_document_version(
    request: HttpRequest,
    response: HttpResponse,
    document_id: uuid.UUID,
    file: File[UploadedFile],
) -> Any:
    """Upload a new version (multipart `file`); `If-Match` guards against a concurrent one."""
    _refuse_unknown_fields(request, {"file"})
    document = services.document_add_version(
        actor=actor_of(request),
        document_id=document_id,
        file=file,
        expected_version=expected_version(request),
    )
    return Status(201, _detail(document, response))


@router.get("/{document_id}/versions", response=list[s.DocumentVersionOut])
def list_document_versions(request: HttpRequest, document_id: uuid.UUID) -> Any:
    """Every version, newest first."""
    return queries.versions(queries.get(actor_of(request), document_id))


@router.get("/{document_id}/download", response={200: None}, openapi_extra=BINARY)
def download_document(request: HttpRequest, document_id: uuid.UUID) -> Any:
    """The current version's file (`Content-Disposition: attachment`, `Repr-Digest`)."""
    _document, version = queries.get_version(actor_of(request), document_id)
    return serving.file_response(version)


@router.get("/{document_id}/versions/{number}/download", response={200: None}, openapi_extra=BINARY)
def download_document_version(request: HttpRequest, document_id: uuid.UUID, number: int) -> Any:
    _document, version = queries.get_version(actor_of(request), document_id, number)
    return serving.file_response(version)


routers: list[tuple[str, Router]] = [("/documents", router)]
