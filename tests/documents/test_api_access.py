"""/api/v1/documents: the personas' access matrix (no side effect on denial), documents
following their record, token scopes, no credentials.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from moyeu.documents.models import Document
from tests.api.client import ApiClient, token_for
from tests.api.harness import ACCESS_MATRIX, side_effects
from tests.documents.api import PATH, make, upload_body
from tests.documents.conftest import stored_files
from tests.documents.files import png_bytes, uploaded
from tests.personas import Personas

pytestmark = pytest.mark.django_db


# Documents follow their record: the contact here is the owner's, in team Ventes Nord. An
# outsider does not see the contact, so for them even an upload onto it is "not found".
MATRIX = {
    persona: {**row, "create": 404 if persona == "outsider" else row["create"]}
    for persona, row in ACCESS_MATRIX.items()
}
CASES = [(p, a) for p, row in MATRIX.items() for a in row]


@pytest.mark.parametrize(("persona", "action"), CASES)
def test_access_matrix(
    clients: dict[str, ApiClient],
    personas: Personas,
    contact: Any,
    documents_folder: Path,
    persona: str,
    action: str,
) -> None:
    document = make(personas, contact)
    expected = MATRIX[persona][action]
    client, url = clients[persona], f"{PATH}/{document.pk}"
    before = (side_effects(), Document.objects.count(), document.version)
    files_before = stored_files(documents_folder)
    if action == "list":
        listed = [item["id"] for item in client.get(PATH).body["items"]]
        assert (str(document.pk) in listed) is expected
        by_record = client.get(PATH, record=str(contact.pk)).body["items"]
        assert bool(by_record) is expected
        return
    calls = {
        "detail": lambda: client.get(url),
        "create": lambda: client.multipart(PATH, upload_body(contact)),
        "change": lambda: client.patch(url, {"folder": "Archive"}),
        "delete": lambda: client.delete(url),
    }
    answer = calls[action]()
    assert answer.status == expected, answer.body
    if expected >= 400:
        codes = {403: "core.permission_denied", 404: "core.not_found"}
        assert answer.code == codes[expected]
        current = Document.objects.get(pk=document.pk)
        assert (side_effects(), Document.objects.count(), current.version) == before
        assert stored_files(documents_folder) == files_before
    if action == "detail":
        download = client.download(f"{url}/download")
        assert download.status_code == expected
        new_version = client.multipart(f"{url}/versions", {"file": uploaded("p.png", png_bytes())})
        assert new_version.status == {200: 201}.get(
            MATRIX[persona]["change"], MATRIX[persona]["change"]
        )


def test_documents_follow_the_account_too(
    clients: dict[str, ApiClient], personas: Personas, account: Any
) -> None:
    answer = clients["owner"].multipart(
        PATH,
        {
            "record_type": "directory.account",
            "record": str(account.pk),
            "file": uploaded("k.png", png_bytes()),
        },
    )
    assert answer.status == 201
    assert clients["teammate"].get(f"{PATH}/{answer.body['id']}").status == 200
    assert clients["outsider"].get(f"{PATH}/{answer.body['id']}").status == 404


def test_a_token_needs_a_documents_scope(personas: Personas, contact: Any) -> None:
    document = make(personas, contact)
    directory_only = ApiClient(token_for(personas.owner, ("directory:*",)))
    assert directory_only.get(PATH).body["items"] == []
    assert directory_only.get(f"{PATH}/{document.pk}").status == 404
    read_only = ApiClient(token_for(personas.owner, ("directory:*", "documents:view")))
    assert read_only.get(f"{PATH}/{document.pk}").status == 200
    refused = read_only.multipart(PATH, upload_body(contact))
    assert (refused.status, refused.code) == (403, "core.permission_denied")


def test_no_credentials_is_401(personas: Personas, contact: Any) -> None:
    anonymous = ApiClient()
    answer = anonymous.get(PATH)
    assert (answer.status, answer.code) == (401, "api.unauthenticated")
    upload = anonymous.multipart(PATH, upload_body(contact))
    assert (upload.status, Document.objects.count()) == (401, 0)
