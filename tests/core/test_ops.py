"""Health checks, Prometheus metrics and correlation ids in logs."""

from __future__ import annotations

import datetime
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.utils import timezone
from django_tasks import task

from moyeu.core.context import action_context
from moyeu.core.jobs import claim
from moyeu.core.jobs.runner import execute
from moyeu.core.logging import CorrelationFilter, JsonFormatter
from moyeu.core.middleware import CorrelationIdMiddleware
from moyeu.core.models import Job, OutboxEvent, WorkerHeartbeat
from moyeu.core.ops.metrics import HTTP_REGISTRY

pytestmark = pytest.mark.django_db

log = logging.getLogger("tests.ops")


@task()
def logging_task() -> None:
    log.info("inside the job")


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(CorrelationFilter())
    handler.setFormatter(JsonFormatter())
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        log.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def heartbeat(seconds_ago: float) -> None:
    seen = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(
        worker_id=f"w-{seconds_ago}", hostname="h", pid=1, started_at=seen, last_seen_at=seen
    )


def pending_event(seconds_ago: float) -> None:
    OutboxEvent.objects.create(
        type="contact.created",
        record_type="directory.contact",
        correlation_id="c",
        occurred_at=timezone.now() - datetime.timedelta(seconds=seconds_ago),
    )


# --- health --------------------------------------------------------------------------------


def test_live_answers_without_touching_the_database(
    client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/health/live")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/health/live").status_code == 405


def test_ready_when_database_worker_and_outbox_are_fine(client: Client, settings: Any) -> None:
    settings.MOYEU_WORKER_HEARTBEAT_STALE_SECONDS = 60
    settings.MOYEU_OUTBOX_READY_MAX_AGE_SECONDS = 300
    heartbeat(5)
    heartbeat(500)
    pending_event(100)
    response = client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True, "detail": "database answers"}
    worker = body["checks"]["worker"]
    assert (worker["ok"], worker["detail"], worker["max_age_seconds"]) == (
        True,
        "a worker is alive",
        60,
    )
    assert 5 <= worker["heartbeat_age_seconds"] < 7
    outbox = body["checks"]["outbox"]
    assert (outbox["ok"], outbox["max_age_seconds"]) == (True, 300)
    assert 100 <= outbox["oldest_pending_age_seconds"] < 102


def test_not_ready_without_any_worker(client: Client) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["worker"] == {
        "ok": False,
        "detail": "no worker has ever reported",
        "heartbeat_age_seconds": None,
        "max_age_seconds": 60,
    }
    assert body["checks"]["outbox"]["ok"] is True
    assert body["checks"]["outbox"]["oldest_pending_age_seconds"] is None


def test_not_ready_with_a_stale_heartbeat(client: Client) -> None:
    heartbeat(61)
    body = client.get("/health/ready").json()
    assert (body["checks"]["worker"]["ok"], body["checks"]["worker"]["detail"]) == (
        False,
        "no worker heartbeat is fresh",
    )


def test_not_ready_when_events_wait_too_long(client: Client, settings: Any) -> None:
    settings.MOYEU_OUTBOX_READY_MAX_AGE_SECONDS = 300
    heartbeat(1)
    pending_event(301)
    response = client.get("/health/ready")
    assert response.status_code == 503
    outbox = response.json()["checks"]["outbox"]
    assert (outbox["ok"], outbox["detail"]) == (False, "events are waiting too long for delivery")


def test_not_ready_without_database(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_cursor(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": {"ok": False, "detail": "database unreachable: OperationalError"},
        "worker": {"ok": False, "detail": "not checked: no database"},
        "outbox": {"ok": False, "detail": "not checked: no database"},
    }


# --- metrics -------------------------------------------------------------------------------


def sample(name: str, **labels: str) -> float:
    return HTTP_REGISTRY.get_sample_value(name, labels) or 0.0


def test_http_requests_are_counted_by_route_name_and_status(client: Client) -> None:
    live = {"method": "GET", "route": "ops:live", "status": "200"}
    before = sample("moyeu_http_requests_total", **live)
    before_latency = sample(
        "moyeu_http_request_duration_seconds_count", method="GET", route="ops:live"
    )
    before_404 = sample("moyeu_http_requests_total", method="GET", route="unmatched", status="404")
    before_405 = sample("moyeu_http_requests_total", method="POST", route="ops:live", status="405")
    client.get("/health/live")
    client.get("/health/live")
    client.post("/health/live")
    client.get("/no/such/page/12345")
    assert sample("moyeu_http_requests_total", **live) - before == 2
    assert (
        sample("moyeu_http_request_duration_seconds_count", method="GET", route="ops:live")
        - before_latency
        == 2
    )
    assert (
        sample("moyeu_http_requests_total", method="GET", route="unmatched", status="404")
        - before_404
        == 1
    )
    assert (
        sample("moyeu_http_requests_total", method="POST", route="ops:live", status="405")
        - before_405
        == 1
    )


def test_metrics_expose_jobs_outbox_and_workers(client: Client) -> None:
    logging_task.enqueue()
    logging_task.enqueue()
    job = claim.claim_next("w1", ["default"], 60)
    assert job is not None
    pending_event(120)
    heartbeat(30)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    text = response.content.decode()
    assert 'moyeu_jobs{queue="default",status="READY"} 1.0' in text
    assert 'moyeu_jobs{queue="default",status="RUNNING"} 1.0' in text
    assert 'moyeu_jobs{queue="imports",status="FAILED"} 0.0' in text
    assert 'moyeu_jobs_oldest_due_age_seconds{queue="exports"} 0.0' in text
    assert "moyeu_outbox_backlog 1.0" in text
    assert "moyeu_outbox_failing_events 0.0" in text
    assert "moyeu_http_requests_total{" in text
    assert "moyeu_http_request_duration_seconds_bucket{" in text
    values = {
        line.split(" ")[0]: float(line.split(" ")[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }
    assert 120 <= values["moyeu_outbox_oldest_pending_age_seconds"] < 122
    assert 30 <= values["moyeu_worker_heartbeat_age_seconds"] < 32


def test_metrics_without_any_worker_report_infinite_heartbeat_age(client: Client) -> None:
    text = client.get("/metrics").content.decode()
    assert "moyeu_worker_heartbeat_age_seconds +Inf" in text
    assert "moyeu_outbox_oldest_pending_age_seconds 0.0" in text


def test_metrics_token_is_required_when_set(client: Client, settings: Any) -> None:
    settings.MOYEU_METRICS_TOKEN = "s3cret-metrics-token"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="s3cret-metrics-token").status_code == 403
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")
    assert response.status_code == 200
    assert b"moyeu_outbox_backlog" in response.content


# --- logs ----------------------------------------------------------------------------------


def test_a_log_line_inside_a_request_carries_its_correlation_id(json_log: io.StringIO) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        log.info("inside the request")
        return HttpResponse("ok")

    request = HttpRequest()
    request.method = "GET"
    request.path = "/contacts/"
    request.META["HTTP_X_REQUEST_ID"] = "req-0123456789"
    response = CorrelationIdMiddleware(view)(request)
    assert response["X-Request-ID"] == "req-0123456789"
    (entry,) = lines(json_log)
    assert (entry["message"], entry["correlation_id"], entry["level"]) == (
        "inside the request",
        "req-0123456789",
        "INFO",
    )


def test_a_log_line_inside_a_job_carries_the_enqueuing_actions_id(json_log: io.StringIO) -> None:
    with action_context(correlation_id="corr-from-request-77"):
        logging_task.enqueue()
    job = claim.claim_next("w1", ["default"], 60)
    assert job is not None
    execute(job, "w1")
    (entry,) = [e for e in lines(json_log) if e["message"] == "inside the job"]
    assert entry["correlation_id"] == "corr-from-request-77"
    assert Job.objects.get(pk=job.pk).correlation_id == "corr-from-request-77"
