"""Demo documents: a quote (PDF) and a site photo (PNG) on some demo accounts.

The files are drawn with Pillow here, so the demo needs nothing from outside. A document is
created only when its record has none of that name yet, so loading twice adds nothing.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from moyeu.core.context import Actor
from moyeu.core.demo import DEMO_SYSTEM
from moyeu.documents import permissions
from moyeu.documents.models import Document
from moyeu.documents.services import document_upload

RECORD_TYPE = "directory.account"
ACCOUNTS = 4


def _quote(title: str) -> bytes:
    page = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, 595, 90), fill="#4f46e5")
    draw.text((40, 30), "DEVIS", fill="white", font=ImageFont.load_default(28))
    draw.text((40, 130), title, fill="#0f172a", font=ImageFont.load_default(18))
    for row in range(8):
        y = 190 + row * 36
        draw.line((40, y, 555, y), fill="#cbd5e1")
        draw.text((44, y + 8), f"Ligne {row + 1}", fill="#334155", font=ImageFont.load_default(14))
    out = io.BytesIO()
    page.save(out, "PDF", resolution=72)
    return out.getvalue()


def _photo(seed: int) -> bytes:
    image = Image.new("RGB", (640, 400), ("#0ea5e9", "#22c55e", "#f59e0b", "#ef4444")[seed % 4])
    draw = ImageDraw.Draw(image)
    draw.ellipse((220, 100, 420, 300), fill="white")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def load(actor: Actor) -> None:
    model = permissions.parent_model(RECORD_TYPE)
    if model is None:
        return
    accounts: list[Any] = list(
        model._default_manager.filter(external_id_links__system=DEMO_SYSTEM).order_by(
            "created_at", "id"
        )[:ACCOUNTS]
    )
    for index, account in enumerate(accounts):
        files = [
            ("Devis 2026.pdf", "Devis", _quote(str(account))),
            ("Visite du site.png", "Photos", _photo(index)),
        ]
        existing = set(
            Document.objects.filter(record_type=RECORD_TYPE, record_id=account.pk).values_list(
                "name", flat=True
            )
        )
        for name, folder, content in files:
            if name in existing:
                continue
            document_upload(
                actor=actor,
                record_type=RECORD_TYPE,
                record_id=account.pk,
                file=SimpleUploadedFile(name, content),
                folder=folder,
            )
