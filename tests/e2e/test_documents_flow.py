"""A sales rep attaches files to a contact: a refused spoof, a file dropped on the panel,
preview, new version, download of both versions, a PDF previewed in a frame, the list."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import pytest

from moyeu.directory.services import contact_create
from moyeu.documents.models import Document
from tests.documents.files import pdf_bytes, png_bytes
from tests.personas import PASSWORD, make_personas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("MOYEU_SCREENSHOTS", "")
DROP = """([name, data]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, {type: "image/png"}));
  const zone = document.querySelector("#documents-panel .dropzone");
  const options = {dataTransfer: transfer, bubbles: true, cancelable: true};
  zone.dispatchEvent(new DragEvent("dragover", options));
  zone.dispatchEvent(new DragEvent("drop", options));
}"""


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_upload_preview_new_version_and_download_on_a_contact(
    page: Any, tmp_path: Path, settings: Any
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "store")},
        },
    }
    personas = make_personas()
    contact = contact_create(
        actor=personas.actor("owner"), values={"first_name": "Alice", "last_name": "Martin"}
    )
    photo, spoof, second = tmp_path / "badge.png", tmp_path / "devis.pdf", tmp_path / "badge2.png"
    photo.write_bytes(png_bytes(320, 200, "seagreen"))
    spoof.write_bytes(png_bytes())  # a PNG named .pdf
    second.write_bytes(png_bytes(200, 320, "steelblue"))

    page.goto("/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url("**/")
    page.get_by_role("button", name="EN").click()
    page.goto(f"/directory/contacts/{contact.pk}/")
    panel = page.locator("#documents-panel")
    panel.get_by_text("No documents yet.").wait_for()

    panel.locator("input[type=file]").set_input_files(str(spoof))
    panel.get_by_role("button", name="Upload").click()
    error = page.locator("#documents-panel .errorlist")
    assert error.inner_text() == (
        "The file's name ends in .pdf but its content is PNG: rename it or upload the right file."
    )
    assert Document.objects.count() == 0

    # Dropped on the panel: the file goes into the form, which is sent at once.
    page.get_by_label("Folder").fill("Photos")
    page.evaluate(DROP, ["badge.png", base64.b64encode(photo.read_bytes()).decode()])
    assert page.locator("#documents-panel .documents-message").inner_text() == "badge.png attached."
    row = page.locator("#documents-panel .document-list li")
    assert row.count() == 1
    assert "Photos" in row.inner_text()
    thumb = row.locator("img.document-thumb")
    thumb.wait_for()
    page.wait_for_function("document.querySelector('img.document-thumb').naturalWidth > 0")
    shot(page, "contact-documents-panel")

    row.get_by_role("link", name="badge.png").click()
    assert page.locator("h1").inner_text() == "badge.png"
    preview = page.locator(".document-preview img")
    page.wait_for_function("document.querySelector('.document-preview img').naturalWidth === 320")
    assert preview.get_attribute("alt") == "badge.png"
    page.locator("#version-file").set_input_files(str(second))
    page.get_by_role("button", name="Upload new version").click()
    page.wait_for_function("document.querySelector('.document-preview img').naturalWidth === 200")
    versions = page.locator("table.versions tbody tr")
    assert versions.count() == 2
    assert versions.nth(0).inner_text().startswith("2")
    shot(page, "document-detail")

    with page.expect_download() as first_download:
        versions.nth(1).get_by_role("link", name="Download").click()
    assert Path(first_download.value.path()).read_bytes() == photo.read_bytes()
    assert first_download.value.suggested_filename == "badge.png"
    with page.expect_download() as current:
        page.locator(".page-header").get_by_role("link", name="Download").click()
    assert Path(current.value.path()).read_bytes() == second.read_bytes()
    document = Document.objects.get()
    assert (document.current_number, document.version, document.folder) == (2, 2, "Photos")

    # A PDF on the same contact is previewed in a frame from the access-checked view.
    pdf = tmp_path / "devis.pdf"
    pdf.write_bytes(pdf_bytes())
    page.goto(f"/directory/contacts/{contact.pk}/")
    page.locator("#documents-panel input[type=file]").set_input_files(str(pdf))
    page.get_by_label("Folder").fill("Devis")
    page.locator("#documents-panel").get_by_role("button", name="Upload").click()
    page.locator("#documents-panel").get_by_role("link", name="devis.pdf").click()
    frame = page.locator(".document-preview iframe")
    assert frame.get_attribute("src") == (
        f"/documents/{Document.objects.get(name='devis.pdf').pk}/versions/1/inline/"
    )
    page.goto("/documents/")
    shot(page, "documents-list")
    assert page.locator("table.data tbody tr").count() == 2
    page.get_by_role("navigation", name="Folders").get_by_role("link", name="Devis 1").click()
    assert page.locator("table.data tbody tr").count() == 1
