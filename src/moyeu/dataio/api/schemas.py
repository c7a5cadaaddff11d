"""API schemas of imports and exports."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from moyeu.dataio.models import ExportJob, ImportJob


class FieldChoice(Schema):
    name: str
    label: str


class ImportOut(Schema):
    id: uuid.UUID
    record_type: str
    file_name: str
    file_size: int
    format: str
    encoding: str
    delimiter: str
    headers: list[str]
    mapping: dict[str, str] = Field(description="Column header -> field (suggested until set).")
    mode: str
    key: str
    options: dict[str, Any]
    status: str
    rows_done: int = Field(description="Data rows whose batch is committed (the checkpoint).")
    created: int
    updated: int
    skipped: int
    rejected: int
    reverted_rows: int
    error: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_rows_done(obj: ImportJob) -> int:
        return obj.checkpoint

    @staticmethod
    def resolve_created(obj: ImportJob) -> int:
        return obj.created_count

    @staticmethod
    def resolve_updated(obj: ImportJob) -> int:
        return obj.updated_count

    @staticmethod
    def resolve_skipped(obj: ImportJob) -> int:
        return obj.skipped_count

    @staticmethod
    def resolve_rejected(obj: ImportJob) -> int:
        return obj.rejected_count


class ImportDetail(ImportOut):
    fields: list[FieldChoice] = Field(description="Fields a column may be mapped to.")
    keys: list[str] = Field(description="Fields usable as the key of update and upsert.")


class MappingIn(Schema):
    mapping: dict[str, str]
    mode: Literal["create", "update", "upsert"] = "create"
    key: str = ""
    duplicates: Literal["skip", "fuzzy", "allow"] = "skip"


class DryRunIn(Schema):
    limit: int = Field(default=1000, ge=1, le=10_000)


class RowMessage(Schema):
    column: str
    message: str


class RowResultOut(Schema):
    row: int
    outcome: str
    record_id: uuid.UUID | None
    messages: list[RowMessage]


class DryRunOut(Schema):
    counts: dict[str, int]
    rows: list[RowResultOut]


class ExportIn(Schema):
    record_type: str = Field(examples=["directory.contact"])
    query: str = Field(default="", description="The list page's query string: q, filters, sort.")
    columns: list[str] = Field(default_factory=list, description="Empty: the default columns.")
    format: Literal["csv", "xlsx"] = "csv"


class ExportOut(Schema):
    id: uuid.UUID
    record_type: str
    query: str
    columns: list[str]
    format: str
    status: str
    progress_done: int
    progress_total: int | None
    error: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_status(obj: ExportJob) -> str:
        return obj.status
