"""Notices to a user from any module: in the notification list (with the badge) and, when
asked, by e-mail.

Other modules call :func:`notify` ("you were assigned lead X", "ticket T-12 breaches its SLA
in 30 minutes", "contract C-3 renewal due"). The notice is written in the caller's
transaction; the e-mail copy is sent by the worker after the commit, in the recipient's
language as rendered by the caller, and retried by the job's backoff if the mail server
fails. ``emailed_at`` is set once the server accepted it; like every e-mail of this module it
is claimed before it is sent (services/mailing.py).
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from moyeu.activities.models import Notification
from moyeu.activities.services import mailing
from moyeu.core.context import Actor, action_context
from moyeu.core.errors import ValidationFailed
from moyeu.identity.models import User

logger = logging.getLogger(__name__)
BATCH = 200


def notify(
    *,
    user: User,
    title: str,
    url: str = "",
    record_type: str = "",
    record_id: uuid.UUID | None = None,
    email: bool = True,
    actor: Actor,
) -> Notification | None:
    """Notify ``user``; None (nothing written) for an inactive user or a system account.

    ``title`` is shown as given: render it in the recipient's language
    (``translation.override(user.language)``) before calling.
    """
    if not title.strip():
        raise ValidationFailed({"title": ["A notification needs a title."]})
    if not user.is_active:
        return None
    notification = Notification.objects.create(
        user=user,
        title=title.strip()[:300],
        url=url[:500],
        record_type=record_type,
        record_id=record_id,
        email_wanted=email and bool(user.email),
    )
    if notification.email_wanted:
        from moyeu.activities.tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.enqueue())
    logger.info("notified %s by %s: %s", user.pk, actor.label, notification.title)
    return notification


def _email(notification: Notification) -> bool:
    """Send the notice's e-mail if no other worker is (services/mailing.py: claimed first,
    sent at least once, the same Message-ID at every try); whether this one sent it."""
    if not mailing.claim(
        Notification,
        notification.pk,
        sent_field="emailed_at",
        claim_field="email_claimed_until",
        now=timezone.now(),
    ):
        return False
    body = notification.title
    if notification.url:
        link = notification.url
        if link.startswith("/"):
            link = settings.PUBLIC_URL + link
        body += "\n\n" + link
    message = EmailMessage(
        subject=notification.title,
        body=body,
        to=[notification.user.email],
        headers={"Message-ID": mailing.message_id("notice", notification.pk)},
    )
    try:
        message.send()
    except Exception as exc:
        Notification.objects.filter(pk=notification.pk).update(
            email_error=str(exc)[:1000], email_claimed_until=None
        )
        raise
    Notification.objects.filter(pk=notification.pk).update(
        emailed_at=timezone.now(), email_error="", email_claimed_until=None
    )
    return True


def send_pending_emails() -> int:
    """E-mail every notice that asked for it and was not sent yet; raise if one failed."""
    sent = 0
    failed: Exception | None = None
    with action_context(channel="task"):
        pending = Notification.objects.filter(
            email_wanted=True, emailed_at__isnull=True, activity__isnull=True
        ).select_related("user")
        for notification in list(pending.order_by("created_at")[:BATCH]):
            try:
                sent += _email(notification)
            except Exception as exc:  # one bad address must not hold back the others
                logger.warning("notification e-mail %s failed: %s", notification.pk, exc)
                failed = exc
    if failed is not None:
        raise failed
    return sent
