"""/api/v1/documents lists: filters, bad parameters, cursor pages, constant query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moyeu.documents.services import document_upload
from tests.api.client import ApiClient
from tests.documents.api import PATH, make
from tests.documents.files import pdf_bytes, uploaded
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_filters(
    clients: dict[str, ApiClient], personas: Personas, contact: Any, account: Any
) -> None:
    make(personas, contact, "badge.png", folder="Photos")
    make(personas, contact, "devis.pdf", content=pdf_bytes(), folder="Devis")
    document_upload(
        actor=personas.actor("owner"),
        record_type="directory.account",
        record_id=account.pk,
        file=uploaded("kbis.pdf", pdf_bytes()),
        folder="Devis",
    )
    cases = [
        ({"record": str(contact.pk)}, ["badge.png", "devis.pdf"]),
        ({"record_type": "directory.account"}, ["kbis.pdf"]),
        ({"folder": "Devis"}, ["devis.pdf", "kbis.pdf"]),
        ({"type": "pdf"}, ["devis.pdf", "kbis.pdf"]),
        ({"type": "png", "folder": "Devis"}, []),
        ({"q": "DEV"}, ["devis.pdf"]),
    ]
    for params, expected in cases:
        answer = clients["admin"].get(PATH, **params)
        assert answer.status == 200, (params, answer.body)
        assert sorted(item["name"] for item in answer.body["items"]) == expected, params


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ordering": "sha256"}, "ordering"),
        ({"cursor": "garbage"}, "cursor"),
        ({"limit": 0}, "limit"),
        ({"record": "not-a-uuid"}, "record"),
        ({"deleted": "maybe"}, "deleted"),
        ({"folderr": "x"}, "folderr"),
    ],
)
def test_bad_list_parameters_are_400_bad_filter(
    clients: dict[str, ApiClient], params: dict[str, Any], field: str
) -> None:
    answer = clients["owner"].get(PATH, **params)
    assert (answer.status, answer.code) == (400, "api.bad_filter")
    assert [e["field"] for e in answer.body["errors"]] == [field]


def test_cursor_pages_walk_every_document_once(
    clients: dict[str, ApiClient], personas: Personas, contact: Any
) -> None:
    made = [make(personas, contact, f"N{i:02}.png") for i in range(7)]
    seen: list[str] = []
    cursor: str | None = None
    for _page in range(4):
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        answer = clients["owner"].get(PATH, **params)
        seen += [item["id"] for item in answer.body["items"]]
        cursor = answer.body["next_cursor"]
        if cursor is None:
            break
    assert seen == [str(d.pk) for d in reversed(made)]
    by_name = clients["owner"].get(PATH, ordering="name", limit=2)
    assert [item["name"] for item in by_name.body["items"]] == ["N00.png", "N01.png"]


@pytest.mark.parametrize(("persona", "queries"), [("owner", 6), ("manager", 7), ("admin", 4)])
def test_a_list_page_costs_a_constant_number_of_queries(
    clients: dict[str, ApiClient], personas: Personas, contact: Any, persona: str, queries: int
) -> None:
    for i in range(26):
        make(personas, contact, f"Q{i:02}.png")
    clients[persona].get(PATH, limit=1)  # the token's first use writes last_used_at
    for limit in (5, 25):
        client = ApiClient(clients[persona].secret)
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(PATH, limit=limit)
        assert len(answer.body["items"]) == limit
        assert len(captured) == queries, [q["sql"] for q in captured]
