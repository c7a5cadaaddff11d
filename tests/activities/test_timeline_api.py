"""GET /timeline: a record's activities and changes, newest first, per viewer."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from moyeu.activities.services import activity_create
from moyeu.directory.services import account_create, contact_create, contact_update
from tests.api.client import ApiClient
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _at(day: int, hour: int = 10) -> str:
    return datetime.datetime(2026, 11, day, hour, tzinfo=datetime.UTC).isoformat()


def _log(personas: Personas, who: str, ref: str, subject: str, day: int, **values: Any) -> Any:
    values.setdefault("kind", "call")
    return activity_create(
        actor=personas.actor(who),
        values={"subject": subject, "occurred_at": _at(day), "links": [ref], **values},
    )


@pytest.fixture
def contact(personas: Personas) -> Any:
    return contact_create(actor=personas.actor("owner"), values={"last_name": "Martin"})


def _titles(answer: Any) -> list[tuple[str, str]]:
    return [(item["kind"], item["title"]) for item in answer.body["items"]]


def test_a_contact_timeline_merges_activities_and_changes_newest_first(
    clients: dict[str, ApiClient], personas: Personas, contact: Any
) -> None:
    ref = f"directory.contact:{contact.pk}"
    _log(
        personas,
        "owner",
        ref,
        "Premier appel",
        2,
        direction="outbound",
        outcome="connected",
        duration_seconds=95,
    )
    _log(personas, "owner", ref, "Compte rendu", 4, kind="note", body="<p>Très <b>bien</b></p>")
    contact_update(
        actor=personas.actor("owner"), contact_id=contact.pk, values={"job_title": "DAF"}
    )
    answer = clients["owner"].get("/timeline", record=ref)
    assert answer.status == 200, answer.body
    # The contact was created and changed today, after the activities' dates in November.
    assert _titles(answer) == [
        ("change", "Changed: job_title"),
        ("change", "Created"),
        ("note", "Compte rendu"),
        ("call", "Premier appel"),
    ]
    note = answer.body["items"][2]
    assert (note["summary"], note["record"], note["source"], note["actor_label"]) == (
        "Très bien",
        ref,
        "activities.activity",
        "Owner",
    )
    assert answer.body["items"][0]["data"]["changes"] == {"job_title": ["", "DAF"]}
    only_calls = clients["owner"].get("/timeline", record=str(contact.pk), kind="call")
    assert _titles(only_calls) == [("call", "Premier appel")]
    assert only_calls.body["items"][0]["summary"] == "Outbound · Connected · 1 min 35 s"


def test_cursor_pages_walk_every_item_once(
    clients: dict[str, ApiClient], personas: Personas, contact: Any
) -> None:
    ref = f"directory.contact:{contact.pk}"
    for day in range(1, 8):
        _log(personas, "owner", ref, f"Appel {day}", day)
    # Two at the same moment: the id breaks the tie.
    _log(personas, "owner", ref, "Appel 7 bis", 7)
    seen: list[str] = []
    cursor = None
    for _page in range(5):
        params: dict[str, Any] = {"record": ref, "kind": "call", "limit": 3}
        if cursor:
            params["cursor"] = cursor
        answer = clients["owner"].get("/timeline", **params)
        seen += [item["title"] for item in answer.body["items"]]
        cursor = answer.body["next_cursor"]
        if cursor is None:
            break
    assert seen == ["Appel 7 bis", "Appel 7", *[f"Appel {d}" for d in range(6, 0, -1)]]


def test_each_item_is_shown_only_to_whoever_may_see_it(
    clients: dict[str, ApiClient], personas: Personas, contact: Any
) -> None:
    ref = f"directory.contact:{contact.pk}"
    _log(personas, "owner", ref, "Appel de l'équipe", 3)
    # The administrator (no team) logs a note on the same contact: the reps cannot see it.
    _log(personas, "admin", ref, "Note de la direction", 5, kind="note")
    kinds = {"kind": ["call", "note"]}
    assert [
        i["title"] for i in clients["admin"].get("/timeline", record=ref, **kinds).body["items"]
    ] == [
        "Note de la direction",
        "Appel de l'équipe",
    ]
    for persona in ("owner", "teammate", "manager"):
        answer = clients[persona].get("/timeline", record=ref, **kinds)
        assert [i["title"] for i in answer.body["items"]] == ["Appel de l'équipe"], persona
    hidden = clients["outsider"].get("/timeline", record=ref)
    assert (hidden.status, hidden.code) == (404, "core.not_found")


def test_an_account_timeline_includes_its_contacts_activities(
    clients: dict[str, ApiClient], personas: Personas
) -> None:
    owner = personas.actor("owner")
    account = account_create(actor=owner, values={"name": "Boulangerie Martin"})
    jeanne = contact_create(actor=owner, values={"last_name": "Martin", "account": account.pk})
    other = contact_create(actor=owner, values={"last_name": "Autre"})
    account_ref = f"directory.account:{account.pk}"
    jeanne_ref = f"directory.contact:{jeanne.pk}"
    _log(personas, "owner", account_ref, "Réunion de compte", 3, kind="note")
    _log(personas, "owner", jeanne_ref, "Appel Jeanne", 4)
    _log(personas, "owner", f"directory.contact:{other.pk}", "Appel ailleurs", 5)
    answer = clients["owner"].get("/timeline", record=account_ref, kind=["call", "note"])
    assert [(i["title"], i["record"]) for i in answer.body["items"]] == [
        ("Appel Jeanne", jeanne_ref),
        ("Réunion de compte", account_ref),
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "fax"}, "kind"),
        ({"cursor": "garbage"}, "cursor"),
        ({"limit": 0}, "limit"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(
    clients: dict[str, ApiClient], contact: Any, params: dict[str, Any], field: str
) -> None:
    answer = clients["owner"].get("/timeline", record=str(contact.pk), **params)
    assert (answer.status, answer.code) == (400, "api.bad_filter")
    assert [e["field"] for e in answer.body["errors"]] == [field]


@pytest.mark.parametrize("record", ["nope", "sales.lead:01936f0e-8a4c-7b1e-9d2f-3c4b5a697881"])
def test_a_record_that_is_not_one_is_400(clients: dict[str, ApiClient], record: str) -> None:
    answer = clients["owner"].get("/timeline", record=record)
    assert (answer.status, answer.code, answer.body["errors"][0]["field"]) == (
        400,
        "api.bad_filter",
        "record",
    )
