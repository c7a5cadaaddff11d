"""Consumers of outbox events, registered by the modules that own them.

A module declares consumers in its ``consumers.py`` (imported by the worker at start-up, like
Django's admin autodiscovery) or anywhere imported at ``AppConfig.ready()``::

    from moyeu.core.outbox.registry import consumer

    @consumer("contact.*", name="automation.contact_rules")
    def run_contact_rules(event: OutboxEvent) -> None:
        ...

Patterns are shell-style (``fnmatch``) on the event type. Delivery is at least once: with
``dedupe=True`` (the default) the consumer runs inside a transaction that also records
``ProcessedEvent(consumer, event_id)``, so a redelivered event is skipped and the consumer's
database effects happen once. Consumers with effects outside the database (an HTTP call)
must de-duplicate by ``event.id`` on the other side (webhooks send it as the message id).

A consumer registered with ``batch=True`` receives a list of events instead of one: the
dispatcher hands it every matching event of a batch at once (one transaction, one bulk insert
of markers), which is what fan-out consumers need to keep up with thousands of events a
second. If the batch call fails, the dispatcher falls back to one event at a time for that
batch, so a bad event is isolated and blocks only its own record.
"""

from __future__ import annotations

import fnmatch
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils.module_loading import autodiscover_modules

from moyeu.core.models import OutboxEvent, ProcessedEvent

Handler = Callable[[OutboxEvent], None]
BatchHandler = Callable[[list[OutboxEvent]], None]
F = TypeVar("F", bound=Callable[..., None])


@dataclass(frozen=True)
class Consumer:
    name: str
    patterns: tuple[str, ...]
    handler: Callable[..., None]  # Handler, or BatchHandler when ``batch``
    dedupe: bool = True
    batch: bool = False

    def matches(self, event_type: str) -> bool:
        return any(fnmatch.fnmatchcase(event_type, pattern) for pattern in self.patterns)

    def deliver(self, event: OutboxEvent) -> bool:
        """Apply ``event``; False when it had already been applied (de-duplicated)."""
        argument: Any = [event] if self.batch else event
        if not self.dedupe:
            self.handler(argument)
            return True
        with transaction.atomic():
            if not mark_processed(self.name, event.id):
                return False
            self.handler(argument)
        return True

    def deliver_many(self, events: list[OutboxEvent]) -> int:
        """Apply a batch (``batch`` consumers) in one transaction; returns how many were new."""
        if not self.dedupe:
            self.handler(events)
            return len(events)
        with transaction.atomic():
            done = set(
                ProcessedEvent.objects.filter(
                    consumer=self.name, event_id__in=[e.id for e in events]
                ).values_list("event_id", flat=True)
            )
            fresh = [e for e in events if e.id not in done]
            if fresh:
                ProcessedEvent.objects.bulk_create(
                    [ProcessedEvent(consumer=self.name, event_id=e.id) for e in fresh]
                )
                self.handler(fresh)
        return len(fresh)


def mark_processed(consumer_name: str, event_id: uuid.UUID) -> bool:
    """Record that ``consumer_name`` applied ``event_id``; False if it already had.

    Call it inside the transaction of the consumer's own writes (``Consumer.deliver`` does):
    the marker and the effects then commit or roll back together.
    """
    try:
        with transaction.atomic():
            ProcessedEvent.objects.create(consumer=consumer_name, event_id=event_id)
    except IntegrityError:
        return False
    return True


class ConsumerRegistry:
    """The consumers of this process, by unique name, in registration order."""

    def __init__(self) -> None:
        self._consumers: dict[str, Consumer] = {}

    def register(self, item: Consumer) -> None:
        existing = self._consumers.get(item.name)
        if existing is not None and existing.handler is not item.handler:
            raise ValueError(f"outbox consumer {item.name!r} is registered twice")
        self._consumers[item.name] = item

    def unregister(self, name: str) -> None:
        self._consumers.pop(name, None)

    def matching(self, event_type: str) -> list[Consumer]:
        return [c for c in self._consumers.values() if c.matches(event_type)]

    def __iter__(self) -> Iterator[Consumer]:
        return iter(list(self._consumers.values()))


consumers = ConsumerRegistry()


def consumer(
    *patterns: str, name: str, dedupe: bool = True, batch: bool = False
) -> Callable[[F], F]:
    """Register the decorated function as the consumer ``name`` of events matching patterns.

    With ``batch=True`` the function takes a list of events (see the module's docstring).
    """
    if not patterns:
        raise ValueError("a consumer needs at least one event type pattern")

    def register(handler: F) -> F:
        consumers.register(Consumer(name, tuple(patterns), handler, dedupe, batch))
        return handler

    return register


def autodiscover() -> None:
    """Import ``<app>.consumers`` of every installed app (the worker calls this at start)."""
    autodiscover_modules("consumers")
