"""Thumbnails of images, made with Pillow on the first request and kept in the storage."""

from __future__ import annotations

import io
import logging

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from moyeu.documents.models import DocumentVersion
from moyeu.documents.storage import documents_storage, random_name

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE = (480, 480)
# Refuse images that would take more than this many pixels to decode (decompression bombs).
MAX_PIXELS = 50_000_000


def thumbnail_name(version: DocumentVersion) -> str:
    """The stored thumbnail of an image version (made now if missing); "" if it cannot be."""
    if version.preview_name:
        return version.preview_name
    storage = documents_storage()
    try:
        with storage.open(version.storage_name, "rb") as source:
            opened = Image.open(source)
            if opened.width * opened.height > MAX_PIXELS:
                return ""
            image: Image.Image = ImageOps.exif_transpose(opened)
            image.thumbnail(THUMBNAIL_SIZE)
            if image.mode not in ("RGB", "RGBA"):
                image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            out = io.BytesIO()
            image.save(out, "PNG", optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        logger.warning("no thumbnail for document version %s", version.pk)
        return ""
    name = storage.save(random_name(".thumb"), ContentFile(out.getvalue()))
    updated = DocumentVersion.objects.filter(pk=version.pk, preview_name="").update(
        preview_name=name
    )
    if not updated:  # another request made it meanwhile: keep theirs
        storage.delete(name)
        version.refresh_from_db(fields=["preview_name"])
        return version.preview_name
    version.preview_name = name
    return name
