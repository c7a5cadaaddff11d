"""The console's webhook pages: administrators only; create shows the secret once; replay."""

from __future__ import annotations

import pytest
from django.test import Client

from moyeu.core.outbox.dispatcher import Dispatcher
from moyeu.directory.services import contact_create
from moyeu.integrations.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from moyeu.integrations.services.deliveries import send_due
from tests.integrations.receivers import Receiver
from tests.personas import Personas

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loopback_allowed")]


def browser(user: object, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_outsiders_get_403(personas: Personas) -> None:
    assert browser(personas.owner).get("/integrations/webhooks/").status_code == 403
    assert browser(personas.owner).post("/integrations/webhooks/new/", {}).status_code == 403


def test_create_edit_replay_through_the_pages(personas: Personas, receiver: Receiver) -> None:
    admin = browser(personas.admin)
    bad = admin.post(
        "/integrations/webhooks/new/",
        {"name": "ERP", "url": "http://10.0.0.2/x", "event_types": "contact.*"},
    )
    assert bad.status_code == 422
    assert "10.0.0.2 is an internal address" in bad.content.decode()
    created = admin.post(
        "/integrations/webhooks/new/",
        {
            "name": "ERP",
            "url": receiver.url,
            "event_types": "contact.*, account.*",
            "is_active": "on",
        },
    )
    hook = WebhookSubscription.objects.get()
    assert created.status_code == 200 and hook.secret in created.content.decode()
    assert created["Cache-Control"] == "no-store"
    assert hook.event_types == ["contact.*", "account.*"]
    page = admin.get(f"/integrations/webhooks/{hook.pk}/")
    assert hook.secret not in page.content.decode()
    contact_create(actor=personas.actor("owner"), values={"last_name": "Morel"})
    while Dispatcher("t").run_batch().handled:
        pass
    send_due(holder="t")
    WebhookDelivery.objects.update(status=DeliveryStatus.DEAD)
    listing = admin.get("/integrations/webhooks/").content.decode()
    assert f'href="/integrations/webhooks/{hook.pk}/?status=dead">1</a>' in listing
    answer = admin.post(f"/integrations/webhooks/{hook.pk}/replay/", {"scope": "dead"}, follow=True)
    assert "1 deliveries queued again." in answer.content.decode()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    detail = admin.get(f"/integrations/webhooks/{hook.pk}/deliveries/{delivery.pk}/")
    assert "Attempt 1" in detail.content.decode()
    saved = admin.post(
        f"/integrations/webhooks/{hook.pk}/",
        {"name": "ERP 2", "url": receiver.url, "event_types": "contact.*", "version": "1"},
    )
    assert saved.status_code == 302
    hook.refresh_from_db()
    assert (hook.name, hook.is_active, hook.version) == ("ERP 2", False, 2)


def test_pages_in_french(personas: Personas) -> None:
    page = browser(personas.admin, "fr").get("/integrations/webhooks/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Nouveau webhook" in page.content.decode()
