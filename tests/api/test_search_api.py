"""GET /api/v1/search: grouped results inside record access, problems for bad input."""

from __future__ import annotations

from typing import Any

import pytest

from moyeu.directory.services import account_create, contact_create
from tests.api.client import ApiClient
from tests.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(personas: Personas) -> dict[str, Any]:
    owner = personas.actor("owner")
    return {
        "jean": contact_create(
            actor=owner,
            values={"first_name": "Jean", "last_name": "Dupont", "email": "jd@exemple.fr"},
        ),
        "marc": contact_create(
            actor=personas.actor("outsider"), values={"first_name": "Marc", "last_name": "Dupond"}
        ),
        "account": account_create(actor=owner, values={"name": "Dupont Industries"}),
    }


def test_groups_by_kind_with_ids(clients: dict[str, ApiClient], records: dict[str, Any]) -> None:
    answer = clients["owner"].call("GET", "/search", params={"q": "DUP"})
    assert answer.status == 200
    assert answer.body == {
        "q": "DUP",
        "groups": [
            {
                "kind": "account",
                "record_type": "directory.account",
                "label": "accounts",
                "items": [
                    {
                        "id": str(records["account"].id),
                        "title": "Dupont Industries",
                        "detail": "",
                        "is_fuzzy": False,
                    }
                ],
                "has_more": False,
            },
            {
                "kind": "contact",
                "record_type": "directory.contact",
                "label": "contacts",
                "items": [
                    {
                        "id": str(records["jean"].id),
                        "title": "Jean Dupont",
                        "detail": "jd@exemple.fr",
                        "is_fuzzy": False,
                    }
                ],
                "has_more": False,
            },
        ],
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("owner", ["Jean Dupont"]),
        ("teammate", ["Jean Dupont"]),
        ("manager", ["Jean Dupont"]),
        ("outsider", ["Marc Dupond"]),
        ("admin", ["Marc Dupond", "Jean Dupont"]),
    ],
)
def test_access_per_persona(
    clients: dict[str, ApiClient], records: dict[str, Any], persona: str, expected: list[str]
) -> None:
    answer = clients[persona].call("GET", "/search", params={"q": "dup", "kinds": "contact"})
    assert answer.status == 200
    assert [[i["title"] for i in g["items"]] for g in answer.body["groups"]] == [expected]


def test_kinds_repeated_or_comma_separated_and_limit(
    clients: dict[str, ApiClient], records: dict[str, Any]
) -> None:
    admin = clients["admin"]
    both = admin.call("GET", "/search?q=dup&kinds=contact&kinds=account&limit=1")
    assert [(g["kind"], len(g["items"]), g["has_more"]) for g in both.body["groups"]] == [
        ("contact", 1, True),
        ("account", 1, False),
    ]
    comma = admin.call("GET", "/search?q=dup&kinds=account,contact&limit=1")
    assert [g["kind"] for g in comma.body["groups"]] == ["account", "contact"]


@pytest.mark.parametrize(
    ("query", "field", "detail"),
    [
        ("q=", "q", "Type something to search for."),
        ("q=%20%20", "q", "Type something to search for."),
        ("q=x", "q", "Type at least 2 letters or digits."),
        ("q=" + "x" * 201, "q", "A search has at most 200 characters."),
        (
            "q=dup&kinds=unicorn",
            "kinds",
            "Unknown kind: unicorn. Known kinds: account, activity, contact, document, "
            "opportunity, order, price_list, product, quote.",
        ),
    ],
)
def test_bad_input_is_a_problem(
    clients: dict[str, ApiClient], records: dict[str, Any], query: str, field: str, detail: str
) -> None:
    answer = clients["admin"].call("GET", f"/search?{query}")
    assert answer.status == 400
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert (answer.code, answer.body["detail"]) == ("api.bad_filter", detail)
    assert answer.body["errors"] == [{"field": field, "message": detail}]


def test_missing_q_and_bad_limit(clients: dict[str, ApiClient]) -> None:
    missing = clients["admin"].call("GET", "/search")
    assert (missing.status, missing.code) == (400, "api.bad_filter")
    assert [e["field"] for e in missing.body["errors"]] == ["q"]
    too_many = clients["admin"].call("GET", "/search?q=dup&limit=51")
    assert (too_many.status, too_many.code) == (400, "api.bad_filter")
    assert [e["field"] for e in too_many.body["errors"]] == ["limit"]


def test_anonymous_is_refused(anonymous: ApiClient, records: dict[str, Any]) -> None:
    answer = anonymous.call("GET", "/search?q=dup")
    assert (answer.status, answer.code) == (401, "api.unauthenticated")


@pytest.mark.django_db(transaction=True)
def test_administrators_rebuild_in_the_background(personas: Personas) -> None:
    from moyeu.core.jobs import claim
    from moyeu.core.jobs.runner import execute
    from moyeu.core.models import AuditEntry, Job, JobStatus, SearchEntry
    from tests.api.client import persona_clients

    clients = persona_clients(personas)
    contact_create(actor=personas.actor("owner"), values={"last_name": "Morel"})
    SearchEntry.objects.all().delete()
    refused = clients["owner"].call("POST", "/search/rebuild", {})
    assert (refused.status, refused.code) == (403, "core.permission_denied")
    unknown = clients["admin"].call("POST", "/search/rebuild", {"kinds": ["unicorn"]})
    assert (unknown.status, unknown.code) == (422, "core.validation_failed")
    assert not Job.objects.exists()

    answer = clients["admin"].call("POST", "/search/rebuild", {"kinds": ["contact"]})
    assert (answer.status, answer.body) == (202, {"status": "enqueued"})
    job = Job.objects.get()
    assert (job.task_path, job.args_kwargs) == (
        "moyeu.core.search.tasks.rebuild_search_index",
        {"args": [["contact"]], "kwargs": {}},
    )
    audit = AuditEntry.objects.get(code="core.search.rebuild_requested")
    assert audit.data == {"record_types": ["directory.contact"]}
    claimed = claim.claim_next("w1", ["default"], 60)
    assert claimed is not None
    assert execute(claimed, "w1") == JobStatus.SUCCESSFUL
    job.refresh_from_db()
    assert job.progress_done == 1
    assert list(SearchEntry.objects.values_list("title", flat=True)) == ["Morel"]
