"""Prometheus metrics of webhooks, read from the database at scrape time (see core.ops)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from moyeu.integrations.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from moyeu.integrations.models.webhooks import OPEN_STATUSES


class IntegrationsCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        by_status = GaugeMetricFamily(
            "moyeu_webhook_deliveries",
            "Webhook deliveries kept (within the event retention), by status.",
            labels=["status"],
        )
        counts = dict.fromkeys(DeliveryStatus.values, 0)
        for row in WebhookDelivery.objects.values("status").annotate(n=Count("id")):
            counts[row["status"]] = row["n"]
        for status, n in sorted(counts.items()):
            by_status.add_metric([status], n)
        yield by_status
        oldest = WebhookDelivery.objects.filter(
            status__in=OPEN_STATUSES, due_at__lte=now, subscription__is_active=True
        ).aggregate(oldest=Min("due_at"))["oldest"]
        yield GaugeMetricFamily(
            "moyeu_webhook_oldest_due_age_seconds",
            "How long the oldest due webhook delivery has been waiting (0 when none).",
            value=0.0 if oldest is None else max(0.0, (now - oldest).total_seconds()),
        )
        failures = GaugeMetricFamily(
            "moyeu_webhook_subscription_consecutive_failures",
            "Failed attempts in a row since the last success, per subscription.",
            labels=["subscription", "name"],
        )
        dead = GaugeMetricFamily(
            "moyeu_webhook_subscription_dead_letters",
            "Dead-lettered deliveries waiting for a replay, per subscription.",
            labels=["subscription", "name"],
        )
        dead_counts = dict(
            WebhookDelivery.objects.filter(status=DeliveryStatus.DEAD)
            .values("subscription_id")
            .annotate(n=Count("id"))
            .values_list("subscription_id", "n")
        )
        for subscription in WebhookSubscription.objects.order_by("pk").only(
            "pk", "name", "consecutive_failures"
        ):
            labels = [str(subscription.pk), subscription.name]
            failures.add_metric(labels, subscription.consecutive_failures)
            dead.add_metric(labels, dead_counts.get(subscription.pk, 0))
        yield failures
        yield dead
