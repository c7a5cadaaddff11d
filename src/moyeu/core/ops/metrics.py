"""Prometheus metrics: HTTP traffic counted per process, platform state read at scrape time.

- HTTP requests and latencies are counted where they happen, by ``MetricsMiddleware``. Under
  ``moyeu serve`` several gunicorn processes answer requests, so ``serve`` sets
  ``PROMETHEUS_MULTIPROC_DIR`` (under var/) before any process imports prometheus_client:
  each process writes its counters to memory-mapped files there and a scrape, whichever
  process answers it, adds them all up.
- Jobs, outbox backlog and worker heartbeats are shared state in the database: they are
  computed by a query at scrape time (:class:`PlatformCollector`), never kept in memory, so
  they are right whatever the number of processes and machines.
"""

from __future__ import annotations

import datetime
import logging
import os
from collections.abc import Iterable, Iterator

from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django_tasks import task_backends
from prometheus_client import CollectorRegistry, Counter, Histogram, values
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from moyeu.core.models import Job, JobStatus, OutboxEvent, WorkerHeartbeat

logger = logging.getLogger(__name__)

MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

if os.environ.get(MULTIPROCESS_VARIABLE) and values.ValueClass is values.MutexValue:
    logger.warning(
        "%s is set but prometheus_client was imported before it: metrics stay per process",
        MULTIPROCESS_VARIABLE,
    )

# HTTP metrics live in their own registry: in multiprocess mode they are read back from the
# files instead, and the default registry's process metrics would only describe one process.
HTTP_REGISTRY = CollectorRegistry()
HTTP_REQUESTS = Counter(
    "moyeu_http_requests",
    "HTTP requests answered, by method, route name and status code.",
    ["method", "route", "status"],
    registry=HTTP_REGISTRY,
)
HTTP_LATENCY = Histogram(
    "moyeu_http_request_duration_seconds",
    "Time to answer HTTP requests, by method and route name.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
    registry=HTTP_REGISTRY,
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_LATENCY.labels(method, route).observe(seconds)


def _known_queues() -> list[str]:
    queues: set[str] = set()
    for backend in task_backends.all():
        queues |= set(backend.queues)
    return sorted(queues)


class PlatformCollector(Collector):
    """Jobs, outbox and workers, counted in the database when Prometheus scrapes."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        yield from self._jobs(now)
        yield from self._outbox(now)
        yield from self._workers(now)

    def _jobs(self, now: datetime.datetime) -> Iterator[Metric]:
        jobs = GaugeMetricFamily(
            "moyeu_jobs", "Jobs by queue and status.", labels=["queue", "status"]
        )
        counts = {(q, s): 0 for q in _known_queues() for s in JobStatus.values}
        for row in Job.objects.values("queue_name", "status").annotate(n=Count("id")):
            counts[(row["queue_name"], row["status"])] = row["n"]
        for (queue, status), n in sorted(counts.items()):
            jobs.add_metric([queue, status], n)
        yield jobs
        waiting = GaugeMetricFamily(
            "moyeu_jobs_oldest_due_age_seconds",
            "How long the oldest job that may run now has been waiting, by queue.",
            labels=["queue"],
        )
        due = {q: 0.0 for q in _known_queues()}
        rows = (
            Job.objects.filter(status=JobStatus.READY, run_after__lte=now)
            .values("queue_name")
            .annotate(oldest=Min("run_after"))
        )
        for row in rows:
            due[row["queue_name"]] = max(0.0, (now - row["oldest"]).total_seconds())
        for queue, age in sorted(due.items()):
            waiting.add_metric([queue], age)
        yield waiting

    def _outbox(self, now: datetime.datetime) -> Iterator[Metric]:
        pending = OutboxEvent.objects.filter(dispatched_at__isnull=True).aggregate(
            backlog=Count("seq"),
            failing=Count("seq", filter=Q(attempts__gt=0)),
            oldest=Min("occurred_at"),
        )
        yield GaugeMetricFamily(
            "moyeu_outbox_backlog",
            "Events not yet delivered to every consumer.",
            value=pending["backlog"],
        )
        yield GaugeMetricFamily(
            "moyeu_outbox_failing_events",
            "Undelivered events whose delivery failed at least once.",
            value=pending["failing"],
        )
        oldest = pending["oldest"]
        yield GaugeMetricFamily(
            "moyeu_outbox_oldest_pending_age_seconds",
            "Age of the oldest undelivered event (0 when none).",
            value=0.0 if oldest is None else max(0.0, (now - oldest).total_seconds()),
        )

    def _workers(self, now: datetime.datetime) -> Iterator[Metric]:
        newest = WorkerHeartbeat.objects.aggregate(newest=Max("last_seen_at"))["newest"]
        yield GaugeMetricFamily(
            "moyeu_worker_heartbeat_age_seconds",
            "Seconds since the freshest worker heartbeat (+Inf when no worker ever reported).",
            value=float("inf") if newest is None else max(0.0, (now - newest).total_seconds()),
        )


class Scrape(Collector):
    """Everything one scrape exposes, from this process or from all of them."""

    def __init__(self, sources: Iterable[Collector]) -> None:
        self.sources = list(sources)

    def collect(self) -> Iterator[Metric]:
        for source in self.sources:
            yield from source.collect()


# Collectors of modules (webhook deliveries...), read at scrape time like the platform's.
_module_collectors: list[Collector] = []


def register_collector(collector: Collector) -> None:
    """Add a module's collector to every scrape (call it from ``AppConfig.ready``)."""
    if not any(type(c) is type(collector) for c in _module_collectors):
        _module_collectors.append(collector)


def scrape() -> Scrape:
    directory = os.environ.get(MULTIPROCESS_VARIABLE)
    http: Collector = HTTP_REGISTRY
    if directory:
        http = MultiProcessCollector(None, directory)  # type: ignore[no-untyped-call]
    return Scrape([http, PlatformCollector(), *_module_collectors])
