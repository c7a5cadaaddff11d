"""The outbox dispatcher: order, per-record blocking, backoff, de-duplication, lease, retention."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from moyeu.core.context import current_channel, current_correlation_id
from moyeu.core.jobs import leases
from moyeu.core.models import OutboxEvent, ProcessedEvent
from moyeu.core.outbox.dispatcher import Dispatcher
from moyeu.core.outbox.registry import Consumer, ConsumerRegistry, consumer, consumers
from moyeu.core.outbox.retention import prune_outbox
from moyeu.directory.services import contact_create
from tests.personas import Personas

pytestmark = pytest.mark.django_db

RECORD_A = uuid.UUID("018f0000-0000-7000-8000-00000000000a")
RECORD_B = uuid.UUID("018f0000-0000-7000-8000-00000000000b")


class Recorder:
    """A consumer that records what it saw and fails while ``failing`` names the event."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.failing: set[str] = set()

    def __call__(self, event: OutboxEvent) -> None:
        if event.payload["label"] in self.failing:
            raise RuntimeError(f"cannot take {event.payload['label']}")
        self.seen.append(event.payload["label"])


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def registry(recorder: Recorder) -> ConsumerRegistry:
    registry = ConsumerRegistry()
    registry.register(Consumer("tests.recorder", ("contact.*",), recorder, dedupe=False))
    return registry


def event(label: str, record: uuid.UUID | None = RECORD_A, type_: str = "contact.updated") -> Any:
    return OutboxEvent.objects.create(
        type=type_,
        record_type="directory.contact",
        record_id=record,
        payload={"label": label},
        correlation_id=f"corr-{label}",
    )


def test_delivers_in_seq_order_to_matching_consumers_and_marks_dispatched(
    registry: ConsumerRegistry, recorder: Recorder
) -> None:
    first, second = event("a1"), event("b1", RECORD_B)
    unrelated = event("x", RECORD_B, type_="invoice.issued")
    report = Dispatcher("d1", registry=registry).run_batch()
    assert (report.held_lease, report.delivered, report.failed, report.skipped) == (True, 3, 0, 0)
    assert recorder.seen == ["a1", "b1"]
    for row in (first, second, unrelated):
        row.refresh_from_db()
        assert row.dispatched_at is not None
        assert (row.attempts, row.next_attempt_at, row.last_error) == (1, None, "")
    assert Dispatcher("d1", registry=registry).run_batch().handled == 0


def test_failing_consumer_blocks_its_record_only_until_the_event_passes(
    registry: ConsumerRegistry, recorder: Recorder, settings: Any
) -> None:
    settings.MOYEU_OUTBOX_RETRY_BASE_SECONDS = 5
    event("a1")
    failing = event("a2")
    event("b1", RECORD_B)
    event("a3")
    event("none", record=None)
    recorder.failing = {"a2"}
    dispatcher = Dispatcher("d1", registry=registry)
    before = timezone.now()
    report = dispatcher.run_batch()
    assert (report.delivered, report.failed, report.skipped) == (3, 1, 1)
    assert recorder.seen == ["a1", "b1", "none"]
    failing.refresh_from_db()
    assert failing.dispatched_at is None
    assert failing.attempts == 1
    assert "[tests.recorder]" in failing.last_error
    assert "RuntimeError: cannot take a2" in failing.last_error
    assert failing.next_attempt_at is not None
    wait = (failing.next_attempt_at - before).total_seconds()
    assert 5 <= wait < 6
    # Before the retry time, the record stays blocked and a3 keeps waiting behind a2.
    event("b2", RECORD_B)
    assert dispatcher.run_batch().delivered == 1
    assert recorder.seen == ["a1", "b1", "none", "b2"]
    # The consumer recovers and the retry time comes: a2 then a3, in order.
    recorder.failing = set()
    OutboxEvent.objects.filter(pk=failing.pk).update(next_attempt_at=timezone.now())
    assert dispatcher.run_batch().delivered == 2
    assert recorder.seen == ["a1", "b1", "none", "b2", "a2", "a3"]
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()


def test_redelivery_backoff_grows_and_is_capped(
    registry: ConsumerRegistry, recorder: Recorder, settings: Any
) -> None:
    settings.MOYEU_OUTBOX_RETRY_BASE_SECONDS = 5
    settings.MOYEU_OUTBOX_RETRY_MAX_SECONDS = 30
    failing = event("a1")
    recorder.failing = {"a1"}
    dispatcher = Dispatcher("d1", registry=registry)
    waits = []
    for _ in range(5):
        OutboxEvent.objects.filter(pk=failing.pk).update(next_attempt_at=timezone.now())
        before = timezone.now()
        dispatcher.run_batch()
        failing.refresh_from_db()
        assert failing.next_attempt_at is not None
        waits.append(round((failing.next_attempt_at - before).total_seconds()))
    assert waits == [5, 10, 20, 30, 30]
    assert failing.attempts == 5


def test_a_record_failing_forever_does_not_starve_other_records(
    registry: ConsumerRegistry, recorder: Recorder
) -> None:
    for n in range(5):
        event(f"a{n}")
    event("b0", RECORD_B)
    recorder.failing = {"a0"}
    dispatcher = Dispatcher("d1", registry=registry, batch_size=2)
    dispatcher.run_batch()  # a0 fails, a1 skipped
    dispatcher.run_batch()  # record A is left out of the query: b0 is reached
    assert recorder.seen == ["b0"]


def test_dedupe_consumer_applies_an_event_once_even_when_redelivered() -> None:
    applied: list[uuid.UUID] = []
    registry = ConsumerRegistry()
    registry.register(Consumer("tests.once", ("contact.*",), lambda e: applied.append(e.id)))
    row = event("a1")
    dispatcher = Dispatcher("d1", registry=registry)
    dispatcher.run_batch()
    # A crash after the consumer committed but before dispatched_at was written:
    OutboxEvent.objects.filter(pk=row.pk).update(dispatched_at=None)
    report = dispatcher.run_batch()
    assert report.delivered == 1
    assert applied == [row.id]
    assert list(ProcessedEvent.objects.values_list("consumer", "event_id")) == [
        ("tests.once", row.id)
    ]


def test_dedupe_marker_rolls_back_with_a_failing_consumer(recorder: Recorder) -> None:
    registry = ConsumerRegistry()
    registry.register(Consumer("tests.once", ("contact.*",), recorder))
    row = event("a1")
    recorder.failing = {"a1"}
    Dispatcher("d1", registry=registry).run_batch()
    assert ProcessedEvent.objects.count() == 0
    recorder.failing = set()
    OutboxEvent.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    Dispatcher("d1", registry=registry).run_batch()
    assert recorder.seen == ["a1"]
    assert ProcessedEvent.objects.filter(consumer="tests.once", event_id=row.id).count() == 1


def test_one_consumer_failing_redelivers_to_all_and_dedupe_absorbs_the_repeat(
    recorder: Recorder,
) -> None:
    applied: list[str] = []
    registry = ConsumerRegistry()
    registry.register(Consumer("tests.first", ("contact.*",), lambda e: applied.append("x")))
    registry.register(Consumer("tests.second", ("contact.*",), recorder))
    row = event("a1")
    recorder.failing = {"a1"}
    dispatcher = Dispatcher("d1", registry=registry)
    dispatcher.run_batch()
    recorder.failing = set()
    OutboxEvent.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    dispatcher.run_batch()
    assert (applied, recorder.seen) == (["x"], ["a1"])
    row.refresh_from_db()
    assert (row.attempts, row.dispatched_at is not None) == (2, True)


def test_consumers_run_in_the_action_context_of_the_event() -> None:
    contexts: list[tuple[str, str]] = []
    registry = ConsumerRegistry()
    registry.register(
        Consumer(
            "tests.context",
            ("contact.*",),
            lambda e: contexts.append((current_correlation_id(), current_channel())),
            dedupe=False,
        )
    )
    event("a1")
    Dispatcher("d1", registry=registry).run_batch()
    assert contexts == [("corr-a1", "event")]


def test_only_one_dispatcher_holds_the_lease(registry: ConsumerRegistry, settings: Any) -> None:
    event("a1")
    first = Dispatcher("d1", registry=registry, lease_seconds=30)
    second = Dispatcher("d2", registry=registry, lease_seconds=30)
    assert first.run_batch().held_lease is True
    event("a2")
    report = second.run_batch()
    assert (report.held_lease, report.handled) == (False, 0)
    assert leases.holder_of(leases.OUTBOX_DISPATCHER) == "d1"
    first.release()
    assert second.run_batch().delivered == 1
    assert leases.holder_of(leases.OUTBOX_DISPATCHER) == "d2"


def test_an_expired_lease_can_be_taken_over() -> None:
    assert leases.acquire("tests-lease", "p1", 30) is True
    assert leases.acquire("tests-lease", "p2", 30) is False
    assert leases.acquire("tests-lease", "p1", 30) is True  # renewal
    from moyeu.core.models import Lease

    Lease.objects.filter(name="tests-lease").update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert leases.holder_of("tests-lease") is None
    assert leases.acquire("tests-lease", "p2", 30) is True
    assert leases.holder_of("tests-lease") == "p2"


def test_a_service_event_reaches_a_registered_consumer(personas: Personas) -> None:
    received: list[tuple[str, Any]] = []

    @consumer("contact.created", "account.*", name="tests.service_events", dedupe=False)
    def on_contact(event: OutboxEvent) -> None:
        received.append((event.type, event.payload["last_name"]))

    try:
        contact_create(actor=personas.actor("owner"), values={"last_name": "Martin"})
        Dispatcher("d1").run_batch()
    finally:
        consumers.unregister("tests.service_events")
    assert received == [("contact.created", "Martin")]


def test_registry_rules() -> None:
    registry = ConsumerRegistry()

    def handler(event: OutboxEvent) -> None:
        return None

    registry.register(Consumer("c1", ("contact.*", "account.merged"), handler))
    registry.register(Consumer("c1", ("contact.*", "account.merged"), handler))  # re-import
    with pytest.raises(ValueError, match="registered twice"):
        registry.register(Consumer("c1", ("x",), lambda e: None))
    assert [c.name for c in registry.matching("account.merged")] == ["c1"]
    assert registry.matching("account.created") == []
    assert registry.matching("contact.address.changed")[0].name == "c1"
    with pytest.raises(ValueError, match="at least one event type pattern"):
        consumer(name="nothing")


def test_retention_prunes_old_dispatched_events_and_markers_only(settings: Any) -> None:
    settings.MOYEU_OUTBOX_RETENTION_DAYS = 30
    long_ago = timezone.now() - datetime.timedelta(days=31)
    old_done, recent_done, old_pending = event("old"), event("recent"), event("pending")
    OutboxEvent.objects.filter(pk=old_done.pk).update(dispatched_at=long_ago)
    OutboxEvent.objects.filter(pk=recent_done.pk).update(
        dispatched_at=timezone.now() - datetime.timedelta(days=29)
    )
    OutboxEvent.objects.filter(pk=old_pending.pk).update(occurred_at=long_ago)
    ProcessedEvent.objects.create(consumer="c", event_id=old_done.id, processed_at=long_ago)
    ProcessedEvent.objects.create(consumer="c", event_id=recent_done.id)
    assert prune_outbox() == (1, 1)
    assert sorted(OutboxEvent.objects.values_list("payload__label", flat=True)) == [
        "pending",
        "recent",
    ]
    assert list(ProcessedEvent.objects.values_list("event_id", flat=True)) == [recent_done.id]


@pytest.fixture(autouse=True)
def no_stray_consumers() -> Iterator[None]:
    before = {c.name for c in consumers}
    yield
    assert {c.name for c in consumers} == before
