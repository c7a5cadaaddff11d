"""The import and export pages: upload, mapping and dry run, run, progress, result, exports."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from moyeu.dataio import exports, imports
from moyeu.dataio.models import ExportJob, ImportJob
from moyeu.directory.models import Contact
from moyeu.directory.services import contact_create
from tests.dataio.helpers import CONTACT_HEADER, contact_rows, csv_bytes
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def client_for(personas: Personas, name: str) -> Client:
    client = Client()
    client.force_login(getattr(personas, name))
    client.cookies["django_language"] = "en"
    return client


def test_upload_map_dry_run_run_and_revert_through_the_pages(personas: Personas) -> None:
    client = client_for(personas, "owner")
    data = csv_bytes([CONTACT_HEADER, *contact_rows(3), ["X", "", "", "", ""]], delimiter=";")
    response = client.post(
        "/data/imports/",
        {"record_type": "directory.contact", "file": SimpleUploadedFile("c.csv", data)},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/data/imports/{job.pk}/"
    page = client.get(f"/data/imports/{job.pk}/").content.decode()
    assert '<option value="last_name" selected>' in page
    form = {f"map-{i}": job.mapping.get(h, "") for i, h in enumerate(job.headers)}
    client.post(
        f"/data/imports/{job.pk}/mapping/", {**form, "mode": "create", "duplicates": "skip"}
    )
    page = client.get(f"/data/imports/{job.pk}/").content.decode()
    assert "Dry run" in page and "This field cannot be blank." in page and "Run the import" in page
    client.post(f"/data/imports/{job.pk}/run/")
    progress = client.get(f"/data/imports/{job.pk}/progress/")
    assert progress.status_code == 200 and "HX-Refresh" not in progress
    imports.import_process(job.pk)
    assert client.get(f"/data/imports/{job.pk}/progress/")["HX-Refresh"] == "true"
    page = client.get(f"/data/imports/{job.pk}/").content.decode()
    assert "3 created, 0 updated, 0 skipped, 1 rejected" in page
    errors = b"".join(client.get(f"/data/imports/{job.pk}/errors.csv").streaming_content).decode()
    assert errors.splitlines()[1].startswith("5,rejected,Nom,This field cannot be blank.")
    client.post(f"/data/imports/{job.pk}/revert/")
    imports.import_revert_process(job.pk)
    assert Contact.objects.count() == 0


def test_someone_elses_import_is_not_found(personas: Personas) -> None:
    owner = client_for(personas, "owner")
    owner.post(
        "/data/imports/",
        {
            "record_type": "directory.contact",
            "file": SimpleUploadedFile("c.csv", csv_bytes([CONTACT_HEADER])),
        },
    )
    job = ImportJob.objects.get()
    assert client_for(personas, "teammate").get(f"/data/imports/{job.pk}/").status_code == 404


def test_bad_upload_shows_the_reason(personas: Personas) -> None:
    client = client_for(personas, "owner")
    response = client.post(
        "/data/imports/",
        {"record_type": "directory.contact", "file": SimpleUploadedFile("c.pdf", b"%PDF")},
        follow=True,
    )
    assert "Only CSV and XLSX files can be imported" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_export_button_exports_the_list_view_then_history_downloads(personas: Personas) -> None:
    actor = personas.actor("owner")
    contact_create(actor=actor, values={"last_name": "Alpha", "email": "a@exemple.fr"})
    contact_create(actor=actor, values={"last_name": "Beta", "email": "b@exemple.fr"})
    client = client_for(personas, "owner")
    page = client.get("/directory/contacts/?q=alpha").content.decode()
    assert 'action="/data/exports/new/"' in page and 'value="q=alpha"' in page
    client.post(
        "/data/exports/new/",
        {
            "record_type": "directory.contact",
            "query": "q=alpha",
            "columns": "last_name email",
            "format": "csv",
        },
    )
    job = ExportJob.objects.get()
    assert "Cancel" in client.get("/data/exports/").content.decode()
    exports.export_process(job.pk)
    assert "Download" in client.get("/data/exports/").content.decode()
    body = b"".join(client.get(f"/data/exports/{job.pk}/download/").streaming_content)
    assert body.decode("utf-8-sig").splitlines() == ["Name,E-mail", "Alpha,a@exemple.fr"]
    assert (
        client_for(personas, "teammate").get(f"/data/exports/{job.pk}/download/").status_code == 404
    )


def test_the_import_pages_speak_french(personas: Personas) -> None:
    client = client_for(personas, "owner")
    client.cookies["django_language"] = "fr"
    page = client.get("/data/imports/").content.decode()
    for text in ("Importer un fichier", "Déposer", "Aucun import pour l’instant.", "Fiches"):  # noqa: RUF001
        assert text in page
    data = csv_bytes([CONTACT_HEADER, *contact_rows(1), ["X", "", "", "", ""]])
    client.post(
        "/data/imports/",
        {"record_type": "directory.contact", "file": SimpleUploadedFile("c.csv", data)},
    )
    job = ImportJob.objects.get()
    page = client.get(f"/data/imports/{job.pk}/").content.decode()
    for text in (
        "Colonne du fichier",
        "— ignorer —",
        "Créer seulement",
        "Vérifier (essai à blanc)",
    ):
        assert text in page
    form = {f"map-{i}": job.mapping.get(h, "") for i, h in enumerate(job.headers)}
    client.post(f"/data/imports/{job.pk}/mapping/", {**form, "mode": "create"})
    page = client.get(f"/data/imports/{job.pk}/").content.decode()
    assert "1 créées, 0 mises à jour, 0 ignorées, 1 rejetées" in page
    assert "<td>Créée</td>" in page and "<td>Rejetée</td>" in page
