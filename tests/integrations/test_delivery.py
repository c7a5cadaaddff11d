"""From the outbox to a receiver: fan-out, signing, attempts, retries, order, dead letters."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from moyeu.core.jobs import periodic
from moyeu.core.models import Job, JobStatus, OutboxEvent
from moyeu.core.outbox.dispatcher import Dispatcher
from moyeu.directory.services import contact_create, contact_update
from moyeu.integrations.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from moyeu.integrations.services import deliveries, subscription_create
from moyeu.integrations.services.deliveries import nominal_delay, retry_delay, schedule, send_due
from moyeu.integrations.services.notify import alert_administrators
from moyeu.integrations.tasks import send_admin_alert
from tests.integrations.receivers import Received, Receiver, running_receiver
from tests.personas import Personas

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loopback_allowed")]


def subscribe(personas: Personas, url: str, **values: Any) -> tuple[Any, str]:
    return subscription_create(
        actor=personas.actor("admin"),
        values={"name": "ERP", "url": url, "event_types": ["contact.*"], **values},
    )


def english_administrator(personas: Personas) -> None:
    """Alerts are written in each administrator's language (French by default)."""
    type(personas.admin).objects.filter(pk=personas.admin.pk).update(language="en")


def dispatch() -> None:
    while Dispatcher("tests").run_batch().handled:
        pass


def test_an_event_reaches_the_receiver_signed_and_is_stored(
    personas: Personas, receiver: Receiver
) -> None:
    _subscription, secret = subscribe(personas, receiver.url + "/hooks")
    contact = contact_create(
        actor=personas.actor("owner"), values={"first_name": "Léa", "last_name": "Roux"}
    )
    dispatch()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event_type, delivery.record_id, delivery.status) == (
        "contact.created",
        contact.pk,
        DeliveryStatus.PENDING,
    )
    assert Job.objects.filter(task_path=deliveries.SEND_TASK, status=JobStatus.READY).count() == 1
    report = send_due(holder="tests")
    assert (report.sent, report.delivered, report.failed) == (1, 1, 0)
    [request] = receiver.received
    event = OutboxEvent.objects.get(type="contact.created")
    verified = Webhook(secret).verify(request.body, request.headers)
    assert verified == {
        "envelope": 1,
        "id": str(event.id),
        "type": "contact.created",
        "timestamp": event.occurred_at.isoformat(),
        "record": {"type": "directory.contact", "id": str(contact.pk)},
        "data_version": 1,
        "data": event.payload,
        "correlation_id": event.correlation_id,
    }
    assert request.headers["webhook-id"] == str(event.id)
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == "Moyeu-Webhooks/1"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )
    attempt = WebhookAttempt.objects.get()
    assert (attempt.number, attempt.status_code, attempt.is_success, attempt.error) == (
        1,
        200,
        True,
        "",
    )
    assert attempt.request_body == request.body.decode()
    assert attempt.request_headers["webhook-signature"] == request.headers["webhook-signature"]
    assert (attempt.response_body, attempt.url) == ("ok", receiver.url + "/hooks")
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 44).verify(request.body, request.headers)


def test_only_matching_active_subscriptions_with_their_filter_get_deliveries(
    personas: Personas, receiver: Receiver
) -> None:
    subscribe(personas, receiver.url + "/all", name="all", event_types=["*"])
    subscribe(personas, receiver.url + "/accounts", name="accounts", event_types=["account.*"])
    subscribe(personas, receiver.url + "/off", name="off", is_active=False)
    subscribe(personas, receiver.url + "/m", name="martins", filter={"last_name": ["Martin"]})
    owner = personas.actor("owner")
    martin = contact_create(actor=owner, values={"last_name": "Martin"})
    durand = contact_create(actor=owner, values={"last_name": "Durand"})
    dispatch()
    rows = list(
        WebhookDelivery.objects.order_by("event_id", "subscription__name").values_list(
            "subscription__name", "event_type", "record_id"
        )
    )
    hooks = list(
        OutboxEvent.objects.filter(type="webhook.created")
        .order_by("seq")
        .values_list("record_id", flat=True)
    )
    # "*" also receives the webhook.* events of the subscriptions created after it, and its
    # own (emitted in the transaction that created it).
    assert rows == [
        *[("all", "webhook.created", hook) for hook in hooks],
        ("all", "contact.created", martin.pk),
        ("martins", "contact.created", martin.pk),
        ("all", "contact.created", durand.pk),
    ]


def test_each_attempt_is_signed_again_with_the_same_webhook_id(
    personas: Personas, settings: Any
) -> None:
    answers = iter([500, 503, 200])

    def flaky(request: Received) -> tuple[int, dict[str, str], bytes]:
        return next(answers), {}, b"nope"

    with running_receiver(flaky) as receiver:
        subscribe(personas, receiver.url)
        contact_create(actor=personas.actor("owner"), values={"last_name": "Petit"})
        dispatch()
        clock = [timezone.now()]
        for _ in range(3):
            send_due(holder="tests", clock=lambda: clock[0])
            clock[0] += datetime.timedelta(hours=1)
        ids = {r.headers["webhook-id"] for r in receiver.received}
        stamps = [int(r.headers["webhook-timestamp"]) for r in receiver.received]
        assert len(receiver.received) == 3 and len(ids) == 1
        assert stamps[1] - stamps[0] == 3600 and stamps[2] - stamps[1] == 3600
        signatures = {r.headers["webhook-signature"] for r in receiver.received}
        assert len(signatures) == 3
    attempts = list(WebhookAttempt.objects.values_list("number", "status_code", "is_success"))
    assert attempts == [(1, 500, False), (2, 503, False), (3, 200, True)]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 3)


def test_retry_schedule_is_exponential_capped_with_jitter(settings: Any) -> None:
    assert schedule() == [
        15.0, 45.0, 135.0, 405.0, 1215.0, 3645.0, 10935.0, 32805.0,
        86400.0, 86400.0, 86400.0, 86400.0,
    ]  # fmt: skip
    assert sum(schedule()) == 394800.0  # about 4.6 days
    assert retry_delay(3, rand=lambda: 0.0) == pytest.approx(108.0)
    assert retry_delay(3, rand=lambda: 1.0) == pytest.approx(162.0)
    assert nominal_delay(99) == 86400.0


def test_a_failing_receiver_gets_a_record_in_order_after_recovery_and_dead_letters_alert(
    personas: Personas, settings: Any
) -> None:
    settings.MOYEU_WEBHOOK_MAX_ATTEMPTS = 3
    english_administrator(personas)
    mail.outbox.clear()
    with running_receiver(lambda r: (500, {}, b"down")) as receiver:
        subscription, _ = subscribe(personas, receiver.url)
        owner = personas.actor("owner")
        contact = contact_create(actor=owner, values={"last_name": "Lopez"})
        contact_update(actor=owner, contact_id=contact.pk, values={"first_name": "Ana"})
        dispatch()
        clock = [timezone.now()]
        for _ in range(5):
            send_due(holder="tests", clock=lambda: clock[0])
            clock[0] += datetime.timedelta(days=1)
        # The second event waits behind the first while it is open; then the first is dead
        # and no longer blocks: the second goes through its own three attempts.
        types = [r.envelope["type"] for r in receiver.received]
        assert types == ["contact.created"] * 3 + ["contact.updated"] * 3
    statuses = list(
        WebhookDelivery.objects.order_by("event_id").values_list("event_type", "status")
    )
    assert statuses == [
        ("contact.created", DeliveryStatus.DEAD),
        ("contact.updated", DeliveryStatus.DEAD),
    ]
    # One alert for the subscription within the hour, e-mailed by a job.
    alerts = Job.objects.filter(task_path="moyeu.integrations.tasks.send_admin_alert")
    assert alerts.count() == 1
    arguments = alerts.get().args_kwargs["kwargs"]
    assert arguments["kind"] == "dead_letters"
    assert alert_administrators(**arguments) == 1
    [message] = mail.outbox
    assert message.to == [personas.admin.email]
    assert message.subject == "Moyeu: webhook deliveries dead-lettered for ERP"
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 6


def test_inactive_subscription_pauses_its_deliveries(
    personas: Personas, receiver: Receiver
) -> None:
    subscription, _ = subscribe(personas, receiver.url)
    contact_create(actor=personas.actor("owner"), values={"last_name": "Blanc"})
    dispatch()
    subscription.is_active = False
    subscription.save()
    assert send_due(holder="tests").sent == 0
    subscription.is_active = True
    subscription.save()
    assert send_due(holder="tests").delivered == 1


def test_a_lapsed_claim_is_sent_again(
    personas: Personas, receiver: Receiver, settings: Any
) -> None:
    subscribe(personas, receiver.url)
    contact_create(actor=personas.actor("owner"), values={"last_name": "Noir"})
    dispatch()
    now = timezone.now()
    assert len(deliveries.claim_due("dead-worker", 10, now)) == 1
    assert deliveries.claim_due("other", 10, now) == []
    later = now + datetime.timedelta(seconds=settings.MOYEU_WEBHOOK_LEASE_SECONDS + 1)
    report = send_due(holder="other", clock=lambda: later)
    assert (report.sent, report.delivered) == (1, 1)
    assert len(receiver.received) == 1


def test_the_kick_check_queues_a_send_job_when_deliveries_are_due(
    personas: Personas, receiver: Receiver
) -> None:
    subscribe(personas, receiver.url)
    contact_create(actor=personas.actor("owner"), values={"last_name": "Vert"})
    dispatch()
    Job.objects.all().delete()
    check = {c.name: c for c in periodic.registered()}["integrations.webhooks.kick"]
    check.function()
    check.function()
    jobs = Job.objects.filter(task_path=deliveries.SEND_TASK)
    assert jobs.count() == 1


def test_alert_task_emails_every_active_administrator(personas: Personas) -> None:
    english_administrator(personas)
    mail.outbox.clear()
    with transaction.atomic():
        send_admin_alert.enqueue(
            kind="outbox_stalled", subject_args={}, body_args={"age": 1200, "backlog": 7}, url="/"
        )
    job = Job.objects.get(task_path="moyeu.integrations.tasks.send_admin_alert")
    kwargs = job.args_kwargs["kwargs"]
    assert alert_administrators(**kwargs) == 1
    assert [m.subject for m in mail.outbox] == ["Moyeu: events are not being delivered"]
    assert "1200 seconds old (7 waiting)" in mail.outbox[0].body


def test_envelope_of_an_event_without_record() -> None:
    from moyeu.integrations.envelope import envelope_bytes

    event = OutboxEvent(
        id=uuid.UUID("018f0000-0000-7000-8000-0000000000ee"),
        type="system.tested",
        record_type="",
        record_id=None,
        payload={"é": 1},
        occurred_at=datetime.datetime(2026, 11, 1, 9, 30, tzinfo=datetime.UTC),
        correlation_id="c1",
    )
    assert json.loads(envelope_bytes(event)) == {
        "envelope": 1,
        "id": "018f0000-0000-7000-8000-0000000000ee",
        "type": "system.tested",
        "timestamp": "2026-11-01T09:30:00+00:00",
        "record": None,
        "data_version": 1,
        "data": {"é": 1},
        "correlation_id": "c1",
    }


def test_alerts_are_written_in_each_administrators_language(personas: Personas) -> None:
    type(personas.admin).objects.filter(pk=personas.admin.pk).update(language="fr")
    mail.outbox.clear()
    alert_administrators("outbox_stalled", {}, {"age": 960, "backlog": 3}, "/")
    assert [m.subject for m in mail.outbox] == ["Moyeu : les événements ne sont plus livrés"]
