"""/api/v1/webhooks and /api/v1/events: administrators, ETags, secrets once, replays, stream."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from moyeu.core.models import AuditEntry, OutboxEvent
from moyeu.core.outbox.dispatcher import Dispatcher
from moyeu.directory.services import contact_create
from moyeu.identity.services import roles, users
from moyeu.integrations.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from moyeu.integrations.services.deliveries import send_due
from tests.api.client import ApiClient, persona_clients
from tests.integrations.receivers import Receiver
from tests.personas import Personas

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loopback_allowed")]

BODY = {"name": "ERP", "url": "https://erp.example/hooks", "event_types": ["contact.*"]}


@pytest.fixture
def clients(personas: Personas) -> dict[str, ApiClient]:
    return persona_clients(personas)


def test_create_shows_the_secret_once_and_reads_never(clients: dict[str, ApiClient]) -> None:
    created = clients["admin"].post("/webhooks", BODY)
    assert created.status == 201
    assert created.body["secret"].startswith("whsec_")
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Cache-Control"] == "no-store"
    hook = WebhookSubscription.objects.get()
    assert created.headers["Location"] == f"/api/v1/webhooks/{hook.pk}"
    assert hook.secret == created.body["secret"]
    read = clients["admin"].get(f"/webhooks/{hook.pk}")
    assert read.status == 200 and "secret" not in read.body
    assert {k: read.body[k] for k in ("name", "url", "event_types", "filter", "is_active")} == {
        **BODY,
        "filter": {},
        "is_active": True,
    }
    listed = clients["admin"].get("/webhooks")
    assert [item["id"] for item in listed.body["items"]] == [str(hook.pk)]
    assert "secret" not in listed.body["items"][0]
    assert AuditEntry.objects.filter(code="integrations.webhook.created").count() == 1
    assert OutboxEvent.objects.filter(type="webhook.created").count() == 1


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({**BODY, "url": "http://10.0.0.1/x"}, ["url"]),
        ({**BODY, "url": "ftp://erp.example/x"}, ["url"]),
        ({**BODY, "event_types": []}, ["event_types"]),
        ({**BODY, "event_types": ["contact.*", "nothing.matches"]}, ["event_types.1"]),
        ({**BODY, "filter": {"owner": {"nested": 1}}}, ["filter.owner"]),
        ({**BODY, "name": " "}, ["name"]),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(
    clients: dict[str, ApiClient], body: dict[str, Any], errors: list[str]
) -> None:
    answer = clients["admin"].post("/webhooks", body)
    assert (answer.status, answer.code) == (422, "core.validation_failed")
    assert [e["field"] for e in answer.body["errors"]] == errors
    assert WebhookSubscription.objects.count() == 0


def test_only_integration_administrators_manage_webhooks(
    clients: dict[str, ApiClient], personas: Personas
) -> None:
    for name in ("owner", "manager", "outsider"):
        answer = clients[name].post("/webhooks", BODY)
        assert (answer.status, answer.code) == (403, "core.permission_denied")
        assert clients[name].get("/webhooks").status == 403
    assert WebhookSubscription.objects.count() == 0
    role = roles.role_create(
        actor=personas.actor("admin"),
        name="Intégrateur",
        grants=[("integrations", "administer", "all")],
    )
    current = list(personas.owner.roles.values_list("pk", flat=True))
    users.user_update(
        actor=personas.actor("admin"), user_id=personas.owner.pk, role_ids=[*current, role.pk]
    )
    assert persona_clients(personas)["owner"].post("/webhooks", BODY).status == 201


def test_patch_with_if_match_and_conflict(clients: dict[str, ApiClient]) -> None:
    hook = clients["admin"].post("/webhooks", BODY).body["id"]
    changed = clients["admin"].patch(
        f"/webhooks/{hook}", {"is_active": False}, headers={"If-Match": '"1"'}
    )
    assert (changed.status, changed.body["is_active"], changed.headers["ETag"]) == (
        200,
        False,
        '"2"',
    )
    stale = clients["admin"].patch(f"/webhooks/{hook}", {"name": "X"}, headers={"If-Match": '"1"'})
    assert (stale.status, stale.code) == (412, "core.version_conflict")
    assert WebhookSubscription.objects.get().name == "ERP"
    unknown = clients["admin"].patch(f"/webhooks/{hook}", {"secret": "mine"})
    assert (unknown.status, unknown.code) == (422, "api.unknown_field")


def test_rotate_secret_keeps_the_old_one_signing_for_a_day(clients: dict[str, ApiClient]) -> None:
    created = clients["admin"].post("/webhooks", BODY).body
    rotated = clients["admin"].post(f"/webhooks/{created['id']}/rotate-secret")
    assert rotated.status == 200
    assert rotated.body["secret"] != created["secret"]
    hook = WebhookSubscription.objects.get()
    assert (hook.secret, hook.previous_secret) == (rotated.body["secret"], created["secret"])
    grace = hook.previous_secret_expires_at - timezone.now()
    assert datetime.timedelta(hours=23, minutes=59) < grace <= datetime.timedelta(hours=24)


def test_delete_removes_the_webhook(clients: dict[str, ApiClient]) -> None:
    hook = clients["admin"].post("/webhooks", BODY).body["id"]
    assert clients["admin"].delete(f"/webhooks/{hook}").status == 204
    assert clients["admin"].get(f"/webhooks/{hook}").status == 404


def _deliver_one(personas: Personas, receiver: Receiver, clients: dict[str, ApiClient]) -> str:
    hook = clients["admin"].post("/webhooks", {**BODY, "url": receiver.url}).body["id"]
    contact_create(actor=personas.actor("owner"), values={"last_name": "Garnier"})
    while Dispatcher("t").run_batch().handled:
        pass
    send_due(holder="t")
    return str(hook)


def test_deliveries_list_detail_and_replay(
    clients: dict[str, ApiClient], personas: Personas, receiver: Receiver
) -> None:
    hook = _deliver_one(personas, receiver, clients)
    page = clients["admin"].get(f"/webhooks/{hook}/deliveries", status="delivered")
    [item] = page.body["items"]
    event = OutboxEvent.objects.get(type="contact.created")
    assert (item["event_id"], item["status"], item["attempts"], item["last_status_code"]) == (
        str(event.id),
        "delivered",
        1,
        200,
    )
    detail = clients["admin"].get(f"/webhooks/{hook}/deliveries/{item['id']}")
    [attempt] = detail.body["attempts_made"]
    assert (attempt["number"], attempt["status_code"], attempt["response_body"]) == (1, 200, "ok")
    assert attempt["request_headers"]["webhook-id"] == str(event.id)
    bad = clients["admin"].get(f"/webhooks/{hook}/deliveries", status="lost")
    assert (bad.status, bad.body["errors"][0]["field"]) == (422, "status")
    replayed = clients["admin"].post(f"/webhooks/{hook}/deliveries/{item['id']}/replay")
    assert (replayed.status, replayed.body["status"], replayed.body["replays"]) == (
        200,
        "pending",
        1,
    )
    send_due(holder="t")
    assert receiver.ids() == [str(event.id), str(event.id)]


def test_replay_dead_letters_and_from_an_event(
    clients: dict[str, ApiClient], personas: Personas, receiver: Receiver
) -> None:
    hook = _deliver_one(personas, receiver, clients)
    WebhookDelivery.objects.update(status=DeliveryStatus.DEAD)
    answer = clients["admin"].post(f"/webhooks/{hook}/replay", {"dead_letters": True})
    assert (answer.status, answer.body) == (200, {"deliveries": 1})
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING
    event = OutboxEvent.objects.get(type="contact.created")
    again = clients["admin"].post(f"/webhooks/{hook}/replay", {"from_event": str(event.id)})
    assert again.body == {"deliveries": 1}  # already pending: counted, not duplicated
    both = clients["admin"].post(
        f"/webhooks/{hook}/replay", {"dead_letters": True, "since": "2026-01-01T00:00:00Z"}
    )
    assert (both.status, both.body["errors"][0]["field"]) == (422, "dead_letters")
    missing = clients["admin"].post(
        f"/webhooks/{hook}/replay", {"from_event": "018f0000-0000-7000-8000-000000000000"}
    )
    assert (missing.status, missing.body["errors"][0]["field"]) == (422, "from_event")


def test_event_stream_pages_after_an_event_and_filters_by_type(
    clients: dict[str, ApiClient], personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moyeu.integrations import queries

    monkeypatch.setattr(queries, "STREAM_SETTLE", datetime.timedelta(0))
    owner = personas.actor("owner")
    first = contact_create(actor=owner, values={"last_name": "Un"})
    contact_create(actor=owner, values={"last_name": "Deux"})
    contact_create(actor=owner, values={"last_name": "Trois"})
    events = list(OutboxEvent.objects.filter(type="contact.created").order_by("seq"))
    page = clients["admin"].get("/events", type="contact.*", limit=2)
    assert [item["id"] for item in page.body["items"]] == [str(e.id) for e in events[:2]]
    assert page.body["items"][0]["record"] == {"type": "directory.contact", "id": str(first.pk)}
    rest = clients["admin"].get("/events", type="contact.created", after=page.body["next_after"])
    assert [item["id"] for item in rest.body["items"]] == [str(events[2].id)]
    end = clients["admin"].get("/events", after=str(events[2].id), type="account.*")
    assert end.body == {"items": [], "next_after": None}
    # The stream carries every module's data: the integrations view right, not record scopes.
    denied = clients["owner"].get("/events")
    assert (denied.status, denied.code) == (403, "core.permission_denied")
    bad = clients["admin"].get("/events", type="contact.(")
    assert (bad.status, bad.body["errors"][0]["field"]) == (422, "type")
