"""Optional AMQP publisher: every outbox event also goes to a RabbitMQ topic exchange.

With ``MOYEU_AMQP_URL`` set (``amqp://user:password@host:5672/vhost``), the
``integrations.amqp`` outbox consumer publishes each event's envelope (the webhooks' JSON) to
the durable topic exchange ``MOYEU_AMQP_EXCHANGE`` (``moyeu.events``) with the event type as
routing key (bind ``contact.*`` or ``#``), persistent, ``message_id`` = the event id. The
channel is in confirm mode: a publish returns only when the broker has taken the message, so
the outbox marks an event dispatched only after RabbitMQ confirmed it. A broker that is down
or refuses a message makes the event fail and be retried by the dispatcher (its record
waits); consumers de-duplicate by ``message_id`` since delivery is at least once.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import pika
from django.conf import settings
from pika.adapters.blocking_connection import BlockingChannel

from moyeu.core.models import OutboxEvent
from moyeu.integrations.envelope import ENVELOPE_VERSION, envelope_bytes

logger = logging.getLogger(__name__)


class AmqpPublisher:
    """One connection and confirm-mode channel, opened on first use, reopened after errors."""

    def __init__(self, url: str, exchange: str) -> None:
        self.url = url
        self.exchange = exchange
        self._lock = threading.Lock()
        self._connection: pika.BlockingConnection | None = None
        self._channel: BlockingChannel | None = None

    def _open(self) -> BlockingChannel:
        if self._channel is not None and self._channel.is_open:
            return self._channel
        self.close()
        parameters = pika.URLParameters(self.url)
        parameters.connection_attempts = 1
        parameters.socket_timeout = 5
        parameters.blocked_connection_timeout = 30
        self._connection = pika.BlockingConnection(parameters)
        channel = self._connection.channel()
        channel.exchange_declare(exchange=self.exchange, exchange_type="topic", durable=True)
        channel.confirm_delivery()
        self._channel = channel
        return channel

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except Exception:  # already broken: nothing more to do
                logger.debug("closing the AMQP connection failed", exc_info=True)

    def publish(self, events: list[OutboxEvent]) -> None:
        """Publish ``events`` in order, each confirmed by the broker; raise on any failure."""
        with self._lock:
            try:
                channel = self._open()
                for event in events:
                    channel.basic_publish(
                        exchange=self.exchange,
                        routing_key=event.type,
                        body=envelope_bytes(event),
                        properties=_properties(event),
                    )
            except Exception:
                self.close()
                raise


def _properties(event: OutboxEvent) -> pika.BasicProperties:
    headers: dict[str, Any] = {"envelope": ENVELOPE_VERSION}
    if event.record_id is not None:
        headers["record_type"] = event.record_type
        headers["record_id"] = str(event.record_id)
    return pika.BasicProperties(
        content_type="application/json",
        delivery_mode=pika.DeliveryMode.Persistent,
        message_id=str(event.id),
        correlation_id=event.correlation_id or None,
        timestamp=int(event.occurred_at.timestamp()),
        type=event.type,
        headers=headers,
    )


_publisher: AmqpPublisher | None = None


def publisher() -> AmqpPublisher:
    global _publisher
    if _publisher is None or _publisher.url != settings.MOYEU_AMQP_URL:
        _publisher = AmqpPublisher(settings.MOYEU_AMQP_URL, settings.MOYEU_AMQP_EXCHANGE)
    return _publisher


def publish_events(events: list[OutboxEvent]) -> None:
    """The ``integrations.amqp`` consumer (registered only when MOYEU_AMQP_URL is set)."""
    publisher().publish(events)
