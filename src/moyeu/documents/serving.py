"""Answering a stored file: as an attachment, or inline for previews of images and PDFs.

Every answer carries ``X-Content-Type-Options: nosniff`` and a Content-Security-Policy that
allows no script, so even a file that lied about its type can run nothing in the browser.
The file is streamed from the storage in blocks, never read whole into memory.
"""

from __future__ import annotations

import base64

from django.http import FileResponse

from moyeu.documents.content import KINDS
from moyeu.documents.models import DocumentVersion
from moyeu.documents.queries import open_file

ATTACHMENT_CSP = "default-src 'none'; sandbox"
# Inline previews may be framed by Moyeu's own pages; Chromium's PDF viewer needs object-src.
PREVIEW_CSP = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; "
    "frame-ancestors 'self'"
)
BLOCK = 64 * 1024


def can_preview_inline(kind: str) -> bool:
    found = KINDS.get(kind)
    return found is not None and (found.is_image or found.name == "pdf")


def _secure(response: FileResponse, *, inline: bool) -> FileResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PREVIEW_CSP if inline else ATTACHMENT_CSP
    response["Cache-Control"] = "private, no-cache"
    response["Referrer-Policy"] = "no-referrer"
    if inline:
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def file_response(version: DocumentVersion, *, inline: bool = False) -> FileResponse:
    """The version's file; ``inline`` only for the kinds a browser shows safely."""
    inline = inline and can_preview_inline(version.kind)
    response = FileResponse(
        open_file(version.storage_name),
        as_attachment=not inline,
        filename=version.filename,
        content_type=version.content_type,
    )
    response.block_size = BLOCK
    response["Content-Length"] = str(version.size)
    digest = base64.b64encode(bytes.fromhex(version.sha256)).decode()
    response["Repr-Digest"] = f"sha-256=:{digest}:"
    response["ETag"] = f'"{version.sha256}"'
    return _secure(response, inline=inline)


def thumbnail_response(name: str) -> FileResponse:
    response = FileResponse(open_file(name), content_type="image/png")
    response["Content-Disposition"] = 'inline; filename="preview.png"'
    return _secure(response, inline=True)
