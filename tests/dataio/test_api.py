"""/api/v1/imports and /api/v1/exports: the whole flow, problems, and access."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from moyeu.core.models import Job
from moyeu.dataio import exports, imports
from moyeu.directory.models import Contact
from tests.api.client import ApiClient
from tests.dataio.helpers import CONTACT_HEADER, contact_rows, csv_bytes
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def upload(client: ApiClient, data: bytes, name: str = "c.csv") -> tuple[int, dict]:  # type: ignore[type-arg]
    headers = {"Authorization": f"Bearer {client.secret}", "Accept-Language": "en"}
    response = client.client.post(
        "/api/v1/imports",
        {"record_type": "directory.contact", "file": SimpleUploadedFile(name, data)},
        headers=headers,
    )
    return response.status_code, response.json()


def test_import_flow(
    personas: Personas, clients: dict[str, ApiClient], django_capture_on_commit_callbacks: Any
) -> None:
    client = clients["owner"]
    status, body = upload(
        client, csv_bytes([CONTACT_HEADER, *contact_rows(3), ["X", "", "", "", ""]])
    )
    assert status == 201
    assert body["mapping"]["Nom"] == "last_name" and "email" in body["keys"]
    import_id = body["id"]
    answer = client.call(
        "POST", f"/imports/{import_id}/mapping", {"mapping": body["mapping"], "mode": "create"}
    )
    assert answer.status == 200 and answer.body["status"] == "mapped"
    answer = client.call("POST", f"/imports/{import_id}/dry-run", {"limit": 10})
    assert answer.body["counts"] == {"created": 3, "updated": 0, "skipped": 0, "rejected": 1}
    assert answer.body["rows"][3]["messages"][0]["column"] == "Nom"
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.call("POST", f"/imports/{import_id}/run")
    assert answer.status == 202 and answer.body["status"] == "queued"
    assert Job.objects.get().task_path == "moyeu.dataio.tasks.run_import"
    imports.import_process(answer.body["id"])
    answer = client.call("GET", f"/imports/{import_id}")
    assert (answer.body["status"], answer.body["created"], answer.body["rejected"]) == (
        "done",
        3,
        1,
    )
    errors = client.client.get(
        f"/api/v1/imports/{import_id}/errors.csv",
        headers={"Authorization": f"Bearer {client.secret}"},
    )
    assert (
        b"".join(errors.streaming_content)
        .decode("utf-8-sig")
        .splitlines()[1]
        .startswith("5,rejected,Nom,")
    )
    answer = client.call("POST", f"/imports/{import_id}/revert")
    assert answer.status == 202
    imports.import_revert_process(import_id)
    assert Contact.objects.count() == 0


def test_import_problems(personas: Personas, clients: dict[str, ApiClient]) -> None:
    status, body = upload(clients["owner"], b"%PDF", name="x.pdf")
    assert (status, body["code"], body["errors"][0]["field"]) == (
        422,
        "core.validation_failed",
        "file",
    )
    status, body = upload(clients["owner"], csv_bytes([CONTACT_HEADER]))
    answer = clients["teammate"].call("GET", f"/imports/{body['id']}")
    assert answer.status == 404
    answer = clients["owner"].call(
        "POST", f"/imports/{body['id']}/mapping", {"mapping": {"Nom": "bogus"}}
    )
    assert answer.status == 422 and answer.body["errors"][0]["field"] == "mapping.Nom"
    answer = clients["owner"].call("POST", f"/imports/{body['id']}/run")
    assert answer.status == 422


def test_export_flow(personas: Personas, clients: dict[str, ApiClient]) -> None:
    from moyeu.directory.services import contact_create

    contact_create(
        actor=personas.actor("owner"), values={"last_name": "Alpha", "email": "a@exemple.fr"}
    )
    client = clients["owner"]
    answer = client.call(
        "POST",
        "/exports",
        {"record_type": "directory.contact", "query": "q=alp", "columns": ["last_name"]},
    )
    assert answer.status == 202 and answer.body["status"] == "queued"
    export_id = answer.body["id"]
    exports.export_process(export_id)
    assert client.call("GET", f"/exports/{export_id}").body["progress_done"] == 1
    assert [e["id"] for e in client.call("GET", "/exports").body] == [export_id]
    download = client.client.get(
        f"/api/v1/exports/{export_id}/download",
        headers={"Authorization": f"Bearer {client.secret}"},
    )
    assert b"".join(download.streaming_content).decode("utf-8-sig").splitlines() == [
        "Name",
        "Alpha",
    ]
    assert clients["teammate"].call("GET", f"/exports/{export_id}").status == 404
    answer = client.call(
        "POST", "/exports", {"record_type": "directory.contact", "columns": ["nope"]}
    )
    assert answer.status == 422
    answer = client.call("POST", "/exports", {"record_type": "directory.contact"})
    assert client.call("POST", f"/exports/{answer.body['id']}/cancel").body["status"] == "cancelled"
