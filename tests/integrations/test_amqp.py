"""The AMQP publisher against the RabbitMQ of the machine (127.0.0.1:5672, guest/guest).

Skipped without a broker; failing under MOYEU_REQUIRE_SERVICES=1. The broker's address comes
from MOYEU_TEST_AMQP_URL (default amqp://guest:guest@127.0.0.1:5672/%2F).
"""

from __future__ import annotations

import json
import os
import secrets
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pika
import pytest

from moyeu.core.models import OutboxEvent
from moyeu.core.outbox.dispatcher import Dispatcher
from moyeu.core.outbox.registry import Consumer, ConsumerRegistry
from moyeu.integrations import amqp
from tests.services import port_open, require_service

pytestmark = [pytest.mark.django_db, pytest.mark.service]

URL = os.environ.get("MOYEU_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


@pytest.fixture
def broker() -> Iterator[tuple[pika.BlockingConnection, str]]:
    parts = urlsplit(URL)
    require_service(
        "rabbitmq",
        port_open(parts.hostname or "127.0.0.1", parts.port or 5672),
        "start RabbitMQ on 127.0.0.1:5672 or set MOYEU_TEST_AMQP_URL",
    )
    exchange = f"moyeu.test.{secrets.token_hex(4)}"
    connection = pika.BlockingConnection(pika.URLParameters(URL))
    try:
        yield connection, exchange
    finally:
        channel = connection.channel()
        channel.exchange_delete(exchange)
        connection.close()


def bound_queue(connection: pika.BlockingConnection, exchange: str, key: str) -> Any:
    channel = connection.channel()
    channel.exchange_declare(exchange=exchange, exchange_type="topic", durable=True)
    queue = channel.queue_declare(queue="", exclusive=True).method.queue
    channel.queue_bind(queue=queue, exchange=exchange, routing_key=key)
    return channel, queue


def drain(channel: Any, queue: str) -> list[tuple[str, Any, dict[str, Any]]]:
    got = []
    while True:
        method, properties, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            return got
        got.append((method.routing_key, properties, json.loads(body)))


def event(type_: str, n: int) -> OutboxEvent:
    return OutboxEvent.objects.create(
        type=type_,
        record_type="directory.contact",
        record_id=uuid.UUID(int=(0x0192 << 112) | (7 << 76) | 1),
        payload={"n": n},
        correlation_id=f"amqp-{n}",
    )


def test_events_reach_a_topic_exchange_with_confirms(
    broker: tuple[pika.BlockingConnection, str],
) -> None:
    connection, exchange = broker
    channel, queue = bound_queue(connection, exchange, "contact.*")
    events = [event("contact.created", 1), event("account.updated", 2), event("contact.updated", 3)]
    publisher = amqp.AmqpPublisher(URL, exchange)
    try:
        publisher.publish(events)
    finally:
        publisher.close()
    got = drain(channel, queue)
    assert [(key, body["data"]["n"]) for key, _, body in got] == [
        ("contact.created", 1),
        ("contact.updated", 3),
    ]
    _key, properties, body = got[0]
    assert properties.message_id == str(events[0].id)
    assert (properties.content_type, properties.delivery_mode, properties.type) == (
        "application/json",
        2,
        "contact.created",
    )
    assert properties.correlation_id == "amqp-1"
    assert body["envelope"] == 1 and body["record"]["type"] == "directory.contact"


def test_the_outbox_marks_events_dispatched_only_once_published(
    broker: tuple[pika.BlockingConnection, str], settings: Any
) -> None:
    connection, exchange = broker
    channel, queue = bound_queue(connection, exchange, "#")
    settings.MOYEU_AMQP_EXCHANGE = exchange
    registry = ConsumerRegistry()
    registry.register(
        Consumer("integrations.amqp", ("*",), amqp.publish_events, dedupe=False, batch=True)
    )
    first = event("contact.created", 1)
    # A broker that cannot be reached: the event fails and waits, nothing is lost.
    settings.MOYEU_AMQP_URL = "amqp://guest:guest@127.0.0.1:1/%2F"
    report = Dispatcher("t", registry=registry).run_batch()
    assert (report.delivered, report.failed) == (0, 1)
    first.refresh_from_db()
    assert (first.dispatched_at, first.attempts) == (None, 1)
    # The broker is back: the retry publishes it.
    settings.MOYEU_AMQP_URL = URL
    OutboxEvent.objects.filter(pk=first.pk).update(next_attempt_at=None)
    report = Dispatcher("t", registry=registry).run_batch()
    assert (report.delivered, report.failed) == (1, 0)
    assert [body["id"] for _, _, body in drain(channel, queue)] == [str(first.id)]
    amqp.publisher().close()
