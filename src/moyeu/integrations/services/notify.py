"""Telling administrators: an e-mail to each active superuser with an address, and an in-app
notification through the activities module's notifications when it offers them."""

from __future__ import annotations

import importlib
import importlib.util
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import translation

from moyeu.core.context import Actor
from moyeu.integrations.services import alerts

logger = logging.getLogger(__name__)
NOTIFICATIONS = "moyeu.activities.services.notifications"


def _notifier() -> Any:
    try:
        if importlib.util.find_spec(NOTIFICATIONS) is None:
            return None
    except ModuleNotFoundError:
        return None
    return getattr(importlib.import_module(NOTIFICATIONS), "notify", None)


def alert_administrators(
    kind: str, subject_args: dict[str, str], body_args: dict[str, Any], url: str
) -> int:
    administrators = get_user_model().objects.filter(is_superuser=True, is_active=True)
    notify = _notifier()
    told = 0
    for user in administrators.order_by("pk"):
        language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            subject, body = alerts.message(kind, subject_args, body_args)
        if notify is not None:
            notify(user=user, title=subject[:300], url=url, email=False, actor=Actor.system("task"))
        if user.email:
            send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
        told += 1
    return told
