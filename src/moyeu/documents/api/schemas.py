"""Documents in and out of /api/v1/documents."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from ninja import Schema
from pydantic import Field

from moyeu.api.schemas import InputSchema, ListQuery, RecordOut


class DocumentVersionOut(Schema):
    number: int
    filename: str
    size: int = Field(description="Bytes.")
    kind: str = Field(description="The type read from the content: pdf, png, docx...")
    content_type: str
    sha256: str
    uploaded_by: uuid.UUID | None
    uploaded_at: datetime.datetime

    @staticmethod
    def resolve_uploaded_by(obj: Any) -> Any:
        return obj.uploaded_by_id


class DocumentOut(RecordOut):
    name: str
    folder: str
    description: str
    record_type: str = Field(description="The record's type, e.g. directory.contact.")
    record: uuid.UUID
    current_version: int
    kind: str
    content_type: str
    size: int
    deleted_at: datetime.datetime | None = Field(description="In the trash since; null: live.")
    deleted_by: uuid.UUID | None

    @staticmethod
    def resolve_record(obj: Any) -> Any:
        return obj.record_id

    @staticmethod
    def resolve_current_version(obj: Any) -> int:
        return int(obj.current_number)

    @staticmethod
    def resolve_deleted_by(obj: Any) -> Any:
        return obj.deleted_by_id


class DocumentDetailOut(DocumentOut):
    versions: list[DocumentVersionOut] = Field(description="Newest first.")

    @staticmethod
    def resolve_versions(obj: Any) -> list[Any]:
        return list(obj.versions.all())


class DocumentQuery(ListQuery):
    record: uuid.UUID | None = Field(default=None, description="Documents of this record.")
    record_type: str | None = Field(default=None, examples=["directory.contact"])
    folder: str | None = None
    type: str | None = Field(default=None, description="The kind: pdf, png, docx...")
    deleted: bool = Field(default=False, description="true: the trash instead of live ones.")


class DocumentUpload(InputSchema):
    record_type: str = Field(examples=["directory.contact"])
    record: uuid.UUID
    name: str | None = Field(default=None, description="Defaults to the file's name.")
    folder: str = ""
    description: str = ""


class DocumentPatch(InputSchema):
    name: str | None = None
    folder: str | None = None
    description: str | None = None
    not_null = frozenset({"name", "folder", "description"})
