"""The activities' timeline query: found from the links' (record, date) index, access per item."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from moyeu.activities import timeline as activities_timeline
from moyeu.activities.models import ActivityLink
from moyeu.activities.services import activity_create, activity_update
from moyeu.directory.services import account_create, contact_create
from tests.api.client import ApiClient
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _at(day: int, hour: int = 10) -> str:
    return datetime.datetime(2026, 11, day, hour, tzinfo=datetime.UTC).isoformat()


def _log(
    personas: Personas, who: str, refs: list[str], subject: str, day: int, **values: Any
) -> Any:
    values.setdefault("kind", "call")
    return activity_create(
        actor=personas.actor(who),
        values={"subject": subject, "occurred_at": _at(day), "links": refs, **values},
    )


def _walk(client: ApiClient, limit: int, **params: Any) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _page in range(20):
        answer = client.get(
            "/timeline", limit=limit, **params, **({"cursor": cursor} if cursor else {})
        )
        assert answer.status == 200, answer.body
        seen += [item["title"] for item in answer.body["items"]]
        cursor = answer.body["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("too many pages")


def test_links_keep_their_activity_s_date(personas: Personas) -> None:
    contact = contact_create(actor=personas.actor("owner"), values={"last_name": "Martin"})
    account = account_create(actor=personas.actor("owner"), values={"name": "Boulangerie"})
    refs = [f"directory.contact:{contact.pk}", f"directory.account:{account.pk}"]
    call = _log(personas, "owner", refs, "Appel", 3)
    dates = set(ActivityLink.objects.filter(activity=call).values_list("occurred_at", flat=True))
    assert dates == {datetime.datetime(2026, 11, 3, 10, tzinfo=datetime.UTC)}
    activity_update(
        actor=personas.actor("owner"), activity_id=call.pk, values={"occurred_at": _at(9)}
    )
    dates = set(ActivityLink.objects.filter(activity=call).values_list("occurred_at", flat=True))
    assert dates == {datetime.datetime(2026, 11, 9, 10, tzinfo=datetime.UTC)}
    # A task's date is its due date: moving the due date moves the links too.
    task = activity_create(
        actor=personas.actor("owner"),
        values={"kind": "task", "subject": "Relancer", "due_at": _at(4), "links": refs[:1]},
    )
    task = activity_update(
        actor=personas.actor("owner"), activity_id=task.pk, values={"due_at": _at(12)}
    )
    assert task.occurred_at == datetime.datetime(2026, 11, 12, 10, tzinfo=datetime.UTC)
    assert list(
        ActivityLink.objects.filter(activity=task).values_list("occurred_at", flat=True)
    ) == [task.occurred_at]


def test_a_moved_activity_moves_on_the_timeline(
    clients: dict[str, ApiClient], personas: Personas
) -> None:
    contact = contact_create(actor=personas.actor("owner"), values={"last_name": "Martin"})
    ref = f"directory.contact:{contact.pk}"
    first = _log(personas, "owner", [ref], "Premier", 2)
    _log(personas, "owner", [ref], "Second", 5)
    activity_update(
        actor=personas.actor("owner"), activity_id=first.pk, values={"occurred_at": _at(8)}
    )
    assert _walk(clients["owner"], 25, record=ref, kind="call") == ["Premier", "Second"]


def test_a_viewer_who_sees_few_items_among_many_gets_them_all_once(
    clients: dict[str, ApiClient], personas: Personas
) -> None:
    contact = contact_create(actor=personas.actor("owner"), values={"last_name": "Martin"})
    ref = f"directory.contact:{contact.pk}"
    for day in (1, 10, 20):
        _log(personas, "owner", [ref], f"Équipe {day}", day)
    # Thirty newer private notes by the administrator (no team): the reps see none of them.
    for index in range(30):
        _log(personas, "admin", [ref], f"Privé {index}", 21 + index % 5, kind="note")
    assert _walk(clients["owner"], 2, record=ref, kind=["call", "note"]) == [
        "Équipe 20",
        "Équipe 10",
        "Équipe 1",
    ]
    admin = _walk(clients["admin"], 7, record=ref, kind=["call", "note"])
    assert (len(admin), len(set(admin)), admin[-3:]) == (
        33,
        33,
        ["Équipe 20", "Équipe 10", "Équipe 1"],
    )
    # A rare kind among many: the calls only.
    assert _walk(clients["admin"], 2, record=ref, kind="call") == [
        "Équipe 20",
        "Équipe 10",
        "Équipe 1",
    ]


def test_an_activity_on_an_account_and_its_contact_shows_once_for_the_account(
    clients: dict[str, ApiClient], personas: Personas, monkeypatch: Any
) -> None:
    # Few branches per statement: the records' scans are spread over statements and merged.
    monkeypatch.setattr(activities_timeline, "BRANCHES_PER_QUERY", 2)
    owner = personas.actor("owner")
    account = account_create(actor=owner, values={"name": "Boulangerie Martin"})
    contacts = [
        contact_create(actor=owner, values={"last_name": f"Martin {i}", "account": account.pk})
        for i in range(3)
    ]
    account_ref = f"directory.account:{account.pk}"
    refs = [f"directory.contact:{c.pk}" for c in contacts]
    _log(personas, "owner", [refs[0], account_ref], "Sur les deux", 6)
    for index, ref in enumerate(refs):
        _log(personas, "owner", [ref], f"Contact {index}", 1 + index)
    _log(personas, "owner", [account_ref], "Compte", 5)
    answer = clients["owner"].get("/timeline", record=account_ref, kind="call", limit=3)
    assert [(i["title"], i["record"]) for i in answer.body["items"]] == [
        ("Sur les deux", account_ref),
        ("Compte", account_ref),
        ("Contact 2", refs[2]),
    ]
    assert _walk(clients["owner"], 2, record=account_ref, kind="call") == [
        "Sur les deux",
        "Compte",
        "Contact 2",
        "Contact 1",
        "Contact 0",
    ]
