"""Alerts to administrators: dead-lettered deliveries and a stalled outbox.

An alert is an e-mail to every active superuser with an address, sent by a job enqueued in
the transaction that found the problem (so it is sent once that commits, and retried if the
mail server is down), and an in-app notification where the notifications seam exists.
Each kind of alert is sent at most once an hour per subject (a dead-lettering subscription,
the outbox), so a receiver down for days does not flood anyone.
"""

from __future__ import annotations

import datetime
import secrets
import uuid

from django.utils.translation import gettext as _

from moyeu.core.jobs import leases

ALERT_EVERY = datetime.timedelta(hours=1)


def _first_in_the_hour(key: str) -> bool:
    # A fresh holder name never "already holds" the lease: this only succeeds when the
    # previous alert's hour-long lease is free or expired.
    return leases.acquire(f"alert:{key}", secrets.token_hex(8), ALERT_EVERY.total_seconds())


def dead_letters(counts: dict[uuid.UUID, int], now: datetime.datetime) -> None:
    """Deliveries of these subscriptions were just dead-lettered (inside that transaction)."""
    from moyeu.integrations.models import WebhookSubscription
    from moyeu.integrations.tasks import send_admin_alert

    names = dict(WebhookSubscription.objects.filter(pk__in=list(counts)).values_list("pk", "name"))
    for subscription_id, count in sorted(counts.items(), key=lambda item: str(item[0])):
        if not _first_in_the_hour(f"dead:{subscription_id}"):
            continue
        send_admin_alert.enqueue(
            kind="dead_letters",
            subject_args={"name": names.get(subscription_id, str(subscription_id))},
            body_args={"count": count, "subscription": str(subscription_id)},
            url=f"/integrations/webhooks/{subscription_id}/?status=dead",
        )


def outbox_stalled(age_seconds: float, backlog: int) -> bool:
    """The outbox's oldest undelivered event is too old; alert (once an hour)."""
    from moyeu.integrations.tasks import send_admin_alert

    if not _first_in_the_hour("outbox-stalled"):
        return False
    send_admin_alert.enqueue(
        kind="outbox_stalled",
        subject_args={},
        body_args={"age": int(age_seconds), "backlog": backlog},
        url="/integrations/webhooks/",
    )
    return True


def deliveries_stalled(age_seconds: float, due: int) -> bool:
    """Due webhook deliveries wait too long for a sender; alert (once an hour)."""
    from moyeu.integrations.tasks import send_admin_alert

    if not _first_in_the_hour("deliveries-stalled"):
        return False
    send_admin_alert.enqueue(
        kind="deliveries_stalled",
        subject_args={},
        body_args={"age": int(age_seconds), "due": due},
        url="/integrations/webhooks/",
    )
    return True


def message(
    kind: str, subject_args: dict[str, str], body_args: dict[str, object]
) -> tuple[str, str]:
    """Subject and body of an alert, in the current language."""
    if kind == "dead_letters":
        return (
            _("Moyeu: webhook deliveries dead-lettered for %(name)s") % subject_args,
            _(
                "%(count)s deliveries of the webhook %(subscription)s failed on every retry "
                "and were dead-lettered. Fix the receiver, then replay them from the "
                "integration console."
            )
            % body_args,
        )
    if kind == "outbox_stalled":
        return (
            _("Moyeu: events are not being delivered"),
            _(
                "The oldest undelivered event is %(age)s seconds old (%(backlog)s waiting). "
                "Check that a worker is running and look at its log."
            )
            % body_args,
        )
    return (
        _("Moyeu: webhook deliveries are waiting"),
        _(
            "%(due)s webhook deliveries are due, the oldest for %(age)s seconds. Check that "
            "a worker is running."
        )
        % body_args,
    )
