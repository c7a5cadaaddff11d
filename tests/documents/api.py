"""Shared pieces of the /api/v1/documents tests (tests/documents/test_api_*.py)."""

from __future__ import annotations

from typing import Any

from moyeu.documents.models import Document
from moyeu.documents.services import document_upload
from tests.documents.files import png_bytes, uploaded
from tests.personas import Personas

PATH = "/documents"


def upload_body(
    record: Any, name: str = "photo.png", content: bytes | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "record_type": "directory.contact",
        "record": str(record.pk),
        "file": uploaded(name, png_bytes() if content is None else content),
        **extra,
    }


def make(personas: Personas, record: Any, name: str = "photo.png", **values: Any) -> Document:
    return document_upload(
        actor=personas.actor("owner"),
        record_type="directory.contact",
        record_id=record.pk,
        file=uploaded(name, values.pop("content", png_bytes())),
        **values,
    )


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content)
