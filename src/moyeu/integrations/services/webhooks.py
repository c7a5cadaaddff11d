"""Webhook subscriptions: create, change, delete, rotate the secret.

Managing webhooks is an administration right: a superuser, or a role granting
``integrations`` / ``administer``. Every change is audited (``integrations.webhook.*``) and
emitted as an event (``webhook.*``, without the secret).
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from moyeu.core.registry import registry
from moyeu.core.services import audit, events
from moyeu.identity.access import can_module
from moyeu.integrations.http import OutboundError, validate_target
from moyeu.integrations.matching import type_matches
from moyeu.integrations.models import WebhookSubscription
from moyeu.integrations.signing import new_secret

RECORD_TYPE = "integrations.webhook"
EDITABLE = ("name", "url", "event_types", "filter", "is_active", "description")
PATTERN = re.compile(r"^[a-z0-9_.*?\[\]-]{1,100}$")
MAX_PATTERNS = 50
MAX_FILTER_FIELDS = 20
ROTATION_GRACE = datetime.timedelta(hours=24)
Scalar = (str, int, float, bool)


def require_administrator(actor: Actor) -> None:
    if not can_module(actor, "integrations", "administer"):
        raise PermissionDenied(_("Managing webhooks needs the integrations administration right."))


def _validate(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "name" in values and not str(values["name"] or "").strip():
        errors["name"] = [_("Give the webhook a name.")]
    elif "name" in values and len(str(values["name"])) > 200:
        errors["name"] = [_("At most 200 characters.")]
    if "url" in values:
        url = str(values["url"] or "").strip()
        if len(url) > 2000:
            errors["url"] = [_("At most 2000 characters.")]
        else:
            try:
                validate_target(url)
            except OutboundError as exc:
                errors["url"] = [str(exc)]
    if "event_types" in values:
        errors.update(_pattern_errors(values["event_types"]))
    if "filter" in values:
        errors.update(_filter_errors(values["filter"]))
    if "is_active" in values and not isinstance(values["is_active"], bool):
        errors["is_active"] = [_("Must be true or false.")]
    return errors


def _pattern_errors(patterns: Any) -> dict[str, list[str]]:
    if not isinstance(patterns, list) or not patterns:
        return {"event_types": [_("List at least one event type, e.g. contact.* or *.")]}
    if len(patterns) > MAX_PATTERNS:
        return {"event_types": [_("At most %(n)d event types.") % {"n": MAX_PATTERNS}]}
    declared = registry.event_types()
    errors: dict[str, list[str]] = {}
    for index, pattern in enumerate(patterns):
        key = f"event_types.{index}"
        if not isinstance(pattern, str) or not PATTERN.match(pattern):
            errors[key] = [_("Not an event type pattern: use letters, digits, '.', '_' and '*'.")]
        elif not any(type_matches([pattern], declared_type) for declared_type in declared):
            errors[key] = [_("No event type matches %(p)s.") % {"p": pattern}]
    return errors


def _filter_errors(conditions: Any) -> dict[str, list[str]]:
    if not isinstance(conditions, dict):
        return {"filter": [_("The filter is an object of field: value (or [values]).")]}
    if len(conditions) > MAX_FILTER_FIELDS:
        return {"filter": [_("At most %(n)d fields.") % {"n": MAX_FILTER_FIELDS}]}
    errors: dict[str, list[str]] = {}
    for path, wanted in conditions.items():
        choices = wanted if isinstance(wanted, list) else [wanted]
        if not path or len(path) > 100 or not re.match(r"^[A-Za-z0-9_.-]+$", path):
            errors[f"filter.{path}"] = [_("Not a field name.")]
        elif not choices or not all(c is None or isinstance(c, Scalar) for c in choices):
            errors[f"filter.{path}"] = [_("Give a value, or a non-empty list of values.")]
    return errors


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {k: v for k, v in values.items() if k in EDITABLE}
    for key in ("name", "url", "description"):
        if key in cleaned:
            cleaned[key] = str(cleaned[key] or "").strip()
    if "event_types" in cleaned:
        cleaned["event_types"] = list(dict.fromkeys(cleaned["event_types"]))
    return cleaned


def _payload(subscription: WebhookSubscription) -> dict[str, Any]:
    return {
        "id": str(subscription.pk),
        "name": subscription.name,
        "url": subscription.url,
        "event_types": subscription.event_types,
        "filter": subscription.filter,
        "is_active": subscription.is_active,
        "version": subscription.version,
    }


def _emit(code: str, subscription: WebhookSubscription, actor: Actor, **changes: Any) -> None:
    audit.record(subscription, f"integrations.webhook.{code}", actor, data=changes or None)
    events.emit(
        f"webhook.{code}",
        record_type=RECORD_TYPE,
        record=subscription,
        payload=_payload(subscription),
        actor=actor,
    )


def subscription_create(
    *, actor: Actor, values: Mapping[str, Any]
) -> tuple[WebhookSubscription, str]:
    """A new subscription and its secret (returned here only: show it once)."""
    require_administrator(actor)
    unknown = sorted(set(values) - set(EDITABLE))
    errors = {key: [_("Unknown field.")] for key in unknown}
    data = {"is_active": True, "filter": {}, "description": "", **_clean(values)}
    for required in ("name", "url", "event_types"):
        if required not in data:
            errors[required] = [_("This field is required.")]
    errors.update(_validate(data))
    if errors:
        raise ValidationFailed(errors)
    secret = new_secret()
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            **data, secret=secret, created_by=actor.user
        )
        _emit("created", subscription, actor)
    return subscription, secret


def _locked(subscription_id: uuid.UUID) -> WebhookSubscription:
    found = WebhookSubscription.objects.select_for_update().filter(pk=subscription_id).first()
    if found is None:
        raise NotFound(_("No such webhook."))
    return found


def _check_version(subscription: WebhookSubscription, expected: int | None) -> None:
    if expected is not None and expected != subscription.version:
        raise VersionConflict(
            _("This webhook was changed meanwhile; reload it."),
            current_version=subscription.version,
        )


def subscription_update(
    *,
    actor: Actor,
    subscription_id: uuid.UUID,
    values: Mapping[str, Any],
    expected_version: int | None = None,
) -> WebhookSubscription:
    require_administrator(actor)
    unknown = sorted(set(values) - set(EDITABLE))
    errors = {key: [_("Unknown field.")] for key in unknown}
    cleaned = _clean(values)
    errors.update(_validate(cleaned))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        subscription = _locked(subscription_id)
        _check_version(subscription, expected_version)
        changes = {
            key: (getattr(subscription, key), value)
            for key, value in cleaned.items()
            if getattr(subscription, key) != value
        }
        if not changes:
            return subscription
        for key, (_before, after) in changes.items():
            setattr(subscription, key, after)
        subscription.version += 1
        subscription.updated_at = timezone.now()
        subscription.save()
        audit.record(subscription, "integrations.webhook.updated", actor, changes=changes)
        events.emit(
            "webhook.updated",
            record_type=RECORD_TYPE,
            record=subscription,
            payload=_payload(subscription),
            actor=actor,
        )
    return subscription


def subscription_delete(
    *, actor: Actor, subscription_id: uuid.UUID, expected_version: int | None = None
) -> None:
    """Delete a subscription with its deliveries and attempts."""
    require_administrator(actor)
    with transaction.atomic():
        subscription = _locked(subscription_id)
        _check_version(subscription, expected_version)
        _emit("deleted", subscription, actor)
        subscription.delete()


def subscription_rotate_secret(
    *, actor: Actor, subscription_id: uuid.UUID, expected_version: int | None = None
) -> tuple[WebhookSubscription, str]:
    """A new secret; the old one still signs (a second signature) for 24 hours."""
    require_administrator(actor)
    secret = new_secret()
    now = timezone.now()
    with transaction.atomic():
        subscription = _locked(subscription_id)
        _check_version(subscription, expected_version)
        subscription.previous_secret = subscription.secret
        subscription.previous_secret_expires_at = now + ROTATION_GRACE
        subscription.secret = secret
        subscription.version += 1
        subscription.updated_at = now
        subscription.save()
        _emit(
            "secret_rotated",
            subscription,
            actor,
            previous_valid_until=subscription.previous_secret_expires_at.isoformat(),
        )
    return subscription, secret


def signing_secrets(
    subscription: WebhookSubscription, now: datetime.datetime | None = None
) -> list[str]:
    """The secrets that sign now: the current one, and the previous during its grace."""
    now = now or timezone.now()
    active = [subscription.secret]
    expires = subscription.previous_secret_expires_at
    if subscription.previous_secret and expires is not None and expires > now:
        active.append(subscription.previous_secret)
    return active
