"""The documents' pages: the panel on a record, a document's page, previews, the list."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from moyeu.documents.models import Document
from moyeu.documents.services import document_upload
from tests.documents.files import pdf_bytes, png_bytes, uploaded
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def signed_in(personas: Personas, name: str, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(getattr(personas, name))
    client.cookies["django_language"] = language
    return client


def panel_url(record: Any, record_type: str = "directory.contact") -> str:
    return f"/documents/panel/?record_type={record_type}&record={record.pk}"


def upload(personas: Personas, record: Any, name: str, content: bytes, **extra: Any) -> Document:
    return document_upload(
        actor=personas.actor("owner"),
        record_type="directory.contact",
        record_id=record.pk,
        file=uploaded(name, content),
        **extra,
    )


def test_the_contact_page_loads_the_documents_panel(personas: Personas, contact: Any) -> None:
    page = signed_in(personas, "teammate").get(f"/directory/contacts/{contact.pk}/")
    assert page.status_code == 200
    expected = f'hx-get="/documents/panel/?record_type=directory.contact&amp;record={contact.pk}"'
    assert expected in page.content.decode()


def test_the_panel_follows_the_record_s_access(personas: Personas, contact: Any) -> None:
    upload(personas, contact, "badge.png", png_bytes(), folder="Photos")
    owner = signed_in(personas, "owner").get(panel_url(contact)).content.decode()
    assert "badge.png" in owner and 'name="file"' in owner and ">Delete<" in owner
    teammate = signed_in(personas, "teammate").get(panel_url(contact)).content.decode()
    assert "badge.png" in teammate and 'name="file"' not in teammate and ">Delete<" not in teammate
    assert signed_in(personas, "outsider").get(panel_url(contact)).status_code == 404
    unknown = signed_in(personas, "owner").get(panel_url(contact, "directory.nothing"))
    assert unknown.status_code == 404
    anonymous = Client().get(panel_url(contact))
    assert (anonymous.status_code, anonymous["Location"].split("?")[0]) == (302, "/login/")


def test_the_panel_and_the_document_page_speak_french(personas: Personas, contact: Any) -> None:
    client = signed_in(personas, "owner", "fr")
    panel = client.get(panel_url(contact)).content.decode()
    assert "Aucun document pour l'instant." in panel
    assert "Déposez un fichier ici" in panel
    document = upload(personas, contact, "devis.pdf", pdf_bytes())
    page = client.get(f"/documents/{document.pk}/").content.decode()
    # "Size" of a file, not of a company ("Effectif" in the directory's catalogue).
    assert "<th>Taille</th>" in page and "Effectif" not in page
    assert "Déposer la nouvelle version" in page


def test_upload_from_the_panel_and_inline_errors(
    personas: Personas, contact: Any, settings: Any
) -> None:
    client = signed_in(personas, "owner")
    url = f"/documents/upload/?record_type=directory.contact&record={contact.pk}"
    done = client.post(url, {"file": uploaded("devis.pdf", pdf_bytes()), "folder": "Devis"})
    assert done.status_code == 200
    assert "devis.pdf attached." in done.content.decode()
    assert Document.objects.get().folder == "Devis"
    spoof = client.post(url, {"file": uploaded("photo.jpg", pdf_bytes())})
    assert (
        "The file&#x27;s name ends in .jpg but its content is PDF: rename it or upload the right "
        "file." in spoof.content.decode()
    )
    settings.MOYEU_DOCUMENTS_MAX_BYTES = 50
    big = client.post(url, {"file": uploaded("b.png", png_bytes())})
    assert "The file is larger than the limit of 50 B." in big.content.decode()
    assert Document.objects.count() == 1
    denied = signed_in(personas, "teammate").post(url, {"file": uploaded("c.png", png_bytes())})
    assert "You may not change the documents of this record." in denied.content.decode()
    unseen = signed_in(personas, "outsider").post(url, {"file": uploaded("c.png", png_bytes())})
    assert unseen.status_code == 404
    assert Document.objects.count() == 1


def test_delete_from_the_panel_then_undo(personas: Personas, contact: Any) -> None:
    document = upload(personas, contact, "badge.png", png_bytes())
    client = signed_in(personas, "owner")
    deleted = client.post(f"/documents/{document.pk}/delete/").content.decode()
    assert "badge.png moved to the trash." in deleted and ">Undo<" in deleted
    assert Document.objects.get().is_deleted
    assert (
        signed_in(personas, "teammate").post(f"/documents/{document.pk}/restore/").status_code
        == 200
    )
    assert Document.objects.get().is_deleted  # the teammate may not: nothing changed
    restored = client.post(f"/documents/{document.pk}/restore/").content.decode()
    assert "badge.png restored." in restored
    assert not Document.objects.get().is_deleted


def test_previews_are_inline_only_for_images_and_pdfs(personas: Personas, contact: Any) -> None:
    pdf = upload(personas, contact, "devis.pdf", pdf_bytes())
    text = upload(personas, contact, "notes.txt", b"Rappeler lundi.\n")
    client = signed_in(personas, "teammate")
    inline = client.get(f"/documents/{pdf.pk}/versions/1/inline/")
    assert inline.status_code == 200
    assert inline["Content-Disposition"] == 'inline; filename="devis.pdf"'
    assert inline["X-Frame-Options"] == "SAMEORIGIN"
    assert inline["X-Content-Type-Options"] == "nosniff"
    assert inline["Content-Security-Policy"] == (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; "
        "frame-ancestors 'self'"
    )
    assert client.get(f"/documents/{text.pk}/versions/1/inline/").status_code == 404
    assert client.get(f"/documents/{pdf.pk}/versions/1/thumbnail/").status_code == 404
    download = client.get(f"/documents/{text.pk}/download/")
    assert download["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert download["Content-Type"] == "text/plain"
    assert signed_in(personas, "outsider").get(f"/documents/{pdf.pk}/download/").status_code == 404


def test_thumbnail_of_an_image(personas: Personas, contact: Any) -> None:
    image = upload(personas, contact, "wide.png", png_bytes(960, 240))
    answer = signed_in(personas, "owner").get(f"/documents/{image.pk}/versions/1/thumbnail/")
    assert (answer.status_code, answer["Content-Type"]) == (200, "image/png")
    assert b"".join(answer.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"


def test_document_page_and_new_version(personas: Personas, contact: Any) -> None:
    document = upload(personas, contact, "devis.pdf", pdf_bytes())
    owner = signed_in(personas, "owner")
    page = owner.get(f"/documents/{document.pk}/").content.decode()
    assert "Alice Martin" in page and "Upload new version" in page and "<iframe" in page
    teammate = signed_in(personas, "teammate").get(f"/documents/{document.pk}/").content.decode()
    assert "Upload new version" not in teammate
    assert signed_in(personas, "outsider").get(f"/documents/{document.pk}/").status_code == 404
    stale = owner.post(
        f"/documents/{document.pk}/", {"file": uploaded("v2.pdf", pdf_bytes()), "version": "9"}
    )
    assert stale.status_code == 422
    assert "Someone uploaded a version meanwhile" in stale.content.decode()
    bad = owner.post(f"/documents/{document.pk}/", {"file": uploaded("v2.pdf", png_bytes())})
    assert bad.status_code == 422
    done = owner.post(
        f"/documents/{document.pk}/", {"file": uploaded("v2.pdf", pdf_bytes()), "version": "1"}
    )
    assert (done.status_code, done["Location"]) == (302, f"/documents/{document.pk}/")
    assert Document.objects.get().current_number == 2


def test_the_list_shows_only_what_the_user_sees_by_folder_and_trash(
    personas: Personas, contact: Any
) -> None:
    upload(personas, contact, "badge.png", png_bytes(), folder="Photos")
    devis = upload(personas, contact, "devis.pdf", pdf_bytes(), folder="Devis")
    client = signed_in(personas, "manager")
    page = client.get("/documents/").content.decode()
    assert "badge.png" in page and "devis.pdf" in page
    photos = client.get("/documents/", {"folder": "Photos"}).content.decode()
    assert "badge.png" in photos and "devis.pdf" not in photos
    pdfs = client.get("/documents/", {"type": "pdf"}).content.decode()
    assert "badge.png" not in pdfs and "devis.pdf" in pdfs
    outsider = signed_in(personas, "outsider").get("/documents/").content.decode()
    assert "badge.png" not in outsider and "No documents here yet." in outsider
    client.post(f"/documents/{devis.pk}/delete/", {"from": "page"})
    trash = client.get("/documents/", {"trash": "1"}).content.decode()
    assert "devis.pdf" in trash and "badge.png" not in trash


def test_list_pages_keep_the_filters(personas: Personas, contact: Any) -> None:
    for i in range(31):
        upload(personas, contact, f"scan-{i:02}.pdf", pdf_bytes(), folder="Scans")
    page = signed_in(personas, "owner").get("/documents/", {"folder": "Scans", "type": "pdf"})
    html = page.content.decode()
    assert 'href="?folder=Scans&amp;type=pdf&amp;page=2"' in html
    second = signed_in(personas, "owner").get("/documents/", {"folder": "Scans", "page": "2"})
    assert second.content.decode().count("scan-") == 1
