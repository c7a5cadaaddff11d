"""Documents on the record timeline: uploads and new versions, per viewer, newest first."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from moyeu.activities.models import Activity
from moyeu.activities.services import activity_create
from moyeu.directory.services import account_create, contact_create
from moyeu.documents.models import Document, DocumentVersion
from moyeu.documents.services import document_add_version, document_delete, document_upload
from tests.api.client import ApiClient, persona_clients, token_for
from tests.documents.files import pdf_bytes, png_bytes, uploaded
from tests.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(personas: Personas) -> dict[str, ApiClient]:
    return persona_clients(personas)


def _at(day: int) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, 10, tzinfo=datetime.UTC)


def _upload(personas: Personas, who: str, record: Any, filename: str, day: int) -> Document:
    document = document_upload(
        actor=personas.actor(who),
        record_type=record._meta.label_lower,
        record_id=record.pk,
        file=uploaded(filename, pdf_bytes() if filename.endswith(".pdf") else png_bytes()),
    )
    DocumentVersion.objects.filter(document=document, number=1).update(uploaded_at=_at(day))
    return document


def _new_version(personas: Personas, document: Document, filename: str, day: int) -> None:
    document_add_version(
        actor=personas.actor("owner"), document_id=document.pk, file=uploaded(filename, pdf_bytes())
    )
    DocumentVersion.objects.filter(document=document, number=document.current_number + 1).update(
        uploaded_at=_at(day)
    )


def _rows(answer: Any) -> list[tuple[str, str, str]]:
    assert answer.status == 200, answer.body
    return [(i["kind"], i["title"], i["record"]) for i in answer.body["items"]]


def test_uploads_and_new_versions_are_items_newest_first(
    clients: dict[str, ApiClient], personas: Personas
) -> None:
    contact = contact_create(actor=personas.actor("owner"), values={"last_name": "Martin"})
    ref = f"directory.contact:{contact.pk}"
    contract = _upload(personas, "owner", contact, "contrat.pdf", 2)
    _upload(personas, "owner", contact, "badge.png", 3)
    _new_version(personas, contract, "contrat-signe.pdf", 5)
    answer = clients["owner"].get("/timeline", record=ref, kind="document")
    assert _rows(answer) == [
        ("document", "New version of contrat.pdf (version 2)", ref),
        ("document", "Document uploaded: badge.png", ref),
        ("document", "Document uploaded: contrat.pdf", ref),
    ]
    first = answer.body["items"][0]
    version = DocumentVersion.objects.get(document=contract, number=2)
    assert (first["id"], first["occurred_at"], first["source"], first["actor_label"]) == (
        str(version.pk),
        "2026-11-05T10:00:00Z",
        "documents.documentversion",
        "Owner",
    )
    assert (first["summary"], version.size) == ("contrat-signe.pdf · 1.5 KB", 1564)
    assert first["data"] == {
        "document_id": str(contract.pk),
        "number": 2,
        "filename": "contrat-signe.pdf",
        "size": version.size,
        "content_type": "application/pdf",
        "url": f"/documents/{contract.pk}/",
    }


def test_documents_merge_with_activities_and_pages_walk_every_item_once(
    clients: dict[str, ApiClient], personas: Personas
) -> None:
    contact = contact_create(actor=personas.actor("owner"), values={"last_name": "Martin"})
    ref = f"directory.contact:{contact.pk}"
    for day in (1, 4, 6):
        activity_create(
            actor=personas.actor("owner"),
            values={
                "kind": "call",
                "subject": f"Appel {day}",
                "occurred_at": _at(day).isoformat(),
                "links": [ref],
            },
        )
    devis = _upload(personas, "owner", contact, "devis.pdf", 2)
    _new_version(personas, devis, "devis-v2.pdf", 6)  # same moment as "Appel 6"
    _upload(personas, "owner", contact, "plan.png", 5)
    seen: list[str] = []
    cursor = None
    for _page in range(6):
        params: dict[str, Any] = {"record": ref, "kind": ["call", "document"], "limit": 2}
        if cursor:
            params["cursor"] = cursor
        answer = clients["owner"].get("/timeline", **params)
        assert answer.status == 200, answer.body
        seen += [item["title"] for item in answer.body["items"]]
        cursor = answer.body["next_cursor"]
        if cursor is None:
            break
    version_2 = DocumentVersion.objects.get(document=devis, number=2)
    # At the same moment, the larger id (the later UUIDv7) comes first.
    tied = ["New version of devis.pdf (version 2)", "Appel 6"]
    if Activity.objects.get(subject="Appel 6").pk > version_2.pk:
        tied.reverse()
    assert seen == [
        *tied,
        "Document uploaded: plan.png",
        "Appel 4",
        "Document uploaded: devis.pdf",
        "Appel 1",
    ]


def test_an_account_shows_its_visible_contacts_documents_only(
    clients: dict[str, ApiClient], personas: Personas
) -> None:
    owner = personas.actor("owner")
    account = account_create(actor=owner, values={"name": "Boulangerie Martin"})
    jeanne = contact_create(actor=owner, values={"last_name": "Martin", "account": account.pk})
    # The administrator's contact (no team) on the same account: the reps cannot see it.
    secret = contact_create(
        actor=personas.actor("admin"), values={"last_name": "Secret", "account": account.pk}
    )
    elsewhere = contact_create(actor=owner, values={"last_name": "Ailleurs"})
    account_ref = f"directory.account:{account.pk}"
    jeanne_ref = f"directory.contact:{jeanne.pk}"
    _upload(personas, "owner", account, "kbis.pdf", 1)
    _upload(personas, "owner", jeanne, "carte.png", 2)
    _upload(personas, "admin", secret, "confidentiel.pdf", 3)
    _upload(personas, "owner", elsewhere, "autre.pdf", 4)
    trashed = _upload(personas, "owner", account, "brouillon.pdf", 5)
    document_delete(actor=owner, document_id=trashed.pk)
    for persona in ("owner", "teammate", "manager"):
        answer = clients[persona].get("/timeline", record=account_ref, kind="document")
        assert _rows(answer) == [
            ("document", "Document uploaded: carte.png", jeanne_ref),
            ("document", "Document uploaded: kbis.pdf", account_ref),
        ], persona
    admin = clients["admin"].get("/timeline", record=account_ref, kind="document")
    assert [row[1] for row in _rows(admin)] == [
        "Document uploaded: confidentiel.pdf",
        "Document uploaded: carte.png",
        "Document uploaded: kbis.pdf",
    ]
    hidden = clients["outsider"].get("/timeline", record=account_ref, kind="document")
    assert (hidden.status, hidden.code) == (404, "core.not_found")


def test_a_token_without_the_documents_scope_sees_no_document_item(
    personas: Personas,
) -> None:
    contact = contact_create(actor=personas.actor("owner"), values={"last_name": "Martin"})
    ref = f"directory.contact:{contact.pk}"
    _upload(personas, "owner", contact, "contrat.pdf", 2)
    directory_only = ApiClient(token_for(personas.owner, ("directory:*",)))
    assert directory_only.get("/timeline", record=ref, kind="document").body["items"] == []
    with_documents = ApiClient(token_for(personas.owner, ("directory:*", "documents:view")))
    assert _rows(with_documents.get("/timeline", record=ref, kind="document")) == [
        ("document", "Document uploaded: contrat.pdf", ref)
    ]


@pytest.fixture
def login(personas: Personas) -> Callable[..., Client]:
    def make(name: str, language: str = "en") -> Client:
        client = Client()
        client.force_login(getattr(personas, name))
        client.cookies["django_language"] = language
        return client

    return make


@pytest.mark.parametrize(
    ("language", "uploaded_title", "version_title", "by"),
    [
        ("en", "Document uploaded: contrat.pdf", "New version of contrat.pdf (version 2)", "by"),
        (
            "fr",
            "Document déposé : contrat.pdf",
            "Nouvelle version de contrat.pdf (version 2)",
            "par",
        ),
    ],
)
def test_the_timeline_panel_links_each_item_to_its_document(
    login: Callable[..., Client],
    personas: Personas,
    language: str,
    uploaded_title: str,
    version_title: str,
    by: str,
) -> None:
    contact = contact_create(actor=personas.actor("owner"), values={"last_name": "Martin"})
    contract = _upload(personas, "owner", contact, "contrat.pdf", 2)
    _new_version(personas, contract, "contrat-signe.pdf", 3)
    page = login("owner", language).get(
        "/activities/timeline/", {"record": f"directory.contact:{contact.pk}", "kind": "document"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    link = f'<a href="/documents/{contract.pk}/">'
    assert html.count(link) == 2
    assert html.index(f"{link}{version_title}</a>") < html.index(f"{link}{uploaded_title}</a>")
    assert f"{by} Owner" in html and "contrat-signe.pdf · " in html
    assert '<span class="icon kind-document" aria-hidden="true">v2</span>' in html
