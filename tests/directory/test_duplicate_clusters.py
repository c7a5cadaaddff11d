"""Clusters of the review queue: connected open pairs, through the service, API and pages."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from moyeu.core.dedup import queue
from moyeu.core.models import DuplicateCandidate, DuplicateDismissal
from moyeu.directory.models import Contact
from moyeu.directory.services import contact_create
from tests.api.client import ApiClient, persona_clients
from tests.personas import Personas

pytestmark = pytest.mark.django_db

TYPE = "directory.contact"


def _contacts(personas: Personas, *names: str, persona: str = "manager") -> dict[str, Contact]:
    actor = personas.actor(persona)
    owner = personas.owner if persona == "manager" else getattr(personas, persona)
    return {
        name: contact_create(actor=actor, values={"last_name": name, "owner": owner})
        for name in names
    }


def _pair(a: Contact, b: Contact, score: float, status: str = "open") -> DuplicateCandidate:
    first, second = sorted((a.pk, b.pk))
    return DuplicateCandidate.objects.create(
        record_type=TYPE,
        first_id=first,
        second_id=second,
        score=score,
        level="certain" if score >= 0.9 else "possible",
        reasons=[{"field": "name", "score": score, "weight": 1.0, "detail": "same last name"}],
        status=status,
    )


def _distinct(a: Contact, b: Contact) -> tuple[uuid.UUID, uuid.UUID]:
    first, second = sorted((a.pk, b.pk))
    DuplicateDismissal.objects.create(record_type=TYPE, first_id=first, second_id=second)
    return first, second


@pytest.fixture
def queue_rows(personas: Personas) -> dict[str, Any]:
    """A~B (0.95), B~C (0.80) and A≠C said distinct; D~E (0.85); C~D dismissed (no link);
    F~G (0.70) where G belongs to the outsider's team, which the manager cannot see."""
    c = _contacts(personas, "A", "B", "C", "D", "E", "F")
    c.update(_contacts(personas, "G", persona="outsider"))
    pairs = {
        "AB": _pair(c["A"], c["B"], 0.95),
        "BC": _pair(c["B"], c["C"], 0.80),
        "DE": _pair(c["D"], c["E"], 0.85),
        "CD": _pair(c["C"], c["D"], 0.99, status="dismissed"),
        "FG": _pair(c["F"], c["G"], 0.70),
    }
    distinct = _distinct(c["A"], c["C"])
    _distinct(c["C"], c["D"])
    return {"contacts": c, "pairs": pairs, "distinct": distinct}


def _ids(*contacts: Contact) -> list[str]:
    return sorted(str(x.pk) for x in contacts)


def test_clusters_are_connected_open_pairs_best_first(
    personas: Personas, queue_rows: dict[str, Any]
) -> None:
    c, pairs = queue_rows["contacts"], queue_rows["pairs"]
    clusters = queue.fill_clusters(queue.visible_clusters(personas.actor("manager"), TYPE))
    assert [
        ([str(pk) for pk in cl.record_ids], cl.score, cl.level, [p.pk for p in cl.pairs])
        for cl in clusters
    ] == [
        (_ids(c["A"], c["B"], c["C"]), 0.95, "certain", [pairs["AB"].pk, pairs["BC"].pk]),
        (_ids(c["D"], c["E"]), 0.85, "possible", [pairs["DE"].pk]),
    ]
    assert clusters[0].id == min(c["A"].pk, c["B"].pk, c["C"].pk)
    assert clusters[0].distinct == [queue_rows["distinct"]]
    assert clusters[1].distinct == []
    admin = queue.visible_clusters(personas.actor("admin"), TYPE)
    assert [len(cl.record_ids) for cl in admin] == [3, 2, 2]
    assert queue.visible_clusters(personas.actor("outsider"), TYPE) == []


def test_api_pairs_carry_their_cluster_and_filter_by_it(
    personas: Personas, queue_rows: dict[str, Any]
) -> None:
    c, pairs = queue_rows["contacts"], queue_rows["pairs"]
    client = persona_clients(personas)["manager"]
    abc = str(min(c["A"].pk, c["B"].pk, c["C"].pk))
    listed = client.get("/duplicates?record_type=directory.contact")
    assert listed.status == 200
    assert [(item["id"], item["cluster"]) for item in listed.body["items"]] == [
        (pairs["AB"].pk, abc),
        (pairs["DE"].pk, str(min(c["D"].pk, c["E"].pk))),
        (pairs["BC"].pk, abc),
    ]
    one = client.get(f"/duplicates?cluster={abc}")
    assert [item["id"] for item in one.body["items"]] == [pairs["AB"].pk, pairs["BC"].pk]
    assert client.get(f"/duplicates?cluster={uuid.uuid4()}").body["items"] == []
    reviewed = client.get("/duplicates?status=dismissed")
    assert [(i["id"], i["cluster"]) for i in reviewed.body["items"]] == [(pairs["CD"].pk, None)]


def test_api_pairs_page_with_a_cursor(personas: Personas, queue_rows: dict[str, Any]) -> None:
    pairs = queue_rows["pairs"]
    client = persona_clients(personas)["manager"]
    first = client.get("/duplicates?limit=2")
    assert [i["id"] for i in first.body["items"]] == [pairs["AB"].pk, pairs["DE"].pk]
    second = client.get(f"/duplicates?limit=2&cursor={first.body['next_cursor']}")
    assert [i["id"] for i in second.body["items"]] == [pairs["BC"].pk]
    assert second.body["next_cursor"] is None
    broken = client.get("/duplicates?cursor=nonsense")
    assert (broken.status, broken.code) == (400, "api.bad_filter")
    assert broken.body["errors"][0]["field"] == "cursor"


def test_api_clusters_page_with_pairs_and_distinct_pairs(
    personas: Personas, queue_rows: dict[str, Any]
) -> None:
    c, pairs = queue_rows["contacts"], queue_rows["pairs"]
    clients: dict[str, ApiClient] = persona_clients(personas)
    first = clients["manager"].get("/duplicates/clusters?record_type=directory.contact&limit=1")
    assert first.status == 200
    (cluster,) = first.body["items"]
    assert cluster["record_ids"] == _ids(c["A"], c["B"], c["C"])
    assert (cluster["size"], cluster["score"], cluster["level"]) == (3, 0.95, "certain")
    assert [p["id"] for p in cluster["pairs"]] == [pairs["AB"].pk, pairs["BC"].pk]
    assert {p["cluster"] for p in cluster["pairs"]} == {cluster["id"]}
    assert cluster["distinct_pairs"] == [[str(pk) for pk in queue_rows["distinct"]]]
    second = clients["manager"].get(
        f"/duplicates/clusters?limit=1&cursor={first.body['next_cursor']}"
    )
    assert [item["record_ids"] for item in second.body["items"]] == [_ids(c["D"], c["E"])]
    assert second.body["next_cursor"] is None
    assert clients["outsider"].get("/duplicates/clusters").body["items"] == []
    bad = clients["manager"].get("/duplicates/clusters?limit=0")
    assert (bad.status, bad.code) == (400, "api.bad_filter")
    assert bad.body["errors"][0]["field"] == "limit"
    broken = clients["manager"].get("/duplicates/clusters?cursor=eyJvIjoiaWQifQ")
    assert (broken.status, broken.code) == (400, "api.bad_filter")


def _page_client(personas: Personas, name: str) -> Client:
    client = Client()
    client.force_login(getattr(personas, name))
    client.cookies["django_language"] = "en"
    return client


def test_cluster_view_lists_clusters_and_merges_one_whole(
    personas: Personas, queue_rows: dict[str, Any]
) -> None:
    c = queue_rows["contacts"]
    client = _page_client(personas, "manager")
    page = client.get("/directory/duplicates/?type=contact&view=clusters")
    assert page.status_code == 200
    text = page.content.decode()
    assert "3 records" in text and "2 records" in text
    assert "marked as not duplicates" in text
    ids = [c["A"].pk, c["B"].pk, c["C"].pk]
    url = "/directory/duplicates/merge/contact/?" + "&".join(f"ids={pk}" for pk in ids)
    assert url.replace("&", "&amp;") in text
    merge_page = client.get(url)
    assert merge_page.status_code == 200
    assert merge_page.content.decode().count('name="survivor"') == 3
    answer = client.post(
        url,
        {
            "survivor": str(c["B"].pk),
            "field_last_name": str(c["C"].pk),
            **{f"version_{pk}": "1" for pk in ids},
        },
    )
    assert answer.status_code == 302
    assert list(Contact.objects.filter(pk__in=ids).values_list("pk", "last_name")) == [
        (c["B"].pk, "C")
    ]
    assert DuplicateCandidate.objects.filter(status="open").count() == 2  # D~E and F~G
    # A record the user cannot see makes the page 404, like a pair's.
    hidden = f"/directory/duplicates/merge/contact/?ids={c['F'].pk}&ids={c['G'].pk}"
    assert client.get(hidden).status_code == 404
    assert (
        client.get("/directory/duplicates/merge/contact/?ids=" + str(c["D"].pk)).status_code == 404
    )
