"""What a file really is, read from its bytes; the name's extension must agree.

Magic numbers are read by ``puremagic``. ZIP containers (Office Open XML, OpenDocument) are
told apart by their members with the standard ``zipfile``; a file that matches no signature
and decodes as UTF-8 text is text. Everything else is refused by the allow-list.
"""

from __future__ import annotations

import contextlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

import puremagic
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

HEAD_BYTES = 8192


@dataclass(frozen=True)
class FileKind:
    name: str  # "pdf": what settings and filters use
    content_type: str
    extensions: tuple[str, ...]  # the first one is the canonical extension
    label: str | Promise  # shown to people: "PDF", "Word"
    is_image: bool = False


KINDS: dict[str, FileKind] = {
    kind.name: kind
    for kind in (
        FileKind("pdf", "application/pdf", (".pdf",), "PDF"),
        FileKind("png", "image/png", (".png",), "PNG", is_image=True),
        FileKind("jpeg", "image/jpeg", (".jpg", ".jpeg", ".jpe", ".jfif"), "JPEG", is_image=True),
        FileKind("gif", "image/gif", (".gif",), "GIF", is_image=True),
        FileKind("webp", "image/webp", (".webp",), "WebP", is_image=True),
        FileKind("txt", "text/plain", (".txt", ".text", ".md", ".log"), _("Text")),
        FileKind("csv", "text/csv", (".csv", ".tsv"), "CSV"),
        FileKind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
            "Word",
        ),
        FileKind(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
            "Excel",
        ),
        FileKind(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            (".pptx",),
            "PowerPoint",
        ),
        FileKind("odt", "application/vnd.oasis.opendocument.text", (".odt",), "OpenDocument"),
        FileKind(
            "ods", "application/vnd.oasis.opendocument.spreadsheet", (".ods",), "OpenDocument"
        ),
        FileKind(
            "odp", "application/vnd.oasis.opendocument.presentation", (".odp",), "OpenDocument"
        ),
        FileKind("zip", "application/zip", (".zip",), "ZIP"),
    )
}
_BY_MAGIC_TYPE = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
}
_MARKUP = {"text/html", "image/svg+xml", "application/xml", "text/xml", "application/xhtml+xml"}
_OOXML_PARTS = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))
_ODF_TYPES = {kind.content_type: kind.name for kind in KINDS.values() if kind.name[:2] == "od"}


@dataclass(frozen=True)
class Detected:
    """The kind found in the bytes (None: unknown), and what the signature said it was."""

    kind: FileKind | None
    description: str  # "image/svg+xml", "unknown binary data"


def _zip_kind(stream: IO[bytes]) -> str:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" in names:
                for prefix, kind in _OOXML_PARTS:
                    if any(name.startswith(prefix) for name in names):
                        return kind
            if "mimetype" in names:
                declared = archive.read("mimetype")[:128].decode("ascii", "replace").strip()
                if declared in _ODF_TYPES:
                    return _ODF_TYPES[declared]
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, ValueError):
        return ""
    return "zip"


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the end of the head is still text.
        return exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"
    return True


def detect(stream: IO[bytes], filename: str) -> Detected:
    """Read ``stream`` (seekable, rewound afterwards) and say what it holds."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    try:
        if not head:
            return Detected(None, "an empty file")
        if head.startswith(b"PK\x03\x04"):
            stream.seek(0)
            name = _zip_kind(stream)
            return Detected(KINDS.get(name), name or "a damaged ZIP archive")
        magic = ""
        with contextlib.suppress(puremagic.PureError, ValueError):
            matches = puremagic.magic_string(head)  # the bytes alone, not the name
            magic = matches[0].mime_type if matches else ""
        if magic in _BY_MAGIC_TYPE:
            return Detected(KINDS[_BY_MAGIC_TYPE[magic]], magic)
        if _is_text(head):
            # Markup (HTML, SVG, XML) could run script if a browser ever rendered it: refused.
            if magic in _MARKUP or head.lstrip()[:1] == b"<":
                return Detected(None, magic or "markup (HTML or XML)")
            is_csv = PurePath(filename).suffix.lower() in KINDS["csv"].extensions
            return Detected(KINDS["csv" if is_csv else "txt"], "text")
        return Detected(None, magic or "unknown binary data")
    finally:
        stream.seek(0)


def extension_of(filename: str) -> str:
    return PurePath(filename).suffix.lower()
